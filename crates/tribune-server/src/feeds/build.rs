//! Feeds as plain data, read from the store: one [`Feed`] per page of the
//! reader, whatever the format it is written in.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use tribune_store::{
    ArticleFilter, SavedSearch, Store, StoredArticle, StoryArticle, StorySummary, User,
};

use super::base::PublicBase;
use crate::Error;

/// At most this many characters of an article's text in its item: enough
/// to know what it says, short of republishing it.
const EXCERPT_CHARS: usize = 400;

/// A story feed lists at most this many articles (a wire story can be
/// republished by hundreds of outlets).
const STORY_ITEMS: usize = 200;

/// A feed, in no format yet.
#[derive(Debug, Clone)]
pub(crate) struct Feed {
    /// The feed's title.
    pub title: String,
    /// What it holds, in a sentence.
    pub description: String,
    /// The reader's page that the feed follows.
    pub home: String,
    /// The feed's own URL (filled in by the handler, which knows it).
    pub self_url: String,
    /// When anything in it last changed.
    pub updated: DateTime<Utc>,
    /// The items, in the order to show them.
    pub items: Vec<Item>,
}

/// One item of a feed: an article, or a story on the front page.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// A stable, unique id: the reader's page for it.
    pub id: String,
    /// The headline, as plain text.
    pub title: String,
    /// Where it was published when that is a web address, else the
    /// reader's page.
    pub link: String,
    /// The reader's page for it.
    pub page: String,
    /// The original it copies, when it is a syndicated copy.
    pub via: Option<String>,
    /// The outlet, when known.
    pub outlet: Option<String>,
    /// A plain-text summary.
    pub summary: String,
    /// The authors.
    pub authors: Vec<String>,
    /// When it was published, if known.
    pub published: Option<DateTime<Utc>>,
    /// When it last changed (for articles, when they entered the news).
    pub updated: DateTime<Utc>,
}

impl Feed {
    fn new(title: String, description: String, home: String, items: Vec<Item>) -> Feed {
        let updated = items
            .iter()
            .map(|item| item.updated)
            .max()
            .unwrap_or_else(Utc::now);
        Feed {
            title,
            description,
            home,
            self_url: String::new(),
            updated,
            items,
        }
    }
}

/// The front page: the latest stories, one item each, linking the story's
/// original article.
pub(crate) fn front_page(
    store: &dyn Store,
    base: &PublicBase,
    limit: usize,
) -> Result<Feed, Error> {
    let items = story_items(store, base, store.stories(None, limit)?)?;
    Ok(Feed::new(
        "Tribune: latest stories".into(),
        "The latest stories, each with the article that first reported it.".into(),
        base.join("/"),
        items,
    ))
}

/// A user's own front page: the stories of what they follow, most
/// recently active first, items as on the public front page.
pub(crate) fn personal_front_page(
    store: &dyn Store,
    base: &PublicBase,
    user: &User,
    limit: usize,
) -> Result<Feed, Error> {
    let stories = store.subscriptions().personal_stories(user.id, limit, 0)?;
    let items = story_items(store, base, stories)?;
    Ok(Feed::new(
        format!("Tribune: {}'s front page", user.name),
        format!(
            "The stories of the sources and stories {} follows, each with the article that \
             first reported it.",
            user.name
        ),
        base.join("/"),
        items,
    ))
}

