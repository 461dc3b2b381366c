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
    // 5: accounts, subscriptions and push. Times are Unix seconds; secrets
    // (sessions, API tokens, invites) are kept only as hashes.
    "CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        is_admin      INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL,
        feed_token    TEXT NOT NULL UNIQUE
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE INDEX sessions_expiry ON sessions (expires_at);
    CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER
    );
    CREATE INDEX api_tokens_user ON api_tokens (user_id);
    CREATE TABLE invites (
        code_hash  TEXT PRIMARY KEY,
        created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER,
        used_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
    );
    CREATE INDEX invites_created_by ON invites (created_by);
    CREATE INDEX invites_used_by ON invites (used_by);
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    -- One row per followed thing: exactly one of source, story, entity.
    -- NULLs are distinct in a UNIQUE index, so each index constrains only
    -- its own kind, and serves the lookup of a thing's followers.
    CREATE TABLE follows (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        source_id  INTEGER REFERENCES sources (id) ON DELETE CASCADE,
        story_id   INTEGER REFERENCES stories (id) ON DELETE CASCADE,
        entity     TEXT,
        created_at INTEGER NOT NULL,
        CHECK ((source_id IS NOT NULL) + (story_id IS NOT NULL) + (entity IS NOT NULL) = 1)
    );
    CREATE INDEX follows_user ON follows (user_id);
    CREATE UNIQUE INDEX follows_source ON follows (source_id, user_id);
    CREATE UNIQUE INDEX follows_story ON follows (story_id, user_id);
    CREATE UNIQUE INDEX follows_entity ON follows (entity, user_id);
    CREATE TABLE saved_searches (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        query      TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX saved_searches_user ON saved_searches (user_id);
    -- A user's marks; no row means unread and not starred.
    CREATE TABLE article_states (
        user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        read       INTEGER NOT NULL DEFAULT 0,
        starred    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_states_article ON article_states (article_id);
    -- Sinks; `events` is a JSON array of event names.
    CREATE TABLE webhooks (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        url        TEXT NOT NULL,
        secret     TEXT NOT NULL,
        kind       TEXT NOT NULL,
        events     TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL
    );
    CREATE INDEX webhooks_user ON webhooks (user_id);
    -- The delivery queue. A pending delivery is due at `next_attempt_at`;
    -- leasing one pushes that time to the lease's end.
    CREATE TABLE deliveries (
        id              INTEGER PRIMARY KEY,
        webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event_key       TEXT NOT NULL,
        event           TEXT NOT NULL,
        payload         TEXT NOT NULL,
        status          TEXT NOT NULL DEFAULT 'pending',
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_status     INTEGER,
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        delivered_at    INTEGER,
        UNIQUE (webhook_id, event_key)
    );
    CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
    CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);
    -- The last article turned into events. Articles stored before push
    -- existed are not news: the cursor starts after them.
    CREATE TABLE push_cursor (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        article_id INTEGER NOT NULL
    );
    INSERT INTO push_cursor (id, article_id) SELECT 1, coalesce(max(id), 0) FROM articles;",
    // v6: whether a pending delivery is out with a sender (leased), so
    // that a restarted server sends at once what the dead one had in
    // flight instead of waiting out the lease.
    "ALTER TABLE deliveries ADD COLUMN leased INTEGER NOT NULL DEFAULT 0;",
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
