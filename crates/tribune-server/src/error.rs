//! The one error type of the server, and how each kind answers.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed: a bad parameter, an invalid URL.
    #[error("{0}")]
    BadRequest(String),
    /// The request needs a signed-in user (no session, an expired one,
    /// or a wrong password or token).
    #[error("{0}")]
    Unauthorized(String),
    /// The user may not do this (not an admin; a form without its CSRF
    /// token).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts; try again later.
    #[error("{0}")]
    TooManyRequests(String),
    /// The request conflicts with what is stored (a taken name).
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] tribune_store::Error),
    /// Anything else that is our fault.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Store(tribune_store::Error::Busy { .. }) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Store(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A plain-text answer; the API and the pages map errors to their own
/// formats (JSON bodies, HTML pages) before this is reached. Our own
/// failures are logged in full and answered in general terms: their
/// details (SQL, file paths) are for the log, not the client.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if !status.is_server_error() {
            return (status, self.to_string()).into_response();
        }
        tracing::error!(error = %self, "request failed");
        let message = match self {
            Error::Store(tribune_store::Error::Busy { .. }) => {
                "The news desk is busy storing news; try again in a moment."
            }
            _ => "Internal error; see the server log.",
        };
        (status, message).into_response()
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    async fn answer(error: Error) -> (StatusCode, String) {
        let response = error.into_response();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("a body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn our_failures_tell_the_client_nothing_of_their_details() {
        let secret_path = PathBuf::from("/var/lib/tribune/secret-dir");
        for error in [
            Error::Internal("cannot write /var/lib/tribune/secret-dir: denied".into()),
            Error::Store(tribune_store::Error::Index {
                path: secret_path.clone(),
                message: "locked".into(),
            }),
            Error::Store(tribune_store::Error::Busy { path: secret_path }),
            Error::Store(tribune_store::Error::Corrupt(
                serde_json::from_str::<u8>("{").expect_err("not a number"),
            )),
        ] {
            let detail = error.to_string();
            let (status, body) = answer(error).await;
            assert!(status.is_server_error());
            assert!(
                !body.contains(&detail) && !body.contains("secret-dir"),
                "{body}"
            );
        }
        // The client's own mistakes are still explained.
        let (status, body) = answer(Error::BadRequest("`n=x` is not a count".into())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body, "`n=x` is not a count");
    }
}
