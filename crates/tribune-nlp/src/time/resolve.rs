//! From what an expression says to the dates it means, given the
//! publication date and the tense of its clause.

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};

use super::expr::{Expr, HolidayDay, Part, Shift, Vague};
use super::lexicon::{PartOfDay, Season, Unit};
use super::tense::Tense;
use super::{Granularity, Resolved};

/// How far a yearless date may lie on the wrong side of the reference
/// before the tense moves it to the neighbouring year ("said Dec. 20" in a
/// January article). Past clauses often name a date ahead ("subpoenaed to
/// testify on Feb. 10"), so the slack is months, not days.
const YEAR_SLACK_DAYS: i64 = 120;
/// How far a yearless date may lie from the reference in a clause of
/// unknown tense before the nearer year is taken.
const FAR_DAYS: i64 = 240;

/// What `expr` means against `reference`; `None` when it needs a
/// reference that is missing or names no real date.
pub(super) fn resolve(expr: &Expr, reference: Option<NaiveDate>, tense: Tense) -> Option<Resolved> {
    match expr {
        Expr::Duration(value) => Some(unanchored(Granularity::Duration, value)),
        Expr::Set(value) => Some(unanchored(Granularity::Set, value)),
        Expr::Vague(v) => Some(vague(*v, reference)),
        Expr::Year(y) => year(*y),
        Expr::Decade(y) => span(
            Granularity::Decade,
            ymd(*y, 1, 1)?,
            ymd(y.checked_add(9)?, 12, 31)?,
            format!("{}", y.div_euclid(10)),
        ),
        Expr::Century(n) => {
            let first = n.checked_sub(1)?.checked_mul(100)?;
            span(
                Granularity::Decade,
                ymd(first, 1, 1)?,
                ymd(first.checked_add(99)?, 12, 31)?,
                format!("{:02}", n - 1),
            )
        }
        Expr::Date { year, month, day } => {
            let year = match year {
                Some(y) => *y,
                None => yearless(reference?, tense, |y| ymd(y, *month, *day))?,
            };
            self::day(ymd(year, *month, *day)?)
        }
        Expr::Month { year, month } => {
            let year = match year {
                Some(y) => *y,
                None => yearless(reference?, tense, |y| ymd(y, *month, 15))?,
            };
            self::month(year, *month)
        }
        Expr::Holiday { month, day } => {
            let r = reference?;
            let date = |y: i32| holiday(y, *month, *day);
            self::day(date(yearless(r, tense, date)?)?)
        }
        Expr::Quarter { n, year, .. } => {
            let year = match year {
                Some(y) => *y,
                None => {
                    let r = reference?;
                    let start_month = if *n > 4 {
                        (*n - 5) * 6 + 1
                    } else {
                        (*n - 1) * 3 + 1
                    };
                    let starts_later = ymd(r.year(), start_month, 1)? > r;
                    if starts_later && tense == Tense::Past {
                        r.year() - 1
                    } else {
                        r.year()
                    }
                }
            };
            quarter(year, *n)
        }
        Expr::Season {
            season,
            year,
            shift,
        } => self::season(*season, *year, *shift, reference?),
        Expr::Weekday { day, shift, part } => {
            let date = weekday(reference?, *day, *shift, tense)?;
            on_day(date, *part)
        }
        Expr::DayOffset { days, part } => on_day(
            reference?.checked_add_signed(TimeDelta::try_days(*days)?)?,
            *part,
        ),
        Expr::Relative { unit, shift, part } => relative(reference?, *unit, *shift, *part, tense),
        Expr::Offset {
            n, unit, forward, ..
        } => offset(reference?, *n, *unit, *forward, tense),
        Expr::Anaphoric { unit, by } => offset_by(reference?, *unit, *by),
        Expr::AnaphoricWeekday { day, forward } => {
            let shift = if *forward { Shift::Next } else { Shift::Last };
            self::day(weekday(reference?, *day, shift, tense)?)
        }
        Expr::YearBefore { quarter } => {
            let y = reference?.year().checked_sub(1)?;
            match quarter {
                Some(n) => self::quarter(y, *n),
                None => year(y),
            }
        }
        Expr::PeriodOf(y) => year(*y),
        Expr::ShiftedMonth { month, shift } => {
            let r = reference?;
            let ahead = i64::from(*month) - i64::from(r.month());
            // "last May" is the May of the year before unless it is at
            // least two months back this year: the month just ended is
            // "last month", not its name.
            let year = match shift {
                Shift::Last if ahead <= -2 => r.year(),
                Shift::Last => r.year().checked_sub(1)?,
                Shift::Next if ahead >= 2 => r.year(),
                Shift::Next => r.year().checked_add(1)?,
                Shift::This | Shift::Bare => r.year(),
            };
            self::month(year, *month)
        }
        Expr::WeekOf { year, month, day } => {
            let year = match year {
                Some(y) => *y,
                None => yearless(reference?, tense, |y| ymd(y, *month, *day))?,
            };
            let d = ymd(year, *month, *day)?;
            week(week_start(d, false)?, Part::Whole, d)
        }
        Expr::Clock { hour, minute } => {
            let r = reference?;
            Some(Resolved {
                granularity: Granularity::PartOfDay,
                start: Some(r),
                end: Some(r),
                value: format!("{}T{hour:02}:{minute:02}", r.format("%Y-%m-%d")),
            })
        }
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    d.checked_add_signed(TimeDelta::try_days(n)?)
}

fn holiday(y: i32, month: u32, day: HolidayDay) -> Option<NaiveDate> {
    match day {
        HolidayDay::Fixed(d) => ymd(y, month, d),
        HolidayDay::Nth(weekday, n) if n > 0 => {
            NaiveDate::from_weekday_of_month_opt(y, month, weekday, u8::try_from(n).ok()?)
        }
        HolidayDay::Nth(weekday, _) => {
            let last = month_end(y, month)?;
            let back =
                (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
            add_days(last, -i64::from(back))
        }
    }
}

fn unanchored(granularity: Granularity, value: &str) -> Resolved {
    Resolved {
        granularity,
        start: None,
        end: None,
        value: value.to_string(),
    }
}

fn span(
    granularity: Granularity,
    start: NaiveDate,
    end: NaiveDate,
    value: String,
) -> Option<Resolved> {
    Some(Resolved {
        granularity,
        start: Some(start),
        end: Some(end),
        value,
    })
}

fn vague(v: Vague, reference: Option<NaiveDate>) -> Resolved {
    let (granularity, start, end, value) = match v {
        Vague::Present => (Granularity::Present, reference, reference, "PRESENT_REF"),
        Vague::Past => (
            Granularity::VaguePast,
            None,
            reference.and_then(|r| add_days(r, -1)),
            "PAST_REF",
        ),
        Vague::Future => (
            Granularity::VagueFuture,
            reference.and_then(|r| add_days(r, 1)),
            None,
            "FUTURE_REF",
        ),
    };
    Resolved {
        granularity,
        start,
        end,
        value: value.to_string(),
    }
}

fn day(d: NaiveDate) -> Option<Resolved> {
    span(Granularity::Day, d, d, d.format("%Y-%m-%d").to_string())
}

fn on_day(d: NaiveDate, part: Option<PartOfDay>) -> Option<Resolved> {
    match part {
        None => day(d),
        Some(p) => span(
            Granularity::PartOfDay,
            d,
            d,
            format!("{}T{}", d.format("%Y-%m-%d"), p.code()),
        ),
    }
}

fn year(y: i32) -> Option<Resolved> {
    span(
        Granularity::Year,
        ymd(y, 1, 1)?,
        ymd(y, 12, 31)?,
        format!("{y:04}"),
    )
}

fn month_end(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 {
        (y.checked_add(1)?, 1)
    } else {
        (y, m + 1)
    };
    ymd(ny, nm, 1)?.pred_opt()
}

fn month(y: i32, m: u32) -> Option<Resolved> {
    span(
        Granularity::Month,
        ymd(y, m, 1)?,
        month_end(y, m)?,
        format!("{y:04}-{m:02}"),
    )
}

/// Quarters 1 to 4, halves as 5 and 6.
pub(super) fn quarter(y: i32, n: u32) -> Option<Resolved> {
    let (first, months, label) = match n {
        1..=4 => ((n - 1) * 3 + 1, 3, format!("Q{n}")),
        5 | 6 => ((n - 5) * 6 + 1, 6, format!("H{}", n - 4)),
        _ => return None,
    };
    span(
        Granularity::Quarter,
        ymd(y, first, 1)?,
        month_end(y, first + months - 1)?,
        format!("{y:04}-{label}"),
    )
}

/// The year of a yearless date: the reference's, unless the tense and a
/// distance of more than a month put it in the year before or after.
fn yearless(r: NaiveDate, tense: Tense, date: impl Fn(i32) -> Option<NaiveDate>) -> Option<i32> {
    let y = r.year();
    let this = date(y)?;
    let days = (this - r).num_days();
    Some(match tense {
        Tense::Past if days > YEAR_SLACK_DAYS => y - 1,
        Tense::Future if days < -YEAR_SLACK_DAYS => y + 1,
        Tense::Unknown if days > FAR_DAYS => y - 1,
        Tense::Unknown if days < -FAR_DAYS => y + 1,
        _ => y,
    })
}

/// The weekday meant: the reference day when it names it, else the one
/// before or after by modifier or tense; news tells mostly of the past.
fn weekday(r: NaiveDate, day: Weekday, shift: Shift, tense: Tense) -> Option<NaiveDate> {
    let ahead =
        i64::from((7 + day.num_days_from_monday() - r.weekday().num_days_from_monday()) % 7);
    let forward = match shift {
        Shift::Last => false,
        Shift::Next => true,
        Shift::Bare | Shift::This if ahead == 0 => return Some(r),
        Shift::Bare => tense == Tense::Future,
        Shift::This => tense != Tense::Past,
    };
    if forward {
        add_days(r, if ahead == 0 { 7 } else { ahead })
    } else {
        add_days(r, if ahead == 0 { -7 } else { ahead - 7 })
    }
}

/// The first day of the week holding `d`. Weeks run Monday to Sunday,
/// except that a Sunday paper's "this week" is the one it opens and its
/// "last week" the one that just ended: weeks seen from a Sunday run
/// Sunday to Saturday.
fn week_start(d: NaiveDate, sunday_weeks: bool) -> Option<NaiveDate> {
    let back = if sunday_weeks {
        d.weekday().num_days_from_sunday()
    } else {
        d.weekday().num_days_from_monday()
    };
    add_days(d, -i64::from(back))
}

fn week(start: NaiveDate, part: Part, r: NaiveDate) -> Option<Resolved> {
    let end = add_days(start, 6)?;
    // The ISO week is the one of its Monday, which a Sunday-to-Saturday
    // week holds on its second day.
    let monday = if start.weekday() == Weekday::Sun {
        add_days(start, 1)?
    } else {
        start
    };
    let iso = monday.iso_week();
    let value = format!("{:04}-W{:02}", iso.year(), iso.week());
    let (start, end) = narrow(start, end, part, r)?;
    span(Granularity::Week, start, end, value)
}

/// The part of `start..=end` that "earlier", "later", "early" or "late"
/// leave.
fn narrow(
    start: NaiveDate,
    end: NaiveDate,
    part: Part,
    r: NaiveDate,
) -> Option<(NaiveDate, NaiveDate)> {
    let length = (end - start).num_days();
    Some(match part {
        Part::Whole => (start, end),
        Part::Earlier if start < r && r <= end => (start, add_days(r, -1)?),
        Part::Later if start <= r && r < end => (add_days(r, 1)?, end),
        Part::Earlier | Part::Later => (start, end),
        Part::Early => (start, add_days(start, length / 3)?),
        Part::Late => (add_days(end, -(length / 3))?, end),
    })
}

fn with_part(mut resolved: Resolved, part: Part, r: NaiveDate) -> Option<Resolved> {
    let (start, end) = narrow(resolved.start?, resolved.end?, part, r)?;
    resolved.start = Some(start);
    resolved.end = Some(end);
    Some(resolved)
}

fn shift_months(y: i32, m: u32, by: i64) -> Option<(i32, u32)> {
    let index = i64::from(y).checked_mul(12)? + i64::from(m) - 1 + by;
    let y = i32::try_from(index.div_euclid(12)).ok()?;
    let m = u32::try_from(index.rem_euclid(12)).ok()? + 1;
    Some((y, m))
}

fn step(shift: Shift) -> i64 {
    match shift {
        Shift::Last => -1,
        Shift::Next => 1,
        Shift::This | Shift::Bare => 0,
    }
}

fn relative(r: NaiveDate, unit: Unit, shift: Shift, part: Part, tense: Tense) -> Option<Resolved> {
    let by = step(shift);
    match unit {
        Unit::Week => {
            let start = add_days(week_start(r, r.weekday() == Weekday::Sun)?, 7 * by)?;
            week(start, part, r)
        }
        Unit::Weekend => weekend(r, shift, tense),
        Unit::Month => {
            let (y, m) = shift_months(r.year(), r.month(), by)?;
            with_part(month(y, m)?, part, r)
        }
        Unit::Quarter => {
            let (y, m) = shift_months(r.year(), r.month0() / 3 * 3 + 1, 3 * by)?;
            with_part(quarter(y, (m - 1) / 3 + 1)?, part, r)
        }
        Unit::Year => with_part(
            year(r.year().checked_add(i32::try_from(by).ok()?)?)?,
            part,
            r,
        ),
        Unit::Decade => {
            let first = r.year().div_euclid(10) * 10 + 10 * i32::try_from(by).ok()?;
            resolve(&Expr::Decade(first), Some(r), tense)
        }
        Unit::Century => {
            let n = r.year().div_euclid(100) + 1 + i32::try_from(by).ok()?;
            resolve(&Expr::Century(n), Some(r), tense)
        }
        Unit::Second | Unit::Minute | Unit::Hour | Unit::Day => None,
    }
}

/// Saturday and Sunday: on a weekend day "this weekend" is the one under
/// way; on a weekday the tense picks the one before or after.
fn weekend(r: NaiveDate, shift: Shift, tense: Tense) -> Option<Resolved> {
    let since_saturday = i64::from((r.weekday().num_days_from_monday() + 2) % 7);
    let on_weekend = since_saturday <= 1;
    let last_saturday = add_days(r, -since_saturday)?;
    let saturday = match shift {
        Shift::Last if on_weekend => add_days(last_saturday, -7)?,
        Shift::Last => last_saturday,
        Shift::Next => add_days(last_saturday, 7)?,
        _ if on_weekend || tense == Tense::Past => last_saturday,
        _ => add_days(last_saturday, 7)?,
    };
    let iso = saturday.iso_week();
    span(
        Granularity::Week,
        saturday,
        add_days(saturday, 1)?,
        format!("{:04}-W{:02}-WE", iso.year(), iso.week()),
    )
}

fn season(season: Season, year: Option<i32>, shift: Shift, r: NaiveDate) -> Option<Resolved> {
    let interval = |y: i32| -> Option<(NaiveDate, NaiveDate)> {
        let first = season.first_month();
        let (ey, em) = shift_months(y, first, 2)?;
        Some((ymd(y, first, 1)?, month_end(ey, em)?))
    };
    let y = match year {
        Some(y) => y,
        None => {
            let here = if season == Season::Winter && r.month() <= 2 {
                r.year() - 1
            } else {
                r.year()
            };
            let (start, end) = interval(here)?;
            match shift {
                Shift::Last if end >= r => here - 1,
                Shift::Next if start <= r => here + 1,
                _ => here,
            }
        }
    };
    let (start, end) = interval(y)?;
    span(
        Granularity::Quarter,
        start,
        end,
        format!("{y:04}-{}", season.code()),
    )
}

/// "two days ago", "in three weeks": the period that many units away, at
/// the unit's own granularity. An unspecified amount ("years ago") is only
/// a direction.
fn offset(
    r: NaiveDate,
    n: Option<u32>,
    unit: Unit,
    forward: bool,
    tense: Tense,
) -> Option<Resolved> {
    // "in two weeks" in a past clause is how long something took, and so
    // TimeML reads "three days later" there.
    if forward && tense == Tense::Past {
        return Some(unanchored(Granularity::Duration, &unit.duration(n)));
    }
    let Some(n) = n else {
        return Some(vague(
            if forward { Vague::Future } else { Vague::Past },
            Some(r),
        ));
    };
    offset_by(r, unit, i64::from(n) * if forward { 1 } else { -1 })
}

/// The period `n` units from `r`, at the unit's own granularity.
fn offset_by(r: NaiveDate, unit: Unit, n: i64) -> Option<Resolved> {
    match unit {
        Unit::Second | Unit::Minute => day(r),
        Unit::Hour => day(add_days(r, n.div_euclid(24).max(-(i64::from(i32::MAX))))?),
        Unit::Day => day(add_days(r, n)?),
        Unit::Week | Unit::Weekend => {
            let d = add_days(r, n.checked_mul(7)?)?;
            week(week_start(d, false)?, Part::Whole, r)
        }
        Unit::Month => {
            let (y, m) = shift_months(r.year(), r.month(), n)?;
            month(y, m)
        }
        Unit::Quarter => {
            let (y, m) = shift_months(r.year(), r.month0() / 3 * 3 + 1, n.checked_mul(3)?)?;
            quarter(y, (m - 1) / 3 + 1)
        }
        Unit::Year => year(r.year().checked_add(i32::try_from(n).ok()?)?),
        Unit::Decade => year(
            r.year()
                .checked_add(i32::try_from(n.checked_mul(10)?).ok()?)?,
        ),
        Unit::Century => year(
            r.year()
                .checked_add(i32::try_from(n.checked_mul(100)?).ok()?)?,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn weekdays_follow_the_tense() {
        let sunday = date("2025-03-16");
        assert_eq!(
            weekday(sunday, Weekday::Thu, Shift::Bare, Tense::Past),
            Some(date("2025-03-13"))
        );
        assert_eq!(
            weekday(sunday, Weekday::Thu, Shift::Bare, Tense::Future),
            Some(date("2025-03-20"))
        );
        assert_eq!(
            weekday(sunday, Weekday::Sun, Shift::Bare, Tense::Past),
            Some(sunday)
        );
        assert_eq!(
            weekday(sunday, Weekday::Sun, Shift::Last, Tense::Unknown),
            Some(date("2025-03-09"))
        );
    }

    #[test]
    fn weeks_seen_from_a_weekday_start_on_monday() {
        let tuesday = date("2017-07-18");
        let last = relative(tuesday, Unit::Week, Shift::Last, Part::Whole, Tense::Past);
        assert_eq!(
            last.as_ref().and_then(|r| r.start),
            Some(date("2017-07-10"))
        );
        assert_eq!(last.map(|r| r.value), Some("2017-W28".to_string()));
    }

    #[test]
    fn seasons_and_quarters() {
        let r = date("2023-02-23");
        let last_summer = season(Season::Summer, None, Shift::Last, r);
        assert_eq!(last_summer.map(|r| r.value), Some("2022-SU".to_string()));
        let q = resolve(
            &Expr::Quarter {
                n: 4,
                year: None,
                shift: Shift::Bare,
            },
            Some(r),
            Tense::Past,
        );
        assert_eq!(q.map(|r| r.value), Some("2022-Q4".to_string()));
    }

    #[test]
    fn holidays_fall_on_their_rule() {
        let thanksgiving = holiday(1999, 11, HolidayDay::Nth(Weekday::Thu, 4));
        assert_eq!(thanksgiving, Some(date("1999-11-25")));
        let memorial = holiday(2025, 5, HolidayDay::Nth(Weekday::Mon, -1));
        assert_eq!(memorial, Some(date("2025-05-26")));
    }

    #[test]
    fn out_of_range_is_none_not_a_panic() {
        let r = date("2025-03-16");
        assert!(offset(r, Some(u32::MAX), Unit::Century, false, Tense::Past).is_none());
        assert!(
            resolve(
                &Expr::Date {
                    year: Some(2025),
                    month: 2,
                    day: 30
                },
                Some(r),
                Tense::Past
            )
            .is_none()
        );
    }
}
