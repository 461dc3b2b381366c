//! The page as a sequence of text blocks: every run of text between two
//! block-level boundaries, with how much of it sits inside links.
//!
//! Blocks are the unit the content heuristics score and keep or drop.

use crate::dom::{Dom, Tag};
use tribune_model::BlockKind;

/// A run of text between block boundaries.
#[derive(Debug, Clone)]
pub(crate) struct TextBlock {
    /// The innermost block-level element holding the text.
    pub owner: usize,
    pub kind: BlockKind,
    /// Whitespace-normalised text; lines broken by `<br>` stay on their own line.
    pub text: String,
    /// Characters of `text` (not bytes).
    pub chars: usize,
    /// Characters inside `<a>` elements.
    pub link_chars: usize,
    /// Characters of the link the block opens with, if it opens with one
    /// (a teaser's linked headline).
    pub leading_link_chars: usize,
}

impl TextBlock {
    pub fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

struct Open {
    index: usize,
    end: usize,
    tag: Tag,
}

/// Cuts the page into blocks, in document order.
pub(crate) fn text_blocks(dom: &Dom) -> Vec<TextBlock> {
    let mut blocks = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut current = Pending::default();
    for (index, node) in dom.nodes.iter().enumerate() {
        while stack.last().is_some_and(|open| open.end <= index) {
            if let Some(closed) = stack.pop()
                && closed.tag.is_block()
            {
                current.flush(&mut blocks, dom, &stack);
            }
        }
        match node.tag {
            Tag::Text => {
                let text = dom.text_of(index);
                let in_link = stack.iter().any(|open| open.tag == Tag::A);
                let in_pre = stack.iter().any(|open| open.tag == Tag::Pre);
                current.push_text(text, in_link, in_pre);
                if current.owner.is_none() && !current.text.is_empty() {
                    current.owner = stack
                        .iter()
                        .rev()
                        .find(|o| o.tag.is_block())
                        .map(|o| o.index);
                }
            }
            Tag::Br => current.push_break(),
            tag => {
                if tag.is_block() {
                    current.flush(&mut blocks, dom, &stack);
                }
                stack.push(Open {
                    index,
                    end: node.end as usize,
                    tag,
                });
            }
        }
    }
    current.flush(&mut blocks, dom, &stack);
    blocks
}

#[derive(Default)]
struct Pending {
    text: String,
    chars: usize,
    link_chars: usize,
    leading_link_chars: usize,
    /// Only link text has been seen so far.
    leading: bool,
    owner: Option<usize>,
    /// A space is owed before the next word.
    space: bool,
}

impl Pending {
    fn push_text(&mut self, text: &str, in_link: bool, verbatim: bool) {
        if self.text.is_empty() && !text.trim().is_empty() {
            self.leading = in_link;
        } else if !in_link && !text.trim().is_empty() {
            self.leading = false;
        }
        if verbatim {
            let n = text.chars().count();
            self.text.push_str(text);
            self.chars += n;
            if in_link {
                self.link_chars += n;
            }
            return;
        }
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.space = true;
            }
            if word.is_empty() {
                continue;
            }
            if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push(' ');
                self.chars += 1;
            }
            self.space = false;
            let n = word.chars().count();
            self.text.push_str(word);
            self.chars += n;
            if in_link {
                self.link_chars += n;
                if self.leading {
                    self.leading_link_chars += n;
                }
            }
        }
    }

    fn push_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
            self.chars += 1;
        }
        self.space = false;
    }

    fn flush(&mut self, blocks: &mut Vec<TextBlock>, dom: &Dom, stack: &[Open]) {
        let text = self.text.trim_end();
        if !text.is_empty() {
            let owner = self
                .owner
                .or_else(|| {
                    stack
                        .iter()
                        .rev()
                        .find(|o| o.tag.is_block())
                        .map(|o| o.index)
                })
                .unwrap_or(0);
            let chars = self.chars - (self.text.len() - text.len());
            blocks.push(TextBlock {
                owner,
                kind: kind_of(dom, owner),
                text: text.to_string(),
                chars,
                link_chars: self.link_chars.min(chars),
                leading_link_chars: self.leading_link_chars.min(chars),
            });
        }
        *self = Pending::default();
    }
}

/// The block kind, from the owner and its nearest meaningful ancestor.
fn kind_of(dom: &Dom, owner: usize) -> BlockKind {
    let own = dom.nodes.get(owner).map(|n| n.tag);
    if let Some(Tag::H(level)) = own {
        return BlockKind::Heading(level);
    }
    for tag in std::iter::once(owner)
        .chain(dom.ancestors(owner))
        .map(|i| dom.nodes[i].tag)
    {
        match tag {
            Tag::Pre => return BlockKind::Preformatted,
            Tag::Li | Tag::Dd | Tag::Dt => return BlockKind::ListItem,
            Tag::Blockquote => return BlockKind::Quote,
            Tag::Article | Tag::Main | Tag::Body | Tag::Td => break,
            _ => {}
        }
    }
    BlockKind::Paragraph
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(html: &str) -> Vec<(BlockKind, String, usize)> {
        let doc = dom_query::Document::from(html);
        let dom = Dom::build(&doc.root());
        text_blocks(&dom)
            .into_iter()
            .map(|b| (b.kind, b.text, b.link_chars))
            .collect()
    }

    #[test]
    fn blocks_split_at_block_elements() {
        let got = blocks(
            "<div>Intro <b>bold</b>\n text<p>A <a href=x>link</a>.</p>tail<h2>Head</h2><ul><li>item</li></ul></div>",
        );
        assert_eq!(
            got,
            vec![
                (BlockKind::Paragraph, "Intro bold text".to_string(), 0),
                (BlockKind::Paragraph, "A link.".to_string(), 4),
                (BlockKind::Paragraph, "tail".to_string(), 0),
                (BlockKind::Heading(2), "Head".to_string(), 0),
                (BlockKind::ListItem, "item".to_string(), 0),
            ]
        );
    }

    #[test]
    fn line_breaks_and_preformatted_text() {
        let got = blocks("<p>one<br>two</p><pre>a  b\n c</pre>");
        assert_eq!(got[0].1, "one\ntwo");
        assert_eq!(got[1], (BlockKind::Preformatted, "a  b\n c".to_string(), 0));
    }
}
