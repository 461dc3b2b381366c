//! Feeds (RSS 0.9x, 1.0 and 2.0, Atom, JSON Feed) read into what the poller
//! needs: each entry's key, link, title, authors, date and whatever text the
//! feed carries. Parsing is feed-rs's; Tribune's part is getting the bytes
//! to it in the right character set and judging whether an entry carries
//! the whole article or only a teaser.

use std::time::Duration;

use chrono::{DateTime, Utc};
use encoding_rs::Encoding;

/// A feed as read.
#[derive(Debug, Clone, Default)]
pub struct Feed {
    /// The feed's own title.
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub site_url: Option<String>,
    /// RSS `ttl`: how long the publisher asks readers to wait between polls.
    pub ttl: Option<Duration>,
    /// The entries, as listed.
    pub entries: Vec<Entry>,
}

/// One entry of a feed.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// A key stable across polls: the entry's id (guid), or one derived from
    /// its link and title.
    pub key: String,
    /// The article's page.
    pub link: Option<String>,
    /// The headline.
    pub title: Option<String>,
    /// The authors' names.
    pub authors: Vec<String>,
    /// When it was published (or, failing that, updated).
    pub published: Option<DateTime<Utc>>,
    /// The full content (HTML), if the feed carries it.
    pub content: Option<String>,
    /// The summary or description (HTML or text).
    pub summary: Option<String>,
}

/// An entry whose text is shorter than this is a teaser: its page is
/// fetched for the article.
const FULL_TEXT_CHARS: usize = 600;

impl Entry {
    /// The entry's own HTML if it carries the whole article, rather than a
    /// teaser that needs the linked page fetched.
    pub fn full_text(&self) -> Option<&str> {
        [self.content.as_deref(), self.summary.as_deref()]
            .into_iter()
            .flatten()
            .find(|html| visible_chars(html) >= FULL_TEXT_CHARS)
    }

    /// Whatever text the entry has, full or not.
    pub fn any_text(&self) -> Option<&str> {
        [self.content.as_deref(), self.summary.as_deref()]
            .into_iter()
            .flatten()
            .find(|html| visible_chars(html) > 0)
    }
}

/// Characters outside tags, roughly: enough to tell a teaser from an article.
fn visible_chars(html: &str) -> usize {
    let mut inside = false;
    let mut count = 0;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside && !c.is_whitespace() => count += 1,
            _ => {}
        }
    }
    count
}

/// Why a feed could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{url}: not a readable feed ({message})")]
pub struct FeedError {
    /// The feed's URL.
    pub url: String,
    /// What the parser said.
    pub message: String,
}

/// Reads a feed fetched from `url` with the given `Content-Type`.
pub fn parse(bytes: &[u8], content_type: Option<&str>, url: &str) -> Result<Feed, FeedError> {
    let text = to_utf8(bytes, content_type);
    let parsed = feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .build()
        .parse(text.as_bytes())
        .map_err(|e| FeedError {
            url: url.to_string(),
            message: e.to_string(),
        })?;
    Ok(Feed {
        title: parsed
            .title
            .map(|t| clean(&t.content))
            .filter(|t| !t.is_empty()),
        site_url: parsed
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .map(|l| l.href.clone()),
        ttl: parsed
            .ttl
            .map(|minutes| Duration::from_secs(u64::from(minutes) * 60)),
        entries: parsed.entries.into_iter().map(entry).collect(),
    })
}

fn entry(e: feed_rs::model::Entry) -> Entry {
    let link = e
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(e.links.first())
        .map(|l| l.href.trim().to_string())
        // An RSS guid is often the permalink.
        .or_else(|| {
            (e.id.starts_with("http://") || e.id.starts_with("https://")).then(|| e.id.clone())
        });
    Entry {
        key: e.id,
        link,
        title: e.title.map(|t| clean(&t.content)).filter(|t| !t.is_empty()),
        authors: e
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref().map(clean))
            .filter(|n| !n.is_empty())
            .collect(),
        published: e.published.or(e.updated),
        content: e
            .content
            .and_then(|c| c.body)
            .filter(|b| !b.trim().is_empty()),
        summary: e
            .summary
            .map(|s| s.content)
            .filter(|s| !s.trim().is_empty()),
    }
}

/// Folds whitespace; titles in feeds often carry newlines and indentation.
fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The feed's text in UTF-8, with its XML declaration saying so.
///
/// Feeds are often served with the wrong charset: a header that says
/// UTF-8 over Latin-1 bytes, or a declaration that disagrees with both. So
/// the evidence is weighed by how hard it is to get wrong: a byte order mark;
/// bytes that are valid UTF-8 (other encodings' non-ASCII text almost never
/// is); then the XML declaration, the HTTP header, and Windows-1252, which
/// decodes any byte.
pub fn to_utf8(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return without_declared_encoding(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return without_declared_encoding(text.to_string());
    }
    let declared = xml_declared_encoding(bytes)
        .or_else(|| content_type.and_then(header_charset))
        .filter(|e| *e != encoding_rs::UTF_8)
        .unwrap_or(encoding_rs::WINDOWS_1252);
    let (text, _, _) = declared.decode(bytes);
    without_declared_encoding(text.into_owned())
}

fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| Encoding::for_label(value.trim().trim_matches('"').as_bytes()))
            .flatten()
    })
}

