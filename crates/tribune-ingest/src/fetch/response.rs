//! What a fetch gives back, and how a response becomes one: status, body
//! read under a size cap, validators and caching headers.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};

use super::guard::Refused;

/// What the server said about caching, used to space out polls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Caching {
    /// `Cache-Control: max-age` (or `Expires`), if given.
    pub max_age: Option<Duration>,
}

/// A response with a body.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: String,
    /// The status (2xx).
    pub status: u16,
    /// The body, decompressed.
    pub body: Vec<u8>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `ETag` header, for the next conditional request.
    pub etag: Option<String>,
    /// The `Last-Modified` header, for the next conditional request.
    pub last_modified: Option<String>,
    /// Caching headers.
    pub caching: Caching,
}

impl Fetched {
    /// The body as a document for extraction, with where it came from.
    pub fn into_document(self) -> tribune_model::Document {
        let mut document = tribune_model::Document::new(self.body).with_url(self.url);
        if let Some(content_type) = self.content_type {
            document = document.with_content_type(content_type);
        }
        document
    }
}

/// The outcome of a successful fetch.
#[derive(Debug, Clone)]
pub enum Response {
    /// New content.
    Fresh(Fetched),
    /// 304: nothing changed since the validators sent.
    NotModified {
        /// Caching headers of the 304.
        caching: Caching,
        /// Validators, if the server sent new ones.
        etag: Option<String>,
    },
}

/// Why a fetch failed; each names the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL cannot be fetched as written.
    #[error("{url} is not a URL Tribune can fetch: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The request cannot be sent as asked (a header that is not valid
    /// HTTP).
    #[error("{url}: cannot send this request: {reason}")]
    InvalidRequest {
        /// The URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The address is inside the network and fetching from it is not allowed.
    #[error(transparent)]
    Refused(Refused),
    /// No complete response in time.
    #[error("{url}: no response within the time limit")]
    Timeout {
        /// The URL.
        url: String,
    },
    /// The body is larger than allowed.
    #[error("{url}: the response is larger than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: u64,
    },
    /// The server answered with an error status.
    #[error("{url}: the server answered {status}{}", retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default())]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// `Retry-After`, for 429 and 503.
        retry_after: Option<Duration>,
    },
    /// The connection failed.
    #[error("{url}: {message}")]
    Network {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {message}")]
    Client {
        /// What went wrong.
        message: String,
    },
}

impl FetchError {
    pub(crate) fn from_reqwest(url: &str, error: reqwest::Error) -> Self {
        // The guard's refusal may come from the resolver or the redirect
        // policy, wrapped in reqwest's and hyper's errors.
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(current) = cause {
            if let Some(refused) = current.downcast_ref::<Refused>() {
                return FetchError::Refused(Refused {
                    what: refused.what.clone(),
                    address: refused.address,
                });
            }
            cause = current.source();
        }
        if error.is_timeout() {
            return FetchError::Timeout {
                url: url.to_string(),
            };
        }
        // reqwest's own message repeats the URL; the innermost cause says
        // what actually happened ("Name or service not known").
        let cause = innermost(&error);
        let message = if error.is_connect() {
            format!("cannot connect ({cause})")
        } else if error.is_body() || error.is_decode() {
            format!("the download broke off ({cause})")
        } else if error.is_redirect() {
            format!("bad redirect ({cause})")
        } else {
            cause
        };
        FetchError::Network {
            url: url.to_string(),
            message,
        }
    }

    /// How long the server asked to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The deepest cause of an error.
fn innermost(error: &dyn std::error::Error) -> String {
    let mut deepest = error;
    while let Some(cause) = deepest.source() {
        deepest = cause;
    }
    deepest.to_string()
}

pub(super) async fn read(
    url: &str,
    mut response: reqwest::Response,
    max_bytes: u64,
) -> Result<Response, FetchError> {
    let status = response.status();
    let headers = response.headers().clone();
    let caching = caching(&headers, Utc::now());
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Response::NotModified {
            caching,
            etag: text(&headers, header::ETAG),
        });
    }
    if !status.is_success() {
        let retry_after = matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        )
        .then(|| retry_after(&headers, Utc::now()))
        .flatten();
        return Err(FetchError::Status {
            url: url.to_string(),
            status: status.as_u16(),
            retry_after,
        });
    }
    if response.content_length().is_some_and(|n| n > max_bytes) {
        return Err(FetchError::TooLarge {
            url: url.to_string(),
            limit: max_bytes,
        });
    }
    let final_url = response.url().to_string();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::from_reqwest(url, e))?
    {
        if body.len() as u64 + chunk.len() as u64 > max_bytes {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit: max_bytes,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Response::Fresh(Fetched {
        url: final_url,
        status: status.as_u16(),
        body,
        content_type: text(&headers, header::CONTENT_TYPE),
        etag: text(&headers, header::ETAG),
        last_modified: text(&headers, header::LAST_MODIFIED),
        caching,
    }))
}

fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `Cache-Control: max-age=N` (`s-maxage` too), else `Expires`; `no-cache`
/// and `no-store` mean nothing to honour.
fn caching(headers: &HeaderMap, now: DateTime<Utc>) -> Caching {
    if let Some(control) = text(headers, header::CACHE_CONTROL) {
        let mut max_age = None;
        for directive in control.split(',') {
            let directive = directive.trim().to_ascii_lowercase();
            if directive == "no-cache" || directive == "no-store" {
                return Caching::default();
            }
            if let Some(value) = directive
                .strip_prefix("max-age=")
                .or_else(|| directive.strip_prefix("s-maxage="))
                && let Ok(seconds) = value.trim_matches('"').parse::<u64>()
            {
                max_age = Some(Duration::from_secs(seconds));
            }
        }
        if max_age.is_some() {
            return Caching { max_age };
        }
    }
    let expires = text(headers, header::EXPIRES).and_then(|v| http_date(&v));
    Caching {
        max_age: expires.and_then(|at| (at - now).to_std().ok()),
    }
}

/// `Retry-After` as seconds or as an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = text(headers, header::RETRY_AFTER)?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date(&value)?;
    Some((at - now).to_std().unwrap_or_default())
}

fn http_date(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn max_age_wins_over_expires() {
        let now = Utc::now();
        let h = headers(&[
            (header::CACHE_CONTROL, "public, max-age=600"),
            (header::EXPIRES, "Thu, 01 Jan 2099 00:00:00 GMT"),
        ]);
        assert_eq!(caching(&h, now).max_age, Some(Duration::from_secs(600)));
        let h = headers(&[(header::CACHE_CONTROL, "no-cache, max-age=600")]);
        assert_eq!(caching(&h, now).max_age, None);
    }

    #[test]
    fn expires_is_read_as_an_http_date() {
        let now = DateTime::parse_from_rfc3339("2025-03-16T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let h = headers(&[(header::EXPIRES, "Sun, 16 Mar 2025 10:30:00 GMT")]);
        assert_eq!(caching(&h, now).max_age, Some(Duration::from_secs(1800)));
        let h = headers(&[(header::EXPIRES, "0")]);
        assert_eq!(caching(&h, now).max_age, None);
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = DateTime::parse_from_rfc3339("2025-03-16T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let h = headers(&[(header::RETRY_AFTER, "120")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(120)));
        let h = headers(&[(header::RETRY_AFTER, "Sun, 16 Mar 2025 11:00:00 GMT")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(3600)));
        let h = headers(&[(header::RETRY_AFTER, "soon")]);
        assert_eq!(retry_after(&h, now), None);
    }
}
