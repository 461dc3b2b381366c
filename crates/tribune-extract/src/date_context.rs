//! Whether a date printed on a page dates the article or something else.
//!
//! The weaker sources of a publication date (a bare `<time>`, an element
//! whose class says "date") also match the dates of everything around the
//! article: when it was last updated or reviewed, when a comment was left,
//! when an event takes place, what a related story or the footer says.
//! Those are not when the article appeared, and a page that states no
//! other date has none.

use dom_query::NodeRef;

/// How many ancestors are looked at: enough to reach the block a date
/// line sits in, not so many that the page's outer layout decides.
const ANCESTORS: usize = 6;

/// Class or id fragments of a block whose dates are not the article's.
/// Updates are not among them: a page's only date is often its "Updated"
/// line, and readers take that as the article's date.
const ELSEWHERE: &[&str] = &[
    "revision", "reviewed", "comment", "reply", "event", "related",
];

/// Words that, just before a date, say it is not when the article
/// appeared.
const LABELS: &[&str] = &["reviewed", "revised", "event"];

/// True when the date in or at `node` belongs to something other than the
/// article: it sits in a block of revisions, comments, events or related
/// stories, in the page's footer, or a label before it says so ("Page
/// last reviewed").
pub(crate) fn dates_something_else(node: &NodeRef<'_>) -> bool {
    in_other_block(node) || in_page_footer(node) || labelled_otherwise(node)
}

fn in_other_block(node: &NodeRef<'_>) -> bool {
    std::iter::once(*node)
        .chain(node.ancestors_it(Some(ANCESTORS)))
        // The page's own classes say what the page has ("has-comments"),
        // not what this date is.
        .take_while(|n| !matches!(n.node_name().as_deref(), Some("body" | "html")))
        .any(|n| {
            let mut names = String::new();
            for attr in ["class", "id"] {
                if let Some(value) = n.attr(attr) {
                    names.push_str(&value.to_ascii_lowercase());
                    names.push(' ');
                }
            }
            ELSEWHERE.iter().any(|part| names.contains(part))
        })
}

/// In the page's own `<footer>`, not an article's (articles put their
/// date line in a `<footer>` of their own).
fn in_page_footer(node: &NodeRef<'_>) -> bool {
    let mut footer = false;
    for n in node.ancestors_it(None) {
        match n.node_name().as_deref() {
            Some("footer") => footer = true,
            Some("article" | "main") => return false,
            _ => {}
        }
    }
    footer
}

/// A label in the element's own text before the date, or in the element
/// just before it ("<div>Last updated:</div><div>Feb 4, 2025</div>").
fn labelled_otherwise(node: &NodeRef<'_>) -> bool {
    let own = node.text().to_lowercase();
    let before_digit = own
        .find(|c: char| c.is_ascii_digit())
        .map_or(own.as_str(), |at| &own[..at]);
    if LABELS.iter().any(|label| before_digit.contains(label)) {
        return true;
    }
    let Some(previous) = node.prev_element_sibling() else {
        return false;
    };
    let text = previous.text();
    if text.len() > 40 {
        return false;
    }
    let text = text.to_lowercase();
    LABELS.iter().any(|label| text.contains(label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dom_query::Document;

    fn first_date_node_says_elsewhere(html: &str) -> bool {
        let doc = Document::from(html);
        let nodes = doc.select("[class*=date], time").nodes().to_vec();
        let node = nodes.first().expect("the test page has a date element");
        dates_something_else(node)
    }

    #[test]
    fn the_article_date_line_is_the_article_date() {
        assert!(!first_date_node_says_elsewhere(
            r#"<article><div class="byline"><span class="date">March 5, 2024</span></div></article>"#
        ));
    }

    #[test]
    fn revision_comment_event_and_footer_dates_are_not() {
        for html in [
            r#"<div class="git-revision-date"><time datetime="2026-02-01">Feb 1</time></div>"#,
            r#"<div id="comment-header"><time datetime="2024-11-17">Nov 17</time></div>"#,
            r#"<body class="has-comments"><div class="comment"><time datetime="2024-11-17">Nov 17</time></div></body>"#,
            r#"<ul class="events"><li><div class="date">March 16, 2026</div></li></ul>"#,
            r#"<body><main>Text</main><footer><p class="date">March 14, 2026</p></footer></body>"#,
            r#"<div class="related-stories"><time datetime="2021-12-08">8/12</time></div>"#,
        ] {
            assert!(first_date_node_says_elsewhere(html), "{html}");
        }
    }

    #[test]
    fn the_page_classes_do_not_decide() {
        assert!(!first_date_node_says_elsewhere(
            r#"<body class="single has-comments"><header><time datetime="2021-09-09">Sept 9</time></header></body>"#
        ));
    }

    #[test]
    fn a_label_before_the_date_says_what_it_dates() {
        assert!(first_date_node_says_elsewhere(
            r#"<div><div class="info">Last reviewed: </div><div class="info-date">Feb 4, 2025</div></div>"#
        ));
        assert!(first_date_node_says_elsewhere(
            r#"<p class="dateline">Page last reviewed 4 April 2025</p>"#
        ));
        assert!(!first_date_node_says_elsewhere(
            r#"<article><footer class="meta"><time datetime="2023-03-30">March 30</time></footer></article>"#
        ));
        assert!(!first_date_node_says_elsewhere(
            r#"<div><div class="info">Updated</div><div class="info-date">Feb 4, 2025</div></div>"#
        ));
        assert!(!first_date_node_says_elsewhere(
            r#"<div><div class="info">Published</div><div class="info-date">Feb 4, 2025</div></div>"#
        ));
    }
}
