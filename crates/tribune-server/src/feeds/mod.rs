//! Outgoing feeds: every list the reader shows, as RSS 2.0, Atom 1.0 and
//! JSON Feed 1.1, so that any feed reader can follow it.
//!
//! | feed | RSS | Atom | JSON Feed |
//! |---|---|---|---|
//! | the latest stories, one item per story | `/feed.rss` | `/feed.atom` | `/feed.json` |
//! | a story's articles, the original first | `/stories/{id}/feed.rss` | `.../feed.atom` | `.../feed.json` |
//! | a source's latest articles | `/sources/{id}/feed.rss` | `.../feed.atom` | `.../feed.json` |
//! | a search, best matches first | `/search/feed.rss?q=...` | `/search/feed.atom?q=...` | `/search/feed.json?q=...` |
//! | a user's front page (private) | `/feeds/private/{token}/front.rss` | `.../front.atom` | `.../front.json` |
//! | a user's saved search (private) | `/feeds/private/{token}/searches/{id}.rss` | `.../{id}.atom` | `.../{id}.json` |
//!
//! The private feeds are opened by the user's feed token, the secret in
//! their URL; an unknown token or another user's search is a 404.
//!
//! Every feed but the story's takes `?limit=` (1 to 100, 30 by default).
//! Items link where each article was published when that is a web
//! address, and the reader's own page otherwise. Links are absolute, made
//! from the [`PublicBase`]. Answers carry an `ETag` and honour
//! `If-None-Match`, since feed readers poll.

mod base;
mod build;
mod private;
mod render;

/// The XML pieces the Google Reader API's Atom streams share with these
/// feeds.
pub(crate) use render::{clean, link, rfc3339, text, typed_text};
use std::hash::Hasher;

use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::{AppState, Error};
pub use base::PublicBase;
use build::Feed;
pub(crate) use build::web_url;
pub use render::Format;

/// Items in a feed when `?limit=` is not given.
const DEFAULT_LIMIT: usize = 30;
/// The most items `?limit=` can ask for.
const MAX_LIMIT: usize = 100;

/// The routes of the outgoing feeds (see the module's table).
pub fn routes() -> Router<AppState> {
    let mut router = private::routes();
    for format in Format::ALL {
        let ext = format.extension();
        router = router
            .route(
                &format!("/feed.{ext}"),
                get(move |State(state), request, Query(query)| {
                    front_page(state, request, query, format)
                }),
            )
            .route(
                &format!("/stories/{{id}}/feed.{ext}"),
                get(move |State(state), Path(id), request| story(state, request, id, format)),
            )
            .route(
                &format!("/sources/{{id}}/feed.{ext}"),
                get(move |State(state), Path(id), request, Query(query)| {
                    source(state, request, id, query, format)
                }),
            )
            .route(
                &format!("/search/feed.{ext}"),
                get(move |State(state), request, Query(query)| {
                    search(state, request, query, format)
                }),
            );
    }
    router
}

/// The query parameters feeds take.
#[derive(Debug, Default, Deserialize)]
struct FeedQuery {
    /// The search query (search feeds only).
    q: Option<String>,
    /// How many items.
    limit: Option<usize>,
}

impl FeedQuery {
    fn limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }
}

async fn front_page(
    state: AppState,
    request: FeedRequest,
    query: FeedQuery,
    format: Format,
) -> Result<Response, Error> {
    let base = request.base.clone();
    let feed = state
        .blocking(move |store| build::front_page(store, &base, query.limit()))
        .await?;
    request.answer(feed, format)
}

async fn story(
    state: AppState,
    request: FeedRequest,
    id: i64,
    format: Format,
) -> Result<Response, Error> {
    let base = request.base.clone();
    let feed = state
        .blocking(move |store| build::story(store, &base, id))
        .await?;
    request.answer(feed, format)
}

async fn source(
    state: AppState,
    request: FeedRequest,
    id: i64,
    query: FeedQuery,
    format: Format,
) -> Result<Response, Error> {
    let base = request.base.clone();
    let feed = state
        .blocking(move |store| build::source(store, &base, id, query.limit()))
        .await?;
    request.answer(feed, format)
}

async fn search(
    state: AppState,
    request: FeedRequest,
    query: FeedQuery,
    format: Format,
) -> Result<Response, Error> {
    let base = request.base.clone();
    let feed = state
        .blocking(move |store| {
            let q = query.q.as_deref().unwrap_or_default();
            build::search(store, &base, q, query.limit())
        })
        .await?;
    request.answer(feed, format)
}

/// What every feed request brings: the public base, the feed's own URL,
/// and the validator the client already holds.
struct FeedRequest {
    base: PublicBase,
    self_url: String,
    if_none_match: Option<HeaderValue>,
    /// Whether the feed is one user's: shared caches must not keep it.
    private: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for FeedRequest {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let base = PublicBase::from_request_parts(parts, state).await?;
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |original| &original.0);
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        Ok(FeedRequest {
            self_url: base.join(path),
            base,
            if_none_match: parts.headers.get(IF_NONE_MATCH).cloned(),
            private: false,
        })
    }
}

impl FeedRequest {
    /// The same request for one user's feed.
    fn private(mut self) -> Self {
        self.private = true;
        self
    }

    /// The feed written in `format`, or 304 when the client has it.
    fn answer(self, mut feed: Feed, format: Format) -> Result<Response, Error> {
        feed.self_url = self.self_url;
        let body = render::render(&feed, format)
            .map_err(|err| Error::Internal(format!("cannot write a feed: {err}")))?;
        let etag = etag(&body);
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        // Polling readers come back often; five minutes of caching spares
        // the store without hiding news for long.
        let cache = if self.private {
            "private, max-age=300"
        } else {
            "max-age=300"
        };
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(ETAG, value);
        }
        let held = self
            .if_none_match
            .as_ref()
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .split(',')
                    .any(|tag| tag.trim().trim_start_matches("W/") == etag || tag.trim() == "*")
            });
        if held {
            return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
        }
        Ok((headers, body).into_response())
    }
}

/// A strong validator for `body`: FNV-1a, stable across builds and
/// restarts (unlike the standard hasher's seeds).
fn etag(body: &[u8]) -> String {
    let mut hasher = Fnv(0xcbf2_9ce4_8422_2325);
    hasher.write(body);
    format!("\"{:016x}\"", hasher.finish())
}

struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests;
