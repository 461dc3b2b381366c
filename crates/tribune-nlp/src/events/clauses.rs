//! Events read from clauses: a trigger word, the entities before it as
//! actors, after it as targets, a place after "in" or "at", the nearest
//! time expression, and the modality its context gives it.

use crate::Span;
use crate::entities::{Entity, EntityKind};
use crate::text::{TokenKind, tokens_in};
use crate::time::TimeExpression;

use super::lexicon::{self, EXPECTATION, Form, PROPOSAL, REFUSAL};
use super::{Event, EventKind, Modality};

/// Every mention of every entity, by position, to find those of a clause.
pub(super) struct MentionIndex {
    /// (span, entity id, kind), sorted by span.
    mentions: Vec<(Span, usize, EntityKind)>,
}

impl MentionIndex {
    pub(super) fn new(entities: &[Entity]) -> MentionIndex {
        let mut mentions: Vec<(Span, usize, EntityKind)> = entities
            .iter()
            .flat_map(|entity| {
                entity
                    .mentions
                    .iter()
                    .map(move |mention| (mention.span, entity.id, entity.kind))
            })
            .collect();
        mentions.sort_by_key(|&(span, id, _)| (span, id));
        MentionIndex { mentions }
    }

    /// The mentions that lie inside `range`, in text order.
    fn within(&self, range: Span) -> &[(Span, usize, EntityKind)] {
        let from = self
            .mentions
            .partition_point(|(span, _, _)| span.start < range.start);
        let to = self
            .mentions
            .partition_point(|(span, _, _)| span.start < range.end);
        // A mention that starts inside but runs past the range is in the
        // slice; callers check the end.
        &self.mentions[from..to.max(from)]
    }
}

/// Words that make the trigger after them a noun: "a call", "their meeting".
const DETERMINERS: &[&str] = &[
    "a",
    "an",
    "the",
    "their",
    "his",
    "her",
    "its",
    "this",
    "that",
    "first",
    "second",
    "any",
    "another",
    "prospective",
    "planned",
    "upcoming",
    "proposed",
    "phone",
    "telephone",
    "publicized",
    "latest",
    "new",
    "next",
    "possible",
    "potential",
    "brief",
    "lengthy",
];

const NEGATION: &[&str] = &[
    "not", "n't", "never", "no", "hasn't", "haven't", "didn't", "won't", "wouldn't", "isn't",
    "aren't", "wasn't", "weren't", "doesn't", "don't", "cannot", "can't",
];

/// Words that end a clause looking backwards from a trigger.
fn clause_break(word: &str) -> bool {
    matches!(
        word,
        "," | ";"
            | ":"
            | "—"
            | "–"
            | "("
            | ")"
            | "that"
            | "which"
            | "who"
            | "whom"
            | "because"
            | "while"
            | "although"
            | "after"
            | "before"
            | "if"
            | "unless"
            | "whether"
            | "than"
    )
}

/// Words right before a base-form verb that make it one: "to meet", "will
/// meet". Elsewhere a base form is another word ("build back", "U.S.
/// support").
const BASE_FORM_AFTER: &[&str] = &[
    "to", "will", "would", "could", "can", "may", "might", "must", "should", "shall", "did",
    "does", "do", "'ll", "not", "n't", "never", "cannot",
];

/// Words that can be the subject right before a present-tense verb.
const SUBJECT_WORDS: &[&str] = &[
    "he",
    "she",
    "it",
    "who",
    "which",
    "that",
    "also",
    "still",
    "now",
    "often",
    "never",
    "again",
    "reportedly",
    "president",
    "government",
    "minister",
    "ministry",
    "official",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "army",
    "military",
    "company",
    "police",
    "court",
];

/// Words that may stand between a verb and its object: "met with Putin",
/// "requested that Putin", "sent him".
const OBJECT_LINKS: &[&str] = &[
    "with", "to", "on", "against", "for", "the", "a", "an", "his", "her", "its", "their", "that",
    "by", "into", "strongly", "\"", "\u{201C}", "\u{201D}",
];

/// Whether only object links (or nothing) lie in `between`.
fn links_object(between: &str) -> bool {
    between
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .all(|w| OBJECT_LINKS.contains(&w.to_lowercase().as_str()))
}

