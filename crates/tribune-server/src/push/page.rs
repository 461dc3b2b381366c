//! `/account/webhooks`: the signed-in user's webhooks and channels, a form
//! to add one (its secret shown once, on the answer to the form), delete
//! buttons, and the delivery log with status, attempts, the last answer or
//! error, and dead letters.
//!
//! Forms carry the session's CSRF token and must come from this site;
//! deleting answers with a redirect back (Post/Redirect/Get). A visitor
//! who is not signed in is sent to the log-in page.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use tribune_store::{Delivery, DeliveryStatus, EventKind, Webhook};

use super::{SinkRefused, describe, register};
use crate::accounts::{CurrentUser, MaybeUser};
use crate::pages::{PageError, PageResult, machine_time, page, same_origin, see_other, when};
use crate::{AppState, Error};

/// The path of the page.
const PATH: &str = "/account/webhooks";

/// How many deliveries the log shows.
const LOG_ROWS: usize = 100;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(create))
        .route("/account/webhooks/{id}/delete", post(remove))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
}

/// One sink as listed.
struct SinkRow {
    id: i64,
    url: String,
    kind: &'static str,
    events: Vec<&'static str>,
    created: String,
    created_iso: String,
}

/// One delivery as logged.
struct DeliveryRow {
    created: String,
    created_iso: String,
    event: &'static str,
    key: String,
    url: String,
    status: &'static str,
    /// ok, failing or broken, for the colour.
    status_class: &'static str,
    attempts: u32,
    last_status: Option<u16>,
    last_error: Option<String>,
    next: String,
}

/// A sink just added, with its secret.
struct Created {
    url: String,
    kind: &'static str,
    secret: String,
}

/// An event's checkbox.
struct EventChoice {
    field: &'static str,
    name: &'static str,
    description: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    title: String,
    user_name: String,
    csrf: String,
    sinks: Vec<SinkRow>,
    deliveries: Vec<DeliveryRow>,
    /// The sink whose log is shown, if one is chosen.
    log_of: Option<String>,
    max_attempts: u32,
    created: Option<Created>,
    message: Option<String>,
    error: Option<String>,
    /// The form's values, kept after a failure.
    url: String,
    kind: String,
    event_choices: Vec<EventChoice>,
}

/// The form field of each event's checkbox.
fn field_of(event: EventKind) -> &'static str {
    match event {
        EventKind::SavedSearch => "event_saved_search",
        EventKind::FollowedStory => "event_followed_story",
        EventKind::FollowedEntity => "event_followed_entity",
    }
}

#[derive(Debug, Default, Deserialize)]
struct ShowParams {
    /// Show this sink's log only.
    webhook: Option<String>,
    /// A sink was deleted.
    deleted: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    kind: String,
    event_saved_search: Option<String>,
    event_followed_story: Option<String>,
    event_followed_entity: Option<String>,
}

impl CreateForm {
    fn events(&self) -> Vec<EventKind> {
        EventKind::ALL
            .into_iter()
            .filter(|&event| {
                match event {
                    EventKind::SavedSearch => &self.event_saved_search,
                    EventKind::FollowedStory => &self.event_followed_story,
                    EventKind::FollowedEntity => &self.event_followed_entity,
                }
                .is_some()
            })
            .collect()
    }
}

#[derive(Debug, Deserialize)]
struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// Sends a visitor to the log-in page, to come back here.
fn sign_in_first() -> Response {
    see_other("/login?next=%2Faccount%2Fwebhooks")
}

async fn show(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(params): Query<ShowParams>,
) -> PageResult {
    let Some(user) = user else {
        return Ok(sign_in_first());
    };
    // A malformed or foreign id shows every sink's log, not an error.
    let chosen = params
        .webhook
        .as_deref()
        .and_then(|v| v.parse::<i64>().ok());
    let message = params
        .deleted
        .is_some()
        .then(|| "Deleted, with its queued deliveries.".to_string());
    let mut view = load(&state, &user, chosen).await?;
    view.message = message;
    Ok(page(StatusCode::OK, &view))
}

