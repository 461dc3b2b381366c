//! Feed autodiscovery: the feeds a web page announces with
//! `<link rel="alternate" type="application/rss+xml" href="…">`, so that a
//! user can follow a site by its address.

use crate::feed;
use crate::fetch::{FetchError, Fetched, Fetcher, Request, Response};

/// What fetching a URL someone wants to follow found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The URL to poll: the feed's, or the page's own when it announces
    /// none.
    pub url: String,
    /// Whether that URL is a feed (else the page itself is polled).
    pub is_feed: bool,
    /// The feed's title.
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub site_url: Option<String>,
}

/// Fetches `url` once to decide what following it means: a feed is
/// followed as it is; a page that announces a feed gives that feed (the
/// first announced one that parses); a page without one is polled itself.
pub async fn find_feed(fetcher: &Fetcher, url: &str) -> Result<Found, FetchError> {
    let fetched = fetch(fetcher, url).await?;
    let content_type = fetched.content_type.as_deref();
    if let Ok(feed) = feed::parse(&fetched.body, content_type, &fetched.url) {
        return Ok(Found {
            url: url.to_string(),
            is_feed: true,
            title: feed.title,
            site_url: feed.site_url,
        });
    }
    let html = feed::to_utf8(&fetched.body, content_type);
    for link in feed_links(&html, &fetched.url) {
        let Ok(linked) = fetch(fetcher, &link).await else {
            continue;
        };
        if let Ok(feed) = feed::parse(&linked.body, linked.content_type.as_deref(), &linked.url) {
            return Ok(Found {
                url: link,
                is_feed: true,
                title: feed.title,
                site_url: feed.site_url.or(Some(fetched.url.clone())),
            });
        }
    }
    Ok(Found {
        url: url.to_string(),
        is_feed: false,
        title: None,
        site_url: Some(fetched.url),
    })
}

async fn fetch(fetcher: &Fetcher, url: &str) -> Result<Fetched, FetchError> {
    match fetcher.fetch(Request::get(url)).await? {
        Response::Fresh(fetched) => Ok(fetched),
        // A 304 to a request without validators is the server's error.
        Response::NotModified { .. } => Err(FetchError::Status {
            url: url.to_string(),
            status: 304,
            retry_after: None,
        }),
    }
}

/// Feed types a page may announce.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
];

/// The feed URLs announced by the page at `base`, absolute, in page order,
/// without repeats.
pub fn feed_links(html: &str, base: &str) -> Vec<String> {
    let base = url::Url::parse(base).ok();
    let document = dom_query::Document::from(html);
    let mut found: Vec<String> = Vec::new();
    for link in document.select("link[rel][href][type]").iter() {
        let rel = link.attr("rel").unwrap_or_default().to_ascii_lowercase();
        if !rel.split_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let kind = link.attr("type").unwrap_or_default().to_ascii_lowercase();
        if !FEED_TYPES.contains(&kind.trim()) {
            continue;
        }
        let href = link.attr("href").unwrap_or_default();
        let absolute = match &base {
            Some(base) => base.join(href.trim()).map(|u| u.to_string()).ok(),
            None => url::Url::parse(href.trim()).map(|u| u.to_string()).ok(),
        };
        if let Some(url) = absolute
            && !found.contains(&url)
        {
            found.push(url);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announced_feeds_are_found_and_made_absolute() {
        let html = r#"<html><head>
<link rel="stylesheet" href="/s.css" type="text/css">
<link rel="alternate" type="application/rss+xml" title="All" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="https://feeds.example/atom">
<link rel="alternate" hreflang="fr" href="/fr/" type="text/html">
<link rel="alternate" type="application/rss+xml" href="/rss.xml">
</head><body></body></html>"#;
        assert_eq!(
            feed_links(html, "https://news.example/world/"),
            ["https://news.example/rss.xml", "https://feeds.example/atom"]
        );
        assert!(feed_links("<p>none</p>", "https://x.example/").is_empty());
    }
}
