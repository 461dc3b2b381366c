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

mod error;
mod index;
mod sqlite;
mod types;

pub use error::{Error, Result};
pub use sqlite::SqliteStore;
pub use types::{NewArticle, Put, SearchHit, StoredArticle, content_hash};

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
}

#[cfg(test)]
mod conformance;
