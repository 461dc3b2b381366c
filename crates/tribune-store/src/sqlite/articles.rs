//! The `articles` table.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;
use crate::types::{ArticleFilter, ArticleText, NewArticle, Put, StoredArticle, content_hash};

/// The stored article with the same content or canonical URL, if any.
/// Two lookups, each on its own index (an `OR` of the two would scan).
pub(super) fn duplicate_of(
    connection: &Connection,
    article: &tribune_model::Article,
) -> Result<Option<i64>> {
    find_existing(
        connection,
        &content_hash(article),
        article.canonical_url.as_deref(),
    )
}

fn find_existing(
    connection: &Connection,
    hash: &str,
    canonical: Option<&str>,
) -> Result<Option<i64>> {
    let by_hash: Option<i64> = connection
        .prepare_cached("SELECT id FROM articles WHERE content_hash = ?1")?
        .query_row(params![hash], |row| row.get(0))
        .optional()?;
    if by_hash.is_some() {
        return Ok(by_hash);
    }
    let Some(canonical) = canonical else {
        return Ok(None);
    };
    Ok(connection
        .prepare_cached("SELECT id FROM articles WHERE canonical_url = ?1")?
        .query_row(params![canonical], |row| row.get(0))
        .optional()?)
}

pub(super) fn put(connection: &mut Connection, new: &NewArticle<'_>) -> Result<Put> {
    let article = new.article;
    let hash = content_hash(article);
    let canonical = article.canonical_url.as_deref();
    // Look and insert in one transaction, so two writers cannot both find
    // the article missing.
    let transaction = connection.transaction()?;
    let existing = find_existing(&transaction, &hash, canonical)?;
    if let Some(id) = existing {
        return Ok(Put::Duplicate(id));
    }
    transaction
        .prepare_cached(
            "INSERT INTO articles (origin, canonical_url, content_hash, title, text, authors,
                               published, language, site_name, provenance, fetched_at, source_id,
                               enrichment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
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
            new.enrichment.map(serde_json::to_string).transpose()?,
        ])?;
    let id = transaction.last_insert_rowid();
    if let Some(placement) = &new.placement {
        super::stories::place(&transaction, id, placement)?;
    }
    transaction.commit()?;
    Ok(Put::New(id))
}

pub(super) fn get(connection: &Connection, id: i64) -> Result<Option<StoredArticle>> {
    let row = connection
        .prepare_cached(&format!("SELECT {COLUMNS} FROM articles a WHERE a.id = ?1"))?
        .query_row(params![id], read_row)
        .optional()?;
    row.map(|raw| raw.into_article()).transpose()
}

/// The columns [`read_row`] reads, first in a `SELECT` over `articles a`
/// (qualified, so the statement may join other tables).
pub(super) const COLUMNS: &str = "a.id, a.origin, a.canonical_url, a.title, a.text, a.authors,
    a.published, a.language, a.site_name, a.provenance, a.content_hash, a.fetched_at,
    a.source_id, a.copy_group_id, a.story_id, a.enrichment";

/// Up to `limit` articles with ids above `id`, in id order.
pub(super) fn after(connection: &Connection, id: i64, limit: i64) -> Result<Vec<StoredArticle>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM articles a WHERE a.id > ?1 ORDER BY a.id LIMIT ?2"
    ))?;
    let rows = statement.query_map(params![id, limit], read_row)?;
    rows.map(|row| row?.into_article()).collect()
}

/// Up to `limit` articles matching `filter`, newest id first, after
/// skipping `offset`. Only the filters given enter the SQL, so each shape
/// of query gets the index that suits it (`?1 IS NULL OR ...` would not).
pub(super) fn list(
    connection: &Connection,
    filter: &ArticleFilter,
    limit: usize,
    offset: usize,
) -> Result<Vec<StoredArticle>> {
    let mut conditions = Vec::new();
    let mut values: Vec<i64> = Vec::new();
    if let Some(source) = filter.source_id {
        values.push(source);
        conditions.push(format!("source_id = ?{}", values.len()));
    }
    if let Some(story) = filter.story_id {
        values.push(story);
        conditions.push(format!("story_id = ?{}", values.len()));
    }
    if let Some(since) = filter.since {
        values.push(since.timestamp());
        // Unplaced articles have no `seen_at`: their fetch time stands in.
        conditions.push(format!(
            "coalesce(seen_at, CAST(strftime('%s', fetched_at) AS INTEGER)) >= ?{}",
            values.len()
        ));
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    values.push(i64::try_from(limit).unwrap_or(i64::MAX));
    values.push(i64::try_from(offset).unwrap_or(i64::MAX));
    let (limit_at, offset_at) = (values.len() - 1, values.len());
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM articles a {clause} ORDER BY a.id DESC LIMIT ?{limit_at} OFFSET ?{offset_at}"
    ))?;
    let rows = statement.query_map(rusqlite::params_from_iter(values), read_row)?;
    rows.map(|row| row?.into_article()).collect()
}

/// Up to `limit` articles after `id` without an enrichment (any, with
/// `all`), in id order.
pub(super) fn to_enrich(
    connection: &Connection,
    id: i64,
    all: bool,
    limit: usize,
) -> Result<Vec<ArticleText>> {
    let mut statement = connection.prepare_cached(
        "SELECT id, text, published FROM articles
         WHERE id > ?1 AND (?2 OR enrichment IS NULL) ORDER BY id LIMIT ?3",
    )?;
    let rows = statement.query_map(params![id, all, limit as i64], |row| {
        let published: Option<String> = row.get(2)?;
        Ok(ArticleText {
            id: row.get(0)?,
            text: row.get(1)?,
            published: published.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(super) fn set_enrichments(
    connection: &mut Connection,
    enrichments: &[(i64, &tribune_nlp::Enrichment)],
) -> Result<()> {
    let transaction = connection.transaction()?;
    {
        let mut statement =
            transaction.prepare_cached("UPDATE articles SET enrichment = ?2 WHERE id = ?1")?;
        for (id, enrichment) in enrichments {
            statement.execute(params![id, serde_json::to_string(enrichment)?])?;
        }
    }
    transaction.commit()?;
    Ok(())
}

/// The highest article id (0 when there is none).
pub(super) fn last_id(connection: &Connection) -> Result<i64> {
    Ok(connection
        .prepare_cached("SELECT coalesce(max(id), 0) FROM articles")?
        .query_row([], |row| row.get(0))?)
}

pub(super) fn count(connection: &Connection) -> Result<u64> {
    let n: i64 = connection
        .prepare_cached("SELECT count(*) FROM articles")?
        .query_row([], |row| row.get(0))?;
    Ok(n.max(0) as u64)
}

/// A row before its JSON and date columns are parsed.
pub(super) struct RawRow {
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
    copy_group_id: Option<i64>,
    story_id: Option<i64>,
    enrichment: Option<String>,
}

/// Reads the [`COLUMNS`] at the start of a row (later columns are the
/// caller's).
pub(super) fn read_row(row: &Row<'_>) -> rusqlite::Result<RawRow> {
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
        copy_group_id: row.get(13)?,
        story_id: row.get(14)?,
        enrichment: row.get(15)?,
    })
}

impl RawRow {
    pub(super) fn into_article(self) -> Result<StoredArticle> {
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
            copy_group_id: self.copy_group_id,
            story_id: self.story_id,
            // Written by an older or newer NLP stage, it may not parse: the
            // article is still good without it.
            enrichment: self
                .enrichment
                .and_then(|json| serde_json::from_str(&json).ok()),
        })
    }
}
