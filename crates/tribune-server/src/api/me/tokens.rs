//! `/me/tokens`: the user's API tokens. A new token's secret is in the
//! answer that makes it, and nowhere else ever: the store keeps its hash.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tribune_store::ApiToken;
use utoipa::ToSchema;

use super::super::error::{ApiError, ErrorBody};
use super::super::extract::{Json, Path};
use super::ApiUser;
use crate::AppState;
use crate::accounts::{tokens, validate};

/// An API token, as listed (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenJson {
    /// Its id.
    pub id: i64,
    /// The user's name for it.
    pub name: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The user's tokens, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    /// The tokens.
    pub tokens: Vec<TokenJson>,
}

/// The body of `POST /me/tokens`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// A name for it (1 to 100 characters).
    #[schema(example = "newsboat on my laptop")]
    pub name: String,
}

/// A token just made, with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenJson {
    /// The token.
    #[serde(flatten)]
    pub token: TokenJson,
    /// The secret to send as `Authorization: Bearer SECRET`.
    pub secret: String,
}

fn token_json(t: ApiToken) -> TokenJson {
    TokenJson {
        id: t.id,
        name: t.name,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
    }
}

/// The user's API tokens.
#[utoipa::path(
    get,
    path = "/api/v1/me/tokens",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tokens", body = TokenList),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<axum::Json<TokenList>, ApiError> {
    let id = user.user.id;
    let tokens = state
        .blocking(move |store| Ok(store.accounts().api_tokens(id)?))
        .await?;
    Ok(axum::Json(TokenList {
        tokens: tokens.into_iter().map(token_json).collect(),
    }))
}

/// Makes an API token.
#[utoipa::path(
    post,
    path = "/api/v1/me/tokens",
    tag = "me",
    security(("bearer" = [])),
    request_body = NewToken,
    responses(
        (status = 201, description = "Made; the secret is in this answer only", body = NewTokenJson),
        (status = 400, description = "An empty or too long name", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn add(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(body): Json<NewToken>,
) -> Result<Response, ApiError> {
    let name = validate::label(&body.name, "token's name")?;
    let id = user.user.id;
    let (token, secret) = state
        .blocking(move |store| tokens::create(store, id, &name))
        .await?;
    tracing::info!(user = %user.user.name, token = token.id, "an API token was made");
    Ok((
        StatusCode::CREATED,
        axum::Json(NewTokenJson {
            token: token_json(token),
            secret,
        }),
    )
        .into_response())
}

/// Revokes one of the user's tokens.
#[utoipa::path(
    delete,
    path = "/api/v1/me/tokens/{id}",
    tag = "me",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such token of this user", body = ErrorBody),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let owner = user.user.id;
    let revoked = state
        .blocking(move |store| Ok(store.accounts().revoke_api_token(owner, id)?))
        .await?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("you have no token {id}")))
    }
}
