//! An extracted article: the text a reader wants, with its metadata and
//! where it came from.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// The kind of a body block, kept so that renderers (Markdown, HTML) can
/// restore structure the plain text flattens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A paragraph of running text.
    Paragraph,
    /// A heading inside the body, with its level (1 to 6).
    Heading(u8),
    /// An item of a list.
    ListItem,
    /// A quoted passage (`<blockquote>`).
    Quote,
    /// Preformatted text, kept verbatim.
    Preformatted,
}

/// One block of the body, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Its text, whitespace normalised (except for preformatted blocks).
    pub text: String,
}

/// Where an article came from beyond the page it was read on: the original
/// publisher of a republished story, who contributed, which agencies.
// Missing fields read as empty, so older stored records stay readable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// The outlet that first published the story, when the page says it is
    /// a republication ("This article originally appeared on USA TODAY").
    pub original_publisher: Option<String>,
    /// The story's title at the original publisher, when given.
    pub original_title: Option<String>,
    /// People credited with contributing ("Contributing: A and B, Outlet").
    pub contributors: Vec<String>,
    /// News agencies credited (Reuters, AP, AFP, ...).
    pub agencies: Vec<String>,
    /// The site that republished the story, when this page is a copy.
    pub republisher: Option<String>,
    /// The byline as printed, if any ("By Jane Doe, Reuters").
    pub byline: Option<String>,
}

impl Provenance {
    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        *self == Provenance::default()
    }
}

/// A clean article: the main text without the site's chrome, and what is
/// known about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The headline.
    pub title: Option<String>,
    /// The body: paragraphs separated by a blank line.
    pub text: String,
    /// The body as structured blocks, in reading order; `text` is their
    /// texts joined by blank lines.
    pub blocks: Vec<Block>,
    /// The authors, as names ("Jane Doe"), without "By".
    pub authors: Vec<String>,
    /// The publication date, if the document states one.
    pub published: Option<NaiveDate>,
    /// The publication time, when the document states it to the minute.
    pub published_at: Option<DateTime<FixedOffset>>,
    /// The language as an ISO 639-1 code where one exists ("en"), else 639-3.
    pub language: Option<String>,
    /// The URL the document was read from.
    pub url: Option<String>,
    /// The canonical URL the page declares (absolute), else the URL.
    pub canonical_url: Option<String>,
    /// The site's name ("EMEA Tribune"), from metadata or the page.
    pub site_name: Option<String>,
    /// A short description or standfirst, from the page's metadata.
    pub description: Option<String>,
    /// Republication, contributors, agencies.
    pub provenance: Provenance,
    /// Lines dropped as boilerplate, in document order, for debugging.
    pub removed: Vec<String>,
    /// Things that went oddly but did not stop extraction (a bad charset
    /// declaration, truncated markup).
    pub warnings: Vec<String>,
}

impl Article {
    /// Rebuilds `text` from `blocks`.
    pub fn set_blocks(&mut self, blocks: Vec<Block>) {
        self.text = join_blocks(&blocks);
        self.blocks = blocks;
    }
}

fn join_blocks(blocks: &[Block]) -> String {
    let mut text = String::with_capacity(blocks.iter().map(|b| b.text.len() + 2).sum());
    for block in blocks {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&block.text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_blocks_joined_by_blank_lines() {
        let mut article = Article::default();
        article.set_blocks(vec![
            Block {
                kind: BlockKind::Paragraph,
                text: "One.".into(),
            },
            Block {
                kind: BlockKind::Heading(2),
                text: "Two".into(),
            },
        ]);
        assert_eq!(article.text, "One.\n\nTwo");
        let json = serde_json::to_value(&article).unwrap();
        assert_eq!(json["blocks"][1]["kind"]["heading"], 2);
    }
}
