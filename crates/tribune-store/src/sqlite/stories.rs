//! Copy groups and stories: where a new article is placed, in the same
//! transaction that stores it, and what the listings read back.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::time;
use crate::error::Result;
use crate::story::{
    GroupMember, IndexedArticle, Placement, StoryArticle, StoryChoice, StorySummary,
};

/// Places the just-inserted article `id`: into the copy group of what it
/// copies (joining their groups if several) and that group's story, or
/// into a new group in the chosen story.
pub(super) fn place(tx: &Transaction<'_>, id: i64, placement: &Placement<'_>) -> Result<()> {
    let seen = placement.seen_at.timestamp();
    let mut groups: Vec<(i64, i64)> = Vec::new();
    for copied in placement.copy_of {
        let found: Option<(i64, i64)> = tx
            .prepare_cached("SELECT g.id, g.story_id FROM articles a JOIN copy_groups g ON g.id = a.copy_group_id
                 WHERE a.id = ?1")?
            .query_row(params![copied],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some(group) = found
            && !groups.contains(&group)
        {
            groups.push(group);
        }
    }
    groups.sort_unstable();
    let mut touched_stories = Vec::new();
    let (group, story) = match groups.split_first() {
        Some((&(group, story), others)) => {
            // Copies go with their original: the oldest group absorbs the
            // others, and their articles move to its story.
            for &(other, other_story) in others {
                tx.prepare_cached("UPDATE articles SET copy_group_id = ?1, story_id = ?2 WHERE copy_group_id = ?3")?
            .execute(params![group, story, other],
                )?;
                tx.prepare_cached("DELETE FROM copy_groups WHERE id = ?1")?
                    .execute(params![other])?;
                touched_stories.push(other_story);
            }
            (group, story)
        }
        None => {
            let story = match placement.story {
                StoryChoice::Join(story)
                    if tx
                        .prepare_cached("SELECT 1 FROM stories WHERE id = ?1")?
                        .query_row(params![story], |_| Ok(()))
                        .optional()?
                        .is_some() =>
                {
                    story
                }
                StoryChoice::Join(_) => start_story(tx, "", seen)?,
                StoryChoice::Start { label } => start_story(tx, label, seen)?,
            };
            tx.prepare_cached("INSERT INTO copy_groups (original_id, story_id) VALUES (?1, ?2)")?
                .execute(params![id, story])?;
            (tx.last_insert_rowid(), story)
        }
    };
    tx.prepare_cached(
        "UPDATE articles SET copy_group_id = ?1, story_id = ?2, fingerprint = ?3, seen_at = ?4
         WHERE id = ?5",
    )?
    .execute(params![group, story, placement.fingerprint, seen, id])?;
    tx.prepare_cached(
        "UPDATE stories SET article_count = article_count + 1,
            first_seen = min(first_seen, ?2), last_seen = max(last_seen, ?2)
         WHERE id = ?1",
    )?
    .execute(params![story, seen])?;
    // Stories that lost a group to the merge, and the one that gained it.
    if !touched_stories.is_empty() {
        touched_stories.push(story);
        for story in touched_stories {
            recount(tx, story)?;
        }
    }
    Ok(())
}

fn start_story(tx: &Transaction<'_>, label: &str, seen: i64) -> Result<i64> {
    tx.prepare_cached("INSERT INTO stories (label, first_seen, last_seen) VALUES (?1, ?2, ?2)")?
        .execute(params![label, seen])?;
    Ok(tx.last_insert_rowid())
}

/// Brings a story's count and times in line with its articles.
fn recount(tx: &Transaction<'_>, story: i64) -> Result<()> {
    tx.prepare_cached("UPDATE stories SET
            article_count = (SELECT count(*) FROM articles WHERE story_id = ?1),
            first_seen = coalesce((SELECT min(seen_at) FROM articles WHERE story_id = ?1), first_seen),
            last_seen = coalesce((SELECT max(seen_at) FROM articles WHERE story_id = ?1), last_seen)
         WHERE id = ?1")?
            .execute(params![story],
    )?;
    Ok(())
}

pub(super) fn summaries_from(
    connection: &rusqlite::Connection,
    since: Option<DateTime<Utc>>,
    limit: usize,
    offset: usize,
) -> Result<Vec<StorySummary>> {
    let mut statement = connection.prepare_cached(
        "SELECT id, label, first_seen, last_seen, article_count FROM stories
         WHERE article_count > 0 AND last_seen >= ?1
         ORDER BY last_seen DESC, id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = statement.query_map(
        params![
            since.map_or(i64::MIN, |t| t.timestamp()),
            i64::try_from(limit).unwrap_or(i64::MAX),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ],
        summary_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn summary_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StorySummary> {
    Ok(StorySummary {
        id: row.get(0)?,
        label: row.get(1)?,
        first_seen: time(row.get(2)?),
        last_seen: time(row.get(3)?),
        article_count: row.get(4)?,
    })
}

/// Stories holding articles; emptied ones (merged away) are not counted.
pub(super) fn count(connection: &rusqlite::Connection) -> Result<u64> {
    let n: i64 = connection
        .prepare_cached("SELECT count(*) FROM stories WHERE article_count > 0")?
        .query_row([], |row| row.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub(super) fn summary(connection: &rusqlite::Connection, id: i64) -> Result<Option<StorySummary>> {
    Ok(connection
        .prepare_cached(
            "SELECT id, label, first_seen, last_seen, article_count FROM stories WHERE id = ?1",
        )?
        .query_row(params![id], summary_row)
        .optional()?)
}

pub(super) fn articles_of(
    connection: &rusqlite::Connection,
    story: i64,
) -> Result<Vec<StoryArticle>> {
    let mut statement = connection.prepare_cached(
        "SELECT a.id, a.title, a.origin, a.site_name, a.copy_group_id,
                coalesce(g.original_id = a.id, 0), coalesce(a.seen_at, 0)
         FROM articles a JOIN copy_groups g ON g.id = a.copy_group_id
         WHERE a.story_id = ?1 ORDER BY a.copy_group_id, a.seen_at, a.id",
    )?;
    let rows = statement.query_map(params![story], story_article)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn articles_of_group(
    connection: &rusqlite::Connection,
    group: i64,
) -> Result<Vec<StoryArticle>> {
    let mut statement = connection.prepare_cached(
        "SELECT a.id, a.title, a.origin, a.site_name, a.copy_group_id,
                coalesce(g.original_id = a.id, 0), coalesce(a.seen_at, 0)
         FROM articles a JOIN copy_groups g ON g.id = a.copy_group_id
         WHERE a.copy_group_id = ?1 ORDER BY a.seen_at, a.id",
    )?;
    let rows = statement.query_map(params![group], story_article)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The articles of several stories in one statement: the ids go in as one
/// JSON array, so the statement text (and its cached plan) stays the same
/// whatever their number, and each id is still an index lookup.
pub(super) fn articles_of_many(
    connection: &rusqlite::Connection,
    stories: &[i64],
) -> Result<HashMap<i64, Vec<StoryArticle>>> {
    let mut statement = connection.prepare_cached(
        "SELECT a.id, a.title, a.origin, a.site_name, a.copy_group_id,
                coalesce(g.original_id = a.id, 0), coalesce(a.seen_at, 0), a.story_id
         FROM articles a JOIN copy_groups g ON g.id = a.copy_group_id
         WHERE a.story_id IN (SELECT value FROM json_each(?1))
         ORDER BY a.story_id, a.copy_group_id, a.seen_at, a.id",
    )?;
    let ids = serde_json::to_string(stories)?;
    let rows = statement.query_map(params![ids], |row| {
        Ok((row.get::<_, i64>(7)?, story_article(row)?))
    })?;
    let mut found: HashMap<i64, Vec<StoryArticle>> = HashMap::with_capacity(stories.len());
    for row in rows {
        let (story, article) = row?;
        found.entry(story).or_default().push(article);
    }
    Ok(found)
}

fn story_article(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoryArticle> {
    Ok(StoryArticle {
        id: row.get(0)?,
        title: row.get(1)?,
        origin: row.get(2)?,
        site_name: row.get(3)?,
        copy_group: row.get(4)?,
        is_original: row.get(5)?,
        seen_at: time(row.get(6)?),
    })
}

const MEMBER_COLUMNS: &str =
    "id, origin, canonical_url, site_name, provenance, published, coalesce(seen_at, 0)";

pub(super) fn group_members(
    connection: &rusqlite::Connection,
    group: i64,
) -> Result<Vec<GroupMember>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM articles WHERE copy_group_id = ?1 ORDER BY id"
    ))?;
    read_members(&mut statement, params![group])
}

pub(super) fn members(connection: &rusqlite::Connection, ids: &[i64]) -> Result<Vec<GroupMember>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM articles WHERE id = ?1"
    ))?;
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        found.extend(read_members(&mut statement, params![id])?);
    }
    Ok(found)
}

pub(super) fn placement(connection: &rusqlite::Connection, id: i64) -> Result<Option<(i64, i64)>> {
    Ok(connection
        .prepare_cached(
            "SELECT copy_group_id, story_id FROM articles
             WHERE id = ?1 AND copy_group_id IS NOT NULL AND story_id IS NOT NULL",
        )?
        .query_row(params![id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

pub(super) fn original_of(connection: &rusqlite::Connection, group: i64) -> Result<Option<i64>> {
    Ok(connection
        .prepare_cached("SELECT original_id FROM copy_groups WHERE id = ?1")?
        .query_row(params![group], |row| row.get(0))
        .optional()?
        .flatten())
}

fn read_members(
    statement: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
) -> Result<Vec<GroupMember>> {
    let rows = statement.query_map(params, |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, Option<String>>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, Option<String>>(5)?,
            row.get::<_, i64>(6)?,
        ))
    })?;
    let mut members = Vec::new();
    for row in rows {
        let (id, origin, canonical_url, site_name, provenance, published, seen) = row?;
        let provenance: tribune_model::Provenance = serde_json::from_str(&provenance)?;
        members.push(GroupMember {
            id,
            origin,
            canonical_url,
            site_name,
            original_publisher: provenance.original_publisher,
            agencies: provenance.agencies,
            published: published
                .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc()),
            seen_at: time(seen),
        });
    }
    Ok(members)
}

pub(super) fn set_original(
    connection: &rusqlite::Connection,
    group: i64,
    article: i64,
) -> Result<()> {
    connection
        .prepare_cached("UPDATE copy_groups SET original_id = ?2 WHERE id = ?1")?
        .execute(params![group, article])?;
    Ok(())
}

pub(super) fn newest_seen(connection: &rusqlite::Connection) -> Result<Option<DateTime<Utc>>> {
    let newest: Option<i64> = connection
        .prepare_cached("SELECT max(seen_at) FROM articles")?
        .query_row([], |row| row.get(0))?;
    Ok(newest.map(time))
}

/// Up to `limit` placed articles with ids above `after` that entered the
/// news at or after `since`, in id order.
pub(super) fn indexed(
    connection: &rusqlite::Connection,
    after: i64,
    since: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<IndexedArticle>> {
    let mut statement = connection.prepare_cached(
        "SELECT id, fingerprint, story_id, title, text, seen_at FROM articles
         WHERE id > ?1 AND fingerprint IS NOT NULL AND seen_at >= ?2
         ORDER BY id LIMIT ?3",
    )?;
    let rows = statement.query_map(
        params![
            after,
            since.timestamp(),
            i64::try_from(limit).unwrap_or(i64::MAX)
        ],
        |row| {
            Ok(IndexedArticle {
                id: row.get(0)?,
                fingerprint: row.get(1)?,
                story: row.get(2)?,
                title: row.get(3)?,
                text: row.get(4)?,
                seen_at: time(row.get(5)?),
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
