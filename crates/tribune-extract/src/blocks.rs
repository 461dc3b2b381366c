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
    end: usize,
    /// Whether the element breaks the text into blocks (a block element that
    /// is not a simple table cell).
    breaks: bool,
    /// The innermost block-level element open here (this one, if it is a
    /// block), kept so that finding it takes no walk down the stack.
    block: Option<usize>,
    /// How many `<a>` and `<pre>` elements are open here, this one included.
    links: u32,
    pres: u32,
}

/// Cuts the page into blocks, in document order.
///
/// Each node costs constant time (nothing walks the stack of open elements
/// or a node's ancestors), so a deeply nested page costs no more than a
/// flat one.
pub(crate) fn text_blocks(dom: &Dom) -> Vec<TextBlock> {
    let kinds = block_kinds(dom);
    let simple_cells = simple_cells(dom);
    let mut blocks = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut current = Pending::default();
    for (index, node) in dom.nodes.iter().enumerate() {
        while stack.last().is_some_and(|open| open.end <= index) {
            if let Some(closed) = stack.pop()
                && closed.breaks
            {
                current.flush(&mut blocks, &kinds, &stack);
            }
        }
        match node.tag {
            Tag::Text => {
                let top = stack.last();
                let text = dom.text_of(index);
                let in_link = top.is_some_and(|open| open.links > 0);
                let in_pre = top.is_some_and(|open| open.pres > 0);
                current.push_text(text, in_link, in_pre);
                if current.owner.is_none() && !current.text.is_empty() {
                    current.owner = top.and_then(|open| open.block);
                }
            }
            Tag::Br => current.push_break(),
            tag => {
                // A data table's row reads as one line, its simple cells
                // joined by " | ", as a table does when read aloud.
                let breaks = tag.is_block() && !simple_cells[index];
                if breaks {
                    current.flush(&mut blocks, &kinds, &stack);
                } else if simple_cells[index] {
                    current.push_cell_separator();
                }
                let top = stack.last();
                let open = Open {
                    end: node.end as usize,
                    breaks,
                    block: if breaks {
                        Some(index)
                    } else {
                        top.and_then(|open| open.block)
                    },
                    links: top.map_or(0, |open| open.links) + u32::from(tag == Tag::A),
                    pres: top.map_or(0, |open| open.pres) + u32::from(tag == Tag::Pre),
                };
                stack.push(open);
            }
        }
    }
    current.flush(&mut blocks, &kinds, &stack);
    blocks
}

/// Table cells holding only inline content: they join their row's line
/// instead of starting blocks of their own. Layout tables, whose cells hold
/// paragraphs and divs, keep breaking as blocks.
fn simple_cells(dom: &Dom) -> Vec<bool> {
    // Children come after their parents, so one backward pass tells each
    // node whether any block element lies below it.
    let mut has_block_below = vec![false; dom.nodes.len()];
    for index in (1..dom.nodes.len()).rev() {
        let parent = dom.nodes[index].parent;
        if parent != crate::dom::NONE && (has_block_below[index] || dom.nodes[index].tag.is_block())
        {
            has_block_below[parent as usize] = true;
        }
    }
    dom.nodes
        .iter()
        .zip(&has_block_below)
        .map(|(node, &below)| node.tag == Tag::Td && !below)
        .collect()
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
    fn push_cell_separator(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push_str(" |");
            self.chars += 2;
            self.space = true;
        }
    }

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

    fn flush(&mut self, blocks: &mut Vec<TextBlock>, kinds: &[BlockKind], stack: &[Open]) {
        let text = self.text.trim_end();
        if !text.is_empty() {
            let owner = self
                .owner
                .or_else(|| stack.last().and_then(|open| open.block))
                .unwrap_or(0);
            // What `trim_end` removed, in characters: in preformatted text
            // it may be multi-byte whitespace (a no-break space is two
            // bytes, one character), so bytes would count too many.
            let trimmed = self.text[text.len()..].chars().count();
            let chars = self.chars.saturating_sub(trimmed);
            blocks.push(TextBlock {
                owner,
                kind: kinds.get(owner).copied().unwrap_or(BlockKind::Paragraph),
                text: text.to_string(),
                chars,
                link_chars: self.link_chars.min(chars),
                leading_link_chars: self.leading_link_chars.min(chars),
            });
        }
        *self = Pending::default();
    }
}

/// The kind of a block owned by each node: a heading is one; otherwise the
/// nearest of the node and its ancestors that says (a `<pre>`, a list item,
/// a quote) decides, and the article's or a cell's boundary ends the search.
/// One pass for all nodes, parents before children, instead of a walk up
/// the ancestors per block (quadratic on deep pages).
fn block_kinds(dom: &Dom) -> Vec<BlockKind> {
    // What each node passes on to its children.
    let mut passed: Vec<BlockKind> = Vec::with_capacity(dom.nodes.len());
    let mut kinds = Vec::with_capacity(dom.nodes.len());
    for node in &dom.nodes {
        let from_parent = passed
            .get(node.parent as usize)
            .copied()
            .unwrap_or(BlockKind::Paragraph);
        let own = match node.tag {
            Tag::Pre => BlockKind::Preformatted,
            Tag::Li | Tag::Dd | Tag::Dt => BlockKind::ListItem,
            Tag::Blockquote => BlockKind::Quote,
            Tag::Article | Tag::Main | Tag::Body | Tag::Td => BlockKind::Paragraph,
            _ => from_parent,
        };
        passed.push(own);
        kinds.push(match node.tag {
            Tag::H(level) => BlockKind::Heading(level),
            _ => own,
        });
    }
    kinds
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
    fn trailing_multibyte_space_in_preformatted_text() {
        // Found by the fuzzer: two no-break spaces (four bytes, two
        // characters) trimmed from "x" made the character count underflow.
        let doc = dom_query::Document::from("<pre>x\u{a0}\u{a0}</pre><pre>y\u{3000}</pre>");
        let dom = Dom::build(&doc.root());
        let got = text_blocks(&dom);
        assert_eq!(got[0].text, "x");
        assert_eq!(got[0].chars, 1);
        assert_eq!(got[1].text, "y");
        assert_eq!(got[1].chars, 1);
    }

    #[test]
    fn data_table_rows_are_lines_and_layout_cells_are_blocks() {
        let got = blocks(
            "<table><tr><th>Week</th><th>Monday</th></tr><tr><td>1</td><td>Rest</td></tr></table>\
             <table><tr><td><p>Layout cell one.</p></td><td><p>Layout cell two.</p></td></tr></table>",
        );
        let texts: Vec<&str> = got.iter().map(|(_, text, _)| text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Week | Monday",
                "1 | Rest",
                "Layout cell one.",
                "Layout cell two."
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
