//! An [`Enrichment`] for people and JSON clients: the words each span
//! covers and the names ids stand for, instead of offsets and indexes.

use chrono::NaiveDate;
use serde::Serialize;

use crate::entities::{Entity, EntityKind};
use crate::events::{EventKind, Modality};
use crate::quotes::QuoteKind;
use crate::time::Granularity;
use crate::{Enrichment, Span};

/// A quote, readable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteView {
    /// How it is reported.
    pub kind: QuoteKind,
    /// What was said.
    pub text: String,
    /// The attributing verb.
    pub cue: Option<String>,
    /// The words that name the speaker.
    pub source: Option<String>,
    /// The speaker's name, when resolved.
    pub speaker: Option<String>,
    /// Byte offsets of the content in the article text.
    pub start: usize,
    /// See `start`.
    pub end: usize,
}

/// An entity, readable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityView {
    /// Its fullest name.
    pub name: String,
    /// What it is.
    pub kind: EntityKind,
    /// Roles and titles.
    pub roles: Vec<String>,
    /// The distinct words that mention it, in order of first use.
    pub mentions: Vec<String>,
}

/// A time expression, readable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeView {
    /// The words.
    pub text: String,
    /// Its TIMEX3 value, when resolved.
    pub value: Option<String>,
    /// How precise it is, when resolved.
    pub granularity: Option<Granularity>,
    /// The first day it covers.
    pub start: Option<NaiveDate>,
    /// The last day it covers.
    pub end: Option<NaiveDate>,
}

/// An event, readable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventView {
    /// What kind of event.
    pub kind: EventKind,
    /// Whether it happened.
    pub modality: Modality,
    /// The word that names it.
    pub trigger: String,
    /// Who did it.
    pub actors: Vec<String>,
    /// To or with whom.
    pub targets: Vec<String>,
    /// Where.
    pub place: Option<String>,
    /// When, in the article's words.
    pub time: Option<String>,
    /// When, resolved: the first day.
    pub start: Option<NaiveDate>,
    /// When, resolved: the last day.
    pub end: Option<NaiveDate>,
    /// The sentence or quote it was read from.
    pub evidence: String,
}

/// All of an article's enrichment, readable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnrichmentView {
    /// Quotations.
    pub quotes: Vec<QuoteView>,
    /// Entities.
    pub entities: Vec<EntityView>,
    /// Time expressions.
    pub times: Vec<TimeView>,
    /// Events.
    pub events: Vec<EventView>,
}

impl Enrichment {
    /// The readable form, given the text it was read from.
    pub fn view(&self, text: &str) -> EnrichmentView {
        let words = |span: Span| span.of(text).to_string();
        let name = |id: usize| self.entities.get(id).map(|e: &Entity| e.name.clone());
        let names = |ids: &[usize]| ids.iter().filter_map(|&id| name(id)).collect::<Vec<_>>();
        EnrichmentView {
            quotes: self
                .quotes
                .iter()
                .map(|quote| QuoteView {
                    kind: quote.kind,
                    text: words(quote.content),
                    cue: quote.cue.map(words),
                    source: quote.source.map(words),
                    speaker: quote.speaker.and_then(name),
                    start: quote.content.start,
                    end: quote.content.end,
                })
                .collect(),
            entities: self
                .entities
                .iter()
                .map(|entity| {
                    let mut mentions: Vec<String> = Vec::new();
                    for mention in &entity.mentions {
                        let said = words(mention.span);
                        if !mentions.contains(&said) {
                            mentions.push(said);
                        }
                    }
                    EntityView {
                        name: entity.name.clone(),
                        kind: entity.kind,
                        roles: entity.roles.clone(),
                        mentions,
                    }
                })
                .collect(),
            times: self
                .times
                .iter()
                .map(|time| TimeView {
                    text: words(time.span),
                    value: time.resolved.as_ref().map(|r| r.value.clone()),
                    granularity: time.resolved.as_ref().map(|r| r.granularity),
                    start: time.resolved.as_ref().and_then(|r| r.start),
                    end: time.resolved.as_ref().and_then(|r| r.end),
                })
                .collect(),
            events: self
                .events
                .iter()
                .map(|event| {
                    let time = event.time.and_then(|i| self.times.get(i));
                    let resolved = time.and_then(|t| t.resolved.as_ref());
                    EventView {
                        kind: event.kind,
                        modality: event.modality,
                        trigger: words(event.trigger),
                        actors: names(&event.actors),
                        targets: names(&event.targets),
                        place: event.place.and_then(name),
                        time: time.map(|t| words(t.span)),
                        start: resolved.and_then(|r| r.start),
                        end: resolved.and_then(|r| r.end),
                        evidence: words(event.evidence),
                    }
                })
                .collect(),
        }
    }
}
