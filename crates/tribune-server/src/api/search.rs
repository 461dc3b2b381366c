//! `/search`: ranked articles, in the shape of `tribune search --format
//! json`.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::extract::Query;
use super::params::{PageRequest, Pagination};
use crate::AppState;

/// How deep into the ranking a client may page: each page re-runs the
/// search for everything above it.
const MAX_DEPTH: usize = 1_000;

/// The query of `GET /search`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The query: words (all must match), "a phrase", `title:word`,
    /// `source:host`, `author:name`,
    /// `published:[2025-01-01T00:00:00Z TO *]`.
    q: Option<String>,
    /// Hits per page, 1 to 100 (default 20).
    limit: Option<usize>,
    /// Hits to skip (at most 1000 deep in all).
    offset: Option<usize>,
}

/// One hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitJson {
    /// The article's id.
    pub id: i64,
    /// Its headline.
    pub title: Option<String>,
    /// The source URL or, for local input, the file path.
    pub url: String,
    /// Its publication date (YYYY-MM-DD), when known.
    pub date: Option<String>,
    /// A passage around the matched words.
    pub snippet: String,
    /// Its rank score: relevance, raised for recent articles.
    pub score: f32,
}

/// A page of hits, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// The query as run.
    pub query: String,
    /// The hits.
    pub hits: Vec<HitJson>,
    /// Where this page sits.
    #[serde(flatten)]
    pub page: Pagination,
}

/// Full-text search over every stored article.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of hits", body = SearchResults),
        (status = 400, description = "No query, a query the index cannot read, or a bad parameter", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    let page = PageRequest::new(query.limit, query.offset)?;
    let Some(q) = query
        .q
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty())
    else {
        return Err(ApiError::bad_request("give a query: ?q=words"));
    };
    let depth = page.offset.saturating_add(page.fetch());
    if depth > MAX_DEPTH + 1 {
        return Err(ApiError::bad_request(format!(
            "search pages end {MAX_DEPTH} hits deep; narrow the query instead"
        )));
    }
    let run = q.clone();
    let hits = state
        .blocking(move |store| Ok(store.search(&run, depth)?))
        .await?;
    let mut hits: Vec<HitJson> = hits
        .into_iter()
        .skip(page.offset)
        .map(|hit| HitJson {
            id: hit.id,
            title: hit.title,
            url: hit.origin,
            date: hit.published.map(|d| d.to_string()),
            snippet: hit.snippet,
            score: hit.score,
        })
        .collect();
    let page = page.finish(&mut hits);
    Ok(Json(SearchResults {
        query: q,
        hits,
        page,
    }))
}
