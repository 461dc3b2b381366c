//! What each user follows and has read: followed sources, stories and
//! people, saved searches, read and starred marks, and the personal views
//! built from them. Every call names the user; no call reads or changes
//! another user's state.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::story::StorySummary;
use crate::types::StoredArticle;

/// Something a user follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Follow {
    /// A source (a feed): its articles appear on the user's front page.
    Source(i64),
    /// A story: its new articles are pushed to the user.
    Story(i64),
    /// A person or organisation, by name as the NLP stage resolves it
    /// ("Steve Witkoff"): their new quotes are pushed to the user.
    Entity(String),
}

/// A followed thing with when it was followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    /// What is followed.
    pub follow: Follow,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// A search a user keeps, to be told of new stories matching it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSearch {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub user_id: i64,
    /// The user's name for it.
    pub name: String,
    /// The query, in the search index's syntax.
    pub query: String,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

/// A user's marks on one article. Articles the user never marked are
/// unread and not starred.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArticleState {
    /// Read.
    pub read: bool,
    /// Starred.
    pub starred: bool,
}

/// A change of marks; `None` leaves a mark as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateChange {
    /// Set or clear "read".
    pub read: Option<bool>,
    /// Set or clear "starred".
    pub starred: Option<bool>,
}

/// Which articles a user's stream holds, newest first unless
/// `oldest_first`. Articles are those of followed sources when
/// `followed_sources_only`, else all articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamQuery {
    /// Only articles of followed sources.
    pub followed_sources_only: bool,
    /// Only articles of this source (whether followed or not).
    pub source_id: Option<i64>,
    /// Only articles the user has not read.
    pub unread_only: bool,
    /// Only articles the user starred.
    pub starred_only: bool,
    /// Only articles read after (fetched at or after) this time.
    pub since: Option<DateTime<Utc>>,
    /// Only articles fetched before this time.
    pub until: Option<DateTime<Utc>>,
    /// Continue after this article id (the last one of the previous page).
    pub after: Option<i64>,
    /// Oldest first.
    pub oldest_first: bool,
    /// At most this many.
    pub limit: usize,
}

impl Default for StreamQuery {
    fn default() -> Self {
        StreamQuery {
            followed_sources_only: true,
            source_id: None,
            unread_only: false,
            starred_only: false,
            since: None,
            until: None,
            after: None,
            oldest_first: false,
            limit: 50,
        }
    }
}

/// An article in a user's stream, with the user's marks.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamArticle {
    /// The article.
    pub article: StoredArticle,
    /// The user's marks on it.
    pub state: ArticleState,
}

/// Follows, saved searches, marks and personal views.
pub trait Subscriptions: Send + Sync {
    /// Follows something; false if the user already did. Following a
    /// source or story that does not exist is `Ok(false)`.
    fn follow(&self, user: i64, follow: &Follow) -> Result<bool>;

    /// Stops following; false if the user did not follow it.
    fn unfollow(&self, user: i64, follow: &Follow) -> Result<bool>;

    /// What the user follows, oldest first.
    fn follows(&self, user: i64) -> Result<Vec<Followed>>;

    /// Saves a search.
    fn save_search(&self, user: i64, name: &str, query: &str) -> Result<SavedSearch>;

    /// The user's saved searches, oldest first.
    fn saved_searches(&self, user: i64) -> Result<Vec<SavedSearch>>;

    /// One of the user's saved searches (none if it is another user's).
    fn saved_search(&self, user: i64, id: i64) -> Result<Option<SavedSearch>>;

    /// Deletes one of the user's saved searches; false if they have none
    /// with this id.
    fn delete_saved_search(&self, user: i64, id: i64) -> Result<bool>;

    /// Every saved search of every user (for matching new stories).
    fn all_saved_searches(&self) -> Result<Vec<SavedSearch>>;

    /// Changes the user's marks on these articles (unknown ids skipped);
    /// returns how many articles exist among `articles`.
    fn mark(&self, user: i64, articles: &[i64], change: StateChange) -> Result<usize>;

    /// Marks read every article of the stream `query` selects fetched
    /// before `until`; returns how many marks changed.
    fn mark_all_read(&self, user: i64, query: &StreamQuery) -> Result<usize>;

    /// The user's marks on these articles (absent ids: default marks).
    fn states(
        &self,
        user: i64,
        articles: &[i64],
    ) -> Result<std::collections::HashMap<i64, ArticleState>>;

    /// The user's stream of articles.
    fn stream(&self, user: i64, query: &StreamQuery) -> Result<Vec<StreamArticle>>;

    /// How many unread articles each followed source has for the user.
    fn unread_counts(&self, user: i64) -> Result<Vec<(i64, u64)>>;

    /// The user's front page: stories holding an article of a followed
    /// source or followed outright, most recently active first.
    fn personal_stories(&self, user: i64, limit: usize, offset: usize)
    -> Result<Vec<StorySummary>>;

    /// Users following this thing (for push).
    fn followers(&self, follow: &Follow) -> Result<Vec<i64>>;
}