async fn create(
    State(state): State<AppState>,
    user: Result<CurrentUser, Error>,
    headers: HeaderMap,
    Form(form): Form<CreateForm>,
) -> PageResult {
    let Ok(user) = user else {
        return Ok(sign_in_first());
    };
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let events: Vec<String> = form
        .events()
        .iter()
        .map(|e| e.as_str().to_string())
        .collect();
    let kind = if form.kind.is_empty() {
        "webhook".to_string()
    } else {
        form.kind.clone()
    };
    match register(&state, user.user.id, &form.url, &kind, &events).await {
        Ok(webhook) => {
            let mut view = load(&state, &user, None).await?;
            view.created = Some(Created {
                url: webhook.url.clone(),
                kind: webhook.kind.as_str(),
                secret: webhook.secret,
            });
            view.message = Some("Added. Deliveries start with the next news.".into());
            Ok(page(StatusCode::OK, &view))
        }
        Err(SinkRefused::Server(error)) => Err(PageError(error)),
        Err(refused) => {
            let mut view = load(&state, &user, None).await?;
            view.error = Some(refused.to_string());
            view.url = form.url.chars().take(2048).collect();
            view.kind = if form.kind == "channel" {
                "channel".into()
            } else {
                "webhook".into()
            };
            let chosen = form.events();
            for choice in &mut view.event_choices {
                choice.checked = chosen.iter().any(|e| e.as_str() == choice.name);
            }
            Ok(page(StatusCode::BAD_REQUEST, &view))
        }
    }
}

async fn remove(
    State(state): State<AppState>,
    user: Result<CurrentUser, Error>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<DeleteForm>,
) -> PageResult {
    let Ok(user) = user else {
        return Ok(sign_in_first());
    };
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let not_found = || {
        PageError(Error::NotFound(
            "You have no webhook with this number.".into(),
        ))
    };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let owner = user.user.id;
    let removed = state
        .blocking(move |store| Ok(store.push().delete_webhook(owner, id)?))
        .await?;
    if !removed {
        return Err(not_found());
    }
    tracing::info!(user = owner, webhook = id, "webhook deleted");
    Ok(see_other("/account/webhooks?deleted=1"))
}

/// The page's data for `user`, the log of sink `chosen` if it is theirs.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    chosen: Option<i64>,
) -> Result<WebhooksPage, PageError> {
    let owner = user.user.id;
    let (sinks, deliveries) = state
        .blocking(move |store| {
            let sinks = store.push().webhooks(owner)?;
            let chosen = chosen.filter(|id| sinks.iter().any(|s| s.id == *id));
            let deliveries = store.push().deliveries(owner, chosen, LOG_ROWS)?;
            Ok((sinks, (chosen, deliveries)))
        })
        .await?;
    let (chosen, deliveries) = deliveries;
    let log_of = chosen.and_then(|id| sinks.iter().find(|s| s.id == id).map(|s| s.url.clone()));
    Ok(WebhooksPage {
        title: "Webhooks and channels".into(),
        user_name: user.user.name.clone(),
        csrf: user.csrf_token().to_string(),
        sinks: sinks.into_iter().map(sink_row).collect(),
        deliveries: deliveries.into_iter().map(delivery_row).collect(),
        log_of,
        max_attempts: super::RetryPolicy::default().attempts,
        created: None,
        message: None,
        error: None,
        url: String::new(),
        kind: "webhook".into(),
        event_choices: EventKind::ALL
            .into_iter()
            .map(|event| EventChoice {
                field: field_of(event),
                name: event.as_str(),
                description: describe(event),
                checked: true,
            })
            .collect(),
    })
}

fn sink_row(webhook: Webhook) -> SinkRow {
    SinkRow {
        id: webhook.id,
        url: webhook.url,
        kind: webhook.kind.as_str(),
        events: webhook.events.iter().map(|e| describe(*e)).collect(),
        created: when(webhook.created_at),
        created_iso: machine_time(webhook.created_at),
    }
}

fn delivery_row(delivery: Delivery) -> DeliveryRow {
    let (status_class, next) = match delivery.status {
        DeliveryStatus::Delivered => (
            "ok",
            delivery
                .delivered_at
                .map(|at| format!("delivered {}", when(at)))
                .unwrap_or_else(|| "delivered".into()),
        ),
        DeliveryStatus::Pending => (
            if delivery.attempts == 0 {
                "new"
            } else {
                "failing"
            },
            format!("next try {}", when(delivery.next_attempt_at)),
        ),
        DeliveryStatus::Dead => ("broken", "given up (dead letter)".into()),
    };
    DeliveryRow {
        created: when(delivery.created_at),
        created_iso: machine_time(delivery.created_at),
        event: delivery.event.as_str(),
        key: delivery.event_key,
        url: delivery.webhook.url,
        status: delivery.status.as_str(),
        status_class,
        attempts: delivery.attempts,
        last_status: delivery.last_status,
        last_error: delivery.last_error,
        next,
    }
}
