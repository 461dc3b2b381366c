//! POSTing to user-given URLs (webhooks): the same address guard, time
//! caps and per-host limit as fetching, but no redirect is followed (a
//! redirected POST would either lose its body or replay it somewhere the
//! user never named) and the answer's body is only glanced at.

use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use reqwest::header::{HeaderName, HeaderValue};

use super::response::{FetchError, retry_after};

/// How much of a receiver's answer is kept, for the delivery log.
const KEPT_BODY: usize = 512;

/// What a receiver answered to a POST, whatever the status: the caller
/// decides what counts as taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// The HTTP status.
    pub status: u16,
    /// The start of the answer's body (at most 512 bytes, lossily decoded),
    /// for the log.
    pub body: String,
    /// `Retry-After`, for 429 and 503.
    pub retry_after: Option<Duration>,
}

impl Posted {
    /// Whether the receiver took the request (2xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Builds the header map of a POST; a name or value that cannot be sent
/// is the caller's mistake, reported as an invalid request.
pub(super) fn header_map(
    url: &str,
    headers: &[(&str, &str)],
) -> Result<reqwest::header::HeaderMap, FetchError> {
    let mut map = reqwest::header::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let invalid = |reason: String| FetchError::InvalidRequest {
            url: url.to_string(),
            reason,
        };
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| invalid(format!("header name {name:?}: {e}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|e| invalid(format!("header {name} value: {e}")))?;
        map.append(name, value);
    }
    Ok(map)
}

/// Reads the status and the start of the body; the rest of the body is
/// not waited for (a receiver streaming forever cannot hold a delivery).
pub(super) async fn read(
    url: &str,
    mut response: reqwest::Response,
    max_bytes: u64,
) -> Result<Posted, FetchError> {
    let status = response.status();
    let retry_after = matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    )
    .then(|| retry_after(response.headers(), Utc::now()))
    .flatten();
    let keep = KEPT_BODY.min(usize::try_from(max_bytes).unwrap_or(usize::MAX));
    let mut body = Vec::new();
    while body.len() < keep {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            // The status is what matters; a body broken off after it does
            // not undo the answer.
            Err(error) => {
                tracing::debug!(url, %error, "the answer's body broke off");
                break;
            }
        }
    }
    body.truncate(keep);
    Ok(Posted {
        status: status.as_u16(),
        body: String::from_utf8_lossy(&body).trim().to_string(),
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::{IntoResponse, Response};
    use axum::routing::post;

    use crate::fetch::{FetchConfig, FetchError, Fetcher};

    type Seen = Arc<Mutex<Vec<(Option<String>, Vec<u8>)>>>;

    async fn hook(
        State(seen): State<Seen>,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> Response {
        let signature = headers
            .get("x-signature")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        seen.lock().unwrap().push((signature, body.to_vec()));
        (StatusCode::ACCEPTED, "thanks").into_response()
    }

    async fn moved() -> Response {
        (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, "/hook")],
        )
            .into_response()
    }

    async fn busy() -> Response {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "7")],
            "later",
        )
            .into_response()
    }

    async fn receiver() -> (SocketAddr, Seen) {
        let seen = Seen::default();
        let app = Router::new()
            .route("/hook", post(hook))
            .route("/moved", post(moved))
            .route("/busy", post(busy))
            .with_state(Arc::clone(&seen));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (addr, seen)
    }

    fn fetcher(allowed: Option<SocketAddr>) -> Fetcher {
        Fetcher::new(&FetchConfig {
            allowed_hosts: allowed.iter().map(ToString::to_string).collect(),
            ..FetchConfig::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn posts_body_and_headers_and_reads_the_answer() {
        let (addr, seen) = receiver().await;
        let posted = fetcher(Some(addr))
            .post(
                &format!("http://{addr}/hook"),
                &[("X-Signature", "sha256=ab")],
                b"{\"a\":1}".to_vec(),
            )
            .await
            .unwrap();
        assert_eq!(posted.status, 202);
        assert!(posted.is_success());
        assert_eq!(posted.body, "thanks");
        let seen = seen.lock().unwrap();
        assert_eq!(
            seen.as_slice(),
            &[(Some("sha256=ab".to_string()), b"{\"a\":1}".to_vec())]
        );
    }

    #[tokio::test]
    async fn redirects_are_answered_not_followed() {
        let (addr, seen) = receiver().await;
        let fetcher = fetcher(Some(addr));
        let posted = fetcher
            .post(&format!("http://{addr}/moved"), &[], b"x".to_vec())
            .await
            .unwrap();
        assert_eq!(posted.status, 307);
        assert!(!posted.is_success());
        assert!(seen.lock().unwrap().is_empty(), "the redirect was followed");
        let posted = fetcher
            .post(&format!("http://{addr}/busy"), &[], Vec::new())
            .await
            .unwrap();
        assert_eq!(posted.status, 503);
        assert_eq!(posted.retry_after, Some(std::time::Duration::from_secs(7)));
    }

    #[tokio::test]
    async fn inside_addresses_are_refused_unless_allowed() {
        let (addr, seen) = receiver().await;
        let guarded = fetcher(None);
        for url in [
            format!("http://{addr}/hook"),
            format!("http://localhost:{}/hook", addr.port()),
        ] {
            match guarded.post(&url, &[], b"x".to_vec()).await {
                Err(FetchError::Refused(refused)) => {
                    assert!(refused.to_string().contains("not a public address"));
                }
                other => panic!("{url} must be refused: {other:?}"),
            }
        }
        assert!(seen.lock().unwrap().is_empty());
        assert!(guarded.check_url(&format!("http://{addr}/hook")).is_err());
        assert!(guarded.check_url("ftp://example.com/").is_err());
        assert!(guarded.check_url("https://example.com/hook").is_ok());
        let bad_header = guarded
            .post("https://example.com/hook", &[("X-Bad", "a\nb")], Vec::new())
            .await;
        assert!(matches!(bad_header, Err(FetchError::InvalidRequest { .. })));
    }
}
