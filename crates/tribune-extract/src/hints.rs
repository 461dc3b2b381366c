//! What an element's `class` and `id` say about it: a share bar, a comment
//! thread, a sidebar, or the article body.
//!
//! Names are split into words (`article-body__text` is `article`, `body`,
//! `text`; `relatedLinks` is `related`, `links`) and matched as whole words
//! or well-known prefixes, so `headline` is not an ad and `commentary` is not
//! a comment thread.

/// How an element's names classify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint {
    /// Nothing known.
    Neutral,
    /// Page furniture around the article: share bars, related links.
    Chrome,
    /// Readers' comments: furniture however much text they hold.
    Comments,
    /// The article metadata line: byline, date, tags, captions, credits.
    Meta,
    /// The article body.
    Body,
}

/// Words that on their own mark page furniture.
const CHROME_WORDS: &[&str] = &[
    "comment",
    "comments",
    "disqus",
    "related",
    "share",
    "sharing",
    "shares",
    "sharebar",
    "social",
    "socials",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "promo",
    "promos",
    "promotion",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adslot",
    "adunit",
    "dfp",
    "sponsor",
    "sponsored",
    "sidebar",
    "sidebars",
    "rail",
    "footer",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "popup",
    "modal",
    "overlay",
    "recommended",
    "recommendation",
    "recommendations",
    "trending",
    "popular",
    "mostread",
    "outbrain",
    "taboola",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "masthead",
    "toolbar",
    "paywall",
    "login",
    "signin",
    "banner",
    "pagination",
    "pager",
    "rating",
    "reactions",
    "reaction",
    "print",
    "email",
    "facebook",
    "twitter",
    "whatsapp",
    "pinterest",
    "linkedin",
    "telegram",
    "follow",
    "sronly",
    "screenreader",
    "visuallyhidden",
    "teaser",
    "teasers",
    "more",
    "next",
    "prev",
    "previous",
    "feedback",
    "survey",
    "donate",
    "donation",
    "membership",
    "subnav",
    "topbar",
];

/// Words that mark the metadata line of an article.
const META_WORDS: &[&str] = &[
    "byline",
    "bylines",
    "author",
    "authors",
    "dateline",
    "date",
    "timestamp",
    "published",
    "updated",
    "time",
    "tags",
    "tag",
    "tagged",
    "keywords",
    "caption",
    "captions",
    "credit",
    "credits",
    "meta",
    "metadata",
    "kicker",
    "eyebrow",
    "category",
    "categories",
    "disclaimer",
    "bio",
    "avatar",
    "headline",
    "title",
    "header",
];

/// Words that mark the article body.
const BODY_WORDS: &[&str] = &[
    "articlebody",
    "article",
    "articles",
    "story",
    "storybody",
    "entry",
    "post",
    "content",
    "contents",
    "body",
    "text",
    "main",
    "prose",
    "richtext",
    "copy",
    "blog",
    "paragraph",
];

/// Classifies an element from its lower-cased `class` and `id` values.
pub(crate) fn classify(names: &str) -> Hint {
    if names.is_empty() {
        return Hint::Neutral;
    }
    let mut chrome = false;
    let mut comments = false;
    let mut meta = false;
    let mut body = 0;
    for token in names.split_ascii_whitespace() {
        // Utility classes (`md:hidden`, `sm-p-4`) say nothing about content.
        if token.contains(':') {
            continue;
        }
        let words = words_of(token);
        // `has-sidebar`, `with-comments`, `comments-open`, `comment-count`
        // describe the element's state or a neighbour, not the element.
        let modifier = words.iter().any(|m| {
            matches!(
                m.as_str(),
                "has"
                    | "with"
                    | "no"
                    | "without"
                    | "open"
                    | "closed"
                    | "enabled"
                    | "disabled"
                    | "status"
                    | "count"
                    | "allowed"
                    | "number"
                    | "icon"
                    | "on"
                    | "off"
                    | "is"
            )
        });
        // WordPress and Drupal tag posts with their taxonomy and state
        // (`category-news`, `tag-elections`, `status-publish`): those say
        // what the post is about, not what part of the page this is.
        let taxonomy = words.len() > 1
            && matches!(
                words[0].as_str(),
                "tag"
                    | "tags"
                    | "category"
                    | "categories"
                    | "format"
                    | "type"
                    | "status"
                    | "postid"
                    | "template"
                    | "node"
                    | "field"
                    | "view"
                    | "page"
            );
        if modifier || taxonomy {
            continue;
        }
        for (i, word) in words.iter().enumerate() {
            let w = word.as_str();
            // Compounds written as one word: `sharetools`, `commentlist`.
            let compound = |prefixes: &[&str]| {
                prefixes
                    .iter()
                    .any(|p| w.starts_with(p) && w.len() > p.len() + 2)
            };
            if (matches!(w, "comment" | "comments" | "disqus" | "respond")
                || !w.starts_with("commentar") && compound(&["comment", "disqus"]))
            {
                comments = true;
            }
            if CHROME_WORDS.contains(&w)
                || !w.starts_with("commentar")
                    && w != "promoted"
                    && compound(&[
                        "comment",
                        "share",
                        "social",
                        "newsletter",
                        "related",
                        "promo",
                        "sidebar",
                        "advert",
                        "sponsor",
                        "recommend",
                        "outbrain",
                        "taboola",
                        "breadcrumb",
                        "cookie",
                        "subscri",
                        "paywall",
                    ])
            {
                // `site-content`, `header-body` and `more-text` describe a wrapper, not chrome.
                let next_is_body = words
                    .get(i + 1)
                    .is_some_and(|n| BODY_WORDS.contains(&n.as_str()));
                if !(matches!(w, "more" | "next") && next_is_body) {
                    chrome = true;
                }
            } else if META_WORDS.contains(&w)
                || compound(&["byline", "caption", "author", "dateline", "timestamp"])
                // `imagecaption`, `photocredit`: the part names what it is.
                || ["caption", "credit", "credits", "byline"]
                    .iter()
                    .any(|suffix| w.ends_with(suffix) && w.len() > suffix.len() + 2)
            {
                meta = true;
            } else if BODY_WORDS.contains(&w)
                || compound(&[
                    "articlebody",
                    "storybody",
                    "entrycontent",
                    "postcontent",
                    "articlecontent",
                    "bodytext",
                ])
            {
                body += 1;
            }
        }
    }
    if comments {
        Hint::Comments
    } else if chrome {
        Hint::Chrome
    } else if meta {
        Hint::Meta
    } else if body > 0 {
        Hint::Body
    } else {
        Hint::Neutral
    }
}

/// Splits `article-body__text2` or `relatedLinks` into lower-case words.
fn words_of(token: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in token.chars() {
        if c.is_ascii_alphabetic() {
            if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = c.is_ascii_lowercase();
            word.push(c.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified_by_whole_words() {
        assert_eq!(classify("share-bar"), Hint::Chrome);
        assert_eq!(classify("relatedlinks"), Hint::Chrome);
        assert_eq!(classify("comment-list"), Hint::Comments);
        assert_eq!(classify("commentary-body"), Hint::Body);
        assert_eq!(classify("headline"), Hint::Meta);
        assert_eq!(classify("article-body"), Hint::Body);
        assert_eq!(classify("site-content"), Hint::Body);
        assert_eq!(classify("byline"), Hint::Meta);
        assert_eq!(classify("hidden md:block"), Hint::Neutral);
        assert_eq!(classify("loaded heading"), Hint::Neutral);
    }
}
