//! The `sources` and `source_entries` tables.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use crate::error::Result;
use crate::source::{EntryOutcome, NewSource, PollRecord, Source};

/// The interval a new source starts with, until its posting rate is known.
const FIRST_INTERVAL_SECS: i64 = 3_600;

const COLUMNS: &str = "s.id, s.url, s.title, s.site_url, s.category, s.added_at, s.etag,
    s.last_modified, s.polled_at, s.succeeded_at, s.next_poll_at, s.interval_secs,
    s.error_count, s.last_error, s.last_status,
    (SELECT count(*) FROM articles a WHERE a.source_id = s.id)";

/// Adds a source, due at once; an existing one with the same URL is
/// returned as it is. Says whether it was added.
pub(super) fn add(
    connection: &mut Connection,
    new: &NewSource,
    now: DateTime<Utc>,
) -> Result<(Source, bool)> {
    let transaction = connection.transaction()?;
    let inserted = transaction.prepare_cached("INSERT INTO sources (url, title, site_url, category, added_at, next_poll_at, interval_secs)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
         ON CONFLICT (url) DO NOTHING")?
            .execute(params![
            new.url,
            new.title,
            new.site_url,
            new.category,
            now.timestamp(),
            FIRST_INTERVAL_SECS
        ],
    )? > 0;
    let source = by_url(&transaction, &new.url)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    transaction.commit()?;
    Ok((source, inserted))
}

pub(super) fn by_url(connection: &Connection, url: &str) -> Result<Option<Source>> {
    Ok(connection
        .prepare_cached(&format!("SELECT {COLUMNS} FROM sources s WHERE s.url = ?1"))?
        .query_row(params![url], read_row)
        .optional()?)
}

pub(super) fn by_id(connection: &Connection, id: i64) -> Result<Option<Source>> {
    Ok(connection
        .prepare_cached(&format!("SELECT {COLUMNS} FROM sources s WHERE s.id = ?1"))?
        .query_row(params![id], read_row)
        .optional()?)
}

pub(super) fn all(connection: &Connection) -> Result<Vec<Source>> {
    let mut statement =
        connection.prepare_cached(&format!("SELECT {COLUMNS} FROM sources s ORDER BY s.id"))?;
    let rows = statement.query_map([], read_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sources due at `now`, longest waiting first.
pub(super) fn due(
    connection: &Connection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Source>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM sources s WHERE s.next_poll_at <= ?1
         ORDER BY s.next_poll_at, s.id LIMIT ?2"
    ))?;
    let rows = statement.query_map(
        params![now.timestamp(), i64::try_from(limit).unwrap_or(i64::MAX)],
        read_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The earliest time any source is due, if there is a source.
pub(super) fn next_due(connection: &Connection) -> Result<Option<DateTime<Utc>>> {
    let next: Option<i64> = connection
        .prepare_cached("SELECT min(next_poll_at) FROM sources")?
        .query_row([], |row| row.get(0))?;
    Ok(next.and_then(|t| DateTime::from_timestamp(t, 0)))
}

pub(super) fn remove(connection: &Connection, id: i64) -> Result<bool> {
    Ok(connection
        .prepare_cached("DELETE FROM sources WHERE id = ?1")?
        .execute(params![id])?
        > 0)
}

pub(super) fn record_poll(connection: &Connection, id: i64, poll: &PollRecord) -> Result<()> {
    connection
        .prepare_cached(
            "UPDATE sources SET
            polled_at = ?2,
            succeeded_at = CASE WHEN ?3 THEN ?2 ELSE succeeded_at END,
            last_status = ?4,
            etag = coalesce(?5, etag),
            last_modified = coalesce(?6, last_modified),
            title = coalesce(title, ?7),
            site_url = coalesce(site_url, ?8),
            next_poll_at = ?9,
            interval_secs = ?10,
            error_count = ?11,
            last_error = ?12
         WHERE id = ?1",
        )?
        .execute(params![
            id,
            poll.polled_at.timestamp(),
            poll.succeeded,
            poll.status,
            poll.etag,
            poll.last_modified,
            poll.title,
            poll.site_url,
            poll.next_poll_at.timestamp(),
            poll.interval_secs,
            poll.error_count,
            poll.error,
        ])?;
    Ok(())
}

/// What is known of the entries with these keys.
pub(super) fn entries(
    connection: &Connection,
    source_id: i64,
    keys: &[&str],
) -> Result<HashMap<String, EntryOutcome>> {
    let mut known = HashMap::new();
    // SQLite allows some thousands of parameters; feeds are far shorter,
    // but chunk anyway.
    for chunk in keys.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut statement = connection.prepare_cached(&format!(
            "SELECT entry_key, article_id, attempts FROM source_entries
             WHERE source_id = ? AND entry_key IN ({marks})"
        ))?;
        let values = std::iter::once(rusqlite::types::Value::Integer(source_id)).chain(
            chunk
                .iter()
                .map(|k| rusqlite::types::Value::Text(k.to_string())),
        );
        let rows = statement.query_map(params_from_iter(values), |row| {
            let key: String = row.get(0)?;
            let article: Option<i64> = row.get(1)?;
            let attempts: i64 = row.get(2)?;
            Ok((key, article, attempts))
        })?;
        for row in rows {
            let (key, article, attempts) = row?;
            let outcome = match article {
                Some(id) => EntryOutcome::Stored(id),
                None => EntryOutcome::Failed(u32::try_from(attempts).unwrap_or(u32::MAX)),
            };
            known.insert(key, outcome);
        }
    }
    Ok(known)
}

pub(super) fn record_entry(
    connection: &Connection,
    source_id: i64,
    key: &str,
    outcome: EntryOutcome,
) -> Result<()> {
    let (article, attempts) = match outcome {
        EntryOutcome::Stored(id) => (Some(id), 0),
        EntryOutcome::Failed(n) => (None, i64::from(n)),
    };
    connection
        .prepare_cached(
            "INSERT INTO source_entries (source_id, entry_key, article_id, attempts)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (source_id, entry_key)
         DO UPDATE SET article_id = excluded.article_id, attempts = excluded.attempts",
        )?
        .execute(params![source_id, key, article, attempts])?;
    Ok(())
}

fn time(seconds: Option<i64>) -> Option<DateTime<Utc>> {
    seconds.map(super::time)
}

fn read_row(row: &Row<'_>) -> rusqlite::Result<Source> {
    Ok(Source {
        id: row.get(0)?,
        url: row.get(1)?,
        title: row.get(2)?,
        site_url: row.get(3)?,
        category: row.get(4)?,
        added_at: time(row.get(5)?).unwrap_or_default(),
        etag: row.get(6)?,
        last_modified: row.get(7)?,
        polled_at: time(row.get(8)?),
        succeeded_at: time(row.get(9)?),
        next_poll_at: time(row.get(10)?).unwrap_or_default(),
        interval_secs: row.get(11)?,
        error_count: row.get(12)?,
        last_error: row.get(13)?,
        last_status: row.get(14)?,
        article_count: row.get(15)?,
    })
}
