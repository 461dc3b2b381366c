//! The SQLite side of [`crate::Push`]: the `webhooks`, `deliveries` and
//! `push_cursor` tables.

use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::articles::{self, COLUMNS};
use super::{SqliteStore, time};
use crate::error::Result;
use crate::push::{
    Attempt, AttemptNext, Delivery, DeliveryStatus, EventKind, NewDelivery, NewWebhook, NewsItem,
    Push, SinkKind, Webhook,
};

impl FromSql for SinkKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let name = value.as_str()?;
        SinkKind::parse(name)
            .ok_or_else(|| FromSqlError::Other(format!("unknown sink kind `{name}`").into()))
    }
}

impl FromSql for EventKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let name = value.as_str()?;
        EventKind::parse(name)
            .ok_or_else(|| FromSqlError::Other(format!("unknown event `{name}`").into()))
    }
}

impl FromSql for DeliveryStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "pending" => Ok(DeliveryStatus::Pending),
            "delivered" => Ok(DeliveryStatus::Delivered),
            "dead" => Ok(DeliveryStatus::Dead),
            other => Err(FromSqlError::Other(
                format!("unknown delivery status `{other}`").into(),
            )),
        }
    }
}

/// A sink's events as stored: a JSON array of names. Names this build does
/// not know (written by a newer Tribune) are left out.
struct Events(Vec<EventKind>);

impl FromSql for Events {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let names: Vec<String> =
            serde_json::from_str(value.as_str()?).map_err(|e| FromSqlError::Other(e.into()))?;
        Ok(Events(
            names.iter().filter_map(|n| EventKind::parse(n)).collect(),
        ))
    }
}

/// Events as stored, each named once.
fn events_json(events: &[EventKind]) -> Result<String> {
    let mut names: Vec<&str> = Vec::with_capacity(events.len());
    for event in events {
        if !names.contains(&event.as_str()) {
            names.push(event.as_str());
        }
    }
    Ok(serde_json::to_string(&names)?)
}

/// The columns [`webhook_row`] reads from `offset` on, over `webhooks w`.
const WEBHOOK_COLUMNS: &str = "w.id, w.user_id, w.url, w.secret, w.kind, w.events, w.created_at";

fn webhook_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Webhook> {
    Ok(Webhook {
        id: row.get(offset)?,
        user_id: row.get(offset + 1)?,
        url: row.get(offset + 2)?,
        secret: row.get(offset + 3)?,
        kind: row.get(offset + 4)?,
        events: row.get::<_, Events>(offset + 5)?.0,
        created_at: time(row.get(offset + 6)?),
    })
}

/// A delivery with its sink, over `deliveries d JOIN webhooks w`.
const DELIVERY_COLUMNS: &str = "d.id, d.event_key, d.event, d.payload, d.status, d.attempts,
    d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.delivered_at,
    w.id, w.user_id, w.url, w.secret, w.kind, w.events, w.created_at";

fn delivery_row(row: &Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: row.get(0)?,
        event_key: row.get(1)?,
        event: row.get(2)?,
        payload: row.get(3)?,
        status: row.get(4)?,
        attempts: row.get(5)?,
        next_attempt_at: time(row.get(6)?),
        last_status: row
            .get::<_, Option<i64>>(7)?
            .and_then(|s| u16::try_from(s).ok()),
        last_error: row.get(8)?,
        created_at: time(row.get(9)?),
        delivered_at: row.get::<_, Option<i64>>(10)?.map(time),
        webhook: webhook_row(row, 11)?,
    })
}

fn sql_limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn webhook_by_id(connection: &Connection, user: i64, id: i64) -> Result<Option<Webhook>> {
    Ok(connection
        .prepare_cached(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks w WHERE w.id = ?1 AND w.user_id = ?2"
        ))?
        .query_row(params![id, user], |row| webhook_row(row, 0))
        .optional()?)
}

