//! The `articles` table.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;
use crate::types::{NewArticle, Put, StoredArticle, content_hash};

pub(super) fn put(connection: &mut Connection, new: &NewArticle<'_>) -> Result<Put> {
    let article = new.article;
    let hash = content_hash(article);
    let canonical = article.canonical_url.as_deref();
    // Look and insert in one transaction, so two writers cannot both find
    // the article missing.
    let transaction = connection.transaction()?;
    let existing: Option<i64> = transaction
        .query_row(
            "SELECT id FROM articles WHERE content_hash = ?1 OR (?2 IS NOT NULL AND canonical_url = ?2)",
            params![hash, canonical],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Ok(Put::Duplicate(id));
    }
    transaction.execute(
        "INSERT INTO articles (origin, canonical_url, content_hash, title, text, authors,
                               published, language, site_name, provenance, fetched_at, source_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            new.origin,
            canonical,
            hash,
            article.title,
            article.text,
            serde_json::to_string(&article.authors)?,
            article.published.map(|d| d.to_string()),
            article.language,
            article.site_name,
            serde_json::to_string(&article.provenance)?,
            new.fetched_at.to_rfc3339(),
            new.source_id,
        ],
    )?;
    let id = transaction.last_insert_rowid();
    transaction.commit()?;
    Ok(Put::New(id))
}

pub(super) fn get(connection: &Connection, id: i64) -> Result<Option<StoredArticle>> {
    let row = connection
        .query_row(
            &format!("SELECT {COLUMNS} FROM articles WHERE id = ?1"),
            params![id],
            read_row,
        )
        .optional()?;
    row.map(|raw| raw.into_article()).transpose()
}

const COLUMNS: &str = "id, origin, canonical_url, title, text, authors, published, language,
                       site_name, provenance, content_hash, fetched_at, source_id";

/// Up to `limit` articles with ids above `id`, in id order.
pub(super) fn after(connection: &Connection, id: i64, limit: i64) -> Result<Vec<StoredArticle>> {
    let mut statement = connection.prepare(&format!(
        "SELECT {COLUMNS} FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2"
    ))?;
    let rows = statement.query_map(params![id, limit], read_row)?;
    rows.map(|row| row?.into_article()).collect()
}

/// The highest article id (0 when there is none).
pub(super) fn last_id(connection: &Connection) -> Result<i64> {
    Ok(
        connection.query_row("SELECT coalesce(max(id), 0) FROM articles", [], |row| {
            row.get(0)
        })?,
    )
}

pub(super) fn count(connection: &Connection) -> Result<u64> {
    let n: i64 = connection.query_row("SELECT count(*) FROM articles", [], |row| row.get(0))?;
    Ok(n.max(0) as u64)
}

/// A row before its JSON and date columns are parsed.
struct RawRow {
    id: i64,
    origin: String,
    canonical_url: Option<String>,
    title: Option<String>,
    text: String,
    authors: String,
    published: Option<String>,
    language: Option<String>,
    site_name: Option<String>,
    provenance: String,
    content_hash: String,
    fetched_at: String,
    source_id: Option<i64>,
}

fn read_row(row: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: row.get(0)?,
        origin: row.get(1)?,
        canonical_url: row.get(2)?,
        title: row.get(3)?,
        text: row.get(4)?,
        authors: row.get(5)?,
        published: row.get(6)?,
        language: row.get(7)?,
        site_name: row.get(8)?,
        provenance: row.get(9)?,
        content_hash: row.get(10)?,
        fetched_at: row.get(11)?,
        source_id: row.get(12)?,
    })
}

impl RawRow {
    fn into_article(self) -> Result<StoredArticle> {
        Ok(StoredArticle {
            id: self.id,
            origin: self.origin,
            canonical_url: self.canonical_url,
            title: self.title,
            text: self.text,
            authors: serde_json::from_str(&self.authors)?,
            published: self
                .published
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            language: self.language,
            site_name: self.site_name,
            provenance: serde_json::from_str(&self.provenance)?,
            content_hash: self.content_hash,
            fetched_at: DateTime::parse_from_rfc3339(&self.fetched_at)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
            source_id: self.source_id,
        })
    }
}