/// The `encoding` of an `<?xml …?>` declaration.
fn xml_declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(200)];
    let end = head.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&head[..end]).ok()?;
    let value = declaration.split("encoding").nth(1)?;
    let value = value.trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next()?;
    let label = value[1..].split(quote).next()?;
    Encoding::for_label(label.as_bytes())
}

/// Removes the declaration's `encoding`: the text is UTF-8 now, and the XML
/// parser must not decode it a second time.
fn without_declared_encoding(text: String) -> String {
    let Some(rest) = text.trim_start_matches('\u{feff}').strip_prefix("<?xml") else {
        return text;
    };
    let Some(end) = rest.find("?>") else {
        return text;
    };
    let declaration = &rest[..end];
    let Some(at) = declaration.find("encoding") else {
        return text;
    };
    let after = &declaration[at..];
    let value_end = after
        .char_indices()
        .filter(|(_, c)| *c == '"' || *c == '\'')
        .nth(1)
        .map(|(i, _)| i + 1)
        .unwrap_or(after.len());
    let kept = format!(
        "<?xml{}{}?>{}",
        &declaration[..at],
        &after[value_end..],
        &rest[end + 2..]
    );
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example News</title><link>https://news.example/</link><ttl>30</ttl>
<item><title>Storm
   hits coast</title><link>https://news.example/storm</link><guid>urn:storm-1</guid>
<pubDate>Sun, 16 Mar 2025 10:00:00 GMT</pubDate><description>A teaser.</description></item>
</channel></rss>"#;

    #[test]
    fn rss_entries_are_read() {
        let feed = parse(RSS.as_bytes(), None, "https://news.example/rss").unwrap();
        assert_eq!(feed.title.as_deref(), Some("Example News"));
        assert_eq!(feed.site_url.as_deref(), Some("https://news.example/"));
        assert_eq!(feed.ttl, Some(Duration::from_secs(1800)));
        let entry = &feed.entries[0];
        assert_eq!(entry.key, "urn:storm-1");
        assert_eq!(entry.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(entry.link.as_deref(), Some("https://news.example/storm"));
        assert_eq!(
            entry.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2025-03-16T10:00:00+00:00")
        );
        assert!(entry.full_text().is_none(), "a teaser is not the article");
        assert_eq!(entry.any_text(), Some("A teaser."));
    }

    #[test]
    fn atom_and_json_feed_are_read() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><id>tag:a,2025:1</id><title>One</title><link href="https://a.example/1"/>
<author><name>Jane Doe</name></author><updated>2025-03-16T10:00:00Z</updated>
<content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>"#;
        let feed = parse(atom.as_bytes(), None, "https://a.example/atom").unwrap();
        assert_eq!(feed.entries[0].authors, ["Jane Doe"]);
        assert_eq!(feed.entries[0].link.as_deref(), Some("https://a.example/1"));
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J",
"items":[{"id":"1","url":"https://j.example/1","title":"One","content_html":"<p>x</p>"}]}"#;
        let feed = parse(json.as_bytes(), None, "https://j.example/feed.json").unwrap();
        assert_eq!(feed.entries[0].link.as_deref(), Some("https://j.example/1"));
    }

    #[test]
    fn full_content_is_recognised() {
        let long = format!("<p>{}</p>", "The council voted on the budget. ".repeat(30));
        let entry = Entry {
            content: Some(long.clone()),
            summary: Some("Short.".into()),
            ..Entry::default()
        };
        assert_eq!(entry.full_text(), Some(long.as_str()));
    }

    #[test]
    fn a_latin1_feed_served_as_utf8_is_decoded() {
        let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf\u{e9} news</title></channel></rss>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(xml);
        let feed = parse(
            &bytes,
            Some("application/rss+xml; charset=utf-8"),
            "https://x.example/",
        )
        .unwrap();
        assert_eq!(feed.title.as_deref(), Some("Caf\u{e9} news"));
        // UTF-8 bytes declared as Latin-1 stay UTF-8.
        let feed = parse(
            xml.as_bytes(),
            Some("text/xml; charset=iso-8859-1"),
            "https://x.example/",
        )
        .unwrap();
        assert_eq!(feed.title.as_deref(), Some("Caf\u{e9} news"));
        // No declaration, Latin-1 header, Latin-1 bytes.
        let bare = "<rss version=\"2.0\"><channel><title>Caf\u{e9}</title></channel></rss>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(bare);
        let feed = parse(
            &bytes,
            Some("text/xml; charset=iso-8859-1"),
            "https://x.example/",
        )
        .unwrap();
        assert_eq!(feed.title.as_deref(), Some("Caf\u{e9}"));
    }

    #[test]
    fn broken_xml_is_an_error_naming_the_feed() {
        let err = parse(
            b"<rss version=\"2.0\"><channel><title>x</chan",
            None,
            "https://x.example/rss",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("https://x.example/rss: not a readable feed"),
            "{err}"
        );
        assert!(
            parse(
                b"<html><body>no feed</body></html>",
                None,
                "https://x.example/"
            )
            .is_err()
        );
    }

    #[test]
    fn the_encoding_declaration_is_dropped() {
        assert_eq!(
            without_declared_encoding(
                "<?xml version=\"1.0\" encoding='latin1' standalone=\"yes\"?><a/>".into()
            ),
            "<?xml version=\"1.0\"  standalone=\"yes\"?><a/>"
        );
        assert_eq!(without_declared_encoding("<a/>".into()), "<a/>");
    }
}