/// Reads the events of the sentence at `sentence` into `events`.
pub(super) fn read(
    text: &str,
    sentence: Span,
    mentions: &MentionIndex,
    times: &[TimeExpression],
    events: &mut Vec<Event>,
) {
    let tokens = tokens_in(text, sentence);
    let words: Vec<String> = tokens
        .iter()
        // Curly and straight apostrophes alike: "hasn’t" is "hasn't".
        .map(|token| token.text(text).to_lowercase().replace('\u{2019}', "'"))
        .collect();
    for (i, token) in tokens.iter().enumerate() {
        if token.kind != TokenKind::Word {
            continue;
        }
        let Some((kind, form)) = lexicon::trigger(&words[i]) else {
            continue;
        };
        // The clause: back to the previous break, on to the next.
        let start = (0..i)
            .rev()
            .find(|&j| clause_break(&words[j]))
            .map_or(0, |j| j + 1);
        let end = (i + 1..tokens.len())
            .find(|&j| clause_break(&words[j]) && words[j] != "that")
            .unwrap_or(tokens.len());
        let before = &words[start..i];
        let after = &words[i + 1..end];
        let previous = |n: usize| i.checked_sub(n).map(|j| words[j].as_str());
        if previous(1) == Some("to") && previous(2).is_some_and(|w| REFUSAL.contains(&w)) {
            continue;
        }
        let is_noun = match form {
            Form::Noun => {
                // "Putin's call", "the presidents' call".
                previous(1).is_some_and(|w| w.ends_with("'s") || w.ends_with('\''))
                    || previous(1).is_some_and(|w| DETERMINERS.contains(&w))
                    || previous(2).is_some_and(|w| DETERMINERS.contains(&w))
                    || after.first().is_some_and(|w| w == "between" || w == "with")
            }
            _ => false,
        };
        if form == Form::Noun && !is_noun {
            continue;
        }
        if form == Form::Base && !previous(1).is_some_and(|w| BASE_FORM_AFTER.contains(&w)) {
            continue;
        }
        // "provides" after its subject ("the U.S. provides", "he provides"),
        // not as a plural noun ("arms supplies").
        if form == Form::Present {
            let subject = i.checked_sub(1).is_some_and(|j| {
                let raw = tokens[j].text(text);
                raw.chars().next().is_some_and(char::is_uppercase)
                    || SUBJECT_WORDS.contains(&words[j].as_str())
                    || words[j].ends_with("ly")
            });
            if !subject {
                continue;
            }
        }
        // "the attacked convoy": a participle used as an adjective.
        if form == Form::Past && previous(1).is_some_and(|w| matches!(w, "the" | "a" | "an")) {
            continue;
        }
        if form == Form::Gerund
            && !previous(1)
                .is_some_and(|w| matches!(w, "is" | "are" | "was" | "were" | "be" | "been"))
        {
            continue;
        }
        let window = &before[before.len().saturating_sub(6)..];
        if window.iter().any(|w| NEGATION.contains(&w.as_str())) {
            continue;
        }
        let context: Vec<&str> = if is_noun {
            before.iter().chain(after).map(String::as_str).collect()
        } else {
            window.iter().map(String::as_str).collect()
        };
        // "if the U.S. provides support": a condition, not a fact.
        let conditional = start > 0 && matches!(words[start - 1].as_str(), "if" | "unless");
        let modality = if conditional || context.iter().any(|w| PROPOSAL.contains(w)) {
            Modality::Proposed
        } else if context.iter().any(|w| EXPECTATION.contains(w))
            || form == Form::Base && previous(1) == Some("to")
        {
            Modality::Expected
        } else {
            Modality::Happened
        };

        let clause = Span::new(
            tokens[start].span.start,
            tokens.get(end).map_or(sentence.end, |t| t.span.start),
        );
        let trigger = token.span;
        let mut actors = Vec::new();
        let mut targets = Vec::new();
        let mut place = None;
        let mut places_before = Vec::new();
        // Targets are the verb's object: the first entity after it with
        // only object links between, and those joined to it by "and".
        let mut object_end = Some(trigger.end);
        // A noun's actors are its owners ("Trump and Putin's call") or those
        // it is between or with, unless a light verb makes the clause's
        // subject hold it ("Witkoff held talks").
        let light = is_noun && window.iter().any(|w| LIGHT_VERBS.contains(&w.as_str()));
        let owners = if is_noun {
            possessors(text, mentions.within(clause), trigger.start)
        } else {
            Vec::new()
        };
        for &(span, id, entity_kind) in mentions.within(clause) {
            if span.end > clause.end {
                continue;
            }
            if is_noun && !light && span.end <= trigger.start {
                if owners.contains(&id) {
                    push_unique(&mut actors, id);
                }
                continue;
            }
            let preposition = preceding_word(text, span.start);
            let locative = entity_kind == EntityKind::Place
                && matches!(
                    preposition.as_deref(),
                    Some("in" | "at" | "near" | "from" | "to")
                );
            // "an address to Congress": an entity after a preposition is
            // not the one acting.
            let governed = matches!(
                preposition.as_deref(),
                Some(
                    "to" | "with"
                        | "for"
                        | "of"
                        | "from"
                        | "by"
                        | "against"
                        | "about"
                        | "on"
                        | "at"
                        | "in"
                        | "into"
                )
            );
            if span.end <= trigger.start {
                if governed {
                    continue;
                }
                match entity_kind {
                    EntityKind::Person | EntityKind::Organization => push_unique(&mut actors, id),
                    EntityKind::Place if !locative => places_before.push(id),
                    _ => {}
                }
            } else if span.start >= trigger.end {
                if locative {
                    place = place.or(Some(id));
                } else if is_noun
                    && matches!(preposition.as_deref(), Some("between" | "with" | "and"))
                {
                    push_unique(&mut actors, id);
                } else if kind != EventKind::Statement
                    && let Some(from) = object_end
                    && span.start >= from
                {
                    let between = text.get(from..span.start).unwrap_or("");
                    let joined = if from == trigger.end {
                        links_object(between)
                    } else {
                        matches!(between.trim(), "and" | "," | ", and")
                    };
                    if joined {
                        push_unique(&mut targets, id);
                        object_end = Some(span.end);
                    } else {
                        object_end = None;
                    }
                }
            }
        }
        // Countries act when no person or organisation does ("Ukraine
        // backed the agreement"); before a person they are a title
        // ("Russian President Vladimir Putin").
        if actors.is_empty() {
            for id in places_before {
                push_unique(&mut actors, id);
            }
        }
        if actors.is_empty() {
            continue;
        }
        targets.retain(|id| !actors.contains(id));
        events.push(Event {
            kind,
            trigger,
            actors,
            targets,
            place,
            time: nearest_time(times, sentence, trigger, None),
            modality,
            evidence: sentence,
        });
    }
}

