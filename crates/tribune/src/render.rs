//! How `tribune extract` prints an article: JSON lines, plain text or Markdown.
//! The JSON shape is Tribune's CLI contract, so it is its own type here,
//! converted from the model's `Article`.

use serde::Serialize;
use tribune_model::{Article, BlockKind, Provenance};

/// One line of `tribune extract --format json`.
#[derive(Debug, Serialize)]
pub struct ExtractJson<'a> {
    pub input: &'a str,
    pub url: Option<&'a str>,
    pub title: Option<&'a str>,
    pub text: &'a str,
    pub authors: &'a [String],
    pub published: Option<String>,
    pub published_at: Option<String>,
    pub language: Option<&'a str>,
    pub canonical_url: Option<&'a str>,
    pub site_name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub provenance: &'a Provenance,
    pub removed: &'a [String],
    pub warnings: &'a [String],
    pub error: Option<String>,
    /// Quotes, entities, times and events, with `--enrich`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub enrichment: Option<tribune_nlp::EnrichmentView>,
}

static EMPTY_PROVENANCE: std::sync::LazyLock<Provenance> =
    std::sync::LazyLock::new(Provenance::default);

impl<'a> ExtractJson<'a> {
    pub fn from_article(input: &'a str, article: &'a Article) -> Self {
        ExtractJson {
            input,
            url: article.url.as_deref(),
            title: article.title.as_deref(),
            text: &article.text,
            authors: &article.authors,
            published: article.published.map(|d| d.to_string()),
            published_at: article.published_at.map(|t| t.to_rfc3339()),
            language: article.language.as_deref(),
            canonical_url: article.canonical_url.as_deref(),
            site_name: article.site_name.as_deref(),
            description: article.description.as_deref(),
            provenance: &article.provenance,
            removed: &article.removed,
            warnings: &article.warnings,
            error: None,
            enrichment: None,
        }
    }

    pub fn from_error(input: &'a str, error: String) -> Self {
        ExtractJson {
            input,
            url: None,
            title: None,
            text: "",
            authors: &[],
            published: None,
            published_at: None,
            language: None,
            canonical_url: None,
            site_name: None,
            description: None,
            provenance: &EMPTY_PROVENANCE,
            removed: &[],
            warnings: &[],
            error: Some(error),
            enrichment: None,
        }
    }
}

/// The article as Markdown: a `#` title, a metadata line, then the body
/// with headings, lists and quotes restored.
pub fn markdown(article: &Article) -> String {
    let mut out = String::new();
    if let Some(title) = &article.title {
        out.push_str(&format!("# {title}\n\n"));
    }
    let mut meta = Vec::new();
    if !article.authors.is_empty() {
        meta.push(format!("By {}", article.authors.join(", ")));
    }
    if let Some(date) = article.published {
        meta.push(date.to_string());
    }
    if let Some(site) = &article.site_name {
        meta.push(site.clone());
    }
    if !meta.is_empty() {
        out.push_str(&format!("*{}*\n\n", meta.join(" · ")));
    }
    let mut previous: Option<BlockKind> = None;
    for block in &article.blocks {
        let line = match block.kind {
            BlockKind::Heading(level) => format!(
                "{} {}",
                "#".repeat(usize::from(level.clamp(2, 6))),
                block.text
            ),
            BlockKind::ListItem => format!("- {}", block.text),
            BlockKind::Quote => block
                .text
                .lines()
                .map(|l| format!("> {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            BlockKind::Preformatted => format!("```\n{}\n```", block.text),
            BlockKind::Paragraph => block.text.clone(),
        };
        // Consecutive list items form one list.
        let separator =
            if previous == Some(BlockKind::ListItem) && block.kind == BlockKind::ListItem {
                "\n"
            } else {
                "\n\n"
            };
        if previous.is_some() {
            out.push_str(separator);
        }
        out.push_str(&line);
        previous = Some(block.kind);
    }
    out.push('\n');
    if let Some(publisher) = &article.provenance.original_publisher {
        out.push_str(&format!("\n---\nOriginally published by {publisher}"));
        if let Some(title) = &article.provenance.original_title {
            out.push_str(&format!(": {title}"));
        }
        out.push('\n');
    }
    out
}

/// The article as plain text: title, blank line, body.
pub fn text(article: &Article) -> String {
    match &article.title {
        Some(title) => format!("{title}\n\n{}\n", article.text),
        None => format!("{}\n", article.text),
    }
}

/// What `--enrich` adds under a plain-text or Markdown article: who said
/// what, and the dated events.
pub fn enrichment(view: &tribune_nlp::EnrichmentView) -> String {
    let mut out = String::new();
    if !view.quotes.is_empty() {
        out.push_str("\nQuotes:\n");
        for quote in &view.quotes {
            let speaker = quote
                .speaker
                .as_deref()
                .or(quote.source.as_deref())
                .unwrap_or("(unattributed)");
            out.push_str(&format!("- {speaker}: {}\n", quote.text));
        }
    }
    if !view.events.is_empty() {
        out.push_str("\nEvents:\n");
        for event in &view.events {
            let when = match (event.start, event.end) {
                (Some(start), Some(end)) if start != end => format!("{start}..{end}"),
                (Some(start), _) => start.to_string(),
                _ => "undated".to_string(),
            };
            let mut who = event.actors.join(", ");
            if !event.targets.is_empty() {
                who.push_str(&format!(" → {}", event.targets.join(", ")));
            }
            out.push_str(&format!(
                "- {when} {:?} ({:?}, \"{}\"): {who}\n",
                event.kind, event.modality, event.trigger
            ));
        }
    }
    out
}
