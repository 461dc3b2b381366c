//! Quotations and who made them: direct ("…," Witkoff said), mixed (there
//! was "a very good chance that …"), and indirect (Putin said any deal
//! would have to …), each with its content, its cue verb and its speaker
//! resolved to an entity where the text allows.

use serde::{Deserialize, Serialize};

use crate::Span;
use crate::entities::Entity;
use crate::text::Sentence;

/// How the words are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// All of the content is between quotation marks.
    Direct,
    /// Quoted words inside a paraphrase.
    Mixed,
    /// A paraphrase with no quotation marks.
    Indirect,
}

/// One attributed statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// How it is reported.
    pub kind: QuoteKind,
    /// What was said (for a direct quote, inside the marks).
    pub content: Span,
    /// The verb or phrase that attributes it ("said", "according to").
    pub cue: Option<Span>,
    /// The words that name the speaker where the quote is attributed
    /// ("Witkoff", "the Russian president", "He").
    pub source: Option<Span>,
    /// The entity the source resolves to, by its id.
    pub speaker: Option<usize>,
}

/// The quotations of `text`, given its sentences and entities.
pub fn find(text: &str, sentences: &[Sentence], entities: &[Entity]) -> Vec<Quote> {
    let _ = (text, sentences, entities);
    Vec::new()
}
