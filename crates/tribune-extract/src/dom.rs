//! A compact, read-only copy of the parsed page that the content heuristics
//! walk: nodes in document order, each knowing its subtree's extent, with
//! the invisible and the never-content elements (scripts, forms' widgets,
//! hidden blocks) already left out.
//!
//! Building it once costs one pass over html5ever's tree and makes every
//! later pass a loop over a flat vector, with no recursion, so that a page
//! nested 100,000 levels deep is no harder than a flat one.

use dom_query::{NodeData, NodeRef};

/// What an element is, as far as extraction cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Text,
    Body,
    Div,
    Section,
    Article,
    Main,
    P,
    A,
    Br,
    Hr,
    H(u8),
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Blockquote,
    Pre,
    Table,
    Tr,
    Td,
    Caption,
    Figure,
    Figcaption,
    Header,
    Footer,
    Aside,
    Form,
    Address,
    Time,
    Details,
    /// A block-level element with no meaning of its own (center, fieldset...).
    OtherBlock,
    /// An inline element (span, em, strong, ...).
    Inline,
}

impl Tag {
    fn from_name(name: &str) -> Option<Tag> {
        Some(match name {
            "body" => Tag::Body,
            "div" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "p" => Tag::P,
            "a" => Tag::A,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "ul" | "menu" => Tag::Ul,
            "ol" => Tag::Ol,
            "li" => Tag::Li,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "blockquote" => Tag::Blockquote,
            "pre" | "listing" | "xmp" | "plaintext" => Tag::Pre,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" | "th" => Tag::Td,
            "caption" => Tag::Caption,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "header" | "hgroup" => Tag::Header,
            "footer" => Tag::Footer,
            "aside" => Tag::Aside,
            "form" => Tag::Form,
            "address" => Tag::Address,
            "time" => Tag::Time,
            "details" => Tag::Details,
            "center" | "fieldset" | "thead" | "tbody" | "tfoot" | "html" | "summary"
            | "picture" => Tag::OtherBlock,
            // Never content: code, media, widgets, metadata, and navigation.
            "script" | "style" | "noscript" | "template" | "svg" | "math" | "iframe" | "object"
            | "embed" | "canvas" | "video" | "audio" | "source" | "track" | "select" | "option"
            | "button" | "input" | "textarea" | "head" | "link" | "meta" | "title" | "map"
            | "area" | "dialog" | "nav" | "img" | "label" | "datalist" | "output" | "progress"
            | "meter" | "frameset" | "frame" => {
                return None;
            }
            _ => Tag::Inline,
        })
    }

    /// Whether the element starts a new line of text.
    pub fn is_block(self) -> bool {
        !matches!(self, Tag::Text | Tag::Inline | Tag::A | Tag::Time | Tag::Br)
    }
}

/// Sentinel for "no node".
pub(crate) const NONE: u32 = u32::MAX;

/// One node of the compact tree.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub tag: Tag,
    pub parent: u32,
    /// One past the last node of this node's subtree (document order).
    pub end: u32,
    /// For text nodes, the byte range of the text in [`Dom::text`].
    pub text_start: u32,
    pub text_end: u32,
    /// Lower-cased `class` and `id`, space separated, for pattern tests.
    pub hints: Box<str>,
    /// Attributes that mark the main body (`itemprop="articleBody"`...).
    pub body_marker: bool,
}

/// The compact tree.
pub(crate) struct Dom {
    pub nodes: Vec<Node>,
    pub text: String,
}

