//! What the scanner read, before any reference date is applied.

use chrono::Weekday;

use super::lexicon::{PartOfDay, Season, Unit};

/// Which occurrence of a named day or period is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shift {
    /// No modifier ("on Friday"): the tense of the clause decides.
    Bare,
    /// "this", "current".
    This,
    /// "last", "past", "previous".
    Last,
    /// "next", "coming".
    Next,
}

/// A narrowing of a period to its part before or after the reference
/// ("earlier this month", "later this year") or to its start or end
/// ("early next year").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Whole,
    Earlier,
    Later,
    Early,
    Late,
}

/// A vague reference to the past, present or future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Vague {
    Past,
    Present,
    Future,
}

/// The meaning of one expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    /// A calendar date; the year is missing in "March 13".
    Date {
        year: Option<i32>,
        month: u32,
        day: u32,
    },
    /// A month, with or without its year.
    Month { year: Option<i32>, month: u32 },
    /// A year ("2024", "fiscal 1989").
    Year(i32),
    /// A decade by its first year ("the 1990s").
    Decade(i32),
    /// A century by its number ("the 20th century").
    Century(i32),
    /// A quarter (1 to 4) or a half (5, 6) of a year given or implied.
    Quarter {
        n: u32,
        year: Option<i32>,
        shift: Shift,
    },
    /// A season.
    Season {
        season: Season,
        year: Option<i32>,
        shift: Shift,
    },
    /// A named weekday, maybe with a part of the day.
    Weekday {
        day: Weekday,
        shift: Shift,
        part: Option<PartOfDay>,
    },
    /// A day counted from the reference ("yesterday" is -1), maybe with a
    /// part of the day ("tonight").
    DayOffset { days: i64, part: Option<PartOfDay> },
    /// A week, month, year, quarter or weekend named from the reference
    /// ("last week", "earlier this month", "the weekend").
    Relative {
        unit: Unit,
        shift: Shift,
        part: Part,
    },
    /// So many units before or after the reference ("two days ago", "in
    /// two weeks"); `None` is "a few", "several". Anaphoric offsets ("a
    /// year earlier", "two days later") count from the last time told,
    /// not from the publication date.
    Offset {
        n: Option<u32>,
        unit: Unit,
        forward: bool,
        anaphoric: bool,
    },
    /// A period counted from the last time told: "that day" (0), "the
    /// following year" (1), "the previous month" (-1).
    Anaphoric { unit: Unit, by: i64 },
    /// The named weekday just before or after the last day told ("the
    /// previous Friday").
    AnaphoricWeekday { day: Weekday, forward: bool },
    /// The same period a year before the one reported on ("the year-ago
    /// quarter", "year-earlier"), maybe with its quarter named.
    YearBefore { quarter: Option<u32> },
    /// The period reported on, in the year named ("the 1988 period").
    PeriodOf(i32),
    /// A month named with "last", "next" or "this" ("last May").
    ShiftedMonth { month: u32, shift: Shift },
    /// The week holding a date ("the week of March 6").
    WeekOf {
        year: Option<i32>,
        month: u32,
        day: u32,
    },
    /// A time of day on the reference day or a named one.
    Clock { hour: u32, minute: u32 },
    /// A length of time, already in TIMEX3 notation ("P30D").
    Duration(String),
    /// A repeated time, already in TIMEX3 notation ("XXXX-WXX-1", "P1W").
    Set(String),
    /// A holiday, by its month and day rule ("Thanksgiving").
    Holiday { month: u32, day: HolidayDay },
    /// "recently", "now", "soon".
    Vague(Vague),
}

impl Expr {
    /// Whether the expression counts from the last time the text told of
    /// rather than from the publication date.
    pub(super) fn anaphoric(&self) -> bool {
        matches!(
            self,
            Expr::Offset {
                anaphoric: true,
                ..
            } | Expr::Anaphoric { .. }
                | Expr::AnaphoricWeekday { .. }
        )
    }
}

/// Which day of its month a holiday falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HolidayDay {
    /// Always the same day ("Christmas").
    Fixed(u32),
    /// The n-th such weekday; -1 is the last ("Memorial Day").
    Nth(Weekday, i8),
}
