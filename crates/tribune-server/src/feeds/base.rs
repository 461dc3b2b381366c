//! The reader's public address, which absolute links in feeds need.

use axum::extract::FromRequestParts;
use axum::http::header::HOST;
use axum::http::request::Parts;

use crate::Error;

/// The public base URL of the reader, such as `https://news.example.org`
/// or `https://example.org/tribune` behind a proxy that adds a path,
/// without a trailing slash.
///
/// As an extractor it is the configured base when one was set as a request
/// extension (`router.layer(Extension(base))`), else the request's `Host`
/// (or `X-Forwarded-Host`) with `X-Forwarded-Proto`'s scheme. Configure it
/// in production: a request's headers are the client's to choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBase(String);

impl PublicBase {
    /// The base at `url`, an absolute http(s) URL; a trailing slash is
    /// dropped.
    pub fn new(url: &str) -> Result<PublicBase, String> {
        let parsed = url::Url::parse(url.trim()).map_err(|err| format!("`{url}`: {err}"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(format!("`{url}` is not an http(s) URL"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(format!("`{url}`: a base URL has no query or fragment"));
        }
        Ok(PublicBase(parsed.as_str().trim_end_matches('/').to_owned()))
    }

    /// The base from a request's headers.
    fn from_headers(parts: &Parts) -> Result<PublicBase, Error> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                // Proxies chain values with commas: the first is the client's.
                .and_then(|value| value.split(',').next())
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        let host = header("x-forwarded-host")
            .or_else(|| header(HOST.as_str()))
            .or_else(|| parts.uri.authority().map(|authority| authority.as_str()))
            .ok_or_else(|| Error::BadRequest("the request names no host".into()))?;
        // Anything but a host name, an IP literal and a port could smuggle
        // markup or another URL into every link of the answer.
        let valid = host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']')
        });
        if !valid {
            return Err(Error::BadRequest(format!("invalid Host header `{host}`")));
        }
        let scheme = match header("x-forwarded-proto") {
            Some(proto) if proto.eq_ignore_ascii_case("https") => "https",
            _ => "http",
        };
        PublicBase::new(&format!("{scheme}://{host}")).map_err(Error::BadRequest)
    }

    /// The absolute URL of `path` (which starts with `/`) under the base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// The base itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PublicBase {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<PublicBase>() {
            Some(configured) => Ok(configured.clone()),
            None => PublicBase::from_headers(parts),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    fn base_of(request: Request<()>) -> Result<PublicBase, Error> {
        let (parts, ()) = request.into_parts();
        PublicBase::from_headers(&parts)
    }

    #[test]
    fn configured_bases_are_normalised() {
        let base = PublicBase::new("https://News.Example.org/tribune/").unwrap();
        assert_eq!(base.as_str(), "https://news.example.org/tribune");
        assert_eq!(
            base.join("/feed.rss"),
            "https://news.example.org/tribune/feed.rss"
        );
        assert!(PublicBase::new("ftp://example.org").is_err());
        assert!(PublicBase::new("/relative").is_err());
        assert!(PublicBase::new("https://example.org/?q=1").is_err());
    }

    #[test]
    fn the_host_and_forwarded_scheme_make_the_base() {
        let request = Request::get("/feed.rss")
            .header("host", "news.example.org:8080")
            .header("x-forwarded-proto", "https, http")
            .body(())
            .unwrap();
        assert_eq!(
            base_of(request).unwrap().as_str(),
            "https://news.example.org:8080"
        );
        let plain = Request::get("/")
            .header("host", "[::1]:8080")
            .body(())
            .unwrap();
        assert_eq!(base_of(plain).unwrap().as_str(), "http://[::1]:8080");
    }

    #[test]
    fn a_host_carrying_markup_is_refused() {
        for host in ["evil.example/\"><script>", "a b", "x@y"] {
            let request = Request::get("/").header("host", host).body(()).unwrap();
            assert!(base_of(request).is_err(), "{host}");
        }
        let none = Request::get("/").body(()).unwrap();
        assert!(base_of(none).is_err());
    }
}
