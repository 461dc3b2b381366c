//! An article's clean text as HTML for pages, outgoing feeds and reader
//! apps: paragraphs, runs of bulleted lines as lists, and bare web
//! addresses as links.
//!
//! The text comes from other people's pages, so what is built here goes
//! through ammonia before anyone sees it, with an allow-list of exactly the
//! markup this module makes: whatever a page managed to smuggle into its
//! text (an address with a `javascript:` scheme, a quote that closes an
//! attribute, markup that survived extraction) leaves as inert text or not
//! at all. Escaping while building is the first guard; ammonia the second.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The sanitiser: the tags and attributes [`article_html`] writes, links
/// only to http(s), every link marked as leaving the site.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(HashSet::from(["p", "ul", "li", "a"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(HashSet::from(["http", "https"]))
        .add_tag_attributes("a", ["href"]);
    builder
});

/// The article text (paragraphs separated by line breaks) as sanitised
/// HTML.
pub fn article_html(text: &str) -> String {
    SANITIZER.clean(&build(text)).to_string()
}

/// The HTML before sanitising: each line a paragraph, except that lines
/// opening with a bullet ("- ", "• ", "* ") gather into one list.
fn build(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 8);
    let mut in_list = false;
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let item = ["- ", "• ", "* "]
            .iter()
            .find_map(|bullet| line.strip_prefix(bullet));
        match (item, in_list) {
            (Some(_), false) => {
                html.push_str("<ul>");
                in_list = true;
            }
            (None, true) => {
                html.push_str("</ul>");
                in_list = false;
            }
            _ => {}
        }
        let (open, close, content) = match item {
            Some(item) => ("<li>", "</li>", item.trim()),
            None => ("<p>", "</p>", line),
        };
        html.push_str(open);
        push_linked(&mut html, content);
        html.push_str(close);
        html.push('\n');
    }
    if in_list {
        html.push_str("</ul>");
    }
    html
}

/// Appends `text` escaped, with each bare http(s) address made a link.
fn push_linked(html: &mut String, text: &str) {
    let mut rest = text;
    while let Some(start) = next_address(rest) {
        push_escaped(html, &rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(tail.len());
        // A sentence's closing punctuation is not part of the address.
        let address = tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
        html.push_str("<a href=\"");
        push_escaped(html, address);
        html.push_str("\">");
        push_escaped(html, address);
        html.push_str("</a>");
        rest = &tail[address.len()..];
    }
    push_escaped(html, rest);
}

/// Where the next address starting with http:// or https:// begins.
fn next_address(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let found = [lower.find("https://"), lower.find("http://")]
        .into_iter()
        .flatten()
        .min()?;
    // An address glued to a word ("xhttp://") is not one.
    let glued = text[..found]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    if glued {
        let skip = found + 1;
        return next_address(&text[skip..]).map(|next| next + skip);
    }
    Some(found)
}

/// `text` with the characters HTML gives meaning to escaped, for text and
/// attribute values alike.
pub(crate) fn escape_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len());
    push_escaped(&mut html, text);
    html
}

fn push_escaped(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_lists() {
        let html = article_html("First.\n\nSecond.\n- one\n- two\nAfter.");
        assert_eq!(
            html,
            "<p>First.</p>\n<p>Second.</p>\n<ul><li>one</li>\n<li>two</li>\n</ul><p>After.</p>\n"
        );
    }

    #[test]
    fn addresses_become_links_that_leave_the_site() {
        let html = article_html("Read it at https://example.com/report.html.");
        assert_eq!(
            html,
            "<p>Read it at <a href=\"https://example.com/report.html\" \
             rel=\"noopener noreferrer nofollow\">https://example.com/report.html</a>.</p>\n"
        );
    }

    #[test]
    fn markup_in_the_text_stays_text() {
        let html = article_html("<script>alert(1)</script> <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn hostile_addresses_are_defused() {
        for text in [
            "see javascript:alert(1)",
            "see https://x.org/\"onmouseover=\"alert(1)",
            "see https://x.org/'><script>alert(1)</script>",
        ] {
            let html = article_html(text);
            assert!(!html.contains("<script"), "{html}");
            // Text may say `onmouseover`; no tag may carry it.
            assert!(!html.contains(" onmouseover"), "{html}");
            assert!(!html.contains("href=\"javascript"), "{html}");
        }
    }

    #[test]
    fn glued_schemes_are_not_addresses() {
        assert_eq!(article_html("xhttp://a.b"), "<p>xhttp://a.b</p>\n");
    }
}
