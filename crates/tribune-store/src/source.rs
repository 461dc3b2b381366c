//! Sources: the feeds and pages Tribune polls, and what it remembers of
//! each between polls (validators for conditional GET, the schedule, the
//! errors).

use chrono::{DateTime, Utc};

/// A source to add.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSource {
    /// The feed's (or page's) URL.
    pub url: String,
    /// A name for it, if the user or an OPML file gave one.
    pub title: Option<String>,
    /// The site the feed belongs to, if known.
    pub site_url: Option<String>,
    /// A folder or category, from OPML.
    pub category: Option<String>,
}

/// A source as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The store's id for it.
    pub id: i64,
    /// The feed's URL.
    pub url: String,
    /// Its name: the user's, or the feed's own title once fetched.
    pub title: Option<String>,
    /// The site it belongs to.
    pub site_url: Option<String>,
    /// A folder or category.
    pub category: Option<String>,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// The last `ETag` the server sent, for `If-None-Match`.
    pub etag: Option<String>,
    /// The last `Last-Modified` the server sent, for `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When it was last fetched (successfully or not).
    pub polled_at: Option<DateTime<Utc>>,
    /// When it was last fetched successfully.
    pub succeeded_at: Option<DateTime<Utc>>,
    /// When it is next due.
    pub next_poll_at: DateTime<Utc>,
    /// The polling interval last chosen, in seconds.
    pub interval_secs: i64,
    /// Failures in a row since the last success.
    pub error_count: i64,
    /// The last failure, if the last poll failed.
    pub last_error: Option<String>,
    /// The HTTP status of the last response, if any.
    pub last_status: Option<u16>,
    /// How many stored articles came from it.
    pub article_count: i64,
}

/// What one poll of a source found, to remember until the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollRecord {
    /// When the poll ran.
    pub polled_at: DateTime<Utc>,
    /// Whether it succeeded (a 304 is a success).
    pub succeeded: bool,
    /// The HTTP status, if a response came.
    pub status: Option<u16>,
    /// New validators (`None` keeps the old ones).
    pub etag: Option<String>,
    /// New `Last-Modified` (`None` keeps the old one).
    pub last_modified: Option<String>,
    /// The feed's own title, if it was read (fills in a missing name).
    pub title: Option<String>,
    /// The feed's site, if it was read (fills in a missing one).
    pub site_url: Option<String>,
    /// When to poll next.
    pub next_poll_at: DateTime<Utc>,
    /// The interval chosen, in seconds.
    pub interval_secs: i64,
    /// Failures in a row, this one included (0 on success).
    pub error_count: i64,
    /// What went wrong, on failure.
    pub error: Option<String>,
}

/// What became of one feed entry, remembered so that a re-poll does not
/// fetch its page again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryOutcome {
    /// Stored, or found already stored, as this article.
    Stored(i64),
    /// Failed; it is retried on later polls until it has failed this often.
    Failed(u32),
}
