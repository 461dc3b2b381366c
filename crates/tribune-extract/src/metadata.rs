//! Metadata from markup, in order of trust: JSON-LD, then OpenGraph and
//! other `<meta>` tags, then `<time>` elements and the visible byline, then
//! the URL. A field nobody states stays empty: no date is guessed.

use std::collections::HashMap;

use dom_query::Document as Html;
use serde_json::Value;

use crate::date_context::dates_something_else;
use crate::dates::{Dated, date_in_url, parse_human_date, parse_machine_date};
use crate::names::{clean_author, split_authors};

/// What the page's markup says about the article.
#[derive(Debug, Default)]
pub(crate) struct Metadata {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<Dated>,
    pub language: Option<String>,
    pub canonical_url: Option<String>,
    pub site_name: Option<String>,
    pub description: Option<String>,
}

/// Reads the metadata of a parsed page.
/// Reads the page's metadata. `source` is the markup `html` was parsed
/// from: selectors whose names do not even occur in it are not run.
pub(crate) fn read(html: &Html, source: &str, url: Option<&str>) -> Metadata {
    let meta = MetaTags::collect(html);
    let ld = JsonLd::collect(html);
    let mut out = Metadata {
        title: title(html, &meta, &ld),
        site_name: ld.publisher.clone().or_else(|| {
            meta.first(&[
                "og:site_name",
                "application-name",
                "al:android:app_name",
                "twitter:site",
            ])
            .filter(|s| !s.starts_with('@'))
        }),
        description: meta.first(&["og:description", "description", "twitter:description"]),
        ..Metadata::default()
    };
    let page = Page { html, source };
    out.authors = authors(&page, &meta, &ld);
    out.published = published(&page, &meta, &ld, url);
    out.language = html
        .select("html")
        .attr("lang")
        .map(|l| l.to_string())
        .or_else(|| meta.first(&["og:locale", "content-language", "language", "dc.language"]))
        .and_then(|l| normalise_language(&l));
    out.canonical_url = html
        .select("link[rel~=canonical]")
        .attr("href")
        .map(|h| h.trim().to_string())
        .or_else(|| meta.first(&["og:url"]))
        .or_else(|| ld.url.clone())
        .and_then(|href| absolute_url(&href, url));
    out
}

/// All `<meta>` values by lower-cased name/property/itemprop; the first wins.
struct MetaTags(HashMap<String, String>);

impl MetaTags {
    fn collect(html: &Html) -> MetaTags {
        let mut map = HashMap::new();
        for node in html.select("meta").nodes() {
            let key = node
                .attr("property")
                .or_else(|| node.attr("name"))
                .or_else(|| node.attr("itemprop"))
                .or_else(|| node.attr("http-equiv"));
            let (Some(key), Some(content)) = (key, node.attr("content")) else {
                continue;
            };
            let content = collapse(&content);
            if content.is_empty() {
                continue;
            }
            map.entry(key.trim().to_ascii_lowercase())
                .or_insert(content);
        }
        MetaTags(map)
    }

    fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.0.get(*k).cloned())
    }
}

/// The article object of the page's JSON-LD, if any.
#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "report",
    "medicalwebpage",
    "posting",
];

impl JsonLd {
    fn collect(html: &Html) -> JsonLd {
        let mut objects = Vec::new();
        for node in html.select("script[type='application/ld+json']").nodes() {
            let raw = node.text();
            let raw = raw
                .trim()
                .trim_start_matches("<![CDATA[")
                .trim_end_matches("]]>");
            let Ok(value) = serde_json::from_str::<Value>(raw.trim()) else {
                continue;
            };
            flatten(value, &mut objects, 0);
        }
        let is_article = |o: &Value| {
            types_of(o)
                .iter()
                .any(|t| ARTICLE_TYPES.contains(&t.as_str()))
        };
        let mut ld = JsonLd::default();
        // Only an article's own dates count: the `WebPage` node most CMSs
        // add dates the page, which is often older or newer than the story.
        let Some(article) = objects.iter().find(|o| is_article(o)) else {
            return ld;
        };
        ld.headline = string_of(article.get("headline")).or_else(|| string_of(article.get("name")));
        ld.published = string_of(article.get("datePublished"))
            .or_else(|| string_of(article.get("dateCreated")));
        ld.authors = names_of(article.get("author"), &objects);
        ld.publisher = article.get("publisher").and_then(|p| name_of(p, &objects));
        ld.url = string_of(article.get("url")).or_else(|| match article.get("mainEntityOfPage") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => string_of(o.get("@id")),
            _ => None,
        });
        ld
    }
}

