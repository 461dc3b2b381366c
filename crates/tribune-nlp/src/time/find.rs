//! The scanner: reads the tokens of one sentence left to right and, at each
//! token, tries the patterns of time expressions from the most specific to
//! the least, keeping the first that matches and skipping past it. Every
//! pattern looks a bounded number of tokens ahead, so the work is linear in
//! the length of the sentence.
//!
//! Extents follow TimeML: prepositions stay out ("on *Thursday*"),
//! determiners and modifiers stay in ("*last week*", "*the third
//! quarter*").

use chrono::Weekday;

use super::expr::{Expr, HolidayDay, Part, Shift, Vague};
use super::lexicon::{self, Unit};

/// The words of a sentence as the scanner sees them.
pub(super) struct Words<'a> {
    /// Lower-cased, possessive "'s" removed.
    pub lower: &'a [&'a str],
    /// Whether the word starts with a capital.
    pub capital: &'a [bool],
    /// Whether the token is a number.
    pub numeric: &'a [bool],
}

/// One match: tokens `start..end` mean `expr`.
#[derive(Debug)]
pub(super) struct Match {
    pub start: usize,
    pub end: usize,
    pub expr: Expr,
}

/// All matches in the sentence, in order, not overlapping.
pub(super) fn scan(words: &Words) -> Vec<Match> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.lower.len() {
        match at(words, i) {
            Some((end, expr)) if end > i => {
                out.push(Match {
                    start: i,
                    end,
                    expr,
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

impl Words<'_> {
    fn w(&self, i: usize) -> &str {
        self.lower.get(i).copied().unwrap_or("")
    }
    fn cap(&self, i: usize) -> bool {
        self.capital.get(i).copied().unwrap_or(false)
    }
    fn num(&self, i: usize) -> bool {
        self.numeric.get(i).copied().unwrap_or(false)
    }
}

/// The longest pattern starting at token `i`: the index just past it and
/// its meaning.
fn at(s: &Words, i: usize) -> Option<(usize, Expr)> {
    vague(s, i)
        .or_else(|| numeric_date(s, i))
        .or_else(|| clock(s, i))
        .or_else(|| year_before(s, i))
        .or_else(|| quarter(s, i))
        .or_else(|| decade(s, i))
        .or_else(|| amount(s, i))
        .or_else(|| hyphenated(s, i))
        .or_else(|| month_in(s, i))
        .or_else(|| shifted_month(s, i))
        .or_else(|| month_led(s, i))
        .or_else(|| day_led(s, i))
        .or_else(|| weekday(s, i))
        .or_else(|| anaphoric(s, i))
        .or_else(|| named_day(s, i))
        .or_else(|| holiday(s, i))
        .or_else(|| relative(s, i))
        .or_else(|| set(s, i))
        .or_else(|| year(s, i))
}

fn vague(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let v = |end, v| Some((end, Expr::Vague(v)));
    let plural_unit = |w: &str| matches!(w, "days" | "weeks" | "months" | "years" | "decades");
    match (s.w(i), s.w(i + 1), s.w(i + 2)) {
        ("the", "coming" | "next" | "following", u) if plural_unit(u) => {
            if s.w(i + 1) == "coming" {
                v(i + 3, Vague::Future)
            } else {
                None
            }
        }
        ("coming", u, _) if plural_unit(u) => v(i + 2, Vague::Future),
        ("the", "near" | "distant" | "foreseeable", "future") => v(i + 3, Vague::Future),
        ("the", "future", _) => v(i + 2, Vague::Future),
        ("the", u, "ahead") if plural_unit(u) => v(i + 3, Vague::Future),
        ("the", "past", next)
            if lexicon::unit(next).is_none()
                && lexicon::number(next).is_none()
                && !matches!(next, "few" | "several" | "a") =>
        {
            v(i + 2, Vague::Past)
        }
        // TimeML reads "recent years" as an unknown length of years.
        ("recent", u, _) if plural_unit(u) => {
            let (unit, _) = lexicon::unit(u)?;
            Some((i + 2, Expr::Duration(unit.duration(None))))
        }
        // "previously" and "soon" are left out: in news they mostly tell
        // order ("as previously reported"), not a time, and TimeML rarely
        // tags them.
        ("recently" | "lately" | "formerly" | "recent", _, _) => v(i + 1, Vague::Past),
        // "current" alone ("the current crisis") is the present; "the
        // current year" is a named period, read further on.
        ("current", next, _)
            if lexicon::unit(next).is_none()
                && lexicon::season(next).is_none()
                && next != "fiscal"
                && s.w(i.wrapping_sub(1)) != "then" =>
        {
            v(i + 1, Vague::Present)
        }
        ("right" | "just", "now", _) => v(i + 2, Vague::Present),
        ("these", "days", _) => v(i + 2, Vague::Present),
        ("at", "present", _) => v(i + 2, Vague::Present),
        ("now" | "currently" | "nowadays" | "presently", _, _) => v(i + 1, Vague::Present),
        _ => None,
    }
}

/// "2025-03-13", "3/13", "3/13/2025", "03/13/25".
fn numeric_date(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let w = s.w(i);
    if !w.bytes().next().is_some_and(|b| b.is_ascii_digit()) || w.len() > 10 {
        return None;
    }
    let parts: Vec<&str> = w.split(['-', '/']).collect();
    let all_digits = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !all_digits || parts.len() < 2 {
        return None;
    }
    let n = |k: usize| parts.get(k).and_then(|p| p.parse::<i32>().ok());
    let expr = if w.contains('-') {
        let [y, m, d] = [n(0)?, n(1)?, n(2)?];
        (parts.len() == 3 && parts[0].len() == 4).then_some(Expr::Date {
            year: Some(y),
            month: u32::try_from(m).ok()?,
            day: u32::try_from(d).ok()?,
        })?
    } else {
        let (m, d) = (n(0)?, n(1)?);
        let year = match parts.len() {
            2 => None,
            3 => {
                let y = n(2)?;
                Some(match parts[2].len() {
                    2 => {
                        if y < 50 {
                            2000 + y
                        } else {
                            1900 + y
                        }
                    }
                    4 => y,
                    _ => return None,
                })
            }
            _ => return None,
        };
        // Fractions and scores ("1/2", "3/4") read as dates too; keep only
        // the ones that cannot be those, or have a year.
        if year.is_none() && (d < 1 || m > 12 || (m < 10 && d < 10)) {
            return None;
        }
        Expr::Date {
            year,
            month: u32::try_from(m).ok()?,
            day: u32::try_from(d).ok()?,
        }
    };
    match expr {
        Expr::Date { month, day, .. } if (1..=12).contains(&month) && (1..=31).contains(&day) => {
            Some((i + 1, expr))
        }
        _ => None,
    }
}

/// "10:30 a.m.", "3 p.m.", "22:30".
fn clock(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let w = s.w(i);
    let meridiem = |k: usize| match s.w(k) {
        "a.m." | "am" | "a.m" => Some(false),
        "p.m." | "pm" | "p.m" => Some(true),
        _ => None,
    };
    let (hour, minute) = match w.split_once(':') {
        Some((h, m)) if s.num(i) && m.len() == 2 => {
            (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)
        }
        None if s.num(i) && meridiem(i + 1).is_some() => (w.parse::<u32>().ok()?, 0),
        _ => return None,
    };
    let (hour, end) = match meridiem(i + 1) {
        Some(pm) if (1..=12).contains(&hour) => ((hour % 12) + if pm { 12 } else { 0 }, i + 2),
        Some(_) => return None,
        None => (hour, i + 1),
    };
    (hour < 24 && minute < 60).then_some((end, Expr::Clock { hour, minute }))
}

/// "the third quarter (of 2025)", "third-quarter", "Q3", "the first half",
/// "the latest quarter".
fn quarter(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let mut k = i;
    if s.w(k) == "the" {
        k += 1;
    }
    let (n, mut end) = if let Some((ord, rest)) = s.w(k).split_once('-') {
        let n = lexicon::ordinal(ord)?;
        match rest {
            "quarter" if (1..=4).contains(&n) => (n, k + 1),
            "half" if (1..=2).contains(&n) => (n + 4, k + 1),
            _ => return None,
        }
    } else if let Some(q) = s.w(k).strip_prefix('q').filter(|_| s.cap(k)) {
        let n: u32 = q.parse().ok()?;
        if !(1..=4).contains(&n) {
            return None;
        }
        (n, k + 1)
    } else if k > i && s.w(k) == "quarter"
        || k > i
            && matches!(s.w(k), "latest" | "last" | "past" | "previous" | "recent")
            && s.w(k + 1) == "quarter"
    {
        // "the quarter" of a report is the one just ended.
        let end = if s.w(k) == "quarter" { k + 1 } else { k + 2 };
        let q = Expr::Relative {
            unit: Unit::Quarter,
            shift: Shift::Last,
            part: Part::Whole,
        };
        return Some((end, q));
    } else {
        let n = lexicon::ordinal(s.w(k))?;
        match s.w(k + 1) {
            "quarter" if (1..=4).contains(&n) => (n, k + 2),
            "half" if (1..=2).contains(&n) && k > i => (n + 4, k + 2),
            _ => return None,
        }
    };
    let mut year = None;
    if s.w(end) == "of" || s.w(end) == "," {
        if let Some(y) = four_digit_year(s, end + 1) {
            year = Some(y);
            end += 2;
        }
    } else if let Some(y) = four_digit_year(s, end) {
        year = Some(y);
        end += 1;
    }
    Some((
        end,
        Expr::Quarter {
            n,
            year,
            shift: Shift::Bare,
        },
    ))
}

fn four_digit_year(s: &Words, i: usize) -> Option<i32> {
    let w = s.w(i);
    if w.len() == 4 && s.num(i) && w.bytes().all(|b| b.is_ascii_digit()) {
        w.parse().ok().filter(|y| (1000..=2199).contains(y))
    } else {
        None
    }
}

/// "the 1990s", "mid-1990s", "the sixties", "the 20th century".
fn decade(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let mut k = i;
    if s.w(k) == "the" {
        k += 1;
    }
    let w = s.w(k);
    let w = ["mid-", "early-", "late-"]
        .iter()
        .find_map(|p| w.strip_prefix(p))
        .unwrap_or(w);
    if let Some(digits) = w.strip_suffix('s')
        && digits.len() == 4
        && digits.ends_with('0')
    {
        let y: i32 = digits.parse().ok()?;
        return Some((k + 1, Expr::Decade(y)));
    }
    if k > i {
        if let Some(y) = lexicon::decade_word(w) {
            return Some((k + 1, Expr::Decade(y)));
        }
        if s.w(k + 1) == "century" {
            let n = lexicon::ordinal(w)?;
            return Some((k + 2, Expr::Century(i32::try_from(n).ok()?)));
        }
    }
    None
}

/// How many: a number, "a", "an", or an unspecified "several", "a few".
/// Returns the index after it and the amount (`None` unspecified).
fn how_many(s: &Words, i: usize) -> Option<(usize, Option<u32>)> {
    match (s.w(i), s.w(i + 1)) {
        ("a", "few" | "couple") => Some((i + 2 + usize::from(s.w(i + 2) == "of"), None)),
        ("a" | "an" | "one", _) => Some((i + 1, Some(1))),
        ("several" | "few" | "many" | "some", _) => Some((i + 1, None)),
        (w, _) => {
            let n = lexicon::number(w)?;
            if s.w(i + 1) == "and" && s.w(i + 2) == "a" && s.w(i + 3) == "half" {
                return None;
            }
            Some((i + 1, Some(n)))
        }
    }
}

/// Amounts of time: "two days ago", "in two weeks", "five years", "the
/// past two months", "the first nine months", "24 hours".
fn amount(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let mut k = i;
    let mut framed = false;
    if s.w(k) == "the" {
        k += 1;
        if matches!(
            s.w(k),
            "past" | "last" | "next" | "first" | "previous" | "coming" | "final"
        ) {
            k += 1;
        }
        framed = true;
    } else if matches!(s.w(k), "past" | "last" | "next" | "first") {
        k += 1;
        framed = true;
    }
    let (after, n) = how_many(s, k)?;
    let (unit, plural) = lexicon::unit(s.w(after))?;
    // "two day" is fine ("a two day visit"), "one days" is not.
    if matches!(unit, Unit::Weekend) || (plural && n == Some(1)) {
        return None;
    }
    // "a year" stands alone only as an amount; "the year" is handled as a
    // named period.
    if n.is_none() && !plural {
        return None;
    }
    let end = after + 1;
    // "ago" counts from the publication date; "earlier" and "later" from
    // the last time told.
    let direction = match s.w(end) {
        "ago" if !framed => Some((false, false)),
        "earlier" | "before" | "previously" if !framed => Some((false, true)),
        "later" if !framed => Some((true, true)),
        "hence" if !framed => Some((true, false)),
        "from" if s.w(end + 1) == "now" && !framed => {
            return Some((
                end + 2,
                Expr::Offset {
                    n,
                    unit,
                    forward: true,
                    anaphoric: false,
                },
            ));
        }
        _ => None,
    };
    if let Some((forward, anaphoric)) = direction {
        return Some((
            end + 1,
            Expr::Offset {
                n,
                unit,
                forward,
                anaphoric,
            },
        ));
    }
    if k == i && s.w(i.wrapping_sub(1)) == "in" && i > 0 && n.is_some() && plural {
        // "in two weeks": a point ahead when the clause looks forward; the
        // caller turns it back into a length otherwise.
        return Some((
            end,
            Expr::Offset {
                n,
                unit,
                forward: true,
                anaphoric: false,
            },
        ));
    }
    if k == i && n == Some(1) && matches!(s.w(i), "a" | "an") {
        // "a year" alone is as often a rate ("twice a year") as a length.
        if matches!(s.w(i.wrapping_sub(1)), "once" | "twice" | "times" | "per") {
            return None;
        }
    }
    Some((end, Expr::Duration(unit.duration(n))))
}

/// One-word compounds: "30-day", "three-year", "hours-long", "11-year-old",
/// "mid-March", "year-end"; and "11 - year" written apart.
fn hyphenated(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let w = s.w(i);
    if !w.contains('-') {
        if s.w(i + 1) == "-" {
            let n = lexicon::number(w)?;
            let (unit, _) = lexicon::unit(s.w(i + 2))?;
            return Some((i + 3, Expr::Duration(unit.duration(Some(n)))));
        }
        return None;
    }
    let parts: Vec<&str> = w.splitn(4, '-').collect();
    match parts.as_slice() {
        [m, month] if matches!(*m, "mid" | "early" | "late") => {
            let month = lexicon::month(month)?;
            Some((i + 1, Expr::Month { year: None, month }))
        }
        [m, y] if matches!(*m, "mid" | "early" | "late") => {
            four_digit(y).map(|y| (i + 1, Expr::Year(y)))
        }
        [u, "long"] => {
            let (unit, plural) = lexicon::unit(u)?;
            let n = (!plural).then_some(1);
            Some((i + 1, Expr::Duration(unit.duration(n))))
        }
        // Ages ("6-year-old") are not times in TimeML; "three-quarters" is
        // a fraction.
        [_, _, "old"] | [_, _, _, "old"] | [_, "quarters"] => None,
        [n, u] | [n, u, "long"] => {
            let n = lexicon::number(n)?;
            let (unit, plural) = lexicon::unit(u)?;
            (!plural || n != 1).then_some((i + 1, Expr::Duration(unit.duration(Some(n)))))
        }
        [tens, ones, u] | [tens, ones, u, "long"] => {
            let n = lexicon::number(&format!("{tens}-{ones}"))?;
            let (unit, _) = lexicon::unit(u)?;
            Some((i + 1, Expr::Duration(unit.duration(Some(n)))))
        }
        _ => None,
    }
}

fn four_digit(w: &str) -> Option<i32> {
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
}

/// Words after which a capitalised "May" or "March" is the month.
fn before_month(w: &str) -> bool {
    matches!(
        w,
        "in" | "since"
            | "until"
            | "till"
            | "by"
            | "of"
            | "early"
            | "late"
            | "mid"
            | "last"
            | "next"
            | "this"
            | "from"
            | "through"
            | "to"
            | "before"
            | "after"
            | "during"
            | "between"
            | "and"
            | "or"
            | "on"
    )
}

/// The month named at `i`, with the index after it (and after the dot of
/// an abbreviation).
fn month_word(s: &Words, i: usize) -> Option<(usize, u32)> {
    let w = s.w(i);
    let month = lexicon::month(w)?;
    let abbreviated = lexicon::is_abbreviated_month(w);
    if abbreviated && !s.cap(i) {
        return None;
    }
    let end = if abbreviated && s.w(i + 1) == "." {
        i + 2
    } else {
        // "Jan" without a dot or a day is more often a name.
        if abbreviated && w.len() < 4 && day_number(s, i + 1).is_none() {
            return None;
        }
        i + 1
    };
    Some((end, month))
}

fn day_number(s: &Words, i: usize) -> Option<u32> {
    let w = s.w(i);
    let n = if s.num(i) && w.bytes().all(|b| b.is_ascii_digit()) && w.len() <= 2 {
        w.parse().ok()?
    } else {
        lexicon::ordinal(w).filter(|_| s.num(i))?
    };
    (1..=31).contains(&n).then_some(n)
}

/// "March 13", "March 13, 2025", "March 2025", "in March", "Sept. 30".
fn month_led(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let (k, month) = month_word(s, i)?;
    let ambiguous = matches!(s.w(i), "may" | "march");
    if let Some(day) = day_number(s, k) {
        // "March 13 , 2025" or "March 13 2025".
        let comma = usize::from(s.w(k + 1) == ",");
        if let Some(year) = four_digit_year(s, k + 1 + comma) {
            return Some((
                k + 2 + comma,
                Expr::Date {
                    year: Some(year),
                    month,
                    day,
                },
            ));
        }
        if ambiguous && !s.cap(i) {
            return None;
        }
        return Some((
            k + 1,
            Expr::Date {
                year: None,
                month,
                day,
            },
        ));
    }
    let comma = usize::from(s.w(k) == ",");
    if let Some(year) = four_digit_year(s, k + comma)
        && (!ambiguous || s.cap(i))
    {
        return Some((
            k + 1 + comma,
            Expr::Month {
                year: Some(year),
                month,
            },
        ));
    }
    if !s.cap(i) || (ambiguous && !(i > 0 && before_month(s.w(i - 1)))) {
        return None;
    }
    Some((k, Expr::Month { year: None, month }))
}

/// "13 March 2025", "13 March", "the 13th of March".
fn day_led(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let day = day_number(s, i)?;
    let k = if s.w(i + 1) == "of" { i + 2 } else { i + 1 };
    let (k, month) = month_word(s, k)?;
    if !s.cap(i + 1) && !s.cap(i + 2) {
        return None;
    }
    let comma = usize::from(s.w(k) == ",");
    if let Some(year) = four_digit_year(s, k + comma) {
        return Some((
            k + 1 + comma,
            Expr::Date {
                year: Some(year),
                month,
                day,
            },
        ));
    }
    Some((
        k,
        Expr::Date {
            year: None,
            month,
            day,
        },
    ))
}

/// "the year-ago quarter", "the year-earlier third quarter",
/// "year-earlier" (as in "year-earlier profit"), "the comparable year-ago
/// period"; "the 1988 quarter", "the 1988 third quarter", "the 1989
/// period": earnings reports name the period they compare with by its year.
fn year_before(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let mut k = i;
    if s.w(k) == "the" {
        k += 1;
    }
    if matches!(s.w(k), "comparable" | "corresponding" | "same") {
        k += 1;
    }
    let year = match s.w(k) {
        "year-ago" | "year-earlier" | "year-before" => None,
        _ => Some(four_digit_year(s, k)?),
    };
    let at = k;
    k += 1;
    let mut quarter = None;
    if let Some(n) = lexicon::ordinal(s.w(k)).filter(|n| (1..=4).contains(n))
        && s.w(k + 1) == "quarter"
    {
        quarter = Some(n);
        k += 1;
    } else if let Some((ord, "quarter")) = s.w(k).split_once('-')
        && let Some(n) = lexicon::ordinal(ord).filter(|n| (1..=4).contains(n))
    {
        // "the year-earlier third-quarter results".
        return Some((k + 1, Expr::YearBefore { quarter: Some(n) })).filter(|_| year.is_none());
    }
    let noun = matches!(s.w(k), "quarter" | "period");
    match (year, quarter, noun) {
        (Some(y), Some(n), _) => Some((
            k + 1,
            Expr::Quarter {
                n,
                year: Some(y),
                shift: Shift::Bare,
            },
        )),
        (Some(y), None, true) => Some((k + 1, Expr::PeriodOf(y))),
        (Some(_), None, false) => None,
        (None, quarter, true) => Some((k + 1, Expr::YearBefore { quarter })),
        // "year-earlier" before another noun is the word alone.
        (None, _, false) if at == i => Some((at + 1, Expr::YearBefore { quarter: None })),
        (None, _, false) => None,
    }
}

/// "the middle of October", "the end of March", "the week of March 6".
fn month_in(s: &Words, i: usize) -> Option<(usize, Expr)> {
    if s.w(i) != "the" || s.w(i + 2) != "of" {
        return None;
    }
    let (end, expr) = month_led(s, i + 3)?;
    match (s.w(i + 1), expr) {
        ("week", Expr::Date { year, month, day }) => Some((end, Expr::WeekOf { year, month, day })),
        ("middle" | "end" | "beginning" | "start", month @ Expr::Month { .. }) => {
            Some((end, month))
        }
        _ => None,
    }
}

/// The unit of an anaphoric period ("that day", "the following year").
fn anaphoric_unit(w: &str) -> Option<Unit> {
    Some(match w {
        "day" | "morning" | "afternoon" | "evening" | "night" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        "year" => Unit::Year,
        _ => return None,
    })
}

/// Periods that count from the last time told: "that day", "earlier that
/// year", "that same week", "the following month", "the previous year",
/// "the next day", "the previous Friday".
fn anaphoric(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let mut k = i;
    if matches!(s.w(k), "earlier" | "later") && s.w(k + 1) == "that" {
        k += 1;
    }
    if s.w(k) == "that" {
        k += 1;
        if s.w(k) == "same" {
            k += 1;
        }
        let unit = anaphoric_unit(s.w(k))?;
        // "that day" as a determiner phrase, not "that day care".
        if lexicon::unit(s.w(k + 1)).is_some() {
            return None;
        }
        return Some((k + 1, Expr::Anaphoric { unit, by: 0 }));
    }
    if s.w(k) != "the" {
        return None;
    }
    let by = match s.w(k + 1) {
        "following" | "next" => 1,
        "previous" | "preceding" => -1,
        _ => return None,
    };
    if let Some((day, false)) = lexicon::weekday(s.w(k + 2))
        && s.w(k + 2).len() >= 6
    {
        return Some((
            k + 3,
            Expr::AnaphoricWeekday {
                day,
                forward: by > 0,
            },
        ));
    }
    let unit = anaphoric_unit(s.w(k + 2))?;
    // "the next year" and "the next week" in news mostly look ahead from
    // the publication date; "the next day" and "the next morning" do not.
    if s.w(k + 1) == "next" && unit != Unit::Day {
        return None;
    }
    Some((k + 3, Expr::Anaphoric { unit, by }))
}

/// "last May", "next January": the month before or after the reference
/// by name.
fn shifted_month(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let shift = shift_word(s.w(i)).filter(|shift| *shift != Shift::This)?;
    if !s.cap(i + 1) {
        return None;
    }
    let (end, month) = month_word(s, i + 1)?;
    // "last Oct. 23" is a date, read as one.
    if day_number(s, end).is_some() {
        return None;
    }
    Some((end, Expr::ShiftedMonth { month, shift }))
}

fn shift_word(w: &str) -> Option<Shift> {
    Some(match w {
        "this" | "current" => Shift::This,
        "last" | "past" | "previous" => Shift::Last,
        "next" | "coming" => Shift::Next,
        _ => return None,
    })
}

/// "Thursday", "last Friday", "Sunday morning", "Friday, July 21, 2017".
fn weekday(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let (k, shift) = match shift_word(s.w(i)) {
        Some(shift) => (i + 1, shift),
        None => (i, Shift::Bare),
    };
    let w = s.w(k);
    let (day, plural) = lexicon::weekday(w)?;
    let full = w.len() >= 6;
    // "Sun" and "Wed" without their dot are names and verbs.
    if !full && (!s.cap(k) || s.w(k + 1) != ".") {
        return None;
    }
    let mut end = if !full && s.w(k + 1) == "." {
        k + 2
    } else {
        k + 1
    };
    if plural {
        return (shift == Shift::Bare).then(|| (end, Expr::Set(weekly(day))));
    }
    // "Friday, July 21, 2017": the date says which Friday.
    let comma = usize::from(s.w(end) == ",");
    if let Some((date_end, date @ Expr::Date { .. })) =
        month_led(s, end + comma).or_else(|| day_led(s, end + comma))
    {
        return Some((date_end, date));
    }
    let part = lexicon::part_of_day(s.w(end));
    if part.is_some() {
        end += 1;
    }
    Some((end, Expr::Weekday { day, shift, part }))
}

fn weekly(day: Weekday) -> String {
    format!("XXXX-WXX-{}", day.number_from_monday())
}

/// "yesterday", "today", "tomorrow", "tonight", "this morning", "last
/// night", "yesterday afternoon".
fn named_day(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let (days, part, end) = match (s.w(i), s.w(i + 1)) {
        ("yesterday", _) => (-1, None, i + 1),
        ("today", _) => (0, None, i + 1),
        ("tomorrow", _) => (1, None, i + 1),
        ("tonight", _) => (0, Some(lexicon::PartOfDay::Night), i + 1),
        ("this", p) => (0, Some(lexicon::part_of_day(p)?), i + 2),
        ("last", "night") => (-1, Some(lexicon::PartOfDay::Night), i + 2),
        _ => return None,
    };
    if part.is_none()
        && let Some(p) = lexicon::part_of_day(s.w(end))
    {
        return Some((
            end + 1,
            Expr::DayOffset {
                days,
                part: Some(p),
            },
        ));
    }
    Some((end, Expr::DayOffset { days, part }))
}

/// "last week", "earlier this month", "later this year", "the weekend",
/// "this summer", "the end of the year", "fiscal 2024".
fn relative(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let mut k = i;
    let mut part = Part::Whole;
    match (s.w(k), s.w(k + 1), s.w(k + 2)) {
        ("earlier", ..) => (part, k) = (Part::Earlier, k + 1),
        ("later", ..) => (part, k) = (Part::Later, k + 1),
        ("early", ..) => (part, k) = (Part::Early, k + 1),
        ("late" | "mid", ..) => (part, k) = (Part::Late, k + 1),
        ("the", "end" | "close", "of") => (part, k) = (Part::Late, k + 3),
        ("the", "beginning" | "start", "of") => (part, k) = (Part::Early, k + 3),
        ("year-end" | "year-earlier", ..) => return None,
        _ => {}
    }
    if s.w(k) == "fiscal" {
        let y = four_digit_year(s, k + 1)?;
        return Some((k + 2, Expr::Year(y)));
    }
    let (shift, at) = match (s.w(k), s.w(k + 1)) {
        ("this", "past") => (Shift::Last, k + 2),
        ("the", "weekend") => (Shift::Bare, k + 1),
        ("the", "year" | "month" | "week") if part == Part::Late || part == Part::Early => {
            (Shift::This, k + 1)
        }
        ("weekend", _) if k == i && s.w(i.wrapping_sub(1)) == "over" => (Shift::Bare, k),
        (w, _) => (shift_word(w)?, k + 1),
    };
    let w = s.w(at);
    if let Some(season) = lexicon::season(w) {
        return Some((
            at + 1,
            Expr::Season {
                season,
                year: None,
                shift,
            },
        ));
    }
    let (unit, plural) = lexicon::unit(w)?;
    if plural || matches!(unit, Unit::Second | Unit::Minute | Unit::Hour | Unit::Day) {
        return None;
    }
    if part != Part::Whole && at == k + 1 && shift == Shift::Bare && unit != Unit::Weekend {
        return None;
    }
    Some((at + 1, Expr::Relative { unit, shift, part }))
}

/// "every Monday", "each year", "weekly", "daily".
fn set(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let value = match s.w(i) {
        "hourly" => "PT1H".to_string(),
        "daily" => "P1D".to_string(),
        "weekly" => "P1W".to_string(),
        "monthly" => "P1M".to_string(),
        "annually" | "yearly" => "P1Y".to_string(),
        "every" | "each" => {
            let w = s.w(i + 1);
            if let Some((day, false)) = lexicon::weekday(w) {
                return Some((i + 2, Expr::Set(weekly(day))));
            }
            let (unit, false) = lexicon::unit(w)? else {
                return None;
            };
            return Some((i + 2, Expr::Set(unit.duration(Some(1)))));
        }
        _ => return None,
    };
    Some((i + 1, Expr::Set(value)))
}

/// US holidays that news dates things by.
fn holiday(s: &Words, i: usize) -> Option<(usize, Expr)> {
    if !s.cap(i) {
        return None;
    }
    let day_word = |k: usize| usize::from(s.w(k) == "day");
    let (len, month, day) = match (s.w(i), s.w(i + 1), s.w(i + 2)) {
        ("christmas", "eve", _) => (2, 12, HolidayDay::Fixed(24)),
        ("christmas", ..) => (1 + day_word(i + 1), 12, HolidayDay::Fixed(25)),
        ("new", "year", "eve") => (3, 12, HolidayDay::Fixed(31)),
        ("new", "year", "day") => (3, 1, HolidayDay::Fixed(1)),
        ("halloween", ..) => (1, 10, HolidayDay::Fixed(31)),
        ("valentine", "day", _) => (2, 2, HolidayDay::Fixed(14)),
        ("independence", "day", _) => (2, 7, HolidayDay::Fixed(4)),
        ("thanksgiving", ..) => (1 + day_word(i + 1), 11, HolidayDay::Nth(Weekday::Thu, 4)),
        ("memorial", "day", _) => (2, 5, HolidayDay::Nth(Weekday::Mon, -1)),
        ("labor", "day", _) => (2, 9, HolidayDay::Nth(Weekday::Mon, 1)),
        _ => return None,
    };
    Some((i + len, Expr::Holiday { month, day }))
}

/// A year on its own: "2024", "in 1990", "nineteen ninety-six".
fn year(s: &Words, i: usize) -> Option<(usize, Expr)> {
    let century = match s.w(i) {
        "nineteen" => Some(1900),
        "twenty" => Some(2000),
        _ => None,
    };
    if let Some(century) = century {
        let n = lexicon::number(s.w(i + 1)).filter(|n| (10..100).contains(n))?;
        return Some((i + 2, Expr::Year(century + i32::try_from(n).ok()?)));
    }
    let y = four_digit_year(s, i)?;
    let prev = if i > 0 { s.w(i - 1) } else { "" };
    if matches!(prev, "$" | "€" | "£" | "no" | "#" | "number") || s.w(i + 1) == "%" {
        return None;
    }
    // Counts of things ("1500 troops") are rarely in this range; plain
    // years that are far from any reference are still years.
    Some((i + 1, Expr::Year(y)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_text(text: &str) -> Vec<(String, Expr)> {
        let raw: Vec<&str> = text.split_whitespace().collect();
        let lower: Vec<String> = raw.iter().map(|w| w.to_lowercase()).collect();
        let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
        let capital: Vec<bool> = raw
            .iter()
            .map(|w| w.chars().next().is_some_and(char::is_uppercase))
            .collect();
        let numeric: Vec<bool> = raw
            .iter()
            .map(|w| w.starts_with(|c: char| c.is_ascii_digit()) && !w.contains('-'))
            .collect();
        let words = Words {
            lower: &lower,
            capital: &capital,
            numeric: &numeric,
        };
        scan(&words)
            .into_iter()
            .map(|m| (raw[m.start..m.end].join(" "), m.expr))
            .collect()
    }

    #[test]
    fn extents_leave_prepositions_out() {
        let found = scan_text("Witkoff met Putin on Thursday and will return in March");
        let texts: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["Thursday", "March"]);
    }

    #[test]
    fn may_the_verb_is_not_a_month() {
        assert!(scan_text("He may resign").is_empty());
        assert_eq!(scan_text("since May").len(), 1);
        assert_eq!(
            scan_text("May 3 , 2024")[0].1,
            Expr::Date {
                year: Some(2024),
                month: 5,
                day: 3
            }
        );
    }

    #[test]
    fn weekday_with_its_date() {
        let found = scan_text("Friday , July 21 , 2017 A group");
        assert_eq!(found[0].0, "Friday , July 21 , 2017");
    }

    #[test]
    fn amounts() {
        let found = scan_text("two days ago for five years a 30-day truce hours-long talks");
        let exprs: Vec<&Expr> = found.iter().map(|(_, e)| e).collect();
        assert_eq!(
            exprs,
            [
                &Expr::Offset {
                    n: Some(2),
                    unit: Unit::Day,
                    forward: false,
                    anaphoric: false
                },
                &Expr::Duration("P5Y".into()),
                &Expr::Duration("P30D".into()),
                &Expr::Duration("PTXH".into()),
            ]
        );
    }
}
