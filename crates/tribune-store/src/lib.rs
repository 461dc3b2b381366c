//! Tribune's storage: the [`Store`] trait every back end implements, and
//! the embedded SQLite back end ([`SqliteStore`]) used by default.
//!
//! Stored articles are also indexed for full-text search (tantivy); the
//! database is the truth, and an index that fell behind (a crash between
//! the two commits) catches up when the store is opened.
//!
//! Articles are keyed twice, by canonical URL and by a hash of their
//! content, so that storing the same article again (a re-run, a crash in the
//! middle of a run, the same story under two URLs) adds nothing: a put
//! answers whether the article was new or which stored article it repeats.
//!
//! ```
//! use tribune_model::Article;
//! use tribune_store::{NewArticle, SqliteStore, Store};
//!
//! let store = SqliteStore::open_in_memory().unwrap();
//! let mut article = Article::default();
//! article.title = Some("Storm hits coast".into());
//! article.text = "A storm hit the coast on Monday.".into();
//! let first = store.put_article(&NewArticle::new(&article, "story.html")).unwrap();
//! let again = store.put_article(&NewArticle::new(&article, "story.html")).unwrap();
//! assert!(first.is_new() && !again.is_new());
//! assert_eq!(store.count_articles().unwrap(), 1);
//! ```
//!
//! **Invariant:** SQL lives only in this crate; callers see the trait.
#![deny(missing_docs)]

mod accounts;
mod error;
mod index;
mod push;
mod source;
mod sqlite;
mod story;
mod subscriptions;
mod types;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

pub use accounts::{Accounts, ApiToken, Credentials, NewUser, Refusal, Session, User};
pub use error::{Error, Result};
pub use push::{
    Attempt, AttemptNext, Delivery, DeliveryStatus, EventKind, NewDelivery, NewWebhook, NewsItem,
    Push, SinkKind, Webhook,
};
pub use source::{EntryOutcome, NewSource, PollRecord, Source};
pub use sqlite::SqliteStore;
pub use story::{
    GroupMember, IndexedArticle, Placement, StoryArticle, StoryChoice, StoryCopyGroup,
    StorySummary, copy_groups, outlet,
};
pub use subscriptions::{
    ArticleState, Follow, Followed, SavedSearch, StateChange, StreamArticle, StreamQuery,
    Subscriptions,
};
pub use types::{
    ArticleFilter, ArticleText, NewArticle, Put, SearchHit, StoredArticle, content_hash,
};

