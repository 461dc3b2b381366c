//! The API's one error body, `{"error": {"status", "code", "message"}}`,
//! for every failure: handler errors, rejected parameters, unknown routes
//! and methods.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A failed API request, answered with an [`ErrorBody`].
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An error with a code of its own (`invalid_url`, `fetch_failed`).
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// An error whose code is the status's (`not_found`, `bad_request`).
    pub fn with_status(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(status, code_of(status), message)
    }

    /// 404: the thing asked for does not exist.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::with_status(StatusCode::NOT_FOUND, message)
    }

    /// 400: a parameter is missing or malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::with_status(StatusCode::BAD_REQUEST, message)
    }

    /// The status it answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

/// The code of an error that has none of its own: the status's name, so
/// clients can branch on a word instead of a number.
fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::CONFLICT => "conflict",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable_entity",
        StatusCode::BAD_GATEWAY => "bad_gateway",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        status if status.is_server_error() => "internal",
        _ => "error",
    }
}

/// What every failed request answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The failure.
    pub error: ErrorDetail,
}

/// One failure, in [`ErrorBody`].
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status, repeated for clients that only keep the body.
    #[schema(example = 404)]
    pub status: u16,
    /// A stable word to branch on: `not_found`, `bad_request`,
    /// `unauthorized`, `forbidden`, `payload_too_large`, `invalid_url`,
    /// `refused_address`, `fetch_failed`, `bad_query`, ...
    #[schema(example = "not_found")]
    pub code: String,
    /// What went wrong, for people.
    #[schema(example = "no story 12")]
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(status = %self.status, error = %self.message, "API request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                code: self.code.to_string(),
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750: say which credentials would do.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tribune\""),
            );
        }
        response
    }
}

impl From<crate::Error> for ApiError {
    fn from(error: crate::Error) -> ApiError {
        match error {
            // A search the index cannot parse is the client's to fix.
            crate::Error::Store(tribune_store::Error::Query { .. }) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_query", error.to_string())
            }
            error => {
                let status = error.status();
                if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
                    // The details (paths, SQL) are for the log, not the client.
                    tracing::error!(%error, "API request failed");
                    ApiError::with_status(status, "internal error; see the server log")
                } else {
                    ApiError::with_status(status, error.to_string())
                }
            }
        }
    }
}

impl From<tribune_store::Error> for ApiError {
    fn from(error: tribune_store::Error) -> ApiError {
        ApiError::from(crate::Error::from(error))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::with_status(rejection.status(), rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::with_status(rejection.status(), rejection.body_text())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        ApiError::with_status(rejection.status(), rejection.body_text())
    }
}

/// The JSON 404 for paths under the API that match no route.
pub async fn unknown_route(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no API endpoint at {}", uri.path()))
}

/// Turns the error responses axum makes itself (405 for a known path with
/// another method, and any other empty or plain-text failure) into the
/// JSON error body, keeping their headers (`Allow`).
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this endpoint does not take that method".to_string(),
        status => status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_string(),
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
