//! News intelligence for Tribune: who said what, who they are, and when it
//! happened. Pure functions over an article's text, nothing downloaded:
//!
//! - [`text`]: sentences and tokens robust to news text;
//! - [`entities`]: people, organisations and places with their roles, every
//!   mention linked to its entity;
//! - [`quotes`]: direct, mixed and indirect quotations with cue and speaker;
//! - [`time`]: time expressions resolved against the publication date;
//! - [`events`]: who did what to whom, when and where, with modality.
//!
//! [`enrich`] runs them all.
#![deny(missing_docs)]

pub mod entities;
pub mod events;
pub mod quotes;
mod span;
#[cfg(test)]
mod test_seed;
pub mod text;
pub mod time;
mod view;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use span::Span;
pub use view::{EnrichmentView, EntityView, EventView, QuoteView, TimeView};

/// Everything read from one article. Spans are byte offsets into the text
/// that was analysed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrichment {
    /// Quotations, in text order.
    pub quotes: Vec<quotes::Quote>,
    /// Entities, in order of first mention.
    pub entities: Vec<entities::Entity>,
    /// Time expressions, in text order.
    pub times: Vec<time::TimeExpression>,
    /// Events, in text order.
    pub events: Vec<events::Event>,
}

/// Reads quotes, entities, times and events from an article's text
/// (paragraphs one per line or separated by blank lines), resolving times
/// against `published` when it is known.
pub fn enrich(text: &str, published: Option<NaiveDate>) -> Enrichment {
    let sentences = text::sentences(text);
    let entities = entities::find(text, &sentences);
    let quotes = quotes::find(text, &sentences, &entities);
    let times = time::find(text, &sentences, published);
    let events = events::find(text, &sentences, &entities, &quotes, &times);
    Enrichment {
        quotes,
        entities,
        times,
        events,
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// Runs the whole stage and checks every span it returns is a valid
    /// range of the text, so that views and the store never slice wrongly.
    fn enrich_checked(text: &str) -> Enrichment {
        let found = enrich(text, NaiveDate::from_ymd_opt(2025, 3, 16));
        let valid = |span: Span| span.start <= span.end && text.get(span.start..span.end).is_some();
        for quote in &found.quotes {
            assert!(valid(quote.content));
            assert!(quote.cue.is_none_or(valid) && quote.source.is_none_or(valid));
            assert!(quote.speaker.is_none_or(|id| id < found.entities.len()));
        }
        for entity in &found.entities {
            assert!(entity.mentions.iter().all(|m| valid(m.span)));
        }
        assert!(found.times.iter().all(|t| valid(t.span)));
        for event in &found.events {
            assert!(valid(event.trigger) && valid(event.evidence));
            assert!(
                event
                    .actors
                    .iter()
                    .chain(&event.targets)
                    .all(|&id| id < found.entities.len())
            );
            assert!(event.time.is_none_or(|i| i < found.times.len()));
        }
        let _ = found.view(text);
        found
    }

    #[test]
    fn bad_input_never_panics() {
        for text in [
            "",
            "\"",
            "“unbalanced, he said.\n\n\"Straight and “curly” mixed,\" she said.",
            "\"Outer 'inner \"deep\" still' outer,\" Smith said.",
            "«Bonjour», a dit Macron. „Guten Tag“, sagte Scholz. 「こんにちは」と彼は言った。",
            "Путин заявил, что «переговоры продолжаются». 习近平说：“合作共赢。”",
            "He said he said he said he said.",
            "...!!!???\u{0}\u{FFFD}\u{202E}",
        ] {
            enrich_checked(text);
        }
    }

    #[test]
    fn a_quote_never_spans_paragraphs_its_marks_do_not_join() {
        let text =
            "\"This quote is never closed, Smith said.\n\nA new paragraph starts without a mark.";
        let found = enrich_checked(text);
        let break_at = text.find("\n\n").unwrap_or(text.len());
        for quote in &found.quotes {
            assert!(
                quote.content.end <= break_at || quote.content.start > break_at,
                "{:?}",
                quote.content.of(text)
            );
        }
    }

    #[test]
    fn a_one_mebibyte_paragraph_takes_bounded_time() {
        let sentence = "\"It was positive,\" Witkoff said on Thursday, and Putin met him in Moscow last week, “she said. ";
        let text = sentence.repeat((1 << 20) / sentence.len());
        let started = Instant::now();
        enrich_checked(&text);
        // Linear work is well under this even in a debug build; quadratic
        // work on a 1 MiB paragraph would take hours.
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{:?}",
            started.elapsed()
        );
    }
}
