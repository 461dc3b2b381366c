//! `/sources`: the feeds and pages Tribune polls, in the shape of `tribune
//! source list --format json`; adding one finds its feed like `tribune
//! source add`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tribune_ingest::discover::find_feed;
use tribune_ingest::fetch::{FetchError, normalize_url};
use tribune_ingest::schedule;
use tribune_store::{Follow, NewSource, Source};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::extract::{self, Path, Query};
use super::me::MaybeApiUser;
use super::params::{PageRequest, Pagination};
use crate::AppState;
use crate::accounts::policy::{self, SourceChange};
use crate::accounts::validate;

/// The query of `GET /sources`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SourcesQuery {
    /// Sources per page, 1 to 100 (default 20).
    limit: Option<usize>,
    /// Sources to skip.
    offset: Option<usize>,
}

/// A source as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceJson {
    /// The source's id.
    pub id: i64,
    /// The feed's (or page's) URL.
    pub url: String,
    /// Its name: the user's, or the feed's own title.
    pub title: Option<String>,
    /// The site it belongs to.
    pub site_url: Option<String>,
    /// A folder or category.
    pub category: Option<String>,
    /// `new` (never polled), `ok`, `failing` or `broken` (too many
    /// failures in a row).
    pub status: String,
    /// How many stored articles came from it.
    pub articles: i64,
    /// Failures in a row since the last success.
    pub error_count: i64,
    /// The last failure, if the last poll failed.
    pub last_error: Option<String>,
    /// The HTTP status of the last response.
    pub last_status: Option<u16>,
    /// When it was last polled.
    pub polled_at: Option<DateTime<Utc>>,
    /// When it was last polled successfully.
    pub succeeded_at: Option<DateTime<Utc>>,
    /// When it is next due.
    pub next_poll_at: DateTime<Utc>,
    /// The polling interval last chosen, in seconds.
    pub interval_secs: i64,
}

/// A page of sources, in the order they were added.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceList {
    /// The sources.
    pub sources: Vec<SourceJson>,
    /// Where this page sits.
    #[serde(flatten)]
    pub page: Pagination,
}

/// The body of `POST /sources`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddSource {
    /// A feed's URL, or a site's: the feed the page announces is followed,
    /// else the page itself is polled.
    #[schema(example = "https://www.theguardian.com/world")]
    pub url: String,
    /// A name for it (default: the feed's own title); at most 300
    /// characters, no control characters.
    pub title: Option<String>,
    /// A folder or category; at most 300 characters, no control
    /// characters.
    pub category: Option<String>,
    /// Fetch the URL to find its feed (default `true`); `false` adds it as
    /// given.
    pub discover: Option<bool>,
}

fn source_json(s: Source) -> SourceJson {
    SourceJson {
        status: schedule::status(&s).to_string(),
        id: s.id,
        url: s.url,
        title: s.title,
        site_url: s.site_url,
        category: s.category,
        articles: s.article_count,
        error_count: s.error_count,
        last_error: s.last_error,
        last_status: s.last_status,
        polled_at: s.polled_at,
        succeeded_at: s.succeeded_at,
        next_poll_at: s.next_poll_at,
        interval_secs: s.interval_secs,
    }
}

/// The sources Tribune polls.
#[utoipa::path(
    get,
    path = "/api/v1/sources",
    tag = "sources",
    params(SourcesQuery),
    responses(
        (status = 200, description = "A page of sources", body = SourceList),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<SourcesQuery>,
) -> Result<Json<SourceList>, ApiError> {
    let page = PageRequest::new(query.limit, query.offset)?;
    // Sources number in the hundreds at most: paged in memory.
    let sources = state.blocking(|store| Ok(store.sources()?)).await?;
    let mut sources: Vec<Source> = sources
        .into_iter()
        .skip(page.offset)
        .take(page.fetch())
        .collect();
    let page = page.finish(&mut sources);
    Ok(Json(SourceList {
        sources: sources.into_iter().map(source_json).collect(),
        page,
    }))
}

