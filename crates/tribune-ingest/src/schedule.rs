//! When to poll a source next: as often as it posts, no more often than the
//! publisher asks (RSS `ttl`, `Cache-Control`, `Retry-After`), and less and
//! less often while it fails. Pure functions of what the last poll saw.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The shortest interval between two polls of a source.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// The longest interval between two polls of a source.
pub const MAX_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
/// A source that failed this many polls in a row is shown as broken. It is
/// still polled (at the longest interval) so that it heals on its own.
pub const BROKEN_AFTER: i64 = 5;

/// How far back posting times count toward a source's rate.
const RATE_WINDOW: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The interval matching a source's posting rate: a week divided by the
/// entries it published in the last week, so a source posting hourly is
/// polled hourly and one silent for a week daily.
pub fn posting_interval(published: &[DateTime<Utc>], now: DateTime<Utc>) -> Duration {
    let window = chrono::Duration::from_std(RATE_WINDOW).unwrap_or_default();
    let recent = published
        .iter()
        .filter(|t| **t <= now && now - **t <= window)
        .count() as u32;
    if recent == 0 {
        return MAX_INTERVAL;
    }
    (RATE_WINDOW / recent).clamp(MIN_INTERVAL, MAX_INTERVAL)
}

/// What the publisher asked, honoured on top of the posting rate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked {
    /// RSS `ttl`.
    pub ttl: Option<Duration>,
    /// `Cache-Control: max-age` or `Expires`.
    pub max_age: Option<Duration>,
}

/// The interval after a successful poll: the posting rate, stretched to
/// what the publisher asked, within the bounds.
pub fn after_success(posting: Duration, asked: Asked) -> Duration {
    [Some(posting), asked.ttl, asked.max_age]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(posting)
        .clamp(MIN_INTERVAL, MAX_INTERVAL)
}

/// The interval after the `failures`-th failure in a row: doubling from the
/// shortest, never sooner than `Retry-After`, at most the longest.
pub fn after_failure(failures: i64, retry_after: Option<Duration>) -> Duration {
    let doublings = u32::try_from(failures.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let backoff = MIN_INTERVAL
        .saturating_mul(1u32 << doublings)
        .min(MAX_INTERVAL);
    backoff.max(retry_after.unwrap_or_default().min(MAX_INTERVAL))
}

/// Whether a source with this many failures in a row counts as broken.
pub fn is_broken(failures: i64) -> bool {
    failures >= BROKEN_AFTER
}

/// A source's health in one word, as the CLI, the pages and the API show
/// it: "new" (never polled), "ok", "failing" (recent failures) or
/// "broken" (failed too often in a row).
pub fn status(source: &tribune_store::Source) -> &'static str {
    if is_broken(source.error_count) {
        "broken"
    } else if source.error_count > 0 {
        "failing"
    } else if source.polled_at.is_none() {
        "new"
    } else {
        "ok"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(h: u64) -> Duration {
        Duration::from_secs(h * 3600)
    }

    #[test]
    fn the_interval_follows_the_posting_rate() {
        let now = Utc::now();
        let hourly: Vec<_> = (0..168).map(|h| now - chrono::Duration::hours(h)).collect();
        assert_eq!(posting_interval(&hourly, now), hours(1));
        let busy: Vec<_> = (0..5000)
            .map(|m| now - chrono::Duration::minutes(m))
            .collect();
        assert_eq!(posting_interval(&busy, now), MIN_INTERVAL);
        let stale = [now - chrono::Duration::days(30)];
        assert_eq!(posting_interval(&stale, now), MAX_INTERVAL);
        assert_eq!(posting_interval(&[], now), MAX_INTERVAL);
        let twice_a_day: Vec<_> = (0..14)
            .map(|i| now - chrono::Duration::hours(12 * i))
            .collect();
        assert_eq!(posting_interval(&twice_a_day, now), hours(12));
    }

    #[test]
    fn the_publisher_may_ask_for_longer_never_shorter() {
        let asked = Asked {
            ttl: Some(hours(2)),
            max_age: Some(Duration::from_secs(60)),
        };
        assert_eq!(after_success(hours(1), asked), hours(2));
        assert_eq!(after_success(hours(3), asked), hours(3));
        assert_eq!(
            after_success(Duration::from_secs(1), Asked::default()),
            MIN_INTERVAL
        );
        let huge = Asked {
            ttl: Some(hours(1000)),
            ..Asked::default()
        };
        assert_eq!(after_success(hours(1), huge), MAX_INTERVAL);
    }

    #[test]
    fn failures_back_off_exponentially() {
        assert_eq!(after_failure(1, None), MIN_INTERVAL);
        assert_eq!(after_failure(2, None), MIN_INTERVAL * 2);
        assert_eq!(after_failure(4, None), MIN_INTERVAL * 8);
        assert_eq!(after_failure(60, None), MAX_INTERVAL);
        assert_eq!(after_failure(1, Some(hours(3))), hours(3));
        assert!(!is_broken(BROKEN_AFTER - 1) && is_broken(BROKEN_AFTER));
    }
}
