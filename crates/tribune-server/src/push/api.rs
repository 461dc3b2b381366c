//! `/api/v1/me/webhooks`: the signed-in user's sinks as JSON.
//!
//! - `GET /` lists them (without secrets);
//! - `POST /` with `{"url", "kind": "webhook"|"channel", "events": [...]}`
//!   registers one and answers 201 with its `secret`, shown this once;
//! - `GET /{id}` and `DELETE /{id}` (204);
//! - `GET /{id}/deliveries?limit=N` is the delivery log, newest first.
//!
//! Another user's id answers 404, as an id that does not exist. Errors use
//! the API's one body, `{"error": {"status", "code", "message"}}`. As on
//! every `/api/v1/me` endpoint, a browser session (rather than an API
//! token) must send its CSRF token in `X-CSRF-Token` to register or
//! delete ([`ApiUser`]).

use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tribune_store::{Delivery, EventKind, Webhook};

use super::{SinkRefused, register};
use crate::AppState;
use crate::api::ApiError;
use crate::api::me::ApiUser;

/// The largest request body taken (a URL and a few event names).
const MAX_BODY: usize = 16 * 1024;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(show).delete(remove))
        .route("/{id}/deliveries", get(deliveries))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response(json_errors))
}

/// A sink as the API shows it.
#[derive(Debug, Serialize)]
struct WebhookView {
    id: i64,
    url: String,
    kind: &'static str,
    events: Vec<&'static str>,
    created_at: DateTime<Utc>,
    /// Only in the answer to its creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl WebhookView {
    fn of(webhook: Webhook, with_secret: bool) -> WebhookView {
        WebhookView {
            id: webhook.id,
            url: webhook.url,
            kind: webhook.kind.as_str(),
            events: webhook.events.iter().map(|e| e.as_str()).collect(),
            created_at: webhook.created_at,
            secret: with_secret.then_some(webhook.secret),
        }
    }
}

/// A delivery as the log shows it.
#[derive(Debug, Serialize)]
struct DeliveryView {
    id: i64,
    webhook_id: i64,
    event: &'static str,
    event_key: String,
    status: &'static str,
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    last_status: Option<u16>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
}

impl DeliveryView {
    fn of(delivery: Delivery) -> DeliveryView {
        DeliveryView {
            id: delivery.id,
            webhook_id: delivery.webhook.id,
            event: delivery.event.as_str(),
            event_key: delivery.event_key,
            status: delivery.status.as_str(),
            attempts: delivery.attempts,
            next_attempt_at: delivery.next_attempt_at,
            last_status: delivery.last_status,
            last_error: delivery.last_error,
            created_at: delivery.created_at,
            delivered_at: delivery.delivered_at,
        }
    }
}

#[derive(Debug, Serialize)]
struct WebhookList {
    webhooks: Vec<WebhookView>,
}

#[derive(Debug, Serialize)]
struct DeliveryList {
    deliveries: Vec<DeliveryView>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateWebhook {
    url: String,
    /// `webhook` (default) or `channel`.
    #[serde(default)]
    kind: Option<String>,
    /// Event names; every event if absent.
    #[serde(default)]
    events: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct LogParams {
    limit: Option<usize>,
}

async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<WebhookList>, ApiError> {
    let id = user.user.id;
    let webhooks = state
        .blocking(move |store| Ok(store.push().webhooks(id)?))
        .await?;
    Ok(Json(WebhookList {
        webhooks: webhooks
            .into_iter()
            .map(|w| WebhookView::of(w, false))
            .collect(),
    }))
}

async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<CreateWebhook>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let events = body.events.unwrap_or_else(|| {
        EventKind::ALL
            .iter()
            .map(|e| e.as_str().to_string())
            .collect()
    });
    let kind = body.kind.unwrap_or_else(|| "webhook".to_string());
    let webhook = register(&state, user.user.id, &body.url, &kind, &events)
        .await
        .map_err(|refused| match refused {
            SinkRefused::InvalidUrl(m) => ApiError::new(StatusCode::BAD_REQUEST, "invalid_url", m),
            SinkRefused::RefusedAddress(m) => {
                ApiError::new(StatusCode::BAD_REQUEST, "refused_address", m)
            }
            SinkRefused::Invalid(m) => ApiError::bad_request(m),
            SinkRefused::TooMany => ApiError::new(
                StatusCode::CONFLICT,
                "too_many_webhooks",
                SinkRefused::TooMany.to_string(),
            ),
            SinkRefused::Server(error) => ApiError::from(error),
        })?;
    let location = format!("/api/v1/me/webhooks/{}", webhook.id);
    let mut response = (StatusCode::CREATED, Json(WebhookView::of(webhook, true))).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// The id in the path, as a JSON 400 when it is not a number.
fn id_of(path: Result<Path<i64>, PathRejection>) -> Result<i64, ApiError> {
    let Path(id) = path?;
    Ok(id)
}

/// The user's sink `id`, or a 404 (for another user's sink too).
async fn own(state: &AppState, user: i64, id: i64) -> Result<Webhook, ApiError> {
    state
        .blocking(move |store| Ok(store.push().webhook(user, id)?))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no webhook {id}")))
}

async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Json<WebhookView>, ApiError> {
    let user = user.user.id;
    let id = id_of(path)?;
    Ok(Json(WebhookView::of(own(&state, user, id).await?, false)))
}

async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    path: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let user = user.user.id;
    let id = id_of(path)?;
    let removed = state
        .blocking(move |store| Ok(store.push().delete_webhook(user, id)?))
        .await?;
    if removed {
        tracing::info!(user, webhook = id, "webhook deleted");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no webhook {id}")))
    }
}

async fn deliveries(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    path: Result<Path<i64>, PathRejection>,
    params: Result<Query<LogParams>, QueryRejection>,
) -> Result<Json<DeliveryList>, ApiError> {
    let user = user.user.id;
    let id = id_of(path)?;
    let Query(params) = params?;
    let limit = params.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_request("limit must be between 1 and 500"));
    }
    own(&state, user, id).await?;
    let found = state
        .blocking(move |store| Ok(store.push().deliveries(user, Some(id), limit)?))
        .await?;
    Ok(Json(DeliveryList {
        deliveries: found.into_iter().map(DeliveryView::of).collect(),
    }))
}

/// axum's own failures on these routes (405, 413, a plain-text 401 from
/// the user extractor) as the API's JSON error body.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this endpoint does not take that method",
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is too large",
        status => status.canonical_reason().unwrap_or("request failed"),
    };
    let (mut parts, _) = response.into_parts();
    let body = ApiError::with_status(status, message).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, body.into_body())
}
