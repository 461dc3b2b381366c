//! Copy groups and stories as stored: where each new article goes, and
//! what a story holds.

use chrono::{DateTime, Utc};

/// Where a new article goes, as the syndication and story stages decided.
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    /// The article's fingerprint, opaque to the store, kept so the
    /// in-memory index can be rebuilt on start.
    pub fingerprint: &'a [u8],
    /// Stored articles it is a copy of; their copy groups become one.
    pub copy_of: &'a [i64],
    /// The story it joins (a copy joins its group's story instead).
    pub story: StoryChoice<'a>,
    /// When it entered the news (publication, else arrival).
    pub seen_at: DateTime<Utc>,
}

/// The story a new article joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryChoice<'a> {
    /// An existing story.
    Join(i64),
    /// A new story under this label.
    Start {
        /// The story's representative headline.
        label: &'a str,
    },
}

/// A story as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct StorySummary {
    /// The story's id.
    pub id: i64,
    /// Its representative headline.
    pub label: String,
    /// When its first article entered the news.
    pub first_seen: DateTime<Utc>,
    /// When its latest article did.
    pub last_seen: DateTime<Utc>,
    /// How many articles it holds (copies included).
    pub article_count: i64,
}

/// One article of a story, with its copy group.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryArticle {
    /// The article's id.
    pub id: i64,
    /// Its headline.
    pub title: Option<String>,
    /// Where it came from: a URL or a file path.
    pub origin: String,
    /// The outlet's name, when the page gave it.
    pub site_name: Option<String>,
    /// Its copy group.
    pub copy_group: i64,
    /// Whether it is its group's original.
    pub is_original: bool,
    /// When it entered the news.
    pub seen_at: DateTime<Utc>,
}

/// What the original's choice needs to know of one copy group member.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMember {
    /// The article's id.
    pub id: i64,
    /// Where it came from.
    pub origin: String,
    /// Its canonical URL.
    pub canonical_url: Option<String>,
    /// Its outlet's name.
    pub site_name: Option<String>,
    /// The outlet its provenance says first published it.
    pub original_publisher: Option<String>,
    /// The agencies it credits.
    pub agencies: Vec<String>,
    /// When it was published, if known.
    pub published: Option<DateTime<Utc>>,
    /// When it entered the news.
    pub seen_at: DateTime<Utc>,
}

/// An article as the in-memory indexes need it when rebuilt on start.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedArticle {
    /// The article's id.
    pub id: i64,
    /// Its fingerprint, as stored.
    pub fingerprint: Vec<u8>,
    /// Its story.
    pub story: Option<i64>,
    /// Its headline.
    pub title: Option<String>,
    /// Its text.
    pub text: String,
    /// When it entered the news.
    pub seen_at: DateTime<Utc>,
}

/// One copy group of a story, as [`copy_groups`] sorts it out.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryCopyGroup<'a> {
    /// The copy group's id.
    pub id: i64,
    /// Its original, when stored.
    pub original: Option<&'a StoryArticle>,
    /// The other members, in the order given.
    pub copies: Vec<&'a StoryArticle>,
}

/// A story's articles by copy group, in group id order: what every view of
/// a story (the CLI, the API, the pages) shows as one entry per text.
pub fn copy_groups(articles: &[StoryArticle]) -> Vec<StoryCopyGroup<'_>> {
    let mut groups: std::collections::BTreeMap<i64, StoryCopyGroup<'_>> = Default::default();
    for article in articles {
        let group = groups
            .entry(article.copy_group)
            .or_insert_with(|| StoryCopyGroup {
                id: article.copy_group,
                original: None,
                copies: Vec::new(),
            });
        if article.is_original && group.original.is_none() {
            group.original = Some(article);
        } else {
            group.copies.push(article);
        }
    }
    groups.into_values().collect()
}

/// The name an article's outlet goes by: the site's name when the page gave
/// one, else the host of the URL it came from (without "www."), else
/// "local file" for articles read from disk.
pub fn outlet(site_name: Option<&str>, origin: &str) -> String {
    if let Some(site) = site_name.map(str::trim).filter(|s| !s.is_empty()) {
        return site.to_string();
    }
    url::Url::parse(origin)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        })
        .unwrap_or_else(|| "local file".to_string())
}

#[cfg(test)]
mod tests {
    use super::outlet;

    #[test]
    fn outlets_are_site_names_else_hosts() {
        assert_eq!(outlet(Some(" BBC "), "https://x"), "BBC");
        assert_eq!(
            outlet(None, "https://www.Example.com:8080/a?b"),
            "example.com"
        );
        assert_eq!(outlet(Some(""), "saved/page.html"), "local file");
    }
}
