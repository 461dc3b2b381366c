//! Events: who did what to whom, when and where, read from the quotes and
//! the clauses of an article, typed with a small PLOVER-like set.

use serde::{Deserialize, Serialize};

use crate::Span;
use crate::entities::Entity;
use crate::quotes::Quote;
use crate::text::Sentence;
use crate::time::TimeExpression;

mod clauses;
mod lexicon;
mod statements;

/// What kind of event it is (after PLOVER's top-level types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Meetings, calls, visits, talks.
    Consult,
    /// Statements: said, announced, told.
    Statement,
    /// Agreements, deals, ceasefires accepted.
    Agree,
    /// Demands, calls for, urges.
    Demand,
    /// Rejections, refusals, vetoes.
    Reject,
    /// Threats and warnings.
    Threaten,
    /// Attacks, strikes, shelling.
    Assault,
    /// Aid, support, help offered or given.
    Support,
    /// Accusations and criticism.
    Accuse,
}

/// Whether the event happened, is expected, or is only proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// Reported as done.
    Happened,
    /// Reported as going to happen.
    Expected,
    /// Offered, demanded or possible.
    Proposed,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// What kind of event.
    pub kind: EventKind,
    /// The verb or noun that names it ("met", "call").
    pub trigger: Span,
    /// Who did it (entity ids).
    pub actors: Vec<usize>,
    /// To or with whom (entity ids).
    pub targets: Vec<usize>,
    /// Where (a place entity id).
    pub place: Option<usize>,
    /// When: the index of its time expression in the article's list.
    pub time: Option<usize>,
    /// Whether it happened.
    pub modality: Modality,
    /// The sentence (or quote) it was read from.
    pub evidence: Span,
}

/// The events of `text`: one [`EventKind::Statement`] for each attributed
/// quote, and one for each clause whose verb or noun names an event and
/// whose actors are entities of the article.
pub fn find(
    text: &str,
    sentences: &[Sentence],
    entities: &[Entity],
    quotes: &[Quote],
    times: &[TimeExpression],
) -> Vec<Event> {
    let mentions = clauses::MentionIndex::new(entities);
    let mut events = Vec::new();
    for sentence in sentences {
        clauses::read(text, sentence.span, &mentions, times, &mut events);
    }
    // A statement verb that cues a quote is that quote's statement.
    events.retain(|event| {
        event.kind != EventKind::Statement
            || !quotes
                .iter()
                .any(|quote| quote.cue.is_some_and(|cue| cue.overlaps(event.trigger)))
    });
    statements::read(quotes, sentences, times, &mut events);
    events.sort_by_key(|event| (event.evidence.start, event.trigger.start));
    events
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::entities::{EntityKind, Mention, MentionForm};
    use crate::text::sentences;
    use crate::time::{Granularity, Resolved};

    const TEXT: &str = "U.S. President Donald Trump and Russian President Vladimir Putin are expected to talk this week, special envoy Steve Witkoff told CNN Sunday morning.\n\n\
        Witkoff met with Putin in Moscow on Thursday, shortly after the Russian president offered his first official response to the proposed ceasefire.\n\n\
        Witkoff declined to outline details of the negotiations.";

    fn span_of(needle: &str, nth: usize) -> Span {
        let start = TEXT
            .match_indices(needle)
            .nth(nth)
            .map(|(i, _)| i)
            .expect("needle in text");
        Span::new(start, start + needle.len())
    }

    fn entity(
        id: usize,
        kind: EntityKind,
        name: &str,
        mentions: &[(&str, usize, MentionForm)],
    ) -> Entity {
        Entity {
            id,
            kind,
            name: name.into(),
            roles: Vec::new(),
            mentions: mentions
                .iter()
                .map(|&(words, nth, form)| Mention {
                    span: span_of(words, nth),
                    form,
                })
                .collect(),
        }
    }

    fn time(words: &str, start: &str, end: &str) -> TimeExpression {
        let date = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        TimeExpression {
            span: span_of(words, 0),
            resolved: Some(Resolved {
                granularity: Granularity::Day,
                start: date(start),
                end: date(end),
                value: start.into(),
            }),
        }
    }

    #[test]
    fn the_expected_call_and_the_meeting_that_happened() {
        use MentionForm::*;
        let entities = vec![
            entity(
                0,
                EntityKind::Person,
                "Donald Trump",
                &[("Donald Trump", 0, Name)],
            ),
            entity(
                1,
                EntityKind::Person,
                "Vladimir Putin",
                &[
                    ("Vladimir Putin", 0, Name),
                    ("Putin", 1, Name),
                    ("the Russian president", 0, Role),
                ],
            ),
            entity(
                2,
                EntityKind::Person,
                "Steve Witkoff",
                &[
                    ("Steve Witkoff", 0, Name),
                    ("Witkoff", 1, Name),
                    ("Witkoff", 2, Name),
                ],
            ),
            entity(3, EntityKind::Organization, "CNN", &[("CNN", 0, Name)]),
            entity(4, EntityKind::Place, "Moscow", &[("Moscow", 0, Name)]),
        ];
        let times = vec![
            time("this week", "2025-03-16", "2025-03-22"),
            time("Sunday morning", "2025-03-16", "2025-03-16"),
            time("on Thursday", "2025-03-13", "2025-03-13"),
        ];
        let events = find(TEXT, &sentences(TEXT), &entities, &[], &times);
        let talk = events
            .iter()
            .find(|e| e.trigger.of(TEXT) == "talk")
            .expect("the call is an event");
        assert_eq!(talk.kind, EventKind::Consult);
        assert_eq!(talk.modality, Modality::Expected);
        assert_eq!(talk.actors, [0, 1]);
        assert_eq!(talk.time, Some(0));
        let met = events
            .iter()
            .find(|e| e.trigger.of(TEXT) == "met")
            .expect("the meeting is an event");
        assert_eq!(
            (met.kind, met.modality),
            (EventKind::Consult, Modality::Happened)
        );
        assert_eq!(met.actors, [2]);
        assert_eq!(met.targets, [1]);
        assert_eq!(met.place, Some(4));
        assert_eq!(met.time, Some(2));
        // "offered his first official response": a response offered by the
        // Russian president, not a proposal of a meeting.
        assert!(events.iter().all(|e| e.trigger.of(TEXT) != "outline"
            && e.trigger.of(TEXT) != "negotiations"
            || e.actors != [2]));
    }
}
