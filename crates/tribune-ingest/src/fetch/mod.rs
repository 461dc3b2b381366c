//! Fetching over HTTP the way a good feed reader does: one shared client
//! with a clear User-Agent, gzip and brotli, conditional requests, a cap on
//! time and size for every response, a limit on concurrent requests per
//! host, and no fetching from inside the network unless allowed. Webhook
//! deliveries are POSTed through the same guard ([`Fetcher::post`]).

pub mod guard;
mod host_limit;
mod post;
mod response;

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};

pub use guard::{Refused, is_public};
pub use post::Posted;
pub use response::{Caching, FetchError, Fetched, Response};

use guard::AddressPolicy;
use host_limit::HostLimits;

/// How fetching behaves. The defaults suit polling the public web.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// The most one request may take, body included.
    pub timeout: Duration,
    /// The most connecting may take.
    pub connect_timeout: Duration,
    /// The most a response body may weigh (after decompression).
    pub max_bytes: u64,
    /// At most this many requests to one host at a time.
    pub per_host: usize,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Allow loopback, private and link-local addresses (off by default).
    pub allow_private_addresses: bool,
    /// `host:port` pairs allowed even when private addresses are not (a
    /// local feed bridge, a test server).
    pub allowed_hosts: Vec<String>,
    /// The User-Agent sent with every request.
    pub user_agent: String,
}

/// The User-Agent Tribune sends.
pub const USER_AGENT: &str = concat!(
    "Tribune/",
    env!("CARGO_PKG_VERSION"),
    " (self-hosted news reader; +https://example.invalid/tribune)"
);

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_bytes: 10 * 1024 * 1024,
            per_host: 4,
            max_redirects: 10,
            allow_private_addresses: false,
            allowed_hosts: Vec::new(),
            user_agent: USER_AGENT.to_string(),
        }
    }
}

/// The form a source URL is stored in, so that one feed written two ways
/// (`HTTPS://News.Example:443/rss#top`) is one source: host lower-cased,
/// default port and fragment dropped. Only http and https are accepted.
pub fn normalize_url(raw: &str) -> Result<String, FetchError> {
    let invalid = |reason: String| FetchError::InvalidUrl {
        url: raw.to_string(),
        reason,
    };
    let mut url = reqwest::Url::parse(raw.trim()).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https URLs can be fetched".into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host".into()));
    }
    url.set_fragment(None);
    Ok(url.to_string())
}

/// One request: a URL and the validators from the last response, if any.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    /// What to fetch.
    pub url: &'a str,
    /// The last `ETag`, sent as `If-None-Match`.
    pub etag: Option<&'a str>,
    /// The last `Last-Modified`, sent as `If-Modified-Since`.
    pub last_modified: Option<&'a str>,
}

impl<'a> Request<'a> {
    /// A plain GET of `url`.
    pub fn get(url: &'a str) -> Self {
        Request {
            url,
            ..Request::default()
        }
    }
}

/// The HTTP client for feeds and pages; cheap to clone, shared by tasks.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    /// The client for POSTs: the same guard and caps, no redirects.
    poster: reqwest::Client,
    policy: Arc<AddressPolicy>,
    hosts: HostLimits,
    max_bytes: u64,
}

