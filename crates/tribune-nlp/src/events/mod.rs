//! Events: who did what to whom, when and where, read from the quotes and
//! the clauses of an article, typed with a small PLOVER-like set.

use serde::{Deserialize, Serialize};

use crate::Span;
use crate::entities::Entity;
use crate::quotes::Quote;
use crate::text::Sentence;
use crate::time::TimeExpression;

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

/// The events of `text`.
pub fn find(
    text: &str,
    sentences: &[Sentence],
    entities: &[Entity],
    quotes: &[Quote],
    times: &[TimeExpression],
) -> Vec<Event> {
    let _ = (text, sentences, entities, quotes, times);
    Vec::new()
}
