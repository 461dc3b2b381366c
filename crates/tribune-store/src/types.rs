//! What goes into the store and what comes out.

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use tribune_model::{Article, Provenance};
use tribune_nlp::Enrichment;

use crate::story::Placement;

/// An article about to be stored, with where it came from.
#[derive(Debug, Clone)]
pub struct NewArticle<'a> {
    /// The extracted article.
    pub article: &'a Article,
    /// Where it was read from: a URL, or a file path for local input.
    pub origin: &'a str,
    /// When it was fetched or read.
    pub fetched_at: DateTime<Utc>,
    /// The polled source (feed) it came from, if any.
    pub source_id: Option<i64>,
    /// Its copy group and story, as decided by the pipeline; without one
    /// the article belongs to neither.
    pub placement: Option<Placement<'a>>,
    /// Its quotes, entities, times and events, when the NLP stage ran.
    pub enrichment: Option<&'a Enrichment>,
}

impl<'a> NewArticle<'a> {
    /// An article read from `origin` now.
    pub fn new(article: &'a Article, origin: &'a str) -> Self {
        NewArticle {
            article,
            origin,
            fetched_at: Utc::now(),
            source_id: None,
            placement: None,
            enrichment: None,
        }
    }

    /// Places the article in a copy group and a story.
    pub fn placed(mut self, placement: Placement<'a>) -> Self {
        self.placement = Some(placement);
        self
    }

    /// Marks the article as taken from the stored source `id`.
    pub fn from_source(mut self, id: i64) -> Self {
        self.source_id = Some(id);
        self
    }
}

/// The outcome of storing an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// Stored under this new id.
    New(i64),
    /// Already stored, under this id (same canonical URL or same content).
    Duplicate(i64),
}

impl Put {
    /// Whether the article was new.
    pub fn is_new(self) -> bool {
        matches!(self, Put::New(_))
    }

    /// The stored article's id, new or old.
    pub fn id(self) -> i64 {
        match self {
            Put::New(id) | Put::Duplicate(id) => id,
        }
    }
}

/// An article as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    /// The store's id for it.
    pub id: i64,
    /// Where it was read from.
    pub origin: String,
    /// The canonical URL, if known.
    pub canonical_url: Option<String>,
    /// The headline.
    pub title: Option<String>,
    /// The body text.
    pub text: String,
    /// The authors.
    pub authors: Vec<String>,
    /// The publication date.
    pub published: Option<NaiveDate>,
    /// The language code.
    pub language: Option<String>,
    /// The site's name.
    pub site_name: Option<String>,
    /// Republication and credits.
    pub provenance: Provenance,
    /// The content hash it is keyed by.
    pub content_hash: String,
    /// When it was fetched or read.
    pub fetched_at: DateTime<Utc>,
    /// The polled source it came from, if any.
    pub source_id: Option<i64>,
    /// Its copy group, once placed.
    pub copy_group_id: Option<i64>,
    /// Its story, once placed.
    pub story_id: Option<i64>,
    /// Its quotes, entities, times and events, when the NLP stage ran.
    pub enrichment: Option<Enrichment>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The article's id in the store.
    pub id: i64,
    /// Its rank score (relevance raised for recency).
    pub score: f32,
    /// Its headline.
    pub title: Option<String>,
    /// Where it came from: a URL or, for local input, a file path.
    pub origin: String,
    /// Its publication date.
    pub published: Option<NaiveDate>,
    /// A passage of the body around the matched words.
    pub snippet: String,
}

/// The hash an article's content is keyed by: SHA-256 over its title and
/// body with whitespace folded, so the same text re-read (or re-fetched with
/// other markup) has the same key.
pub fn content_hash(article: &Article) -> String {
    let mut hasher = Sha256::new();
    for part in [article.title.as_deref().unwrap_or(""), &article.text] {
        for word in part.split_whitespace() {
            hasher.update(word.as_bytes());
            hasher.update(b" ");
        }
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stored article's text and publication date: what the NLP stage reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    /// The store's id for it.
    pub id: i64,
    /// The body text.
    pub text: String,
    /// The publication date.
    pub published: Option<NaiveDate>,
}

/// Which articles a listing wants; every filter given must match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    /// Only articles taken from this polled source.
    pub source_id: Option<i64>,
    /// Only articles of this story.
    pub story_id: Option<i64>,
    /// Only articles that entered the news (or, not yet placed in a story,
    /// were fetched) at or after this time.
    pub since: Option<DateTime<Utc>>,
}