impl Dom {
    /// Copies the parts of the page under `root` that can hold visible text.
    pub fn build(root: &NodeRef<'_>) -> Dom {
        let mut dom = Dom {
            nodes: Vec::new(),
            text: String::new(),
        };
        // Iterative pre-order walk; `stack` holds the indices of the open
        // ancestors so each node's `end` can be set when it closes.
        let mut open: Vec<u32> = Vec::new();
        let mut next = Some(*root);
        let mut skip_children;
        while let Some(node) = next {
            skip_children = true;
            let index = dom.nodes.len() as u32;
            let parent = open.last().copied().unwrap_or(NONE);
            let added = node.query(|tree_node| match &tree_node.data {
                NodeData::Text { contents } => {
                    let start = dom.text.len() as u32;
                    dom.text.push_str(contents);
                    Some(Node {
                        tag: Tag::Text,
                        parent,
                        end: index + 1,
                        text_start: start,
                        text_end: dom.text.len() as u32,
                        hints: Box::from(""),
                        body_marker: false,
                    })
                }
                NodeData::Element(element) => {
                    let tag = Tag::from_name(&element.name.local)?;
                    let mut hints = String::new();
                    let mut body_marker = false;
                    let mut hidden = false;
                    let mut streamed = false;
                    for attr in &element.attrs {
                        match &*attr.name.local {
                            "class" | "id" => {
                                if !hints.is_empty() {
                                    hints.push(' ');
                                }
                                hints.push_str(&attr.value.to_ascii_lowercase());
                                // React's streaming renderer parks finished
                                // content in `<div hidden id="S:0">` and a
                                // script moves it into view: it is the page.
                                streamed |= &*attr.name.local == "id"
                                    && attr.value.strip_prefix("S:").is_some_and(|n| {
                                        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                                    });
                            }
                            "hidden" => hidden = true,
                            "aria-hidden" if attr.value.trim().eq_ignore_ascii_case("true") => {
                                return None;
                            }
                            "style" if hides(&attr.value) => return None,
                            "itemprop" | "property"
                                if attr.value.trim().eq_ignore_ascii_case("articlebody") =>
                            {
                                body_marker = true
                            }
                            "role"
                                if matches!(
                                    &*attr.value,
                                    "navigation"
                                        | "banner"
                                        | "contentinfo"
                                        | "complementary"
                                        | "dialog"
                                        | "alert"
                                        | "menu"
                                        | "menubar"
                                        | "toolbar"
                                ) =>
                            {
                                return None;
                            }
                            _ => {}
                        }
                    }
                    if hidden && !streamed {
                        return None;
                    }
                    Some(Node {
                        tag,
                        parent,
                        end: index + 1,
                        text_start: 0,
                        text_end: 0,
                        hints: hints.into_boxed_str(),
                        body_marker,
                    })
                }
                NodeData::Document | NodeData::Fragment => Some(Node {
                    tag: Tag::OtherBlock,
                    parent,
                    end: index + 1,
                    text_start: 0,
                    text_end: 0,
                    hints: Box::from(""),
                    body_marker: false,
                }),
                _ => None,
            });
            if let Some(Some(new_node)) = added {
                let is_text = new_node.tag == Tag::Text;
                dom.nodes.push(new_node);
                if !is_text {
                    skip_children = false;
                }
            }
            // Advance: first child, else next sibling, else climb.
            if !skip_children && let Some(child) = node.first_child() {
                open.push(index);
                next = Some(child);
                continue;
            }
            let mut cursor = node;
            next = loop {
                if cursor.id == root.id {
                    break None;
                }
                if let Some(sibling) = cursor.next_sibling() {
                    break Some(sibling);
                }
                let Some(parent) = cursor.parent() else {
                    break None;
                };
                if let Some(closed) = open.pop() {
                    let end = dom.nodes.len() as u32;
                    dom.nodes[closed as usize].end = end;
                }
                cursor = parent;
            };
        }
        // Close whatever stayed open (a root with no siblings).
        let end = dom.nodes.len() as u32;
        for closed in open {
            dom.nodes[closed as usize].end = end;
        }
        dom
    }

    /// The text of a text node.
    pub fn text_of(&self, index: usize) -> &str {
        let node = &self.nodes[index];
        &self.text[node.text_start as usize..node.text_end as usize]
    }

    /// Indices of `index`'s ancestors, nearest first. (Walking them per
    /// node is quadratic on deep pages; passes over `nodes` in order, where
    /// parents come first, are not.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn ancestors(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let mut current = self.nodes[index].parent;
        std::iter::from_fn(move || {
            if current == NONE {
                return None;
            }
            let here = current as usize;
            current = self.nodes[here].parent;
            Some(here)
        })
    }
}

/// Inline styles that hide an element: a `display: none` or
/// `visibility: hidden` declaration (not a custom property that merely
/// contains those words).
fn hides(style: &str) -> bool {
    style.split(';').any(|declaration| {
        let Some((property, value)) = declaration.split_once(':') else {
            return false;
        };
        let value = value.trim().trim_end_matches("!important").trim();
        match property.trim().to_ascii_lowercase().as_str() {
            "display" => value.eq_ignore_ascii_case("none"),
            "visibility" => value.eq_ignore_ascii_case("hidden"),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(html: &str) -> Dom {
        let doc = dom_query::Document::from(html);
        Dom::build(&doc.root())
    }

    #[test]
    fn subtree_extents_and_skipped_elements() {
        let dom = build(
            "<body><div id=Main><p>One <b>two</b></p><script>x()</script>\
             <p hidden>gone</p><p style='display: none'>gone</p></div><p>Three</p></body>",
        );
        let texts: Vec<&str> = (0..dom.nodes.len())
            .filter(|&i| dom.nodes[i].tag == Tag::Text)
            .map(|i| dom.text_of(i))
            .collect();
        assert_eq!(texts, ["One ", "two", "Three"]);
        let streamed = build("<body><div hidden id=\"S:0\"><p>Streamed</p></div></body>");
        assert!(streamed.text.contains("Streamed"));
        let div = dom.nodes.iter().position(|n| n.tag == Tag::Div).unwrap();
        assert_eq!(&*dom.nodes[div].hints, "main");
        let three = (0..dom.nodes.len())
            .find(|&i| dom.nodes[i].tag == Tag::Text && dom.text_of(i) == "Three")
            .unwrap();
        assert!(three as u32 >= dom.nodes[div].end);
        let two = (0..dom.nodes.len())
            .find(|&i| dom.nodes[i].tag == Tag::Text && dom.text_of(i) == "two")
            .unwrap();
        assert!(dom.ancestors(two).any(|a| a == div));
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        // <span>s, which html5ever nests in linear time (deep <div>s cost it
        // quadratic time, 15 s here for 20,000; `nesting` bounds those).
        let n = 100_000;
        let html = "<span>".repeat(n) + "deep" + &"</span>".repeat(n);
        let dom = build(&html);
        assert!(dom.text.contains("deep"));
        assert!(dom.nodes.len() > n);
    }
}
