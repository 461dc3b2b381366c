//! The schema, as an append-only list of migrations. The list's length is
//! the schema version, kept in SQLite's `user_version`; each migration runs
//! in its own transaction together with the version bump.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Every migration, oldest first. Never edit one that has shipped: append.
const MIGRATIONS: &[&str] = &[
    // 1: articles, keyed by canonical URL and by content hash.
    "CREATE TABLE articles (
        id            INTEGER PRIMARY KEY,
        origin        TEXT NOT NULL,
        canonical_url TEXT UNIQUE,
        content_hash  TEXT NOT NULL UNIQUE,
        title         TEXT,
        text          TEXT NOT NULL,
        authors       TEXT NOT NULL DEFAULT '[]',
        published     TEXT,
        language      TEXT,
        site_name     TEXT,
        provenance    TEXT NOT NULL DEFAULT '{}',
        fetched_at    TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles (published);",
    // 2: sources to poll, the entries already taken from them, and the
    // source each article came from. Times are Unix seconds.
    "CREATE TABLE sources (
        id            INTEGER PRIMARY KEY,
        url           TEXT NOT NULL UNIQUE,
        title         TEXT,
        site_url      TEXT,
        category      TEXT,
        added_at      INTEGER NOT NULL,
        etag          TEXT,
        last_modified TEXT,
        polled_at     INTEGER,
        succeeded_at  INTEGER,
        next_poll_at  INTEGER NOT NULL,
        interval_secs INTEGER NOT NULL,
        error_count   INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        last_status   INTEGER
    );
    CREATE INDEX sources_due ON sources (next_poll_at);
    CREATE TABLE source_entries (
        source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
        entry_key  TEXT NOT NULL,
        article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (source_id, entry_key)
    ) WITHOUT ROWID;
    ALTER TABLE articles ADD COLUMN source_id INTEGER REFERENCES sources (id) ON DELETE SET NULL;
    CREATE INDEX articles_source ON articles (source_id);",
    // 3: syndication and stories. Each article belongs to a copy group (its
    // copies, with one original) and each group to a story. The fingerprint
    // rebuilds the in-memory indexes on start; `seen_at` (Unix seconds) is
    // when the article entered the news.
    "CREATE TABLE stories (
        id            INTEGER PRIMARY KEY,
        label         TEXT NOT NULL,
        first_seen    INTEGER NOT NULL,
        last_seen     INTEGER NOT NULL,
        article_count INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX stories_last_seen ON stories (last_seen);
    CREATE TABLE copy_groups (
        id          INTEGER PRIMARY KEY,
        original_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
        story_id    INTEGER NOT NULL REFERENCES stories (id)
    );
    ALTER TABLE articles ADD COLUMN copy_group_id INTEGER REFERENCES copy_groups (id);
    ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES stories (id);
    ALTER TABLE articles ADD COLUMN fingerprint BLOB;
    ALTER TABLE articles ADD COLUMN seen_at INTEGER;
    CREATE INDEX articles_copy_group ON articles (copy_group_id);
    CREATE INDEX articles_story ON articles (story_id);
    CREATE INDEX articles_seen ON articles (seen_at);",
    // v4: what the NLP stage read from the article (quotes, entities,
    // times, events), as JSON; null for articles stored before it ran.
    "ALTER TABLE articles ADD COLUMN enrichment TEXT;",
];

/// The first schema, for tests that upgrade an old database.
#[cfg(test)]
pub(crate) const FIRST: &str = MIGRATIONS[0];

/// The schema version this build writes.
pub(crate) const VERSION: u32 = MIGRATIONS.len() as u32;

/// Applies the migrations the database has not seen yet.
pub(crate) fn migrate(connection: &mut Connection, path: &Path) -> Result<()> {
    let found: u32 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > VERSION {
        return Err(Error::TooNew {
            path: path.to_path_buf(),
            found,
            known: VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", version)?;
        transaction.commit()?;
        tracing::info!(version, "database schema migrated");
    }
    Ok(())
}
