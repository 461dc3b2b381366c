//! Time expressions ("on Thursday", "last month", "this week", "30-day")
//! found in the text and resolved against the article's publication date
//! into intervals with a granularity.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod expr;
mod find;
mod lexicon;
mod resolve;
mod tense;

use crate::Span;
use crate::text::{Sentence, TokenKind, tokens_in};
use expr::Expr;
use lexicon::Unit;

/// How precise a resolved time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// A part of a day ("Sunday morning").
    PartOfDay,
    /// A day.
    Day,
    /// A week (Monday to Sunday, or as news usage has it).
    Week,
    /// A month.
    Month,
    /// A quarter or a season.
    Quarter,
    /// A year.
    Year,
    /// A decade or longer.
    Decade,
    /// Some time after the reference ("in the coming weeks").
    VagueFuture,
    /// Some time before it ("recently").
    VaguePast,
    /// The reference time itself ("now", "currently").
    Present,
    /// A length of time, not a point ("30-day", "three years").
    Duration,
    /// A repeated time ("every Monday").
    Set,
}

/// A time expression resolved to dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    /// How precise it is.
    pub granularity: Granularity,
    /// The first day of the interval, when it is a point in time.
    pub start: Option<NaiveDate>,
    /// The last day of the interval (inclusive).
    pub end: Option<NaiveDate>,
    /// The value in TIMEX3 notation: "2025-03-13", "2025-W11", "2025-03",
    /// "2025-03-16TMO", "FUTURE_REF", "P30D"...
    pub value: String,
}

/// One time expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExpression {
    /// Where it is.
    pub span: Span,
    /// What it means, when it could be resolved.
    pub resolved: Option<Resolved>,
}

/// The time expressions of `text`, resolved against `reference` (the
/// publication date) when there is one. Sentences bound the clause whose
/// tense picks the Friday before or after; without any, the text is read
/// as one.
pub fn find(
    text: &str,
    sentences: &[Sentence],
    reference: Option<NaiveDate>,
) -> Vec<TimeExpression> {
    let whole = [Sentence {
        span: Span::new(0, text.len()),
        paragraph: 0,
    }];
    let sentences = if sentences.is_empty() {
        &whole[..]
    } else {
        sentences
    };
    let mut out = Vec::new();
    let mut context = Context::default();
    for sentence in sentences {
        in_sentence(text, sentence.span, reference, &mut context, &mut out);
        context.sentence += 1;
        context.quarter_here = None;
    }
    out
}

/// How many sentences on from a quarter named "a year ago" still means
/// that quarter a year before: earnings reports name the quarter once and
/// compare with it for a paragraph.
const QUARTER_REACH: usize = 3;

/// What the text has told so far, for the expressions that count from it.
#[derive(Default)]
struct Context {
    /// The index of the sentence being read.
    sentence: usize,
    /// The quarter reported on, as (year, 1 to 4): the first one named, as
    /// a report leads with its own; the sentence a quarter was last named
    /// in; and the last one named in the current sentence.
    quarter: Option<(i32, u32)>,
    quarter_named: Option<usize>,
    quarter_here: Option<(i32, u32)>,
    /// The last time told: its first day and how precise it was.
    anchor: Option<(NaiveDate, Granularity)>,
}

impl Context {
    /// The quarter that frames a comparison with a year before: the one
    /// named earlier in the sentence, else the one reported on. "A year
    /// ago" needs quarters close by; "the year-ago period" says it is one.
    fn framing_quarter(&self, about_quarters: bool, period: bool) -> Option<(i32, u32)> {
        let close = about_quarters
            || self
                .quarter_named
                .is_some_and(|at| self.sentence.saturating_sub(at) <= QUARTER_REACH);
        if !close && !period {
            return None;
        }
        self.quarter_here.or(self.quarter)
    }

