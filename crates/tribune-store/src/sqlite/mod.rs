//! The embedded back end: one SQLite file in WAL mode, so readers never
//! wait for the writer and a crash loses nothing that was committed.

mod accounts;
mod articles;
mod migrations;
mod push;
mod sources;
mod stories;
mod subscriptions;
#[cfg(test)]
mod tests_accounts;
#[cfg(test)]
mod tests_push;
#[cfg(test)]
mod tests_subscriptions;

#[cfg(test)]
pub(crate) use migrations::FIRST as FIRST_MIGRATION_FOR_TESTS;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::Store;
use crate::error::{Error, Result};
use crate::index::{Entry, SearchIndex};
use crate::source::{EntryOutcome, NewSource, PollRecord, Source};
use crate::story::{GroupMember, IndexedArticle, StoryArticle, StorySummary};
use crate::types::{ArticleFilter, ArticleText, NewArticle, Put, SearchHit, StoredArticle};

/// A [`Store`] in a data directory: the SQLite database `tribune.db` and
/// the search index in `index/`.
pub struct SqliteStore {
    connection: Mutex<Connection>,
    index: SearchIndex,
}

/// A time stored as Unix seconds (a corrupt value reads as the epoch).
fn time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// Articles re-indexed per commit when the index catches up on opening.
const REPAIR_BATCH: i64 = 1_000;

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir`, brings the
    /// database schema up to date, and re-indexes whatever the search index
    /// missed (after a crash between a database commit and an index commit).
    /// Refuses a database written by a newer Tribune.
    pub fn open(data_dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::Index {
            path: data_dir.to_path_buf(),
            message: source.to_string(),
        })?;
        let connection = Self::open_database(&data_dir.join("tribune.db"))?;
        let store = SqliteStore {
            connection: Mutex::new(connection),
            index: SearchIndex::open(&data_dir.join("index"))?,
        };
        store.repair_index()?;
        Ok(store)
    }

    fn open_database(path: &Path) -> Result<Connection> {
        let open_error = |source| Error::Open {
            path: path.to_path_buf(),
            source,
        };
        let connection = Connection::open(path).map_err(open_error)?;
        // WAL: concurrent readers, and durability at each commit without a
        // full sync of the main file. NORMAL sync is safe with WAL: a power
        // cut may lose the last commits, never corrupt the file.
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(open_error)?;
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_error)?;
        Self::prepare(connection, path.to_path_buf())
    }

    /// A store in memory, for tests.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let connection = Connection::open_in_memory().map_err(|source| Error::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Ok(SqliteStore {
            connection: Mutex::new(Self::prepare(connection, PathBuf::from(":memory:"))?),
            index: SearchIndex::in_ram()?,
        })
    }

    fn prepare(mut connection: Connection, path: PathBuf) -> Result<Connection> {
        connection.pragma_update(None, "foreign_keys", "ON")?;
        // Every hot statement is prepared once and kept.
        connection.set_prepared_statement_cache_capacity(64);
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        migrations::migrate(&mut connection, &path)?;
        Ok(connection)
    }

    /// Indexes the articles stored after the index's last commit. Left to
    /// the writing process if another one holds the index.
    fn repair_index(&self) -> Result<()> {
        match self.catch_up_index() {
            Err(Error::Busy { .. }) => {
                tracing::debug!("index held by another process; it repairs the index itself");
                Ok(())
            }
            other => other,
        }
    }

    fn catch_up_index(&self) -> Result<()> {
        let mut from = self.index.indexed_up_to()?;
        loop {
            let missed = articles::after(&self.connection(), from, REPAIR_BATCH)?;
            let Some(last) = missed.last().map(|a| a.id) else {
                return Ok(());
            };
            tracing::info!(
                count = missed.len(),
                from,
                "re-indexing articles the index missed"
            );
            for article in &missed {
                self.index.add(&Entry::stored(article))?;
            }
            self.index.commit(last)?;
            from = last;
        }
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: every
        // write is a transaction that SQLite rolled back.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store for SqliteStore {
    fn put_article(&self, article: &NewArticle<'_>) -> Result<Put> {
        self.index.ensure_writable()?;
        let put = articles::put(&mut self.connection(), article)?;
        // Indexed from what was just written: no need to read it back.
        if let Put::New(id) = put {
            self.index.add(&Entry::new(id, article))?;
        }
        Ok(put)
    }

    fn flush(&self) -> Result<()> {
        let last = articles::last_id(&self.connection())?;
        self.index.commit(last)
    }

    fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.index.search(query, limit)
    }

    fn article(&self, id: i64) -> Result<Option<StoredArticle>> {
        articles::get(&self.connection(), id)
    }

    fn count_articles(&self) -> Result<u64> {
        articles::count(&self.connection())
    }

    fn add_source(&self, source: &NewSource) -> Result<(Source, bool)> {
        sources::add(&mut self.connection(), source, Utc::now())
    }

    fn source(&self, id: i64) -> Result<Option<Source>> {
        sources::by_id(&self.connection(), id)
    }

    fn source_by_url(&self, url: &str) -> Result<Option<Source>> {
        sources::by_url(&self.connection(), url)
    }

    fn sources(&self) -> Result<Vec<Source>> {
        sources::all(&self.connection())
    }

    fn remove_source(&self, id: i64) -> Result<bool> {
        sources::remove(&self.connection(), id)
    }

    fn due_sources(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Source>> {
        sources::due(&self.connection(), now, limit)
    }

    fn next_due(&self) -> Result<Option<DateTime<Utc>>> {
        sources::next_due(&self.connection())
    }

    fn record_poll(&self, id: i64, poll: &PollRecord) -> Result<()> {
        sources::record_poll(&self.connection(), id, poll)
    }

    fn entry_outcomes(
        &self,
        source_id: i64,
        keys: &[&str],
    ) -> Result<HashMap<String, EntryOutcome>> {
        sources::entries(&self.connection(), source_id, keys)
    }

    fn record_entry(&self, source_id: i64, key: &str, outcome: EntryOutcome) -> Result<()> {
        sources::record_entry(&self.connection(), source_id, key, outcome)
    }

    fn duplicate_of(&self, article: &tribune_model::Article) -> Result<Option<i64>> {
        articles::duplicate_of(&self.connection(), article)
    }

    fn stories(&self, since: Option<DateTime<Utc>>, limit: usize) -> Result<Vec<StorySummary>> {
        stories::summaries_from(&self.connection(), since, limit, 0)
    }

    fn story(&self, id: i64) -> Result<Option<StorySummary>> {
        stories::summary(&self.connection(), id)
    }

    fn count_stories(&self) -> Result<u64> {
        stories::count(&self.connection())
    }

    fn story_articles(&self, id: i64) -> Result<Vec<StoryArticle>> {
        stories::articles_of(&self.connection(), id)
    }

    fn stories_articles(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<StoryArticle>>> {
        stories::articles_of_many(&self.connection(), ids)
    }

    fn group_articles(&self, group: i64) -> Result<Vec<StoryArticle>> {
        stories::articles_of_group(&self.connection(), group)
    }

    fn copy_group(&self, group: i64) -> Result<Vec<GroupMember>> {
        stories::group_members(&self.connection(), group)
    }

    fn group_members(&self, ids: &[i64]) -> Result<Vec<GroupMember>> {
        stories::members(&self.connection(), ids)
    }

    fn placement(&self, id: i64) -> Result<Option<(i64, i64)>> {
        stories::placement(&self.connection(), id)
    }

    fn original_of(&self, group: i64) -> Result<Option<i64>> {
        stories::original_of(&self.connection(), group)
    }

    fn set_original(&self, group: i64, article: i64) -> Result<()> {
        stories::set_original(&self.connection(), group, article)
    }

    fn newest_seen(&self) -> Result<Option<DateTime<Utc>>> {
        stories::newest_seen(&self.connection())
    }

    fn articles_to_enrich(&self, after: i64, all: bool, limit: usize) -> Result<Vec<ArticleText>> {
        articles::to_enrich(&self.connection(), after, all, limit)
    }

    fn set_enrichments(&self, enrichments: &[(i64, &tribune_nlp::Enrichment)]) -> Result<()> {
        articles::set_enrichments(&mut self.connection(), enrichments)
    }

    fn indexed_articles(
        &self,
        after: i64,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<IndexedArticle>> {
        stories::indexed(&self.connection(), after, since, limit)
    }

    fn list_articles(
        &self,
        filter: &ArticleFilter,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StoredArticle>> {
        articles::list(&self.connection(), filter, limit, offset)
    }

    fn stories_page(
        &self,
        since: Option<DateTime<Utc>>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        stories::summaries_from(&self.connection(), since, limit, offset)
    }

    fn accounts(&self) -> &dyn crate::Accounts {
        self
    }

    fn subscriptions(&self) -> &dyn crate::Subscriptions {
        self
    }

    fn push(&self) -> &dyn crate::Push {
        self
    }
}
