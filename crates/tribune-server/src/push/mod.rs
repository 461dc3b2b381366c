//! Push: each user's webhooks and channel sinks, told of new stories
//! matching their saved searches, new articles in stories they follow and
//! new quotes by people they follow.
//!
//! - [`events`] turns stored news into deliveries (queued in the store, so
//!   they survive a restart);
//! - [`dispatcher`] sends them, signed ([`sign`]), retrying with back-off
//!   ([`retry`]) until delivered or dead;
//! - `api` and `page` let users manage their sinks and read the delivery
//!   log: `/api/v1/me/webhooks` and `/account/webhooks`.
//!
//! Webhook URLs are user input, so every delivery goes through the
//! fetcher's address guard (no loopback or private addresses unless the
//! operator allows them), and no redirect is followed.

mod api;
pub mod dispatcher;
pub mod events;
mod page;
pub mod query;
pub mod retry;
pub mod sign;

use axum::Router;
use tribune_ingest::fetch::{FetchError, normalize_url};
use tribune_store::{EventKind, NewWebhook, SinkKind, Webhook};

pub use dispatcher::{DispatchConfig, DispatchError, Dispatcher, Sent};
pub use events::{Built, EventConfig};
pub use retry::RetryPolicy;

use crate::{AppState, Error};

/// How many sinks one user may have.
pub const MAX_SINKS_PER_USER: usize = 20;

/// The longest webhook URL accepted.
const MAX_URL_LEN: usize = 2048;

/// The routes of push: the JSON API under `/api/v1/me/webhooks` and the
/// page `/account/webhooks`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .nest("/api/v1/me/webhooks", api::routes())
        .merge(page::routes())
}

/// Why a sink could not be registered; each says what to fix.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SinkRefused {
    /// The URL is not an http(s) URL.
    #[error("{0}")]
    InvalidUrl(String),
    /// The URL points inside the network.
    #[error("{0}")]
    RefusedAddress(String),
    /// Another field is wrong.
    #[error("{0}")]
    Invalid(String),
    /// The user has as many sinks as allowed.
    #[error("You have {MAX_SINKS_PER_USER} webhooks and channels already; delete one first.")]
    TooMany,
    /// The store failed.
    #[error(transparent)]
    Server(#[from] Error),
}

/// Checks and registers a sink for `user` (its secret is in the answer,
/// to be shown this once): the URL must be http(s), at
/// most 2048 bytes, and not an address the guard refuses; the kind
/// `webhook` or `channel`; at least one event, each known.
pub(crate) async fn register(
    state: &AppState,
    user: i64,
    url: &str,
    kind: &str,
    events: &[String],
) -> Result<Webhook, SinkRefused> {
    let url = url.trim();
    if url.len() > MAX_URL_LEN {
        return Err(SinkRefused::InvalidUrl(format!(
            "The URL is longer than {MAX_URL_LEN} bytes."
        )));
    }
    let url = normalize_url(url).map_err(|e| SinkRefused::InvalidUrl(e.to_string()))?;
    match state.fetcher().check_url(&url) {
        Ok(()) => {}
        Err(FetchError::Refused(refused)) => {
            return Err(SinkRefused::RefusedAddress(refused.to_string()));
        }
        Err(other) => return Err(SinkRefused::InvalidUrl(other.to_string())),
    }
    let kind = SinkKind::parse(kind.trim()).ok_or_else(|| {
        SinkRefused::Invalid("The kind must be \"webhook\" or \"channel\".".into())
    })?;
    let mut chosen: Vec<EventKind> = Vec::new();
    for name in events {
        let event = EventKind::parse(name.trim()).ok_or_else(|| {
            SinkRefused::Invalid(format!(
                "Unknown event {:?}; the events are {}.",
                name.chars().take(64).collect::<String>(),
                event_names()
            ))
        })?;
        if !chosen.contains(&event) {
            chosen.push(event);
        }
    }
    if chosen.is_empty() {
        return Err(SinkRefused::Invalid(format!(
            "Choose at least one event: {}.",
            event_names()
        )));
    }
    let secret = crate::secrets::new_secret();
    let webhook = state
        .blocking(move |store| {
            if store.push().webhooks(user)?.len() >= MAX_SINKS_PER_USER {
                return Ok(None);
            }
            let webhook = store.push().create_webhook(
                user,
                &NewWebhook {
                    url: &url,
                    secret: &secret,
                    kind,
                    events: &chosen,
                },
            )?;
            Ok(Some(webhook))
        })
        .await?
        .ok_or(SinkRefused::TooMany)?;
    tracing::info!(
        user,
        webhook = webhook.id,
        kind = kind.as_str(),
        "webhook registered"
    );
    Ok(webhook)
}

/// The event names, for messages.
fn event_names() -> String {
    EventKind::ALL
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an event means, for people.
pub(crate) fn describe(event: EventKind) -> &'static str {
    match event {
        EventKind::SavedSearch => "a new story matches a saved search",
        EventKind::FollowedStory => "a followed story has a new article",
        EventKind::FollowedEntity => "a followed person is quoted",
    }
}

#[cfg(test)]
mod tests;