fn flatten(value: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match value {
        Value::Array(items) => items.into_iter().for_each(|v| flatten(v, out, depth + 1)),
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten(graph, out, depth + 1);
            }
            if !map.is_empty() {
                out.push(Value::Object(map));
            }
        }
        _ => {}
    }
}

fn types_of(object: &Value) -> Vec<String> {
    match object.get("@type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

fn string_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(collapse(s)).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(|v| string_of(Some(v))),
        _ => None,
    }
}

/// The name of a person or organisation node, following `@id` references.
fn name_of(value: &Value, objects: &[Value]) -> Option<String> {
    match value {
        Value::String(s) => Some(collapse(s)).filter(|s| !s.is_empty() && !s.starts_with("http")),
        Value::Object(o) => string_of(o.get("name")).or_else(|| {
            let id = o.get("@id")?.as_str()?;
            let target = objects
                .iter()
                .find(|t| t.get("@id").and_then(Value::as_str) == Some(id))?;
            string_of(target.get("name"))
        }),
        Value::Array(items) => items.iter().find_map(|v| name_of(v, objects)),
        _ => None,
    }
}

fn names_of(value: Option<&Value>, objects: &[Value]) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(|v| name_of(v, objects)).collect(),
        Some(v) => name_of(v, objects).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The headline: the page's `<h1>` when it agrees with what the metadata
/// calls the title (the metadata often carries a site suffix or an SEO
/// variant), else the metadata's title, else `<title>` without the site name.
fn title(html: &Html, meta: &MetaTags, ld: &JsonLd) -> Option<String> {
    let declared = ld
        .headline
        .clone()
        .or_else(|| meta.first(&["og:title", "twitter:title", "title", "dc.title", "headline"]));
    let page_title = html.select("head title").text();
    let page_title = strip_site_name(&collapse(&page_title));
    let reference = declared.clone().or_else(|| page_title.clone());
    let h1s: Vec<String> = html
        .select("body h1")
        .nodes()
        .iter()
        .take(8)
        .map(|n| collapse(&n.text()))
        .filter(|t| !t.is_empty() && t.chars().count() < 300)
        .collect();
    if let Some(reference) = &reference {
        if let Some(h1) = h1s.iter().find(|h| similar(h, reference) >= 0.5) {
            return Some(h1.clone());
        }
    } else if let Some(h1) = h1s.first() {
        return Some(h1.clone());
    }
    declared
        .map(|t| strip_site_name(&t).unwrap_or(t))
        .or(page_title)
}

/// `Story headline | Site` → `Story headline`: keeps the longest segment.
fn strip_site_name(title: &str) -> Option<String> {
    if title.is_empty() {
        return None;
    }
    for separator in [" | ", " – ", " — ", " - ", " :: ", " · ", " » "] {
        if title.contains(separator) {
            let best = title
                .split(separator)
                .map(str::trim)
                .max_by_key(|s| s.chars().count())?;
            if best.split_whitespace().count() >= 3 {
                return Some(best.to_string());
            }
        }
    }
    Some(title.to_string())
}

/// Word-overlap similarity of two titles (0 to 1, by the shorter one).
pub(crate) fn similar(a: &str, b: &str) -> f32 {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let common = wa.iter().filter(|w| wb.contains(w)).count();
    common as f32 / wa.len().min(wb.len()) as f32
}

/// A parsed page and the markup it came from.
struct Page<'a> {
    html: &'a Html,
    source: &'a str,
}

impl Page<'_> {
    /// The elements matching `selector`, in document order; none, without
    /// walking the tree, when a class or attribute value the selector
    /// names does not occur in the markup at all (most selectors, on most
    /// pages: each walk visits every element).
    fn select(&self, selector: &str) -> Vec<dom_query::NodeRef<'_>> {
        if !selector_literals(selector)
            .iter()
            .all(|literal| self.source.contains(literal))
        {
            return Vec::new();
        }
        self.html.select(selector).nodes().to_vec()
    }
}

/// The class names and attribute values a selector requires, as written:
/// `[class*=author-name]` needs "author-name" somewhere in the markup,
/// `.byline .author` needs "byline" and "author". Tag names are left out
/// (HTML writes them in any case).
fn selector_literals(selector: &str) -> Vec<&str> {
    let mut literals = Vec::new();
    let bytes = selector.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' => {
                let rest = &selector[i + 1..];
                let value = rest
                    .trim_start_matches(['\'', '"'])
                    .split(['\'', '"', ']'])
                    .next()
                    .unwrap_or("");
                if !value.is_empty() {
                    literals.push(value);
                }
                i += 1 + rest.find(']').unwrap_or(rest.len());
            }
            b'.' => {
                let rest = &selector[i + 1..];
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                    .unwrap_or(rest.len());
                if end > 0 {
                    literals.push(&rest[..end]);
                }
                i += 1 + end;
            }
            _ => i += 1,
        }
    }
    literals
}

