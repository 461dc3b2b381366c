//! Plain text to an article: a pasted or saved story, where the first line
//! is the headline and site chrome sits in lines of its own around the body.

use tribune_model::{Block, BlockKind};

use crate::boilerplate::is_chrome;
use crate::dates::{Dated, parse_human_date};
use crate::names::split_authors;

/// What the text says, before provenance is read.
pub(crate) struct TextParts {
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    pub removed: Vec<String>,
    pub authors: Vec<String>,
    pub byline: Option<String>,
    pub published: Option<Dated>,
}

/// Splits text into headline, byline, date and body paragraphs.
pub(crate) fn read(text: &str) -> TextParts {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    // Paragraphs are separated by blank lines when the text has any;
    // otherwise every line is a paragraph (as in copied web text).
    let has_blank_lines = text.trim().contains("\n\n");
    let mut paragraphs: Vec<String> = if has_blank_lines {
        text.split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect()
    };
    let mut parts = TextParts {
        title: None,
        blocks: Vec::new(),
        removed: Vec::new(),
        authors: Vec::new(),
        byline: None,
        published: None,
    };
    if paragraphs.is_empty() {
        return parts;
    }
    // A headline is a short first line that does not read as a sentence.
    let first = &paragraphs[0];
    let words = first.split_whitespace().count();
    if paragraphs.len() > 1 && words <= 30 && !first.ends_with(['.', '!', '?'])
        || words <= 20 && paragraphs.len() > 1
    {
        parts.title = Some(paragraphs.remove(0));
    }
    for (position, paragraph) in paragraphs.into_iter().enumerate() {
        if is_chrome(&paragraph) {
            parts.removed.push(paragraph);
            continue;
        }
        // Byline and date lines near the top.
        if position < 4 && parts.blocks.len() < 2 {
            let lower = paragraph.to_lowercase();
            if paragraph.chars().count() < 120
                && (lower.starts_with("by ") || lower.starts_with("written by"))
            {
                parts.authors = split_authors(&paragraph);
                parts.byline = Some(paragraph);
                continue;
            }
            if paragraph.chars().count() < 80
                && (lower.starts_with("published")
                    || lower.starts_with("updated")
                    || lower.starts_with("posted"))
                && let Some(date) = parse_human_date(&paragraph)
            {
                if lower.starts_with("published")
                    || lower.starts_with("posted")
                    || parts.published.is_none()
                {
                    parts.published = Some(date);
                }
                parts.removed.push(paragraph);
                continue;
            }
        }
        parts.blocks.push(Block {
            kind: BlockKind::Paragraph,
            text: paragraph,
        });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_byline_and_chrome() {
        let parts = read(
            "Big storm hits coast\nManage your account\nBy Jane Doe\nThe storm hit the coast on Monday, officials said.\nFollow us on our WhatsApp channel here .\n",
        );
        assert_eq!(parts.title.as_deref(), Some("Big storm hits coast"));
        assert_eq!(parts.authors, ["Jane Doe"]);
        assert_eq!(parts.blocks.len(), 1);
        assert_eq!(
            parts.removed,
            [
                "Manage your account",
                "Follow us on our WhatsApp channel here ."
            ]
        );
    }

    #[test]
    fn blank_line_paragraphs_are_joined() {
        let parts = read("Title line\n\nFirst line of a\nwrapped paragraph.\n\nSecond.");
        assert_eq!(parts.blocks[0].text, "First line of a wrapped paragraph.");
        assert_eq!(parts.blocks.len(), 2);
    }
}