impl Fetcher {
    /// A fetcher with the given configuration.
    pub fn new(config: &FetchConfig) -> Result<Fetcher, FetchError> {
        let policy = Arc::new(AddressPolicy::new(
            config.allow_private_addresses,
            &config.allowed_hosts,
        ));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static(
                "application/rss+xml, application/atom+xml, application/feed+json, \
                 application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
            ),
        );
        let redirect_policy = {
            let policy = Arc::clone(&policy);
            let max = config.max_redirects;
            reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= max {
                    return attempt.error(format!("more than {max} redirects"));
                }
                match policy.check_url(attempt.url()) {
                    Ok(()) => attempt.follow(),
                    Err(refused) => attempt.error(refused),
                }
            })
        };
        let guarded = |redirects: reqwest::redirect::Policy| {
            let mut builder = reqwest::Client::builder()
                .user_agent(config.user_agent.clone())
                .timeout(config.timeout)
                .connect_timeout(config.connect_timeout)
                .redirect(redirects)
                // A proxy would resolve names itself, out of the guard's sight.
                .no_proxy()
                .pool_max_idle_per_host(config.per_host.max(1));
            if !config.allow_private_addresses {
                builder = builder.dns_resolver(Arc::clone(&policy));
            }
            builder
        };
        let client = guarded(redirect_policy)
            .default_headers(headers)
            .build()
            .map_err(|e| FetchError::Client {
                message: e.to_string(),
            })?;
        let poster = guarded(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| FetchError::Client {
                message: e.to_string(),
            })?;
        Ok(Fetcher {
            client,
            poster,
            policy,
            hosts: HostLimits::new(config.per_host.max(1)),
            max_bytes: config.max_bytes,
        })
    }

    /// Fetches `request.url`, conditionally if validators are given, waiting
    /// for a free slot on its host first.
    pub async fn fetch(&self, request: Request<'_>) -> Result<Response, FetchError> {
        match self.fetch_unless(request, std::future::pending()).await {
            Some(result) => result,
            None => unreachable!("a pending future never completes"),
        }
    }

    /// Like [`fetch`](Self::fetch), but gives up (`None`) if `cancelled`
    /// completes while the request still waits for a slot on its host. A
    /// request that has started runs to its end.
    pub async fn fetch_unless(
        &self,
        request: Request<'_>,
        cancelled: impl std::future::Future<Output = ()>,
    ) -> Option<Result<Response, FetchError>> {
        let url = match self.checked_url(request.url) {
            Ok(url) => url,
            Err(error) => return Some(Err(error)),
        };
        let _slot = tokio::select! {
            biased;
            slot = self.hosts.acquire(url.host_str().unwrap_or("")) => slot,
            () = cancelled => return None,
        };
        Some(self.send(url, request).await)
    }

    /// POSTs `body` to `url` with `headers`, waiting for a free slot on its
    /// host first. The address guard applies as for [`fetch`](Self::fetch)
    /// (the URL, then every address its host resolves to); redirects are
    /// not followed but answered as they are (a 3xx status). Any answer is
    /// `Ok`, whatever its status: only no answer is an error.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Posted, FetchError> {
        match self
            .post_unless(url, headers, body, std::future::pending())
            .await
        {
            Some(result) => result,
            None => unreachable!("a pending future never completes"),
        }
    }

    /// Like [`post`](Self::post), but gives up (`None`) if `cancelled`
    /// completes while the request still waits for a slot on its host.
    pub async fn post_unless(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        cancelled: impl std::future::Future<Output = ()>,
    ) -> Option<Result<Posted, FetchError>> {
        let checked = match self.checked_url(url) {
            Ok(checked) => checked,
            Err(error) => return Some(Err(error)),
        };
        let headers = match post::header_map(url, headers) {
            Ok(headers) => headers,
            Err(error) => return Some(Err(error)),
        };
        let _slot = tokio::select! {
            biased;
            slot = self.hosts.acquire(checked.host_str().unwrap_or("")) => slot,
            () = cancelled => return None,
        };
        let sent = self
            .poster
            .post(checked)
            .headers(headers)
            .body(body)
            .send()
            .await;
        Some(match sent {
            Ok(response) => post::read(url, response, self.max_bytes).await,
            Err(error) => Err(FetchError::from_reqwest(url, error)),
        })
    }

    /// Checks that `url` is an http(s) URL the guard lets through as
    /// written (an address literal inside the network is refused; names
    /// are checked when they are resolved, at request time): for refusing
    /// a user-given URL when it is saved rather than when it is used.
    pub fn check_url(&self, url: &str) -> Result<(), FetchError> {
        self.checked_url(url).map(|_| ())
    }

    fn checked_url(&self, raw: &str) -> Result<reqwest::Url, FetchError> {
        let url = reqwest::Url::parse(raw).map_err(|e| FetchError::InvalidUrl {
            url: raw.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl {
                url: raw.to_string(),
                reason: "only http and https URLs can be fetched".to_string(),
            });
        }
        self.policy.check_url(&url).map_err(FetchError::Refused)?;
        Ok(url)
    }

    async fn send(&self, url: reqwest::Url, request: Request<'_>) -> Result<Response, FetchError> {
        let mut builder = self.client.get(url);
        if let Some(etag) = request.etag {
            builder = builder.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = request.last_modified {
            builder = builder.header(header::IF_MODIFIED_SINCE, modified);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| FetchError::from_reqwest(request.url, e))?;
        response::read(request.url, response, self.max_bytes).await
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_url;

    #[test]
    fn one_feed_written_two_ways_is_one_url() {
        assert_eq!(
            normalize_url(" HTTPS://News.Example:443/rss?x=1#top ").unwrap(),
            "https://news.example/rss?x=1"
        );
        assert_eq!(
            normalize_url("http://a.example").unwrap(),
            "http://a.example/"
        );
        assert!(normalize_url("ftp://a.example/feed").is_err());
        assert!(normalize_url("feed.xml").is_err());
    }
}
