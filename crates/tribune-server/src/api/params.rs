//! What the listings share: pages (`limit`, `offset`) and `since`.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ApiError;

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// The most items one page may hold.
pub const MAX_LIMIT: usize = 100;

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Items wanted.
    pub limit: usize,
    /// Items skipped.
    pub offset: usize,
}

impl PageRequest {
    /// The page asked for, or why it cannot be served.
    pub fn new(limit: Option<usize>, offset: Option<usize>) -> Result<PageRequest, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and {MAX_LIMIT}, not {limit}"
            )));
        }
        Ok(PageRequest {
            limit,
            offset: offset.unwrap_or(0),
        })
    }

    /// How many rows to ask the store for: one more than the page, to
    /// learn whether another page follows without counting them all.
    pub fn fetch(self) -> usize {
        self.limit + 1
    }

    /// Cuts `rows` (fetched with [`fetch`](Self::fetch)) to the page and
    /// says where it ends.
    pub fn finish<T>(self, rows: &mut Vec<T>) -> Pagination {
        let more = rows.len() > self.limit;
        rows.truncate(self.limit);
        Pagination {
            limit: self.limit,
            offset: self.offset,
            next_offset: more.then(|| self.offset.saturating_add(self.limit)),
        }
    }
}

/// Where a page sits in its listing.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Pagination {
    /// Items asked for.
    pub limit: usize,
    /// Items skipped.
    pub offset: usize,
    /// The `offset` of the next page; absent on the last page.
    pub next_offset: Option<usize>,
}

/// `since` as RFC 3339 (`2025-03-16T08:00:00Z`), a date (`2025-03-16`,
/// midnight UTC) or a span back from `now` (`90m`, `24h`, `7d`).
pub fn parse_since(
    value: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let span = |n: &str, unit: fn(i64) -> Option<TimeDelta>| {
        n.parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .and_then(unit)
            .and_then(|span| now.checked_sub_signed(span))
    };
    let parsed = if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        Some(time.with_timezone(&Utc))
    } else if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        date.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
    } else if let Some(n) = value.strip_suffix('m') {
        span(n, TimeDelta::try_minutes)
    } else if let Some(n) = value.strip_suffix('h') {
        span(n, TimeDelta::try_hours)
    } else if let Some(n) = value.strip_suffix('d') {
        span(n, TimeDelta::try_days)
    } else {
        None
    };
    parsed.map(Some).ok_or_else(|| {
        ApiError::bad_request(format!(
            "since=`{value}` is neither a time (2025-03-16T08:00:00Z), a date (2025-03-16) \
             nor a span back from now (90m, 24h, 7d)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_times_dates_and_spans() {
        let now = DateTime::parse_from_rfc3339("2025-03-16T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        let now = now.unwrap_or_default();
        let at = |s: &str| {
            parse_since(Some(s), now)
                .ok()
                .flatten()
                .map(|t| t.to_rfc3339())
        };
        assert_eq!(at("24h").as_deref(), Some("2025-03-15T12:00:00+00:00"));
        assert_eq!(at("7d").as_deref(), Some("2025-03-09T12:00:00+00:00"));
        assert_eq!(
            at("2025-03-01").as_deref(),
            Some("2025-03-01T00:00:00+00:00")
        );
        assert_eq!(
            at("2025-03-16T10:00:00+02:00").as_deref(),
            Some("2025-03-16T08:00:00+00:00")
        );
        for bad in ["yesterday", "-3d", "99999999999999d", "h"] {
            assert!(parse_since(Some(bad), now).is_err(), "{bad}");
        }
        assert!(matches!(parse_since(Some(" "), now), Ok(None)));
    }

    #[test]
    fn pages_say_whether_another_follows() {
        let page = PageRequest::new(Some(2), Some(4)).ok();
        let page = page.unwrap_or(PageRequest {
            limit: 0,
            offset: 0,
        });
        let mut rows = vec![1, 2, 3];
        assert_eq!(page.finish(&mut rows).next_offset, Some(6));
        assert_eq!(rows, [1, 2]);
        assert_eq!(page.finish(&mut vec![1]).next_offset, None);
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(101), None).is_err());
    }
}