fn authors(page: &Page<'_>, meta: &MetaTags, ld: &JsonLd) -> Vec<String> {
    // A desk or the site itself may be the author ("Reuters", "Swoogo");
    // only URLs and handles are not names.
    let usable = |name: &String| !name.starts_with("http") && !name.contains('@');
    let mut names: Vec<String> = ld
        .authors
        .iter()
        .filter_map(|a| clean_author(a))
        .filter(usable)
        .collect();
    if names.is_empty()
        && let Some(raw) = meta.first(&[
            "author",
            "article:author",
            "byl",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
            "dcterms.creator",
            "citation_author",
            "twitter:creator",
        ])
    {
        names = split_authors(&raw).into_iter().filter(usable).collect();
    }
    if names.is_empty() {
        for selector in [
            "[itemprop=author] [itemprop=name]",
            "[class*=authorName]",
            "[class*=author-name]",
            "[class*=author__name]",
            "[class*=AuthorName]",
            "[class*=byline__author]",
            "[itemprop=author]",
            "[rel=author]",
            ".byline .author",
            ".author-name",
            ".byline__name",
            ".byline",
            ".author",
        ] {
            let found: Vec<String> = page
                .select(selector)
                .iter()
                .take(4)
                .map(|n| collapse(&n.text()))
                .filter(|t| !t.is_empty() && t.chars().count() <= 80)
                .flat_map(|t| split_authors(&t))
                .filter(usable)
                .collect();
            if !found.is_empty() {
                names = found;
                break;
            }
        }
    }
    let mut unique: Vec<String> = Vec::new();
    for name in names {
        if !unique.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
            unique.push(name);
        }
    }
    unique
}

fn published(page: &Page<'_>, meta: &MetaTags, ld: &JsonLd, url: Option<&str>) -> Option<Dated> {
    // A site's front page is not an article: the date its CMS gives it is
    // when the page was made, not news.
    if url.is_some_and(is_site_root) {
        return None;
    }
    if let Some(date) = ld.published.as_deref().and_then(parse_machine_date) {
        return Some(date);
    }
    const KEYS: &[&str] = &[
        "article:published_time",
        "og:article:published_time",
        "article:published",
        "datepublished",
        "published_time",
        "publishdate",
        "publish-date",
        "publish_date",
        "pubdate",
        "parsely-pub-date",
        "sailthru.date",
        "dc.date.issued",
        "dcterms.issued",
        "dc.date",
        "dcterms.date",
        "date",
        "citation_publication_date",
        "citation_date",
        "article.published",
        "og:pubdate",
        "originalpublicationdate",
        "rnews:datepublished",
    ];
    for key in KEYS {
        if let Some(date) = meta.0.get(*key).and_then(|v| parse_machine_date(v)) {
            return Some(date);
        }
    }
    for selector in [
        "time[itemprop=datePublished]",
        "[itemprop=datePublished]",
        "time[pubdate]",
        "time[class*=publish]",
    ] {
        for node in page.select(selector).iter().take(3) {
            let value = node
                .attr("datetime")
                .or_else(|| node.attr("content"))
                .map(|v| v.to_string());
            let parsed = value
                .as_deref()
                .and_then(parse_machine_date)
                .or_else(|| parse_human_date(&node.text()));
            if parsed.is_some() && (selector.contains("itemprop") || !dates_something_else(node)) {
                return parsed;
            }
        }
    }
    if let Some(date) = url.and_then(date_in_url) {
        return Some(date);
    }
    // The date printed by the headline: the first `<time>` of the article,
    // then a date in the byline or date line.
    for selector in [
        "article time[datetime]",
        "main time[datetime]",
        "time[datetime]",
    ] {
        if let Some(node) = page.select(selector).first()
            && let Some(date) = node.attr("datetime").and_then(|v| parse_machine_date(&v))
            && !dates_something_else(node)
        {
            return Some(date);
        }
    }
    for selector in [
        "[class*=date]",
        "[class*=byline]",
        "[class*=posted]",
        "[class*=publish]",
        "[class*=meta]",
        "time",
    ] {
        for node in page.select(selector).iter().take(4) {
            let text = node.text();
            if text.len() > 200 || dates_something_else(node) {
                continue;
            }
            if let Some(date) = parse_human_date(&text) {
                return Some(date);
            }
        }
    }
    None
}

