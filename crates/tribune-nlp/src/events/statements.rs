//! Statement events from attributed quotes: the speaker said something,
//! when the cue's sentence says.

use crate::quotes::Quote;
use crate::text::Sentence;
use crate::time::TimeExpression;

use super::clauses::nearest_time;
use super::{Event, EventKind, Modality};

/// One statement event for each quote whose speaker is known.
pub(super) fn read(
    quotes: &[Quote],
    sentences: &[Sentence],
    times: &[TimeExpression],
    events: &mut Vec<Event>,
) {
    for quote in quotes {
        let Some(speaker) = quote.speaker else {
            continue;
        };
        let trigger = quote.cue.unwrap_or(quote.content);
        let time = sentences
            .iter()
            .find(|sentence| sentence.span.contains(trigger))
            .and_then(|sentence| nearest_time(times, sentence.span, trigger, Some(quote.content)));
        events.push(Event {
            kind: EventKind::Statement,
            trigger,
            actors: vec![speaker],
            targets: Vec::new(),
            place: None,
            time,
            modality: Modality::Happened,
            evidence: quote.content,
        });
    }
}
