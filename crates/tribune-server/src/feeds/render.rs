//! A [`Feed`] written as RSS 2.0, Atom 1.0 or JSON Feed 1.1.
//!
//! XML goes through quick-xml's writer, which escapes every text and
//! attribute; what it cannot do is drop the characters XML 1.0 forbids even
//! when escaped (most C0 controls), so text is cleaned first.

use crate::body::escape_html;
use std::io;

use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;

use super::build::{Feed, Item};

/// The formats a feed is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0 (RFC 4287).
    Atom,
    /// JSON Feed 1.1.
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// The file extension of the format's URLs.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    /// The media type to answer with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// The feed in `format`.
pub(crate) fn render(feed: &Feed, format: Format) -> io::Result<Vec<u8>> {
    match format {
        Format::Rss => rss(feed),
        Format::Atom => atom(feed),
        // JSON could carry control characters, but a title should not read
        // differently in one format than in the others.
        Format::Json => json(&cleaned(feed)),
    }
}

/// `feed` with every text [`clean`]ed.
fn cleaned(feed: &Feed) -> Feed {
    let mut feed = feed.clone();
    for text in [&mut feed.title, &mut feed.description] {
        *text = clean(text);
    }
    for item in &mut feed.items {
        for text in [&mut item.title, &mut item.summary] {
            *text = clean(text);
        }
        for text in item.authors.iter_mut().chain(item.outlet.as_mut()) {
            *text = clean(text);
        }
    }
    feed
}

const GENERATOR: &str = "Tribune";

fn rss(feed: &Feed) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("rss")
        .with_attributes([
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ])
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                text(w, "title", &feed.title)?;
                text(w, "link", &feed.home)?;
                text(w, "description", &feed.description)?;
                w.create_element("atom:link")
                    .with_attributes([
                        ("href", clean(&feed.self_url).as_str()),
                        ("rel", "self"),
                        ("type", "application/rss+xml"),
                    ])
                    .write_empty()?;
                text(w, "lastBuildDate", &feed.updated.to_rfc2822())?;
                text(w, "generator", GENERATOR)?;
                text(w, "docs", "https://www.rssboard.org/rss-specification")?;
                for item in &feed.items {
                    w.create_element("item").write_inner_content(|w| {
                        text(w, "title", &item.title)?;
                        text(w, "link", &item.link)?;
                        // RSS descriptions are HTML by custom: markup,
                        // escaped once more as XML text.
                        text(w, "description", &html(item))?;
                        for author in &item.authors {
                            text(w, "dc:creator", author)?;
                        }
                        w.create_element("guid")
                            .with_attribute(("isPermaLink", "true"))
                            .write_text_content(BytesText::new(&clean(&item.id)))?;
                        let date = item.published.unwrap_or(item.updated);
                        text(w, "pubDate", &date.to_rfc2822())?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(w.into_inner())
}

fn atom(feed: &Feed) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("feed")
        .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
        .write_inner_content(|w| {
            text(w, "id", &feed.self_url)?;
            typed_text(w, "title", "text", &feed.title)?;
            typed_text(w, "subtitle", "text", &feed.description)?;
            text(w, "updated", &rfc3339(feed.updated))?;
            link(w, "self", "application/atom+xml", &feed.self_url)?;
            link(w, "alternate", "text/html", &feed.home)?;
            // A feed whose entries do not all name an author must name one.
            w.create_element("author")
                .write_inner_content(|w| text(w, "name", GENERATOR))?;
            text(w, "generator", GENERATOR)?;
            for item in &feed.items {
                w.create_element("entry").write_inner_content(|w| {
                    text(w, "id", &item.id)?;
                    typed_text(w, "title", "text", &item.title)?;
                    text(w, "updated", &rfc3339(item.updated))?;
                    if let Some(published) = item.published {
                        text(w, "published", &rfc3339(published))?;
                    }
                    link(w, "alternate", "text/html", &item.link)?;
                    if item.page != item.link {
                        link(w, "related", "text/html", &item.page)?;
                    }
                    if let Some(via) = &item.via {
                        link(w, "via", "text/html", via)?;
                    }
                    for author in &item.authors {
                        w.create_element("author")
                            .write_inner_content(|w| text(w, "name", author))?;
                    }
                    typed_text(w, "summary", "text", &item.summary)?;
                    typed_text(w, "content", "html", &html(item))?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

/// JSON Feed 1.1 (<https://www.jsonfeed.org/version/1.1/>).
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    authors: [JsonAuthor<'a>; 1],
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: String,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor<'a>>,
}

fn json(feed: &Feed) -> io::Result<Vec<u8>> {
    let document = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &feed.title,
        home_page_url: &feed.home,
        feed_url: &feed.self_url,
        description: &feed.description,
        authors: [JsonAuthor { name: GENERATOR }],
        items: feed
            .items
            .iter()
            .map(|item| JsonItem {
                id: &item.id,
                url: &item.link,
                title: &item.title,
                content_html: html(item),
                summary: &item.summary,
                date_published: item.published.map(rfc3339),
                date_modified: rfc3339(item.updated),
                authors: item
                    .authors
                    .iter()
                    .map(|name| JsonAuthor { name })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_vec_pretty(&document).map_err(io::Error::other)
}

/// An item's body as HTML: its summary and where to read on.
fn html(item: &Item) -> String {
    let mut out = format!("<p>{}</p>\n<p>", escape_html(&item.summary));
    let outlet = item.outlet.as_deref().unwrap_or("the publisher");
    if item.link != item.page {
        out.push_str(&format!(
            "<a href=\"{}\">Read it at {}</a> \u{b7} ",
            escape_html(&item.link),
            escape_html(outlet)
        ));
    }
    if let Some(via) = &item.via {
        out.push_str(&format!(
            "<a href=\"{}\">The original</a> \u{b7} ",
            escape_html(via)
        ));
    }
    out.push_str(&format!(
        "<a href=\"{}\">On Tribune</a></p>",
        escape_html(&item.page)
    ));
    out
}

/// `text` without the characters XML 1.0 cannot carry at all.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
        })
        .collect()
}

pub(crate) fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&clean(value)))?;
    Ok(())
}

pub(crate) fn typed_text(
    w: &mut Writer<Vec<u8>>,
    name: &str,
    kind: &str,
    value: &str,
) -> io::Result<()> {
    w.create_element(name)
        .with_attribute(("type", kind))
        .write_text_content(BytesText::new(&clean(value)))?;
    Ok(())
}

pub(crate) fn link(w: &mut Writer<Vec<u8>>, rel: &str, kind: &str, href: &str) -> io::Result<()> {
    w.create_element("link")
        .with_attributes([("rel", rel), ("type", kind), ("href", clean(href).as_str())])
        .write_empty()?;
    Ok(())
}

pub(crate) fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}