/// Verbs whose subject takes part in the event their object names.
const LIGHT_VERBS: &[&str] = &[
    "held",
    "hold",
    "holds",
    "had",
    "have",
    "has",
    "attended",
    "attend",
    "attends",
    "joined",
    "join",
    "launched",
    "launch",
    "launches",
    "began",
    "begin",
    "started",
    "start",
    "concluded",
    "ended",
    "carried",
    "staged",
    "stage",
    "made",
    "make",
];

/// The entities that own the noun starting at `noun`: the mention right
/// before it (past adjectives) followed by "'s", and those joined to it by
/// "and" or a comma.
fn possessors(text: &str, mentions: &[(Span, usize, EntityKind)], noun: usize) -> Vec<usize> {
    let mut owners = Vec::new();
    let mut boundary = noun;
    let mut first = true;
    for &(span, id, _) in mentions.iter().rev() {
        if span.end > boundary {
            continue;
        }
        let Some(between) = text.get(span.end..boundary) else {
            break;
        };
        let joined = if first {
            let rest = between.trim_start_matches(['\'', '\u{2019}']);
            between.len() != rest.len()
                && rest.starts_with('s')
                && rest[1..].split_whitespace().count() <= 3
        } else {
            matches!(between.trim(), "and" | "," | ", and" | "&")
        };
        if !joined {
            break;
        }
        owners.push(id);
        boundary = span.start;
        first = false;
    }
    owners
}

fn push_unique(ids: &mut Vec<usize>, id: usize) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// The word just before byte `at`, lower-cased.
fn preceding_word(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at)?.trim_end();
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!word.is_empty()).then(|| word.to_lowercase())
}

/// The time expression of the sentence nearest to the trigger, preferring
/// one after it ("met ... on Thursday"), by index in `times`; none inside
/// `exclude` (a statement's own words do not date when it was made).
pub(super) fn nearest_time(
    times: &[TimeExpression],
    sentence: Span,
    trigger: Span,
    exclude: Option<Span>,
) -> Option<usize> {
    let inside = times.iter().enumerate().filter(|(_, time)| {
        sentence.contains(time.span)
            && !exclude.is_some_and(|span| span.overlaps(time.span))
            && time.resolved.as_ref().is_some_and(|r| r.start.is_some())
    });
    let mut best: Option<(usize, usize)> = None;
    for (index, time) in inside {
        let distance = if time.span.start >= trigger.end {
            time.span.start - trigger.end
        } else {
            // Before the trigger counts as farther.
            2 * (trigger.start.saturating_sub(time.span.end)) + 1
        };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, index));
        }
    }
    best.map(|(_, index)| index)
}
