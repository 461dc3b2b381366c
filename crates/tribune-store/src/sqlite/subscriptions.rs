//! The SQLite side of [`crate::Subscriptions`]: the `follows`,
//! `saved_searches` and `article_states` tables, and the personal views
//! read through them.

use std::collections::HashMap;

use chrono::Utc;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::articles::{self, COLUMNS};
use super::{SqliteStore, stories, time};
use crate::error::Result;
use crate::story::StorySummary;
use crate::subscriptions::{
    ArticleState, Follow, Followed, SavedSearch, StateChange, StreamArticle, StreamQuery,
    Subscriptions,
};

fn search_row(row: &Row<'_>) -> rusqlite::Result<SavedSearch> {
    Ok(SavedSearch {
        id: row.get(0)?,
        user_id: row.get(1)?,
        name: row.get(2)?,
        query: row.get(3)?,
        created_at: time(row.get(4)?),
    })
}

const SEARCH_COLUMNS: &str = "id, user_id, name, query, created_at";

/// The `WHERE` clause selecting the articles of a user's stream (the user
/// is `?1`; `a` is the article, `s` its marks, left-joined), and its
/// values from `?2` on. `paged` adds the keyset condition of `after`.
fn stream_conditions(user: i64, query: &StreamQuery, paged: bool) -> (String, Vec<Value>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut values = vec![Value::Integer(user)];
    // A source asked for by name wins over "followed sources only".
    if let Some(source) = query.source_id {
        values.push(Value::Integer(source));
        conditions.push(format!("a.source_id = ?{}", values.len()));
    } else if query.followed_sources_only {
        conditions.push(
            "a.source_id IN (SELECT f.source_id FROM follows f
                             WHERE f.user_id = ?1 AND f.source_id IS NOT NULL)"
                .to_string(),
        );
    }
    if query.unread_only {
        conditions.push("coalesce(s.read, 0) = 0".to_string());
    }
    if query.starred_only {
        conditions.push("s.starred = 1".to_string());
    }
    // `fetched_at` is RFC 3339 in UTC, written by `to_rfc3339`: text order
    // is time order, so the bounds compare as text, to the fraction.
    if let Some(since) = query.since {
        values.push(Value::Text(since.to_rfc3339()));
        conditions.push(format!("a.fetched_at >= ?{}", values.len()));
    }
    if let Some(until) = query.until {
        values.push(Value::Text(until.to_rfc3339()));
        conditions.push(format!("a.fetched_at < ?{}", values.len()));
    }
    if paged && let Some(after) = query.after {
        let op = if query.oldest_first { ">" } else { "<" };
        values.push(Value::Integer(after));
        conditions.push(format!("a.id {op} ?{}", values.len()));
    }
    let clause = if conditions.is_empty() {
        "WHERE 1".to_string()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    (clause, values)
}

fn sql_limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The column holding a followed thing of this kind, and its value there.
fn follow_statement(follow: &Follow) -> (&'static str, Value) {
    match follow {
        Follow::Source(id) => ("source_id", Value::Integer(*id)),
        Follow::Story(id) => ("story_id", Value::Integer(*id)),
        Follow::Entity(name) => ("entity", Value::Text(name.clone())),
    }
}

fn stream(connection: &Connection, user: i64, query: &StreamQuery) -> Result<Vec<StreamArticle>> {
    let (clause, mut values) = stream_conditions(user, query, true);
    values.push(Value::Integer(sql_limit(query.limit)));
    let order = if query.oldest_first { "ASC" } else { "DESC" };
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {COLUMNS}, coalesce(s.read, 0), coalesce(s.starred, 0)
         FROM articles a
         LEFT JOIN article_states s ON s.user_id = ?1 AND s.article_id = a.id
         {clause} ORDER BY a.id {order} LIMIT ?{}",
        values.len()
    ))?;
    let rows = statement.query_map(params_from_iter(values), |row| {
        Ok((
            articles::read_row(row)?,
            ArticleState {
                read: row.get(16)?,
                starred: row.get(17)?,
            },
        ))
    })?;
    rows.map(|row| {
        let (raw, state) = row?;
        Ok(StreamArticle {
            article: raw.into_article()?,
            state,
        })
    })
    .collect()
}