/// One source.
#[utoipa::path(
    get,
    path = "/api/v1/sources/{id}",
    tag = "sources",
    params(("id" = i64, Path, description = "The source's id")),
    responses(
        (status = 200, description = "The source", body = SourceJson),
        (status = 400, description = "A malformed id", body = ErrorBody),
        (status = 404, description = "No such source", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<SourceJson>, ApiError> {
    let source = state.blocking(move |store| Ok(store.source(id)?)).await?;
    source
        .map(|s| Json(source_json(s)))
        .ok_or_else(|| no_source(id))
}

/// Follows a feed or site. The URL is fetched once (through the fetch
/// guard: no private addresses) to find the feed a page announces.
#[utoipa::path(
    post,
    path = "/api/v1/sources",
    tag = "sources",
    request_body = AddSource,
    responses(
        (status = 201, description = "Added", body = SourceJson,
         headers(("Location" = String, description = "The new source's address"))),
        (status = 200, description = "Already followed: the existing source", body = SourceJson),
        (status = 400, description = "An invalid URL (`invalid_url`), a private address (`refused_address`), or a title or category too long or holding control characters", body = ErrorBody),
        (status = 401, description = "The instance has accounts and no one is signed in", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "The body lacks `url` or has unknown fields", body = ErrorBody),
        (status = 502, description = "The URL could not be fetched (`fetch_failed`)", body = ErrorBody),
    )
)]
pub async fn add(
    State(state): State<AppState>,
    MaybeApiUser(user): MaybeApiUser,
    extract::Json(body): extract::Json<AddSource>,
) -> Result<Response, ApiError> {
    // A signed-in user may add (their CSRF token, if a session's, was
    // checked by the extractor); anyone else only while there are no
    // accounts.
    if user.is_none() {
        policy::may_change_sources(&state, None, None, SourceChange::Add).await?;
    }
    // Sources are everyone's: a name given for one shows on every page
    // and feed, so it is bounded and free of control characters.
    let given = |text: Option<String>, what: &str| {
        text.filter(|t| !t.trim().is_empty())
            .map(|t| validate::title(&t, what))
            .transpose()
    };
    let title = given(body.title, "title")?;
    let category = given(body.category, "category")?;
    let follower = user.as_ref().map(|u| u.user.id);
    let url = normalize_url(&body.url)
        .map_err(|err| ApiError::new(StatusCode::BAD_REQUEST, "invalid_url", err.to_string()))?;
    // Known as given: no need to fetch it again.
    let lookup = url.clone();
    if let Some(existing) = state
        .blocking(move |store| {
            let existing = store.source_by_url(&lookup)?;
            if let (Some(existing), Some(follower)) = (&existing, follower) {
                store
                    .subscriptions()
                    .follow(follower, &Follow::Source(existing.id))?;
            }
            Ok(existing)
        })
        .await?
    {
        return Ok((StatusCode::OK, Json(source_json(existing))).into_response());
    }
    let mut source = NewSource {
        url,
        title,
        site_url: None,
        category,
    };
    if body.discover.unwrap_or(true) {
        let found = find_feed(state.fetcher(), &source.url)
            .await
            .map_err(fetch_error)?;
        source.url = found.url;
        source.title = source.title.or(found.title);
        source.site_url = found.site_url;
    }
    let (stored, added) = state
        .blocking(move |store| {
            let (stored, added) = store.add_source(&source)?;
            // Who adds a source wants its news in their stream.
            if let Some(follower) = follower {
                store
                    .subscriptions()
                    .follow(follower, &Follow::Source(stored.id))?;
            }
            Ok((stored, added))
        })
        .await?;
    if !added {
        return Ok((StatusCode::OK, Json(source_json(stored))).into_response());
    }
    state.poll_soon();
    let location = HeaderValue::from_str(&format!("/api/v1/sources/{}", stored.id))
        .map_err(|err| ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(source_json(stored)),
    )
        .into_response())
}

/// What a failed discovery fetch tells the client: its own mistakes (a
/// URL that cannot be fetched, an address inside the network) are 400s;
/// the far end's failures are 502s.
fn fetch_error(error: FetchError) -> ApiError {
    let message = error.to_string();
    match error {
        FetchError::InvalidUrl { .. } => {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_url", message)
        }
        FetchError::Refused(_) => {
            ApiError::new(StatusCode::BAD_REQUEST, "refused_address", message)
        }
        FetchError::Client { .. } => {
            ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, message)
        }
        _ => ApiError::new(StatusCode::BAD_GATEWAY, "fetch_failed", message),
    }
}

/// Stops following a source; its articles stay.
#[utoipa::path(
    delete,
    path = "/api/v1/sources/{id}",
    tag = "sources",
    params(("id" = i64, Path, description = "The source's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "A malformed id", body = ErrorBody),
        (status = 401, description = "The instance has accounts and no one is signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such source", body = ErrorBody),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    MaybeApiUser(user): MaybeApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if let Some(user) = &user {
        user.require_admin()?;
    } else {
        policy::may_change_sources(&state, None, None, SourceChange::Remove).await?;
    }
    let removed = state
        .blocking(move |store| Ok(store.remove_source(id)?))
        .await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_source(id))
    }
}

fn no_source(id: i64) -> ApiError {
    ApiError::not_found(format!("no source {id}"))
}
