//! Push: each user's webhooks and channel sinks, and the queue of
//! deliveries to them. The queue lives in the database so that deliveries
//! survive a restart; a delivery is leased while it is being sent, so a
//! crash mid-send sends it again (at-least-once), and the pair (sink,
//! event key) is unique, so re-reading the same news queues nothing twice.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::types::StoredArticle;

/// What a sink receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SinkKind {
    /// A JSON body signed with HMAC-SHA256.
    Webhook,
    /// A short text message (title and link) for a chat bot or channel
    /// relay, signed the same way.
    Channel,
}

impl SinkKind {
    /// Its name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SinkKind::Webhook => "webhook",
            SinkKind::Channel => "channel",
        }
    }

    /// The kind with this name.
    pub fn parse(name: &str) -> Option<SinkKind> {
        match name {
            "webhook" => Some(SinkKind::Webhook),
            "channel" => Some(SinkKind::Channel),
            _ => None,
        }
    }
}

/// What happened that a user may be told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A new story matches one of the user's saved searches.
    SavedSearch,
    /// A followed story has a new article.
    FollowedStory,
    /// A followed person or organisation is quoted in a new article.
    FollowedEntity,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 3] = [
        EventKind::SavedSearch,
        EventKind::FollowedStory,
        EventKind::FollowedEntity,
    ];

    /// Its name in the database, the API and payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SavedSearch => "saved_search.story",
            EventKind::FollowedStory => "story.article",
            EventKind::FollowedEntity => "entity.quote",
        }
    }

    /// The kind with this name.
    pub fn parse(name: &str) -> Option<EventKind> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// A sink a user registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub user_id: i64,
    /// Where deliveries are posted.
    pub url: String,
    /// The HMAC key deliveries are signed with.
    pub secret: String,
    /// What is posted.
    pub kind: SinkKind,
    /// The events it receives.
    pub events: Vec<EventKind>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A sink to register.
#[derive(Debug, Clone, Copy)]
pub struct NewWebhook<'a> {
    /// Where deliveries are posted.
    pub url: &'a str,
    /// The HMAC key.
    pub secret: &'a str,
    /// What is posted.
    pub kind: SinkKind,
    /// The events it receives.
    pub events: &'a [EventKind],
}

/// A delivery to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// The sink.
    pub webhook_id: i64,
    /// The event, naming what happened uniquely ("story.article:12:345"):
    /// a delivery whose (sink, key) is queued already is skipped.
    pub event_key: String,
    /// The event's kind.
    pub event: EventKind,
    /// The body to post.
    pub payload: String,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The sink answered 2xx.
    Delivered,
    /// Given up after repeated failure (dead letter).
    Dead,
}

impl DeliveryStatus {
    /// Its name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Dead => "dead",
        }
    }
}

/// A queued delivery with its sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Its id.
    pub id: i64,
    /// The sink, as it is now.
    pub webhook: Webhook,
    /// The event key.
    pub event_key: String,
    /// The event's kind.
    pub event: EventKind,
    /// The body to post.
    pub payload: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// When it is due next (pending), or when it was last tried.
    pub next_attempt_at: DateTime<Utc>,
    /// The HTTP status of the last attempt, if one was answered.
    pub last_status: Option<u16>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When the sink took it.
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The outcome of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The HTTP status, if the sink answered.
    pub status: Option<u16>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// What follows.
    pub next: AttemptNext,
}

/// What follows an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptNext {
    /// Done: the sink took it.
    Delivered,
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// Give up: dead letter.
    Dead,
}

/// A stored article as news for push: with whether it started its story.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsItem {
    /// The article.
    pub article: StoredArticle,
    /// True when it is the first article of its story.
    pub starts_story: bool,
}

/// Sinks, the delivery queue, and the news they are made from.
pub trait Push: Send + Sync {
    /// Registers a sink for `user`.
    fn create_webhook(&self, user: i64, webhook: &NewWebhook<'_>) -> Result<Webhook>;

    /// The user's sinks, oldest first.
    fn webhooks(&self, user: i64) -> Result<Vec<Webhook>>;

    /// One of the user's sinks (none if it is another user's).
    fn webhook(&self, user: i64, id: i64) -> Result<Option<Webhook>>;

    /// Removes one of the user's sinks and its deliveries; false if they
    /// have none with this id.
    fn delete_webhook(&self, user: i64, id: i64) -> Result<bool>;

    /// Every sink of every user receiving `event`.
    fn webhooks_for(&self, event: EventKind) -> Result<Vec<Webhook>>;

    /// The id of the last article already turned into events (0 at first).
    fn push_cursor(&self) -> Result<i64>;

    /// Articles stored after `after`, oldest first, at most `limit`.
    fn news_after(&self, after: i64, limit: usize) -> Result<Vec<NewsItem>>;

    /// Queues deliveries (due at once) and moves the push cursor to
    /// `cursor`, in one transaction; returns how many were new.
    fn enqueue(&self, cursor: i64, deliveries: &[NewDelivery]) -> Result<usize>;

    /// Up to `limit` pending deliveries due at `now`, oldest due first,
    /// each leased until `lease_until` (not handed out again before then,
    /// so one that was being sent when the process died is retried).
    fn lease_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>>;

    /// Makes every leased delivery due at `now`: what a sender that died
    /// had in flight. Only for a process that is the one sender of this
    /// store (the embedded back end's `tribune serve`), at its start.
    fn release_leases(&self, now: DateTime<Utc>) -> Result<usize>;

    /// Records an attempt on a delivery.
    fn record_attempt(&self, delivery: i64, attempt: &Attempt) -> Result<()>;

    /// The user's deliveries, newest first, optionally of one sink.
    fn deliveries(&self, user: i64, webhook: Option<i64>, limit: usize) -> Result<Vec<Delivery>>;

    /// How many deliveries stand at each status (for metrics and tests).
    fn delivery_counts(&self) -> Result<Vec<(DeliveryStatus, u64)>>;

    /// The earliest time a pending delivery is due, if any.
    fn next_delivery_due(&self) -> Result<Option<DateTime<Utc>>>;
}