impl Push for SqliteStore {
    fn create_webhook(&self, user: i64, webhook: &NewWebhook<'_>) -> Result<Webhook> {
        let now = Utc::now().timestamp();
        let mut connection = self.connection();
        let transaction = connection.transaction()?;
        transaction
            .prepare_cached(
                "INSERT INTO webhooks (user_id, url, secret, kind, events, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                user,
                webhook.url,
                webhook.secret,
                webhook.kind.as_str(),
                events_json(webhook.events)?,
                now
            ])?;
        let id = transaction.last_insert_rowid();
        let created =
            webhook_by_id(&transaction, user, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        transaction.commit()?;
        Ok(created)
    }

    fn webhooks(&self, user: i64) -> Result<Vec<Webhook>> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks w WHERE w.user_id = ?1 ORDER BY w.id"
        ))?;
        let rows = statement.query_map(params![user], |row| webhook_row(row, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn webhook(&self, user: i64, id: i64) -> Result<Option<Webhook>> {
        webhook_by_id(&self.connection(), user, id)
    }

    fn delete_webhook(&self, user: i64, id: i64) -> Result<bool> {
        // Its deliveries go with it (ON DELETE CASCADE).
        Ok(self
            .connection()
            .prepare_cached("DELETE FROM webhooks WHERE id = ?1 AND user_id = ?2")?
            .execute(params![id, user])?
            > 0)
    }

    fn webhooks_for(&self, event: EventKind) -> Result<Vec<Webhook>> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks w
             WHERE EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = ?1)
             ORDER BY w.id"
        ))?;
        let rows = statement.query_map(params![event.as_str()], |row| webhook_row(row, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn push_cursor(&self) -> Result<i64> {
        Ok(self
            .connection()
            .prepare_cached("SELECT article_id FROM push_cursor WHERE id = 1")?
            .query_row([], |row| row.get(0))
            .optional()?
            .unwrap_or(0))
    }

    fn news_after(&self, after: i64, limit: usize) -> Result<Vec<NewsItem>> {
        let connection = self.connection();
        // An article starts its story when no article of the story has a
        // lower id (an index range on `articles (story_id)`).
        let mut statement = connection.prepare_cached(&format!(
            "SELECT {COLUMNS},
                    a.story_id IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM articles b WHERE b.story_id = a.story_id AND b.id < a.id)
             FROM articles a WHERE a.id > ?1 ORDER BY a.id LIMIT ?2"
        ))?;
        let rows = statement.query_map(params![after, sql_limit(limit)], |row| {
            Ok((articles::read_row(row)?, row.get::<_, bool>(16)?))
        })?;
        rows.map(|row| {
            let (raw, starts_story) = row?;
            Ok(NewsItem {
                article: raw.into_article()?,
                starts_story,
            })
        })
        .collect()
    }

    fn enqueue(&self, cursor: i64, deliveries: &[NewDelivery]) -> Result<usize> {
        let now = Utc::now().timestamp();
        let mut connection = self.connection();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut new = 0;
        {
            // A delivery already queued for its sink is skipped, and so is
            // one for a sink deleted since the caller looked it up.
            let mut statement = transaction.prepare_cached(
                "INSERT OR IGNORE INTO deliveries
                     (webhook_id, event_key, event, payload, next_attempt_at, created_at)
                 SELECT id, ?2, ?3, ?4, ?5, ?5 FROM webhooks WHERE id = ?1",
            )?;
            for delivery in deliveries {
                new += statement.execute(params![
                    delivery.webhook_id,
                    delivery.event_key,
                    delivery.event.as_str(),
                    delivery.payload,
                    now
                ])?;
            }
        }
        transaction
            .prepare_cached(
                "INSERT INTO push_cursor (id, article_id) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET article_id = excluded.article_id",
            )?
            .execute(params![cursor])?;
        transaction.commit()?;
        Ok(new)
    }

    fn lease_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let mut connection = self.connection();
        // IMMEDIATE: no other process leases between the read and the write.
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut leased: Vec<Delivery> = {
            let mut statement = transaction.prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS}
                 FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
                 WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
                 ORDER BY d.next_attempt_at, d.id LIMIT ?2"
            ))?;
            let rows =
                statement.query_map(params![now.timestamp(), sql_limit(limit)], delivery_row)?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        {
            let mut statement = transaction.prepare_cached(
                "UPDATE deliveries SET next_attempt_at = ?2, leased = 1 WHERE id = ?1",
            )?;
            let until = lease_until.timestamp();
            for delivery in &mut leased {
                statement.execute(params![delivery.id, until])?;
                delivery.next_attempt_at = time(until);
            }
        }
        transaction.commit()?;
        Ok(leased)
    }

    fn release_leases(&self, now: DateTime<Utc>) -> Result<usize> {
        Ok(self
            .connection()
            .prepare_cached(
                "UPDATE deliveries SET leased = 0, next_attempt_at = ?1
                 WHERE status = 'pending' AND leased = 1",
            )?
            .execute(params![now.timestamp()])?)
    }

    fn record_attempt(&self, delivery: i64, attempt: &Attempt) -> Result<()> {
        let at = attempt.at.timestamp();
        let (status, next, delivered) = match attempt.next {
            AttemptNext::Delivered => (DeliveryStatus::Delivered, at, Some(at)),
            AttemptNext::RetryAt(when) => (DeliveryStatus::Pending, when.timestamp(), None),
            AttemptNext::Dead => (DeliveryStatus::Dead, at, None),
        };
        // Only a pending delivery changes: a late report from a sender whose
        // lease ran out cannot undo a delivery or revive a dead letter. An
        // unknown delivery (its sink deleted meanwhile) is no error.
        self.connection()
            .prepare_cached(
                "UPDATE deliveries SET attempts = attempts + 1, last_status = ?2,
                     last_error = ?3, status = ?4, next_attempt_at = ?5, delivered_at = ?6,
                     leased = 0
                 WHERE id = ?1 AND status = 'pending'",
            )?
            .execute(params![
                delivery,
                attempt.status,
                attempt.error,
                status.as_str(),
                next,
                delivered
            ])?;
        Ok(())
    }

    fn deliveries(&self, user: i64, webhook: Option<i64>, limit: usize) -> Result<Vec<Delivery>> {
        let connection = self.connection();
        let limit = sql_limit(limit);
        let mut statement;
        let rows = match webhook {
            Some(webhook) => {
                statement = connection.prepare_cached(&format!(
                    "SELECT {DELIVERY_COLUMNS}
                     FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
                     WHERE w.user_id = ?1 AND d.webhook_id = ?2
                     ORDER BY d.id DESC LIMIT ?3"
                ))?;
                statement.query_map(params![user, webhook, limit], delivery_row)?
            }
            None => {
                statement = connection.prepare_cached(&format!(
                    "SELECT {DELIVERY_COLUMNS}
                     FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
                     WHERE w.user_id = ?1
                     ORDER BY d.id DESC LIMIT ?2"
                ))?;
                statement.query_map(params![user, limit], delivery_row)?
            }
        };
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn delivery_counts(&self) -> Result<Vec<(DeliveryStatus, u64)>> {
        let connection = self.connection();
        // Every status, those with no delivery at zero.
        let mut statement =
            connection.prepare_cached("SELECT count(*) FROM deliveries WHERE status = ?1")?;
        let mut counts = Vec::with_capacity(3);
        for status in [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Dead,
        ] {
            let n: i64 = statement.query_row(params![status.as_str()], |row| row.get(0))?;
            counts.push((status, u64::try_from(n).unwrap_or(0)));
        }
        Ok(counts)
    }

    fn next_delivery_due(&self) -> Result<Option<DateTime<Utc>>> {
        let due: Option<i64> = self
            .connection()
            .prepare_cached("SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending'")?
            .query_row([], |row| row.get(0))?;
        Ok(due.map(time))
    }
}
