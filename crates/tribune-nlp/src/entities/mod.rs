//! Named entities: people, organisations and places, with the roles and
//! titles attached to them ("special envoy Steve Witkoff", "Russian
//! President Vladimir Putin"), every mention in the article linked to its
//! entity (full name, surname, role noun phrase, pronoun).

use serde::{Deserialize, Serialize};

use crate::Span;
use crate::text::Sentence;

/// What kind of thing an entity is (CoNLL's four classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A company, government body, party, team, agency...
    Organization,
    /// A country, city, region, geographic feature.
    Place,
    /// Nationalities, events, works and other names.
    Misc,
}

/// How a mention names its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionForm {
    /// The name, whole or in part ("Steve Witkoff", "Witkoff").
    Name,
    /// A role or description ("the Russian president", "Trump's envoy").
    Role,
    /// A pronoun ("he", "she").
    Pronoun,
}

/// One place in the text that refers to an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Where it is.
    pub span: Span,
    /// How it names the entity.
    pub form: MentionForm,
}

/// One entity of an article, with all its mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Its index in the article's entity list.
    pub id: usize,
    /// What it is.
    pub kind: EntityKind,
    /// Its fullest name in the article ("Steve Witkoff").
    pub name: String,
    /// Roles and titles attached to it in the article ("special envoy",
    /// "Russian President"), most specific first, without duplicates.
    pub roles: Vec<String>,
    /// Every mention, in text order.
    pub mentions: Vec<Mention>,
}

/// The entities of `text`, given its sentences.
pub fn find(text: &str, sentences: &[Sentence]) -> Vec<Entity> {
    let _ = (text, sentences);
    Vec::new()
}