/// One item per story, linking the story's original article.
fn story_items(
    store: &dyn Store,
    base: &PublicBase,
    stories: Vec<StorySummary>,
) -> Result<Vec<Item>, Error> {
    let mut items = Vec::new();
    for story in stories {
        let articles = store.story_articles(story.id)?;
        let original = match story_original(&articles) {
            Some(first) => store.article(first.id)?,
            None => None,
        };
        let page = base.join(&format!("/stories/{}", story.id));
        let outlets: BTreeSet<&str> = articles
            .iter()
            .filter_map(|a| a.site_name.as_deref())
            .collect();
        let mut summary = format!(
            "{} from {}.",
            plural(articles.len(), "article"),
            plural(outlets.len().max(1), "outlet"),
        );
        let outlet = original.as_ref().and_then(|a| a.site_name.clone());
        if let Some(first) = &outlet {
            summary.push_str(&format!(" First reported by {first}."));
        }
        if let Some(text) = original.as_ref().map(|a| excerpt(&a.text)) {
            summary.push(' ');
            summary.push_str(&text);
        }
        items.push(Item {
            link: original
                .as_ref()
                .and_then(publication_url)
                .unwrap_or_else(|| page.clone()),
            id: page.clone(),
            title: story.label.clone(),
            page,
            via: None,
            outlet,
            summary,
            authors: original.map(|a| a.authors).unwrap_or_default(),
            published: Some(story.first_seen),
            updated: story.last_seen,
        });
    }
    Ok(items)
}

/// A story: each of its articles, the story's original first.
pub(crate) fn story(store: &dyn Store, base: &PublicBase, id: i64) -> Result<Feed, Error> {
    let story = store
        .story(id)?
        .filter(|story| story.article_count > 0)
        .ok_or_else(|| Error::NotFound(format!("no story {id}")))?;
    let mut listed = store.story_articles(id)?;
    let first = story_original(&listed).map(|a| a.id);
    // The original first, then the others as they arrived.
    listed.sort_by_key(|a| (Some(a.id) != first, a.seen_at, a.id));
    listed.truncate(STORY_ITEMS);
    let originals: HashMap<i64, i64> = listed
        .iter()
        .filter(|a| a.is_original)
        .map(|a| (a.copy_group, a.id))
        .collect();
    let mut stored = HashMap::new();
    for article in &listed {
        if let Some(full) = store.article(article.id)? {
            stored.insert(article.id, full);
        }
    }
    let items = listed
        .iter()
        .filter_map(|listed| {
            let article = stored.get(&listed.id)?;
            let via = originals
                .get(&listed.copy_group)
                .filter(|original| **original != listed.id)
                .and_then(|original| stored.get(original))
                .and_then(publication_url);
            let mut item = article_item(base, article, Some(listed.seen_at));
            item.via = via;
            Some(item)
        })
        .collect();
    Ok(Feed::new(
        format!("Tribune: {}", story.label),
        format!(
            "Every article of the story \u{201c}{}\u{201d}, the original first.",
            story.label
        ),
        base.join(&format!("/stories/{id}")),
        items,
    ))
}

/// A source: the latest articles taken from it.
pub(crate) fn source(
    store: &dyn Store,
    base: &PublicBase,
    id: i64,
    limit: usize,
) -> Result<Feed, Error> {
    let source = store
        .source(id)?
        .ok_or_else(|| Error::NotFound(format!("no source {id}")))?;
    let name = source.title.clone().unwrap_or_else(|| source.url.clone());
    let items = store
        .list_articles(
            &ArticleFilter {
                source_id: Some(id),
                ..ArticleFilter::default()
            },
            limit,
            0,
        )?
        .iter()
        .map(|article| article_item(base, article, None))
        .collect();
    Ok(Feed::new(
        format!("Tribune: {name}"),
        format!("The latest articles from {name}, as read by Tribune."),
        base.join(&format!("/sources/{id}")),
        items,
    ))
}

/// A search: the best matches of `query`.
pub(crate) fn search(
    store: &dyn Store,
    base: &PublicBase,
    query: &str,
    limit: usize,
) -> Result<Feed, Error> {
    let query = query.trim();
    if query.is_empty() {
        return Err(Error::BadRequest("a search feed needs a query: ?q=".into()));
    }
    let hits = store.search(query, limit).map_err(|err| match err {
        tribune_store::Error::Query { .. } => Error::BadRequest(err.to_string()),
        other => Error::Store(other),
    })?;
    let mut items = Vec::with_capacity(hits.len());
    for hit in hits {
        if let Some(article) = store.article(hit.id)? {
            items.push(article_item(base, &article, None));
        }
    }
    Ok(Feed::new(
        format!("Tribune: search for {query}"),
        format!("Articles matching \u{201c}{query}\u{201d}, the best first."),
        base.join(&format!("/search?q={}", query_escape(query))),
        items,
    ))
}

