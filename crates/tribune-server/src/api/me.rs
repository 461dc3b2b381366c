//! `/api/v1/me`: the signed-in user's own state: who they are, what they
//! follow, their saved searches, their read and starred marks and the
//! stream of articles they read, their personal front page, and their API
//! tokens.
//!
//! Every endpoint needs a user: `Authorization: Bearer TOKEN` (an API
//! token), or a browser's session cookie, in which case requests that
//! change something must also carry the session's CSRF token in
//! `X-CSRF-Token`. The user is always the one signed in: no endpoint takes
//! a user id, and an id of another user's thing (a saved search, a token)
//! is answered 404, as if it did not exist, so that ids leak nothing.

pub(super) mod articles;
pub(super) mod follows;
pub(super) mod searches;
pub(super) mod tokens;

#[cfg(test)]
mod tests;

use axum::Json;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use axum::routing::{delete, get, put};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use articles::{ArticleStateJson, FrontPage, MarkBody, StreamArticleJson, StreamPage};
pub use follows::{FollowJson, FollowList, NewFollow};
pub use searches::{NewSavedSearch, SavedSearchJson, SavedSearchList};
pub use tokens::{NewToken, NewTokenJson, TokenJson, TokenList};

use super::error::{ApiError, ErrorBody};
use crate::AppState;
use crate::accounts::{CurrentUser, MaybeUser};

/// The header a session-authenticated API request that changes something
/// carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The routes under `/me`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/follows", get(follows::list).post(follows::add))
        .route("/me/follows/{kind}/{target}", delete(follows::remove))
        .route(
            "/me/saved-searches",
            get(searches::list).post(searches::add),
        )
        .route(
            "/me/saved-searches/{id}",
            get(searches::show).delete(searches::remove),
        )
        .route("/me/articles", get(articles::stream))
        .route(
            "/me/articles/{id}/state",
            put(articles::mark).get(articles::state),
        )
        .route("/me/front", get(articles::front))
        .route("/me/tokens", get(tokens::list).post(tokens::add))
        .route("/me/tokens/{id}", delete(tokens::revoke))
}

/// The CSRF token a request carries in [`CSRF_HEADER`].
fn csrf_header(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
}

/// Whether a request only reads.
fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The signed-in user of an API request; none is a JSON 401, and a
/// session-authenticated write without its CSRF token a JSON 403.
#[derive(Debug, Clone)]
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let MaybeApiUser(user) = MaybeApiUser::from_request_parts(parts, state).await?;
        user.map(ApiUser).ok_or_else(|| {
            ApiError::from(crate::Error::Unauthorized(
                "Sign in: send an API token as `Authorization: Bearer TOKEN`.".into(),
            ))
        })
    }
}

/// The signed-in user of an API request, if any, with the same CSRF rule
/// as [`ApiUser`].
#[derive(Debug, Clone)]
pub struct MaybeApiUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, state).await?;
        if let Some(user) = &user
            && !is_safe(&parts.method)
        {
            user.check_csrf(csrf_header(parts)).map_err(|_| {
                ApiError::from(crate::Error::Forbidden(format!(
                    "A request signed in by a session cookie must carry the session's CSRF \
                     token in {CSRF_HEADER}; programs should use an API token instead."
                )))
            })?;
        }
        Ok(MaybeApiUser(user))
    }
}

/// Who is signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    /// The user's id.
    pub id: i64,
    /// Their log-in name.
    pub name: String,
    /// Whether they administer the instance.
    pub is_admin: bool,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// Their front page as feeds (the URL holds a secret).
    pub feeds: Vec<String>,
}

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = MeJson),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn me(ApiUser(user): ApiUser) -> Json<MeJson> {
    let token = &user.user.feed_token;
    Json(MeJson {
        id: user.user.id,
        name: user.user.name.clone(),
        is_admin: user.user.is_admin,
        created_at: user.user.created_at,
        feeds: ["rss", "atom", "json"]
            .iter()
            .map(|ext| format!("/feeds/private/{token}/front.{ext}"))
            .collect(),
    })
}
