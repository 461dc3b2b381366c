//! The errors of storage, each naming the database it concerns.

use std::path::PathBuf;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database could not be opened or created.
    #[error("cannot open the database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer Tribune.
    #[error(
        "the database {path} has schema version {found}, newer than this Tribune knows ({known}); upgrade Tribune"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The version found in the file.
        found: u32,
        /// The newest version this build knows.
        known: u32,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The search index could not be opened.
    #[error("cannot open the search index in {path}: {message}")]
    Index {
        /// The index directory.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Another process holds the search index for writing.
    #[error(
        "another Tribune process is writing to the search index in {path} (a running \
         `tribune poll` or `tribune ingest`); wait for it, or stop it first"
    )]
    Busy {
        /// The index directory.
        path: PathBuf,
    },
    /// A search query could not be understood.
    #[error("cannot understand the query `{query}`: {message}")]
    Query {
        /// The query as given.
        query: String,
        /// What is wrong with it.
        message: String,
    },
    /// The search index failed.
    #[error("search index error: {0}")]
    Search(#[from] tantivy::TantivyError),
    /// A stored JSON column could not be read back.
    #[error("a stored value is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
