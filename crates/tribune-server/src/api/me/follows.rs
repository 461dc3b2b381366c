//! `/me/follows`: the sources, stories and people the user follows.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tribune_store::{Follow, Followed};
use utoipa::ToSchema;

use super::super::error::{ApiError, ErrorBody};
use super::super::extract::{Json, Path};
use super::ApiUser;
use crate::AppState;
use crate::accounts::follows;

/// One followed thing.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowJson {
    /// `source`, `story` or `entity` (a person or organisation).
    #[schema(example = "source")]
    pub kind: String,
    /// The source's or story's id.
    pub id: Option<i64>,
    /// The entity's name.
    pub name: Option<String>,
    /// Since when.
    pub since: Option<DateTime<Utc>>,
}

/// Everything the user follows, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowList {
    /// The follows.
    pub follows: Vec<FollowJson>,
}

/// The body of `POST /me/follows`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFollow {
    /// `source`, `story` or `entity`.
    #[schema(example = "story")]
    pub kind: String,
    /// The source's or story's id.
    pub id: Option<i64>,
    /// The entity's name, as the story pages show it ("Steve Witkoff").
    pub name: Option<String>,
}

fn follow_json(follow: Follow, since: Option<DateTime<Utc>>) -> FollowJson {
    match follow {
        Follow::Source(id) => FollowJson {
            kind: "source".into(),
            id: Some(id),
            name: None,
            since,
        },
        Follow::Story(id) => FollowJson {
            kind: "story".into(),
            id: Some(id),
            name: None,
            since,
        },
        Follow::Entity(name) => FollowJson {
            kind: "entity".into(),
            id: None,
            name: Some(name),
            since,
        },
    }
}

/// What the user follows.
#[utoipa::path(
    get,
    path = "/api/v1/me/follows",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The follows", body = FollowList),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<axum::Json<FollowList>, ApiError> {
    let id = user.user.id;
    let follows = state
        .blocking(move |store| Ok(store.subscriptions().follows(id)?))
        .await?;
    Ok(axum::Json(FollowList {
        follows: follows
            .into_iter()
            .map(|Followed { follow, since }| follow_json(follow, Some(since)))
            .collect(),
    }))
}

/// Follows a source, a story or an entity.
#[utoipa::path(
    post,
    path = "/api/v1/me/follows",
    tag = "me",
    security(("bearer" = [])),
    request_body = NewFollow,
    responses(
        (status = 201, description = "Followed", body = FollowJson),
        (status = 200, description = "Already followed", body = FollowJson),
        (status = 400, description = "A bad kind, id or name", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such source or story", body = ErrorBody),
    )
)]
pub async fn add(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(body): Json<NewFollow>,
) -> Result<Response, ApiError> {
    let target = match (body.id, body.name) {
        (Some(id), None) => id.to_string(),
        (None, Some(name)) => name,
        _ => {
            return Err(ApiError::bad_request(
                "give `id` (a source or story) or `name` (an entity), not both",
            ));
        }
    };
    let what = follows::parse(&body.kind, &target)?;
    let id = user.user.id;
    let followed = what.clone();
    let new = state
        .blocking(move |store| follows::follow(store, id, &followed))
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(follow_json(what, None))).into_response())
}

/// Stops following; 404 if the user does not follow it.
#[utoipa::path(
    delete,
    path = "/api/v1/me/follows/{kind}/{target}",
    tag = "me",
    security(("bearer" = [])),
    params(
        ("kind" = String, Path, description = "`source`, `story` or `entity`"),
        ("target" = String, Path, description = "The source's or story's id, or the entity's name"),
    ),
    responses(
        (status = 204, description = "Unfollowed"),
        (status = 400, description = "A bad kind or id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not followed", body = ErrorBody),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((kind, target)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let what = follows::parse(&kind, &target)?;
    let id = user.user.id;
    let removed = state
        .blocking(move |store| Ok(store.subscriptions().unfollow(id, &what)?))
        .await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("you do not follow this"))
    }
}
