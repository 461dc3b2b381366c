//! `/me/saved-searches`: searches the user keeps, to be told of new
//! stories matching them.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tribune_store::SavedSearch;
use utoipa::ToSchema;

use super::super::error::{ApiError, ErrorBody};
use super::super::extract::{Json, Path};
use super::ApiUser;
use crate::AppState;
use crate::accounts::searches;

/// A saved search.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSearchJson {
    /// Its id.
    pub id: i64,
    /// The user's name for it.
    pub name: String,
    /// The query, in the search syntax of `/api/v1/search`.
    pub query: String,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

/// The user's saved searches, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSearchList {
    /// The searches.
    pub saved_searches: Vec<SavedSearchJson>,
}

/// The body of `POST /me/saved-searches`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedSearch {
    /// A name for it (1 to 100 characters).
    #[schema(example = "Ceasefire")]
    pub name: String,
    /// The query (1 to 500 characters).
    #[schema(example = "ceasefire talks")]
    pub query: String,
}

fn search_json(s: SavedSearch) -> SavedSearchJson {
    SavedSearchJson {
        id: s.id,
        name: s.name,
        query: s.query,
        created_at: s.created_at,
    }
}

fn no_search(id: i64) -> ApiError {
    ApiError::not_found(format!("you have no saved search {id}"))
}

/// The user's saved searches.
#[utoipa::path(
    get,
    path = "/api/v1/me/saved-searches",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The saved searches", body = SavedSearchList),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<axum::Json<SavedSearchList>, ApiError> {
    let id = user.user.id;
    let searches = state
        .blocking(move |store| Ok(store.subscriptions().saved_searches(id)?))
        .await?;
    Ok(axum::Json(SavedSearchList {
        saved_searches: searches.into_iter().map(search_json).collect(),
    }))
}

/// Saves a search.
#[utoipa::path(
    post,
    path = "/api/v1/me/saved-searches",
    tag = "me",
    security(("bearer" = [])),
    request_body = NewSavedSearch,
    responses(
        (status = 201, description = "Saved", body = SavedSearchJson,
         headers(("Location" = String, description = "The saved search's address"))),
        (status = 400, description = "An empty, too long or unreadable name or query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn add(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(body): Json<NewSavedSearch>,
) -> Result<Response, ApiError> {
    let id = user.user.id;
    let saved = state
        .blocking(move |store| searches::save(store, id, &body.name, &body.query))
        .await?;
    let location = HeaderValue::from_str(&format!("/api/v1/me/saved-searches/{}", saved.id))
        .map_err(|err| ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(search_json(saved)),
    )
        .into_response())
}

/// One of the user's saved searches.
#[utoipa::path(
    get,
    path = "/api/v1/me/saved-searches/{id}",
    tag = "me",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The saved search's id")),
    responses(
        (status = 200, description = "The saved search", body = SavedSearchJson),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such saved search of this user", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::Json<SavedSearchJson>, ApiError> {
    let owner = user.user.id;
    state
        .blocking(move |store| Ok(store.subscriptions().saved_search(owner, id)?))
        .await?
        .map(|s| axum::Json(search_json(s)))
        .ok_or_else(|| no_search(id))
}

/// Deletes one of the user's saved searches.
#[utoipa::path(
    delete,
    path = "/api/v1/me/saved-searches/{id}",
    tag = "me",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The saved search's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such saved search of this user", body = ErrorBody),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let owner = user.user.id;
    let deleted = state
        .blocking(move |store| Ok(store.subscriptions().delete_saved_search(owner, id)?))
        .await?;
    if deleted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_search(id))
    }
}
