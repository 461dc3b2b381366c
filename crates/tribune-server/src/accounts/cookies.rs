//! The cookies accounts set: the session cookie, and the form cookie that
//! guards the forms of signed-out visitors (log-in, sign-up).
//!
//! Every cookie is `HttpOnly` (no script reads it; the pages carry none
//! anyway), `SameSite=Lax` (a form on another site posting here sends no
//! cookie) and `Path=/`, and `Secure` whenever the reader is reached over
//! https: a configured `https://` base URL, or a proxy saying
//! `X-Forwarded-Proto: https`.

use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::feeds::PublicBase;

/// The cookie holding the token of the signed-out forms (double submit:
/// the form carries the same value, which another site cannot read).
pub const FORM_COOKIE: &str = "tribune_form";

/// How long a session lasts, in seconds: 30 days.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;

/// How long the form cookie lasts, in seconds: a day, long enough for a
/// log-in page left open.
const FORM_SECONDS: i64 = 24 * 3600;

/// Whether cookies for this request must be `Secure`.
pub(crate) fn secure(parts: &Parts) -> bool {
    let configured = parts
        .extensions
        .get::<PublicBase>()
        .is_some_and(|base| base.as_str().starts_with("https://"));
    let forwarded = parts
        .headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    configured || forwarded || parts.uri.scheme_str() == Some("https")
}

/// Whether this request's cookies must be `Secure`, as an extractor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Https(pub bool);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Https {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Https(secure(parts)))
    }
}

/// A `Set-Cookie` value for `name=value` kept `max_age` seconds (0 ends
/// it).
fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let mut cookie = format!("{name}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}");
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// The session cookie holding `token`.
pub(crate) fn session(token: &str, secure: bool) -> String {
    set_cookie(super::SESSION_COOKIE, token, SESSION_SECONDS, secure)
}

/// The session cookie, ended.
pub(crate) fn end_session(secure: bool) -> String {
    set_cookie(super::SESSION_COOKIE, "", 0, secure)
}

/// The form cookie holding `token`.
pub(crate) fn form(token: &str, secure: bool) -> String {
    set_cookie(FORM_COOKIE, token, FORM_SECONDS, secure)
}

/// Adds a `Set-Cookie` header to `response`. The values are made here from
/// hex tokens, so they are always valid header values; one that were not
/// would be logged and left out rather than panic.
pub(crate) fn add(response: &mut Response, cookie: &str) {
    match HeaderValue::from_str(cookie) {
        Ok(value) => {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        Err(err) => tracing::error!(error = %err, "a cookie could not be set"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(request: Request<()>) -> Parts {
        request.into_parts().0
    }

    #[test]
    fn cookies_are_secure_only_behind_https() {
        let plain = parts(Request::get("/").body(()).unwrap());
        assert!(!secure(&plain));
        let proxied = parts(
            Request::get("/")
                .header("x-forwarded-proto", "https")
                .body(())
                .unwrap(),
        );
        assert!(secure(&proxied));
        let mut configured = parts(Request::get("/").body(()).unwrap());
        configured
            .extensions
            .insert(PublicBase::new("https://news.example.org").unwrap());
        assert!(secure(&configured));
        let cookie = session("abc", true);
        assert_eq!(
            cookie,
            "tribune_session=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000; Secure"
        );
        assert!(end_session(false).contains("Max-Age=0"));
    }
}