/// What every storage back end offers. Implementations are shared between
/// threads; each call is its own transaction.
pub trait Store: Send + Sync {
    /// Stores an article unless it is already there (same canonical URL or
    /// same content); says which.
    fn put_article(&self, article: &NewArticle<'_>) -> Result<Put>;

    /// The stored article with this id, if any.
    fn article(&self, id: i64) -> Result<Option<StoredArticle>>;

    /// How many articles are stored.
    fn count_articles(&self) -> Result<u64>;

    /// Makes everything stored so far searchable. Stored articles are safe
    /// before this; only search waits for it.
    fn flush(&self) -> Result<()>;

    /// Ranked articles matching `query` (words, "phrases", `title:`,
    /// `source:`, `author:`, date ranges on `published:`), recent ones
    /// raised, at most `limit`.
    fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>>;

    /// Adds a source to poll, due at once. A source with the same URL is
    /// kept as it is (each source is fetched once however many follow it);
    /// says whether it was added.
    fn add_source(&self, source: &NewSource) -> Result<(Source, bool)>;

    /// The source with this id, if any.
    fn source(&self, id: i64) -> Result<Option<Source>>;

    /// The source with this URL, if any.
    fn source_by_url(&self, url: &str) -> Result<Option<Source>>;

    /// Every source, in the order they were added.
    fn sources(&self) -> Result<Vec<Source>>;

    /// Removes a source (its articles stay); says whether it existed.
    fn remove_source(&self, id: i64) -> Result<bool>;

    /// Up to `limit` sources due at `now`, the longest waiting first.
    fn due_sources(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Source>>;

    /// When the next source is due, if there is any source.
    fn next_due(&self) -> Result<Option<DateTime<Utc>>>;

    /// Remembers what a poll of source `id` found.
    fn record_poll(&self, id: i64, poll: &PollRecord) -> Result<()>;

    /// What is known of a source's entries with these keys (entries never
    /// seen are absent).
    fn entry_outcomes(
        &self,
        source_id: i64,
        keys: &[&str],
    ) -> Result<HashMap<String, EntryOutcome>>;

    /// Remembers what became of one entry of a source.
    fn record_entry(&self, source_id: i64, key: &str, outcome: EntryOutcome) -> Result<()>;

    /// The stored article this one would duplicate (same content or
    /// canonical URL), if any: checked before the work of placing it.
    fn duplicate_of(&self, article: &tribune_model::Article) -> Result<Option<i64>>;

    /// Stories with articles, the most recently active first, active since
    /// `since` if given, at most `limit`.
    fn stories(&self, since: Option<DateTime<Utc>>, limit: usize) -> Result<Vec<StorySummary>>;

    /// One story, if it exists.
    fn story(&self, id: i64) -> Result<Option<StorySummary>>;

    /// How many stories hold articles.
    fn count_stories(&self) -> Result<u64>;

    /// A story's articles, by copy group, each group in order of arrival.
    fn story_articles(&self, id: i64) -> Result<Vec<StoryArticle>>;

    /// The articles of each of these stories, as
    /// [`story_articles`](Store::story_articles) gives them, in one call:
    /// what the front page weighs its candidates by. Stories without
    /// articles are absent.
    fn stories_articles(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<StoryArticle>>> {
        let mut found = HashMap::with_capacity(ids.len());
        for &id in ids {
            let articles = self.story_articles(id)?;
            if !articles.is_empty() {
                found.insert(id, articles);
            }
        }
        Ok(found)
    }

    /// The articles of one copy group, in order of arrival: what an
    /// article's page lists as its other copies, without reading the
    /// whole story.
    fn group_articles(&self, group: i64) -> Result<Vec<StoryArticle>>;

    /// The members of a copy group, with what choosing its original needs.
    fn copy_group(&self, group: i64) -> Result<Vec<GroupMember>>;

    /// These articles, with what choosing an original needs.
    fn group_members(&self, ids: &[i64]) -> Result<Vec<GroupMember>>;

    /// An article's copy group and story, once placed.
    fn placement(&self, id: i64) -> Result<Option<(i64, i64)>>;

    /// A copy group's current original.
    fn original_of(&self, group: i64) -> Result<Option<i64>>;

    /// Records which member is a copy group's original.
    fn set_original(&self, group: i64, article: i64) -> Result<()>;

    /// When the newest placed article entered the news, if any: the "now"
    /// of the stored news, which for an archive is not the wall clock's.
    fn newest_seen(&self) -> Result<Option<DateTime<Utc>>>;

    /// Up to `limit` articles with ids above `after`, in id order, that
    /// have no enrichment yet (or all of them, with `all`): the backlog of
    /// `tribune enrich`. Each comes with its text and publication date.
    fn articles_to_enrich(&self, after: i64, all: bool, limit: usize) -> Result<Vec<ArticleText>>;

    /// Records what the NLP stage read from stored articles, in one
    /// transaction.
    fn set_enrichments(&self, enrichments: &[(i64, &tribune_nlp::Enrichment)]) -> Result<()>;

    /// Up to `limit` placed articles with ids above `after` that entered
    /// the news at or after `since`, in id order: what the in-memory
    /// indexes are rebuilt from on start.
    fn indexed_articles(
        &self,
        after: i64,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<IndexedArticle>>;

    /// Up to `limit` articles matching `filter`, the most recently stored
    /// first, skipping the first `offset`: pages of a listing.
    fn list_articles(
        &self,
        filter: &ArticleFilter,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StoredArticle>>;

    /// Like [`stories`](Store::stories), skipping the first `offset`: pages
    /// of the listing.
    fn stories_page(
        &self,
        since: Option<DateTime<Utc>>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>>;

    /// Users, sessions and API tokens.
    fn accounts(&self) -> &dyn Accounts;

    /// Each user's follows, saved searches and read/starred marks.
    fn subscriptions(&self) -> &dyn Subscriptions;

    /// Webhooks and the delivery queue.
    fn push(&self) -> &dyn Push;
}

#[cfg(test)]
mod conformance;