/// Whether `url` is a site's front page (`https://site.example/`).
fn is_site_root(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let path = rest.find('/').map_or("", |at| &rest[at..]);
    matches!(path, "" | "/")
}

/// `en-US` → `en`, `en_GB` → `en`; anything that is not a language tag → None.
fn normalise_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (2..=3)
        .contains(&primary.len())
        .then_some(primary)
        .filter(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Resolves `href` against `base`; keeps it as is when it is already
/// absolute, drops it when relative with no base.
pub(crate) fn absolute_url(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_string());
    }
    let base = base?;
    let scheme_end = base.find("://")? + 3;
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if let Some(rest) = href.strip_prefix("//") {
        return Some(format!("{}{}", &base[..scheme_end], rest));
    }
    if href.starts_with('/') {
        return Some(format!("{}{}", &base[..host_end], href));
    }
    if href.is_empty() {
        return None;
    }
    let dir_end = base[host_end..]
        .rfind('/')
        .map_or(base.len(), |i| host_end + i + 1);
    let dir = &base[..dir_end];
    Some(if dir.ends_with('/') {
        format!("{dir}{href}")
    } else {
        format!("{dir}/{href}")
    })
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn collapse(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.contains('&') {
        decode_entities(&text)
    } else {
        text
    }
}

/// Decodes the character references that templates leave escaped twice in
/// metadata (`Maria &amp; Katerina`, `It&#39;s`).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        // A reference is at most `&#x10FFFF;`: look for its `;` among the
        // next few bytes, never splitting a character.
        let end = tail
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| {
            let name = &tail[1..end];
            let c = match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn selectors_name_what_the_markup_must_contain() {
        assert_eq!(selector_literals("[class*=author-name]"), ["author-name"]);
        assert_eq!(selector_literals(".byline .author"), ["byline", "author"]);
        assert_eq!(
            selector_literals("[itemprop=author] [itemprop='name']"),
            ["author", "name"]
        );
        assert_eq!(selector_literals("time[pubdate]"), Vec::<&str>::new());
        assert_eq!(
            selector_literals("article time[datetime]"),
            Vec::<&str>::new()
        );
    }

    fn read_html(html: &str, url: Option<&str>) -> Metadata {
        read(&Html::from(html), html, url)
    }

    #[test]
    fn json_ld_beats_meta_tags() {
        let m = read_html(
            r#"<html lang="en-GB"><head><title>Big news | The Site</title>
            <meta property="og:title" content="Big news today">
            <meta property="article:published_time" content="2020-01-02T10:00:00Z">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"NewsArticle","headline":"Big news today","datePublished":"2020-01-01T09:00:00+01:00",
               "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}],
               "publisher":{"@type":"Organization","name":"The Site"}}]}</script>
            <link rel="canonical" href="/news/big"></head><body><h1>Big news today</h1></body></html>"#,
            Some("https://site.example/news/big?utm=1"),
        );
        assert_eq!(m.title.as_deref(), Some("Big news today"));
        assert_eq!(m.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(m.published.unwrap().date.to_string(), "2020-01-01");
        assert_eq!(m.language.as_deref(), Some("en"));
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("https://site.example/news/big")
        );
        assert_eq!(m.site_name.as_deref(), Some("The Site"));
    }

    #[test]
    fn no_date_is_invented() {
        let m = read_html(
            "<html><body><h1>Title here</h1><p>Copyright 2021. Posted in news.</p></body></html>",
            Some("https://x.example/a/b"),
        );
        assert!(m.published.is_none());
        assert_eq!(m.title.as_deref(), Some("Title here"));
    }

    #[test]
    fn visible_byline_is_read() {
        let m = read_html(
            "<body><h1>T</h1><div class=byline>By Jane Doe and John Roe</div></body>",
            None,
        );
        assert_eq!(m.authors, ["Jane Doe", "John Roe"]);
    }

    #[test]
    fn entities_decode_without_splitting_characters() {
        assert_eq!(collapse("Maria &amp; Katerina"), "Maria & Katerina");
        assert_eq!(collapse("It&#39;s &#x263A;"), "It's \u{263A}");
        assert_eq!(collapse("& Why They’re Smart"), "& Why They’re Smart");
        assert_eq!(collapse("AT&T"), "AT&T");
    }

    #[test]
    fn relative_urls_resolve() {
        assert_eq!(
            absolute_url("b.html", Some("https://x.example/a/c.html")).as_deref(),
            Some("https://x.example/a/b.html")
        );
        assert_eq!(
            absolute_url("//cdn.example/x", Some("https://x.example/")).as_deref(),
            Some("https://cdn.example/x")
        );
        assert_eq!(absolute_url("/x", None), None);
    }
}