impl Subscriptions for SqliteStore {
    fn follow(&self, user: i64, follow: &Follow) -> Result<bool> {
        let now = Utc::now().timestamp();
        let connection = self.connection();
        // Sources and stories are followed only if they exist.
        let sql = match follow {
            Follow::Source(_) => {
                "INSERT OR IGNORE INTO follows (user_id, source_id, created_at)
                 SELECT ?1, id, ?3 FROM sources WHERE id = ?2"
            }
            Follow::Story(_) => {
                "INSERT OR IGNORE INTO follows (user_id, story_id, created_at)
                 SELECT ?1, id, ?3 FROM stories WHERE id = ?2"
            }
            Follow::Entity(_) => {
                "INSERT OR IGNORE INTO follows (user_id, entity, created_at) VALUES (?1, ?2, ?3)"
            }
        };
        let (_, target) = follow_statement(follow);
        Ok(connection
            .prepare_cached(sql)?
            .execute(params![user, target, now])?
            > 0)
    }

    fn unfollow(&self, user: i64, follow: &Follow) -> Result<bool> {
        let (column, target) = follow_statement(follow);
        Ok(self
            .connection()
            .prepare_cached(&format!(
                "DELETE FROM follows WHERE user_id = ?1 AND {column} = ?2"
            ))?
            .execute(params![user, target])?
            > 0)
    }

