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