/// A user's saved search: its best matches, under the name they gave it.
pub(crate) fn saved_search(
    store: &dyn Store,
    base: &PublicBase,
    saved: &SavedSearch,
    limit: usize,
) -> Result<Feed, Error> {
    let mut feed = search(store, base, &saved.query, limit)?;
    feed.title = format!("Tribune: {}", saved.name);
    feed.description = format!(
        "Articles matching the saved search \u{201c}{}\u{201d} ({}), the best first.",
        saved.name, saved.query
    );
    Ok(feed)
}

/// The item for one article; `seen` is when it entered the news, if known.
fn article_item(base: &PublicBase, article: &StoredArticle, seen: Option<DateTime<Utc>>) -> Item {
    let page = base.join(&format!("/articles/{}", article.id));
    let published = article.published.and_then(midnight);
    Item {
        link: publication_url(article).unwrap_or_else(|| page.clone()),
        id: page.clone(),
        title: article
            .title
            .clone()
            .filter(|title| !title.trim().is_empty())
            .unwrap_or_else(|| "(untitled)".into()),
        page,
        via: None,
        outlet: article.site_name.clone(),
        summary: excerpt(&article.text),
        authors: article.authors.clone(),
        published,
        updated: seen.or(published).unwrap_or(article.fetched_at),
    }
}

/// Which article of a story is its original: the earliest copy-group
/// original, else its earliest article.
fn story_original(articles: &[StoryArticle]) -> Option<&StoryArticle> {
    articles
        .iter()
        .filter(|a| a.is_original)
        .min_by_key(|a| (a.seen_at, a.id))
        .or_else(|| articles.iter().min_by_key(|a| (a.seen_at, a.id)))
}

/// Where an article was published, when that is a web address (a local
/// file's path is not a link anyone can follow).
fn publication_url(article: &StoredArticle) -> Option<String> {
    [
        article.canonical_url.as_deref(),
        Some(article.origin.as_str()),
    ]
    .into_iter()
    .flatten()
    .find_map(web_url)
}

/// `url`, normalised, if it is an absolute http(s) URL.
pub(crate) fn web_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some())
        .then(|| parsed.to_string())
}

/// The start of a text, whitespace folded, cut at a word within
/// [`EXCERPT_CHARS`].
fn excerpt(text: &str) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if chars + len + 1 > EXCERPT_CHARS {
            if out.is_empty() {
                out.extend(word.chars().take(EXCERPT_CHARS));
            }
            out.push('\u{2026}');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        chars += len + 1;
    }
    out
}

fn midnight(date: NaiveDate) -> Option<DateTime<Utc>> {
    date.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `text` as a URL query value.
fn query_escape(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_stop_at_a_word() {
        assert_eq!(excerpt("  One\n\ntwo  three "), "One two three");
        let long = "word ".repeat(200);
        let cut = excerpt(&long);
        assert!(cut.ends_with("word\u{2026}"), "{cut}");
        assert!(cut.chars().count() <= EXCERPT_CHARS + 1);
        let one = "x".repeat(1000);
        assert_eq!(excerpt(&one).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert_eq!(
            web_url(" https://example.com/a b ").as_deref(),
            Some("https://example.com/a%20b")
        );
        assert_eq!(web_url("/srv/pages/a.html"), None);
        assert_eq!(web_url("file:///srv/a.html"), None);
        assert_eq!(web_url("javascript:alert(1)"), None);
    }
}