    /// The date an anaphoric expression of `unit` counts from: the last
    /// time told when it is at least as precise as the unit ("the next
    /// day" needs a day), else none.
    fn anchor_for(&self, unit: Unit) -> Option<NaiveDate> {
        let (date, granularity) = self.anchor?;
        let rank = |g: Granularity| match g {
            Granularity::PartOfDay | Granularity::Day => 0,
            Granularity::Week => 1,
            Granularity::Month => 2,
            Granularity::Quarter | Granularity::Year => 3,
            _ => 4,
        };
        let needed = match unit {
            Unit::Second | Unit::Minute | Unit::Hour | Unit::Day => 0,
            Unit::Week | Unit::Weekend => 1,
            Unit::Month => 2,
            Unit::Quarter | Unit::Year | Unit::Decade | Unit::Century => 3,
        };
        (rank(granularity) <= needed).then_some(date)
    }
}

/// The unit an anaphoric expression counts in.
fn anaphoric_unit(e: &Expr) -> Option<Unit> {
    match e {
        Expr::Offset { unit, .. } | Expr::Anaphoric { unit, .. } => Some(*unit),
        Expr::AnaphoricWeekday { .. } | Expr::Clock { .. } => Some(Unit::Day),
        _ => None,
    }
}

/// The quarter a resolved expression names, as (year, 1 to 4).
fn quarter_of(r: &Resolved) -> Option<(i32, u32)> {
    let (year, q) = r.value.split_once("-Q")?;
    Some((year.parse().ok()?, q.parse().ok()?))
}

