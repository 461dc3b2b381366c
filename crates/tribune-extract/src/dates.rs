//! Reading publication dates as pages write them: ISO 8601 in metadata,
//! RFC 2822 in feeds, "March 5, 2024" in bylines, `/2024/03/05/` in URLs.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime};
use regex::Regex;
use std::sync::LazyLock;

/// A date, and the full timestamp when the text gave one with an offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dated {
    pub date: NaiveDate,
    pub at: Option<DateTime<FixedOffset>>,
}

/// Dates outside this range are typos or placeholders (`0001-01-01`,
/// `2099-12-31`), not publication dates.
fn plausible(date: NaiveDate) -> bool {
    (1995..=2100).contains(&date.year())
}

/// Parses a machine-written date: ISO 8601 (with or without time and
/// offset), RFC 2822/1123, or a Unix timestamp in seconds or milliseconds.
pub(crate) fn parse_machine_date(text: &str) -> Option<Dated> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return checked(at.date_naive(), Some(at));
    }
    if let Ok(at) = DateTime::parse_from_rfc2822(text) {
        return checked(at.date_naive(), Some(at));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(at) = DateTime::parse_from_str(text, format) {
            return checked(at.date_naive(), Some(at));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return checked(at.date(), None);
        }
    }
    if text.len() >= 10 {
        let head = &text[..text.char_indices().nth(10).map_or(text.len(), |(i, _)| i)];
        for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"] {
            if let Ok(date) = NaiveDate::parse_from_str(head, format) {
                return checked(date, None);
            }
        }
    }
    if text.len() == 8
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(date) = NaiveDate::parse_from_str(text, "%Y%m%d")
    {
        return checked(date, None);
    }
    if (10..=13).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
        let mut secs: i64 = text.parse().ok()?;
        if text.len() == 13 {
            secs /= 1000;
        }
        let at = DateTime::from_timestamp(secs, 0)?.fixed_offset();
        return checked(at.date_naive(), Some(at));
    }
    parse_human_date(text)
}

fn checked(date: NaiveDate, at: Option<DateTime<FixedOffset>>) -> Option<Dated> {
    plausible(date).then_some(Dated { date, at })
}

const MONTHS: &[(&str, u32)] = &[
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?-u:\b)")
        .expect("month-first pattern compiles")
});
static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})(?-u:\b)")
        .expect("day-first pattern compiles")
});
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?-u:\b)")
        .expect("numeric pattern compiles")
});

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .find(|(prefix, _)| lower.starts_with(prefix))
        .map(|&(_, n)| n)
}

/// Parses the first date written for people in `text`: "March 5, 2024",
/// "5 March 2024", "2024-03-05". Ambiguous numeric forms (03/05/2024) are
/// not read, since month and day cannot be told apart.
pub(crate) fn parse_human_date(text: &str) -> Option<Dated> {
    let mut found: Vec<(usize, NaiveDate)> = Vec::new();
    if let Some(c) = MONTH_FIRST.captures(text) {
        let month = month_number(&c[1])?;
        if let (Ok(day), Ok(year)) = (c[2].parse(), c[3].parse())
            && let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
        {
            found.push((c.get(0).map_or(0, |m| m.start()), date));
        }
    }
    if let Some(c) = DAY_FIRST.captures(text)
        && let (Ok(day), Some(month), Ok(year)) = (c[1].parse(), month_number(&c[2]), c[3].parse())
        && let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
    {
        found.push((c.get(0).map_or(0, |m| m.start()), date));
    }
    if let Some(c) = NUMERIC.captures(text)
        && let (Ok(year), Ok(month), Ok(day)) = (c[1].parse(), c[2].parse(), c[3].parse())
        && let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
    {
        found.push((c.get(0).map_or(0, |m| m.start()), date));
    }
    let (_, date) = found.into_iter().min_by_key(|(at, _)| *at)?;
    checked(date, None)
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|-|_|\.|$)")
        .expect("url date pattern compiles")
});
static URL_DATE_SLASHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/")
        .expect("url date pattern compiles")
});

/// A full date in a URL path (`/2019/11/19/`, `/20191119-`), which news
/// sites put there when they publish.
pub(crate) fn date_in_url(url: &str) -> Option<Dated> {
    let path_start = url.find("://").map_or(0, |i| i + 3);
    let path = url[path_start..].split(['?', '#']).next().unwrap_or("");
    let captures = URL_DATE_SLASHED
        .captures(path)
        .or_else(|| URL_DATE.captures(path))?;
    let date = NaiveDate::from_ymd_opt(
        captures[1].parse().ok()?,
        captures[2].parse().ok()?,
        captures[3].parse().ok()?,
    )?;
    checked(date, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn machine_dates() {
        assert_eq!(
            parse_machine_date("2019-11-19T12:30:00Z").unwrap().date,
            ymd(2019, 11, 19)
        );
        assert_eq!(
            parse_machine_date("2019-11-19T23:30:00-05:00")
                .unwrap()
                .date,
            ymd(2019, 11, 19)
        );
        assert!(
            parse_machine_date("2019-11-19T12:30:00+0100")
                .unwrap()
                .at
                .is_some()
        );
        assert_eq!(
            parse_machine_date("2019-11-19").unwrap().date,
            ymd(2019, 11, 19)
        );
        assert_eq!(
            parse_machine_date("Tue, 19 Nov 2019 10:00:00 GMT")
                .unwrap()
                .date,
            ymd(2019, 11, 19)
        );
        assert_eq!(
            parse_machine_date("20191119").unwrap().date,
            ymd(2019, 11, 19)
        );
        assert!(parse_machine_date("0001-01-01").is_none());
        assert!(parse_machine_date("soon").is_none());
    }

    #[test]
    fn human_dates() {
        assert_eq!(
            parse_human_date("Published March 5, 2024 at 3pm")
                .unwrap()
                .date,
            ymd(2024, 3, 5)
        );
        assert_eq!(
            parse_human_date("Updated: 5th Sept. 2024").unwrap().date,
            ymd(2024, 9, 5)
        );
        assert_eq!(
            parse_human_date("Nov. 19, 2019").unwrap().date,
            ymd(2019, 11, 19)
        );
        assert!(parse_human_date("03/05/2024").is_none());
    }

    #[test]
    fn url_dates() {
        assert_eq!(
            date_in_url("https://www.nytimes.com/2019/11/19/opinion/x.html")
                .unwrap()
                .date,
            ymd(2019, 11, 19)
        );
        assert_eq!(
            date_in_url("https://x.com/news/20191119-story")
                .unwrap()
                .date,
            ymd(2019, 11, 19)
        );
        assert!(date_in_url("https://x.com/2019/11/story").is_none());
        assert!(date_in_url("https://x.com/article/12345678901").is_none());
    }
}