    fn follows(&self, user: i64) -> Result<Vec<Followed>> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(
            "SELECT source_id, story_id, entity, created_at FROM follows
             WHERE user_id = ?1 ORDER BY id",
        )?;
        let rows = statement.query_map(params![user], |row| {
            let source: Option<i64> = row.get(0)?;
            let story: Option<i64> = row.get(1)?;
            let entity: Option<String> = row.get(2)?;
            let since = time(row.get(3)?);
            Ok(match (source, story, entity) {
                (Some(id), _, _) => Some(Follow::Source(id)),
                (_, Some(id), _) => Some(Follow::Story(id)),
                (_, _, Some(name)) => Some(Follow::Entity(name)),
                // Ruled out by the table's CHECK.
                _ => None,
            }
            .map(|follow| Followed { follow, since }))
        })?;
        let mut found = Vec::new();
        for row in rows {
            found.extend(row?);
        }
        Ok(found)
    }

    fn save_search(&self, user: i64, name: &str, query: &str) -> Result<SavedSearch> {
        let now = Utc::now().timestamp();
        let connection = self.connection();
        connection
            .prepare_cached(
                "INSERT INTO saved_searches (user_id, name, query, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![user, name, query, now])?;
        Ok(SavedSearch {
            id: connection.last_insert_rowid(),
            user_id: user,
            name: name.to_string(),
            query: query.to_string(),
            created_at: time(now),
        })
    }

    fn saved_searches(&self, user: i64) -> Result<Vec<SavedSearch>> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT {SEARCH_COLUMNS} FROM saved_searches WHERE user_id = ?1 ORDER BY id"
        ))?;
        let rows = statement.query_map(params![user], search_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn saved_search(&self, user: i64, id: i64) -> Result<Option<SavedSearch>> {
        Ok(self
            .connection()
            .prepare_cached(&format!(
                "SELECT {SEARCH_COLUMNS} FROM saved_searches WHERE id = ?1 AND user_id = ?2"
            ))?
            .query_row(params![id, user], search_row)
            .optional()?)
    }

    fn delete_saved_search(&self, user: i64, id: i64) -> Result<bool> {
        Ok(self
            .connection()
            .prepare_cached("DELETE FROM saved_searches WHERE id = ?1 AND user_id = ?2")?
            .execute(params![id, user])?
            > 0)
    }

    fn all_saved_searches(&self) -> Result<Vec<SavedSearch>> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT {SEARCH_COLUMNS} FROM saved_searches ORDER BY id"
        ))?;
        let rows = statement.query_map([], search_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn mark(&self, user: i64, articles: &[i64], change: StateChange) -> Result<usize> {
        let mut ids = articles.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut connection = self.connection();
        let transaction = connection.transaction()?;
        let mut existing = 0;
        {
            // Inserts the marks of an existing article, or changes them;
            // either way one row per existing article, none for others.
            let mut statement = transaction.prepare_cached(
                "INSERT INTO article_states (user_id, article_id, read, starred)
                 SELECT ?1, id, coalesce(?3, 0), coalesce(?4, 0) FROM articles WHERE id = ?2
                 ON CONFLICT (user_id, article_id) DO UPDATE
                 SET read = coalesce(?3, read), starred = coalesce(?4, starred)",
            )?;
            for id in ids {
                existing += statement.execute(params![user, id, change.read, change.starred])?;
            }
        }
        transaction.commit()?;
        Ok(existing)
    }

    fn mark_all_read(&self, user: i64, query: &StreamQuery) -> Result<usize> {
        // The stream's own selection, without its page (limit, after),
        // less what is read already: each row is a mark that changes.
        let unread = StreamQuery {
            unread_only: true,
            ..*query
        };
        let (clause, values) = stream_conditions(user, &unread, false);
        Ok(self
            .connection()
            .prepare_cached(&format!(
                "INSERT INTO article_states (user_id, article_id, read)
                 SELECT ?1, a.id, 1 FROM articles a
                 LEFT JOIN article_states s ON s.user_id = ?1 AND s.article_id = a.id
                 {clause}
                 ON CONFLICT (user_id, article_id) DO UPDATE SET read = 1"
            ))?
            .execute(params_from_iter(values))?)
    }

    fn states(&self, user: i64, articles: &[i64]) -> Result<HashMap<i64, ArticleState>> {
        let mut found: HashMap<i64, ArticleState> = articles
            .iter()
            .map(|&id| (id, ArticleState::default()))
            .collect();
        let connection = self.connection();
        let mut statement = connection.prepare_cached(
            "SELECT article_id, read, starred FROM article_states
             WHERE user_id = ?1 AND article_id IN (SELECT value FROM json_each(?2))",
        )?;
        let ids = serde_json::to_string(articles)?;
        let rows = statement.query_map(params![user, ids], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                ArticleState {
                    read: row.get(1)?,
                    starred: row.get(2)?,
                },
            ))
        })?;
        for row in rows {
            let (id, state) = row?;
            found.insert(id, state);
        }
        Ok(found)
    }

    fn stream(&self, user: i64, query: &StreamQuery) -> Result<Vec<StreamArticle>> {
        stream(&self.connection(), user, query)
    }

    fn unread_counts(&self, user: i64) -> Result<Vec<(i64, u64)>> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(
            "SELECT f.source_id,
                    (SELECT count(*) FROM articles a
                     LEFT JOIN article_states s ON s.user_id = ?1 AND s.article_id = a.id
                     WHERE a.source_id = f.source_id AND coalesce(s.read, 0) = 0)
             FROM follows f
             WHERE f.user_id = ?1 AND f.source_id IS NOT NULL
             ORDER BY f.source_id",
        )?;
        let rows = statement.query_map(params![user], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
        })?;
        rows.map(|row| {
            let (source, count) = row?;
            Ok((source, u64::try_from(count).unwrap_or(0)))
        })
        .collect()
    }

    fn personal_stories(
        &self,
        user: i64,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(
            "SELECT id, label, first_seen, last_seen, article_count FROM stories
             WHERE article_count > 0 AND id IN (
                 SELECT f.story_id FROM follows f
                 WHERE f.user_id = ?1 AND f.story_id IS NOT NULL
                 UNION
                 SELECT a.story_id FROM follows f JOIN articles a ON a.source_id = f.source_id
                 WHERE f.user_id = ?1 AND f.source_id IS NOT NULL AND a.story_id IS NOT NULL)
             ORDER BY last_seen DESC, id DESC LIMIT ?2 OFFSET ?3",
        )?;
        let rows = statement.query_map(
            params![user, sql_limit(limit), sql_limit(offset)],
            stories::summary_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn followers(&self, follow: &Follow) -> Result<Vec<i64>> {
        let (column, target) = follow_statement(follow);
        let connection = self.connection();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT user_id FROM follows WHERE {column} = ?1 ORDER BY user_id"
        ))?;
        let rows = statement.query_map(params![target], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