fn in_sentence(
    text: &str,
    span: Span,
    reference: Option<NaiveDate>,
    context: &mut Context,
    out: &mut Vec<TimeExpression>,
) {
    let tokens = tokens_in(text, span);
    let mut spans = Vec::with_capacity(tokens.len());
    let mut owned = Vec::with_capacity(tokens.len());
    let mut capital = Vec::with_capacity(tokens.len());
    let mut numeric = Vec::with_capacity(tokens.len());
    for token in &tokens {
        let raw = token.text(text);
        let stem = ["'s", "’s"]
            .iter()
            .find_map(|s| raw.strip_suffix(s))
            .filter(|stem| !stem.is_empty())
            .unwrap_or(raw);
        spans.push(Span::new(token.span.start, token.span.start + stem.len()));
        owned.push(stem.to_lowercase());
        capital.push(stem.chars().next().is_some_and(char::is_uppercase));
        numeric.push(token.kind == TokenKind::Number);
    }
    let lower: Vec<&str> = owned.iter().map(String::as_str).collect();
    let words = find::Words {
        lower: &lower,
        capital: &capital,
        numeric: &numeric,
    };
    let about_quarters = lower.iter().any(|w| w.contains("quarter"));
    for m in find::scan(&words) {
        let (Some(first), Some(last)) = (spans.get(m.start), spans.get(m.end.saturating_sub(1)))
        else {
            continue;
        };
        let tense = tense::tense(&lower, m.start, m.end);
        // Anaphoric expressions and bare clock times count from the last
        // time told; the rest, and those with nothing told before them,
        // from the publication date.
        let counts_from = anaphoric_unit(&m.expr)
            .filter(|_| m.expr.anaphoric() || matches!(m.expr, Expr::Clock { .. }))
            .and_then(|unit| context.anchor_for(unit))
            .or(reference);
        let mut resolved = resolve::resolve(&m.expr, counts_from, tense);
        // Results compare a period with the same one a year before: "a
        // year ago" in a passage about quarters is that quarter.
        let year_back = match &m.expr {
            Expr::Offset {
                n: Some(1),
                unit: Unit::Year,
                forward: false,
                ..
            } => Some(None),
            Expr::YearBefore { quarter } => Some(*quarter),
            Expr::PeriodOf(_) => Some(None),
            _ => None,
        };
        let period = !matches!(m.expr, Expr::Offset { .. });
        if let (Some(named), Some((year, q))) =
            (year_back, context.framing_quarter(about_quarters, period))
        {
            let year = match m.expr {
                Expr::PeriodOf(year) => Some(year),
                _ => year.checked_sub(1),
            };
            if let Some(earlier) = year.and_then(|y| resolve::quarter(y, named.unwrap_or(q))) {
                resolved = Some(earlier);
            }
        }
        // Comparisons do not move the context: "a year earlier" twice in a
        // row compares with the same period both times. "The next day"
        // carries the story on, and so does move it.
        let told = year_back.is_none()
            && !matches!(
                m.expr,
                Expr::Offset {
                    anaphoric: true,
                    ..
                } | Expr::AnaphoricWeekday { .. }
            );
        if let Some(r) = resolved.as_ref().filter(|_| told) {
            // "the first nine months" turns from quarters to the year so far.
            if r.granularity == Granularity::Duration && r.value.ends_with('M') && r.value != "P3M"
            {
                context.quarter = None;
            }
            if let Some(q) = quarter_of(r) {
                context.quarter.get_or_insert(q);
                context.quarter_named = Some(context.sentence);
                context.quarter_here = Some(q);
            }
            if let Some(start) = r.start
                && matches!(
                    r.granularity,
                    Granularity::PartOfDay
                        | Granularity::Day
                        | Granularity::Week
                        | Granularity::Month
                        | Granularity::Quarter
                        | Granularity::Year
                )
            {
                context.anchor = Some((start, r.granularity));
            }
        }
        out.push(TimeExpression {
            span: Span::new(first.start, last.end),
            resolved,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences;

    fn date(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    fn resolved<'t>(text: &'t str, reference: &str) -> Vec<(&'t str, Resolved)> {
        find(text, &sentences(text), date(reference))
            .into_iter()
            .filter_map(|t| Some((t.span.of(text), t.resolved?)))
            .collect()
    }

    fn get<'a>(found: &'a [(&str, Resolved)], phrase: &str) -> &'a Resolved {
        match found.iter().find(|(text, _)| *text == phrase) {
            Some((_, r)) => r,
            None => panic!("{phrase:?} not found in {found:?}"),
        }
    }

    fn interval(r: &Resolved) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (r.start, r.end)
    }

    #[test]
    fn seed_article_resolves_against_its_sunday() {
        // The seed story, published on Sunday 2025-03-16.
        let found = resolved(crate::test_seed::body(), "2025-03-16");
        let day = |s| (date(s), date(s));
        assert_eq!(interval(get(&found, "Thursday")), day("2025-03-13"));
        assert_eq!(interval(get(&found, "Friday")), day("2025-03-14"));

        let morning = get(&found, "Sunday morning");
        assert_eq!(morning.value, "2025-03-16TMO");
        assert_eq!(morning.granularity, Granularity::PartOfDay);
        assert_eq!(interval(morning), day("2025-03-16"));

        let last_month = get(&found, "last month");
        assert_eq!(last_month.value, "2025-02");
        assert_eq!(
            interval(last_month),
            (date("2025-02-01"), date("2025-02-28"))
        );

        let earlier = get(&found, "earlier this month");
        let (start, end) = interval(earlier);
        assert!(start >= date("2025-03-01") && end <= date("2025-03-16") && start <= end);

        let this_week = get(&found, "this week");
        assert_eq!(this_week.granularity, Granularity::Week);
        assert_eq!(
            interval(this_week),
            (date("2025-03-16"), date("2025-03-22"))
        );
        let last_week = get(&found, "last week");
        assert_eq!(
            interval(last_week),
            (date("2025-03-09"), date("2025-03-15"))
        );

        let coming = get(&found, "the coming weeks");
        assert_eq!(coming.granularity, Granularity::VagueFuture);
        assert_eq!(coming.value, "FUTURE_REF");
        assert!(coming.start > date("2025-03-16"));

        assert_eq!(get(&found, "30-day").value, "P30D");
        assert_eq!(get(&found, "three-year").value, "P3Y");
        assert_eq!(get(&found, "hours-long").granularity, Granularity::Duration);
    }

    #[test]
    fn future_clauses_look_ahead() {
        let text = "The leaders will meet on Friday. They met on Friday.";
        let found = resolved(text, "2025-03-16");
        let days: Vec<&str> = found.iter().map(|(_, r)| r.value.as_str()).collect();
        assert_eq!(days, ["2025-03-21", "2025-03-14"]);
    }

    #[test]
    fn absolute_forms() {
        let text = "On March 13, 2025 and 13 March 2025 and 2025-03-13, in 2024, the 1990s, the third quarter, this summer, every Monday, weekly.";
        let found = resolved(text, "2025-03-16");
        let values: Vec<&str> = found.iter().map(|(_, r)| r.value.as_str()).collect();
        assert_eq!(
            values,
            [
                "2025-03-13",
                "2025-03-13",
                "2025-03-13",
                "2024",
                "199",
                "2025-Q3",
                "2025-SU",
                "XXXX-WXX-1",
                "P1W"
            ]
        );
    }

    fn values(text: &str, reference: &str) -> Vec<(String, String)> {
        resolved(text, reference)
            .into_iter()
            .map(|(t, r)| (t.to_string(), r.value))
            .collect()
    }

    fn value_of(found: &[(String, String)], phrase: &str) -> String {
        match found.iter().find(|(t, _)| t == phrase) {
            Some((_, v)) => v.clone(),
            None => panic!("{phrase:?} not found in {found:?}"),
        }
    }

    #[test]
    fn anaphoric_phrases_count_from_the_last_time_told() {
        let text = "On May 22, 1995, he was promoted. The following year he moved to Paris. \
                    He was shot on Oct. 23, 1998. Earlier that day he had called the police. \
                    The previous Friday he had received a letter. He died the next day. \
                    Police arrived at 10 p.m.";
        let found = values(text, "2000-02-24");
        assert_eq!(value_of(&found, "The following year"), "1996");
        assert_eq!(value_of(&found, "Earlier that day"), "1998-10-23");
        assert_eq!(value_of(&found, "the next day"), "1998-10-24");
        assert_eq!(value_of(&found, "The previous Friday"), "1998-10-16");
        assert_eq!(value_of(&found, "10 p.m."), "1998-10-24T22:00");
    }

    #[test]
    fn without_an_earlier_time_anaphora_fall_back_to_the_reference() {
        let found = values("The next day, talks resumed.", "2025-03-16");
        assert_eq!(value_of(&found, "The next day"), "2025-03-17");
    }

    #[test]
    fn results_compare_with_the_same_quarter_a_year_before() {
        let text = "The company posted a 20% gain in third-quarter net income. \
                    Net rose to $108 million from $90 million a year ago. \
                    After a flat second quarter, results improved. \
                    Charges were taken in the year-earlier period. \
                    In the 1989 period also, rates were lower. \
                    In the first nine months, profit rose from $283 million in the 1988 period.";
        let found = values(text, "1989-11-01");
        assert_eq!(value_of(&found, "a year ago"), "1988-Q3");
        assert_eq!(value_of(&found, "the year-earlier period"), "1988-Q3");
        assert_eq!(value_of(&found, "the 1989 period"), "1989-Q3");
        assert_eq!(value_of(&found, "the 1988 period"), "1988");
    }

    #[test]
    fn named_months_and_weeks() {
        let text = "The treaty was signed last May. A hearing is set for the week of March 6. \
                    Prices fell from the middle of October. They rise daily, not in recent years.";
        let found = values(text, "1998-02-27");
        assert_eq!(value_of(&found, "last May"), "1997-05");
        assert_eq!(value_of(&found, "the week of March 6"), "1998-W10");
        assert_eq!(value_of(&found, "the middle of October"), "1997-10");
        assert_eq!(value_of(&found, "daily"), "P1D");
        assert_eq!(value_of(&found, "recent years"), "PXY");
    }

    #[test]
    fn next_to_is_a_place() {
        let found = values(
            "A bomb exploded next to the U.S. embassy in Nairobi on Friday.",
            "1998-08-08",
        );
        assert_eq!(value_of(&found, "Friday"), "1998-08-07");
    }

    #[test]
    fn hostile_input_is_bounded_and_safe() {
        let mut text = String::new();
        for _ in 0..20_000 {
            text.push_str(
                "Friday 99999999999 years ago 2/30 ٣ мая 12:99 p.m. the 99th century 0000-00-00 \
                 the following year 99999 years later the year-ago quarter the 9999 period ",
            );
        }
        let found = find(&text, &sentences(&text), date("2025-03-16"));
        assert!(found.len() >= 20_000);
        assert!(
            find(&text, &[], None)
                .iter()
                .all(|t| t.span.end <= text.len())
        );
    }
}
