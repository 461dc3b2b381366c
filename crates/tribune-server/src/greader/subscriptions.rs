//! The user's subscriptions: `subscription/list`, `subscription/edit`,
//! `subscription/quickadd`, `tag/list`, `unread-count` and `user-info`.
//!
//! Sources are the desk's, shared by every user; a subscription is the
//! user's follow of one. Subscribing to a URL no source has yet adds the
//! source the way the API does (the URL normalised, fetched once through
//! the fetch guard to find its feed) and then follows it; unsubscribing
//! only ends the user's follow. Labels are the sources' categories.
//! Renaming or moving a source would change it for everyone, so `edit`
//! with a title or a label is refused.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tribune_ingest::discover::find_feed;
use tribune_ingest::fetch::{FetchError, normalize_url};
use tribune_store::{Follow, NewSource, Source};

use super::auth::{Call, text};
use super::ids::{READING_LIST, STARRED, StreamId, label_id};
use super::items::source_title;
use super::stream::{followed_sources, resolve_source};
use crate::accounts::validate;
use crate::{AppState, Error};

/// An error of subscribing: the client's or the store's, or the far end's
/// (a URL that could not be fetched), which is a 502.
pub(crate) enum Failure {
    /// Answered as the error says.
    App(Error),
    /// The URL could not be fetched.
    Upstream(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::App(error)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::App(error) => error.into_response(),
            Failure::Upstream(message) => (StatusCode::BAD_GATEWAY, message).into_response(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionJson {
    id: String,
    title: String,
    categories: Vec<CategoryJson>,
    url: String,
    html_url: String,
    icon_url: String,
}

#[derive(Serialize)]
struct CategoryJson {
    id: String,
    label: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct SubscriptionsJson {
    subscriptions: Vec<SubscriptionJson>,
}

/// `GET /reader/api/0/subscription/list`: the sources the user follows,
/// as `feed/<source id>`.
pub(crate) async fn list(State(state): State<AppState>, call: Call) -> Result<Response, Error> {
    let user = call.user.id;
    let sources = state
        .blocking(move |store| followed_sources(store, user))
        .await?;
    let subscriptions = sources
        .into_iter()
        .map(|source| SubscriptionJson {
            id: StreamId::Source(source.id).to_id(),
            title: source_title(&source),
            categories: category(&source).into_iter().collect(),
            html_url: source.site_url.clone().unwrap_or_default(),
            url: source.url,
            icon_url: String::new(),
        })
        .collect();
    Ok(Json(SubscriptionsJson { subscriptions }).into_response())
}

fn category(source: &Source) -> Option<CategoryJson> {
    let label = source.category.as_deref()?.trim();
    (!label.is_empty()).then(|| CategoryJson {
        id: label_id(label),
        label: label.to_string(),
        kind: "folder",
    })
}

/// `POST /reader/api/0/subscription/edit`: `ac=subscribe|unsubscribe|edit`
/// for each `s=feed/…` (with `t=` titles and an `a=` label for new
/// sources).
pub(crate) async fn edit(State(state): State<AppState>, call: Call) -> Result<Response, Failure> {
    let streams = call
        .params
        .all("s")
        .filter(|s| !s.trim().is_empty())
        .map(StreamId::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if streams.is_empty() {
        return Err(Error::BadRequest("no stream named (`s=`)".into()).into());
    }
    let titles: Vec<String> = call.params.all("t").map(str::to_owned).collect();
    let label = match call.params.get("a").map(StreamId::parse).transpose()? {
        Some(StreamId::Label(label)) => given(label, "label")?,
        Some(other) => {
            return Err(Error::BadRequest(format!("`{}` is not a label", other.to_id())).into());
        }
        None => None,
    };
    let user = call.user.id;
    match call.params.get("ac").unwrap_or("") {
        "subscribe" => {
            // Checked before any is added: the call adds all or nothing.
            let titles = titles
                .into_iter()
                .map(|title| given(title, "title"))
                .collect::<Result<Vec<_>, _>>()?;
            for (i, stream) in streams.into_iter().enumerate() {
                let title = titles.get(i).cloned().flatten();
                let source = subscribe_to(&state, stream, title, label.clone()).await?;
                follow(&state, user, source.id).await?;
            }
        }
        "unsubscribe" => {
            for stream in streams {
                let found = state
                    .blocking(move |store| resolve_source(store, &stream))
                    .await?;
                // Unsubscribing from what one does not follow leaves the
                // user where they wanted to be.
                if let Some(source) = found {
                    state
                        .blocking(move |store| {
                            Ok(store
                                .subscriptions()
                                .unfollow(user, &Follow::Source(source.id))?)
                        })
                        .await?;
                    tracing::info!(user, source = source.id, "unsubscribed (Google Reader API)");
                }
            }
        }
        "edit" => {
            if !titles.iter().all(|t| t.trim().is_empty()) || label.is_some() {
                return Err(Error::BadRequest(
                    "Sources are shared by everyone on this desk: they cannot be renamed or \
                     moved to another folder from a reader app."
                        .into(),
                )
                .into());
            }
        }
        other => {
            return Err(Error::BadRequest(format!("unknown action `ac={other}`")).into());
        }
    }
    Ok(text("OK".into()))
}

/// A title or label given for a new source: none if blank, else checked
/// (sources are shared, so it shows on everyone's pages and feeds).
fn given(text: String, what: &str) -> Result<Option<String>, Error> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    validate::title(&text, what).map(Some)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QuickAddJson {
    num_results: u32,
    query: String,
    stream_id: String,
    stream_name: String,
}

/// `POST /reader/api/0/subscription/quickadd?quickadd=<url>`: follows the
/// feed the URL is or announces.
pub(crate) async fn quickadd(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, Failure> {
    let url = call
        .params
        .get("quickadd")
        .ok_or_else(|| Error::BadRequest("no URL given (`quickadd=`)".into()))?;
    let url = url.strip_prefix("feed/").unwrap_or(url).to_string();
    let source = subscribe_to(&state, StreamId::FeedUrl(url), None, None).await?;
    follow(&state, call.user.id, source.id).await?;
    Ok(Json(QuickAddJson {
        num_results: 1,
        query: source.url.clone(),
        stream_id: StreamId::Source(source.id).to_id(),
        stream_name: source_title(&source),
    })
    .into_response())
}

/// The source `stream` names, added first if it names a URL no source
/// has.
async fn subscribe_to(
    state: &AppState,
    stream: StreamId,
    title: Option<String>,
    category: Option<String>,
) -> Result<Source, Failure> {
    let raw = match stream {
        StreamId::Source(id) => {
            return state
                .blocking(move |store| Ok(store.source(id)?))
                .await?
                .ok_or_else(|| Error::NotFound(format!("no feed {id}")).into());
        }
        StreamId::FeedUrl(url) => url,
        other => {
            return Err(Error::BadRequest(format!(
                "`{}` is not a feed to subscribe to",
                other.to_id()
            ))
            .into());
        }
    };
    let url = normalize_url(&raw).map_err(|err| Error::BadRequest(err.to_string()))?;
    let lookup = url.clone();
    if let Some(known) = state
        .blocking(move |store| Ok(store.source_by_url(&lookup)?))
        .await?
    {
        return Ok(known);
    }
    // Fetched through the guard: no address inside the network.
    let found = find_feed(state.fetcher(), &url)
        .await
        .map_err(fetch_failure)?;
    let source = NewSource {
        url: found.url,
        title: title.or(found.title),
        site_url: found.site_url,
        category: category.filter(|c| !c.trim().is_empty()),
    };
    let (stored, added) = state
        .blocking(move |store| Ok(store.add_source(&source)?))
        .await?;
    if added {
        tracing::info!(source = stored.id, url = %stored.url, "source added (Google Reader API)");
        state.poll_soon();
    }
    Ok(stored)
}

async fn follow(state: &AppState, user: i64, source: i64) -> Result<(), Error> {
    state
        .blocking(move |store| {
            store
                .subscriptions()
                .follow(user, &Follow::Source(source))?;
            Ok(())
        })
        .await?;
    tracing::info!(user, source, "subscribed (Google Reader API)");
    Ok(())
}

/// A failed discovery fetch: the client's mistakes (a URL that cannot be
/// fetched, an address inside the network) are 400s, the far end's 502s.
fn fetch_failure(error: FetchError) -> Failure {
    let message = error.to_string();
    match error {
        FetchError::InvalidUrl { .. } | FetchError::Refused(_) => {
            Failure::App(Error::BadRequest(message))
        }
        FetchError::Client { .. } => Failure::App(Error::Internal(message)),
        _ => Failure::Upstream(message),
    }
}

#[derive(Serialize)]
struct TagJson {
    id: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

#[derive(Serialize)]
struct TagsJson {
    tags: Vec<TagJson>,
}

/// `GET /reader/api/0/tag/list`: "starred", and the labels of the
/// followed sources as folders.
pub(crate) async fn tags(State(state): State<AppState>, call: Call) -> Result<Response, Error> {
    let user = call.user.id;
    let sources = state
        .blocking(move |store| followed_sources(store, user))
        .await?;
    let mut tags = vec![TagJson {
        id: STARRED.into(),
        kind: None,
    }];
    let mut labels: Vec<String> = sources
        .iter()
        .filter_map(category)
        .map(|category| category.id)
        .collect();
    labels.sort();
    labels.dedup();
    tags.extend(labels.into_iter().map(|id| TagJson {
        id,
        kind: Some("folder"),
    }));
    Ok(Json(TagsJson { tags }).into_response())
}

#[derive(Serialize)]
struct UnreadJson {
    id: String,
    count: u64,
}

#[derive(Serialize)]
struct UnreadCountsJson {
    max: u64,
    unreadcounts: Vec<UnreadJson>,
}

/// `GET /reader/api/0/unread-count`: per followed source, per label, and
/// the reading list's total.
pub(crate) async fn unread_count(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, Error> {
    let user = call.user.id;
    let (counts, sources) = state
        .blocking(move |store| {
            Ok((
                store.subscriptions().unread_counts(user)?,
                followed_sources(store, user)?,
            ))
        })
        .await?;
    let mut labels: BTreeMap<String, u64> = BTreeMap::new();
    let mut unread = Vec::new();
    let mut total = 0;
    for (source, count) in counts {
        total += count;
        if let Some(label) = sources.iter().find(|s| s.id == source).and_then(category) {
            *labels.entry(label.id).or_default() += count;
        }
        unread.push(UnreadJson {
            id: StreamId::Source(source).to_id(),
            count,
        });
    }
    unread.extend(
        labels
            .into_iter()
            .map(|(id, count)| UnreadJson { id, count }),
    );
    unread.push(UnreadJson {
        id: READING_LIST.into(),
        count: total,
    });
    Ok(Json(UnreadCountsJson {
        max: total,
        unreadcounts: unread,
    })
    .into_response())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserInfoJson {
    user_id: String,
    user_name: String,
    user_profile_id: String,
    user_email: String,
}

/// `GET /reader/api/0/user-info`.
pub(crate) async fn user_info(call: Call) -> Response {
    Json(UserInfoJson {
        user_id: call.user.id.to_string(),
        user_name: call.user.name.clone(),
        user_profile_id: call.user.id.to_string(),
        user_email: call.user.name,
    })
    .into_response()
}
