//! HTML or plain text in, a clean [`Article`] out.
//!
//! `tribune-extract` owns the first stage of Tribune's pipeline: it finds
//! the article in a page (title, body, byline, dates, language, canonical
//! URL), drops the site's chrome, and reads provenance lines ("This article
//! originally appeared on ...") into fields. It never touches the network
//! or storage: a [`Document`] holds the bytes, and the caller fetches them.
//!
//! ```
//! use tribune_extract::extract;
//! use tribune_model::Document;
//!
//! let html = r#"<html><head><title>Storm hits coast | Daily Example</title></head>
//! <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
//! <article><h1>Storm hits coast</h1>
//! <p>A powerful storm hit the coast on Monday, cutting power to thousands of homes, officials said.</p>
//! <p>Crews worked through the night to restore electricity to the worst affected towns.</p>
//! <p>Follow us on our WhatsApp channel here.</p></article></body></html>"#;
//! let article = extract(&Document::new(html.as_bytes().to_vec())).unwrap();
//! assert_eq!(article.title.as_deref(), Some("Storm hits coast"));
//! assert!(article.text.starts_with("A powerful storm"));
//! assert!(!article.text.contains("WhatsApp"));
//! ```
//!
//! **Invariant:** no I/O, no global state; options arrive as arguments.
#![deny(missing_docs)]

mod blocks;
mod boilerplate;
mod content;
mod date_context;
mod dates;
mod decode;
mod dom;
mod error;
mod hints;
mod language;
mod metadata;
mod names;
mod nesting;
mod plaintext;
mod provenance;
pub mod score;

pub use error::{Error, Result};
use tribune_model::{Article, ContentKind, Document};

/// Knobs for [`extract_with`].
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Pages larger than this many bytes are cut to it before parsing, with
    /// a warning, so one enormous page cannot exhaust memory.
    pub max_bytes: usize,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Extracts the article from a document with default options.
pub fn extract(document: &Document) -> Result<Article> {
    extract_with(document, &ExtractOptions::default())
}

/// Extracts the article from a document.
///
/// Fails only for input that is not a page at all (empty, binary); odd but
/// readable input gives an article with `warnings`, possibly with no text.
pub fn extract_with(document: &Document, options: &ExtractOptions) -> Result<Article> {
    let mut warnings = Vec::new();
    let mut bytes = document.bytes.as_slice();
    if bytes.len() > options.max_bytes {
        warnings.push(format!(
            "input is {} bytes; only the first {} were read",
            bytes.len(),
            options.max_bytes
        ));
        // Cut at a character boundary (if UTF-8: the first byte left out
        // must not be a continuation byte), so that the cut alone does not
        // make the text look mis-encoded.
        let mut cut = options.max_bytes;
        while cut > 0 && options.max_bytes - cut < 3 && bytes[cut] & 0xc0 == 0x80 {
            cut -= 1;
        }
        bytes = &bytes[..cut];
    }
    let decoded = decode::decode(bytes, document.content_type.as_deref())?;
    warnings.extend(decoded.warnings);
    let is_html = match document.kind {
        ContentKind::Html => true,
        ContentKind::Text => false,
        ContentKind::Unknown => {
            document
                .content_type
                .as_deref()
                .is_some_and(|ct| ct.contains("html"))
                || looks_like_html(&decoded.text)
        }
    };
    let mut article = if is_html {
        from_html(&decoded.text, document.url.as_deref())
    } else {
        from_text(&decoded.text)
    };
    article.url = document.url.clone();
    if article.canonical_url.is_none() {
        article.canonical_url = document.url.clone();
    }
    if article.published.is_none() {
        article.published = document.date_hint;
    }
    article.warnings.splice(0..0, warnings);
    Ok(article)
}

/// Whether text is markup: it opens with a tag, or has common tags early on.
fn looks_like_html(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') {
        return true;
    }
    let window =
        &head[..head.char_indices().nth(2048).map_or(head.len(), |(i, _)| i)].to_ascii_lowercase();
    ["<html", "<body", "<p>", "<div", "<br", "<!doctype"]
        .iter()
        .any(|tag| window.contains(tag))
}

fn from_html(text: &str, url: Option<&str>) -> Article {
    // html5ever's tree builder is quadratic on deeply nested markup (and on
    // piles of unclosed formatting tags): `nesting` bounds both.
    let (html, nesting_warning) = nesting::parse(text);
    let meta = metadata::read(&html, text, url);
    let dom = dom::Dom::build(&html.root());
    drop(html);
    let blocks = blocks::text_blocks(&dom);
    let selection = content::select(&dom, &blocks, meta.title.as_deref());
    let mut article = Article {
        title: meta.title,
        authors: meta.authors,
        published: meta.published.map(|d| d.date),
        published_at: meta.published.and_then(|d| d.at),
        canonical_url: meta.canonical_url,
        site_name: meta.site_name,
        description: meta.description,
        ..Article::default()
    };
    let mut body = selection.kept;
    let mut removed = selection.removed;
    let consumed = provenance::extract(&mut body, &removed, &mut article.provenance);
    removed.extend(consumed);
    // The printed byline, as the page shows it ("By Jane Doe, Reuters").
    article.provenance.byline = removed
        .iter()
        .map(|line| line.trim())
        .find(|line| {
            line.chars().count() < 120
                && line
                    .get(..3)
                    .is_some_and(|by| by.eq_ignore_ascii_case("by "))
        })
        .map(str::to_string);
    if article.provenance.original_publisher.is_some() && article.provenance.republisher.is_none() {
        article.provenance.republisher =
            article.site_name.clone().or_else(|| url.and_then(host_of));
    }
    article.language = language::detect(&joined(&body), meta.language.as_deref());
    article.set_blocks(body);
    article.removed = removed;
    article.warnings.extend(nesting_warning);
    article
}

fn from_text(text: &str) -> Article {
    let parts = plaintext::read(text);
    let mut article = Article {
        title: parts.title,
        authors: parts.authors,
        published: parts.published.map(|d| d.date),
        published_at: parts.published.and_then(|d| d.at),
        ..Article::default()
    };
    article.provenance.byline = parts.byline;
    let mut body = parts.blocks;
    let mut removed = parts.removed;
    let consumed = provenance::extract(&mut body, &removed, &mut article.provenance);
    removed.extend(consumed);
    article.language = language::detect(&joined(&body), None);
    article.set_blocks(body);
    article.removed = removed;
    article
}

fn joined(blocks: &[tribune_model::Block]) -> String {
    blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.trim_start_matches("www.").to_string())
}
