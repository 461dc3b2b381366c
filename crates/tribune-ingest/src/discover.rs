//! Feed autodiscovery: the feeds a web page announces with
//! `<link rel="alternate" type="application/rss+xml" href="…">`, so that a
//! user can follow a site by its address.

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
