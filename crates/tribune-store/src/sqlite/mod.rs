//! The embedded back end: one SQLite file in WAL mode, so readers never
//! wait for the writer and a crash loses nothing that was committed.

mod articles;
mod migrations;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

use crate::Store;
use crate::error::{Error, Result};
use crate::types::{NewArticle, Put, StoredArticle};

/// A [`Store`] in a SQLite database file.
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date. Refuses a database written by a newer Tribune.
    pub fn open(path: &Path) -> Result<SqliteStore> {
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

    /// A database in memory, for tests.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let connection = Connection::open_in_memory().map_err(|source| Error::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Self::prepare(connection, PathBuf::from(":memory:"))
    }

    fn prepare(mut connection: Connection, path: PathBuf) -> Result<SqliteStore> {
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        migrations::migrate(&mut connection, &path)?;
        Ok(SqliteStore {
            connection: Mutex::new(connection),
        })
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
        articles::put(&mut self.connection(), article)
    }

    fn article(&self, id: i64) -> Result<Option<StoredArticle>> {
        articles::get(&self.connection(), id)
    }

    fn count_articles(&self) -> Result<u64> {
        articles::count(&self.connection())
    }
}
