//! The SQLite side of [`crate::Push`].
// Skeleton: the bodies are being written; remove this allow with them.
#![allow(unused_variables, unused_imports)]

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::push::{
    Attempt, Delivery, DeliveryStatus, EventKind, NewDelivery, NewWebhook, NewsItem, Push, Webhook,
};

use super::SqliteStore;

impl Push for SqliteStore {
    fn create_webhook(&self, user: i64, webhook: &NewWebhook<'_>) -> Result<Webhook> {
        todo!("create_webhook")
    }

    fn webhooks(&self, user: i64) -> Result<Vec<Webhook>> {
        todo!("webhooks")
    }

    fn webhook(&self, user: i64, id: i64) -> Result<Option<Webhook>> {
        todo!("webhook")
    }

    fn delete_webhook(&self, user: i64, id: i64) -> Result<bool> {
        todo!("delete_webhook")
    }

    fn webhooks_for(&self, event: EventKind) -> Result<Vec<Webhook>> {
        todo!("webhooks_for")
    }

    fn push_cursor(&self) -> Result<i64> {
        todo!("push_cursor")
    }

    fn news_after(&self, after: i64, limit: usize) -> Result<Vec<NewsItem>> {
        todo!("news_after")
    }

    fn enqueue(&self, cursor: i64, deliveries: &[NewDelivery]) -> Result<usize> {
        todo!("enqueue")
    }

    fn lease_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        todo!("lease_deliveries")
    }

    fn record_attempt(&self, delivery: i64, attempt: &Attempt) -> Result<()> {
        todo!("record_attempt")
    }

    fn deliveries(&self, user: i64, webhook: Option<i64>, limit: usize) -> Result<Vec<Delivery>> {
        todo!("deliveries")
    }

    fn delivery_counts(&self) -> Result<Vec<(DeliveryStatus, u64)>> {
        todo!("delivery_counts")
    }

    fn next_delivery_due(&self) -> Result<Option<DateTime<Utc>>> {
        todo!("next_delivery_due")
    }
}
