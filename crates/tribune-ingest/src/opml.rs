//! OPML, the list-of-feeds format every reader imports and exports.
//!
//! Reading is lenient, as real exports vary: attribute names in any case,
//! folders nested as outlines without a feed URL, `text` or `title` for the
//! name. Writing produces OPML 2.0 with one folder per category.

use quick_xml::events::{BytesStart, Event};

/// One feed in an OPML list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The feed's URL (`xmlUrl`).
    pub url: String,
    /// Its name (`text` or `title`).
    pub title: Option<String>,
    /// Its site (`htmlUrl`).
    pub site_url: Option<String>,
    /// The folder it is in, or its `category` attribute.
    pub category: Option<String>,
}

/// Why an OPML document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    /// The XML is broken.
    #[error("the OPML is not well-formed XML (at byte {position}): {message}")]
    Xml {
        /// Where the parser stopped.
        position: u64,
        /// What it said.
        message: String,
    },
    /// The document is XML but not OPML.
    #[error("this is not OPML: no <opml> element with feeds (outline elements with xmlUrl)")]
    NotOpml,
}

/// The feeds listed in an OPML document, in document order.
pub fn parse(bytes: &[u8]) -> Result<Vec<OpmlFeed>, OpmlError> {
    let text = crate::feed::to_utf8(bytes, None);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut feeds = Vec::new();
    // For each open <outline>, the folder name it opened (if it was one).
    let mut open: Vec<Option<String>> = Vec::new();
    let mut saw_opml = false;
    loop {
        let event = reader.read_event().map_err(|e| OpmlError::Xml {
            position: reader.buffer_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(ref element) | Event::Empty(ref element) => {
                let name = element.local_name().into_inner();
                if name.eq_ignore_ascii_case("opml") {
                    saw_opml = true;
                }
                if !name.eq_ignore_ascii_case("outline") {
                    continue;
                }
                let outline = Outline::read(element);
                let is_start = matches!(event, Event::Start(_));
                match outline.url {
                    Some(url) => {
                        let folder = open.iter().rev().flatten().next().cloned();
                        feeds.push(OpmlFeed {
                            url,
                            title: outline.title,
                            site_url: outline.site_url,
                            category: outline.category.or(folder),
                        });
                        if is_start {
                            open.push(None);
                        }
                    }
                    None if is_start => open.push(outline.title),
                    None => {}
                }
            }
            Event::End(ref element)
                if element
                    .local_name()
                    .into_inner()
                    .eq_ignore_ascii_case("outline") =>
            {
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        return Err(OpmlError::NotOpml);
    }
    Ok(feeds)
}

/// The attributes of one `<outline>` that matter.
#[derive(Default)]
struct Outline {
    url: Option<String>,
    title: Option<String>,
    site_url: Option<String>,
    category: Option<String>,
}

impl Outline {
    fn read(element: &BytesStart<'_>) -> Outline {
        let mut outline = Outline::default();
        let mut text = None;
        for attribute in element.attributes().with_checks(false).flatten() {
            let Ok(value) = attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0) else {
                continue;
            };
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            if value.is_empty() {
                continue;
            }
            let key = attribute.key.local_name().into_inner().to_ascii_lowercase();
            match key.as_str() {
                "xmlurl" => outline.url = Some(value),
                "title" => outline.title = Some(value),
                "text" => text = Some(value),
                "htmlurl" => outline.site_url = Some(value),
                // A comma-separated list or a path; the first part names it.
                "category" => {
                    outline.category = value
                        .split(',')
                        .next()
                        .map(|c| c.trim().trim_matches('/').to_string())
                        .filter(|c| !c.is_empty())
                }
                _ => {}
            }
        }
        outline.title = text.or(outline.title);
        outline
    }
}

/// An OPML 2.0 document listing `feeds`, grouped in folders by category.
pub fn write(title: &str, feeds: &[OpmlFeed]) -> String {
    use quick_xml::escape::escape;
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "  <head>\n    <title>{}</title>\n  </head>\n  <body>\n",
        escape(title)
    ));
    let outline = |feed: &OpmlFeed, indent: &str| {
        let name = feed.title.as_deref().unwrap_or(&feed.url);
        let mut line = format!(
            "{indent}<outline type=\"rss\" text=\"{}\" title=\"{}\" xmlUrl=\"{}\"",
            escape(name),
            escape(name),
            escape(feed.url.as_str())
        );
        if let Some(site) = &feed.site_url {
            line.push_str(&format!(" htmlUrl=\"{}\"", escape(site.as_str())));
        }
        line.push_str("/>\n");
        line
    };
    let mut categories: Vec<&str> = feeds.iter().filter_map(|f| f.category.as_deref()).collect();
    categories.sort_unstable();
    categories.dedup();
    for feed in feeds.iter().filter(|f| f.category.is_none()) {
        out.push_str(&outline(feed, "    "));
    }
    for category in categories {
        out.push_str(&format!(
            "    <outline text=\"{}\" title=\"{}\">\n",
            escape(category),
            escape(category)
        ));
        for feed in feeds
            .iter()
            .filter(|f| f.category.as_deref() == Some(category))
        {
            out.push_str(&outline(feed, "      "));
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_attribute_spellings() {
        let opml = br#"<?xml version="1.0"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
  <outline text="World">
    <outline text="Wire &amp; more" type="rss" xmlUrl="https://wire.example/rss" htmlUrl="https://wire.example/"/>
    <outline title="Nested"><outline xmlurl="https://deep.example/feed"/></outline>
  </outline>
  <outline text="Loose" XMLURL="https://loose.example/atom" category="/Tech/Gadgets"/>
  <outline text="Empty folder"></outline>
</body></opml>"#;
        let feeds = parse(opml).unwrap();
        assert_eq!(feeds.len(), 3);
        assert_eq!(feeds[0].title.as_deref(), Some("Wire & more"));
        assert_eq!(feeds[0].category.as_deref(), Some("World"));
        assert_eq!(feeds[0].site_url.as_deref(), Some("https://wire.example/"));
        assert_eq!(feeds[1].category.as_deref(), Some("Nested"));
        assert_eq!(feeds[2].category.as_deref(), Some("Tech/Gadgets"));
    }

    #[test]
    fn what_is_written_reads_back() {
        let feeds = vec![
            OpmlFeed {
                url: "https://a.example/rss?x=1&y=2".into(),
                title: Some("A \"quoted\" <feed>".into()),
                site_url: Some("https://a.example/".into()),
                category: Some("News".into()),
            },
            OpmlFeed {
                url: "https://b.example/atom".into(),
                ..OpmlFeed::default()
            },
        ];
        let written = write("Tribune sources", &feeds);
        let mut read = parse(written.as_bytes()).unwrap();
        read.sort_by(|a, b| a.url.cmp(&b.url));
        assert_eq!(read[0], feeds[0]);
        assert_eq!(read[1].url, feeds[1].url);
        assert_eq!(read[1].title.as_deref(), Some("https://b.example/atom"));
    }

    #[test]
    fn broken_or_foreign_documents_are_errors() {
        assert!(matches!(
            parse(b"<opml><body><outline xmlUrl=\"x\"></body>"),
            Err(OpmlError::Xml { .. })
        ));
        assert!(matches!(
            parse(b"<rss version=\"2.0\"/>"),
            Err(OpmlError::NotOpml)
        ));
    }
}
