//! Resolving a quotation's source words to an entity: by the entities'
//! linked mentions first, by names and roles when no mention matches, and
//! for pronouns by the previous speaker.

use crate::Span;
use crate::entities::{Entity, EntityKind};
use crate::text::{TokenKind, tokens_in};

use super::cues;

/// How far back to look for where an entity was last named when no
/// mention says so.
const LOOKBACK: usize = 3000;

/// The entities and their mentions, indexed by position.
pub(crate) struct Resolver<'e> {
    entities: &'e [Entity],
    /// Every mention as (span, entity index), sorted by start.
    mentions: Vec<(Span, usize)>,
    /// The longest mention, to bound the search for overlaps.
    longest: usize,
}

impl<'e> Resolver<'e> {
    /// Indexes the mentions of `entities`.
    pub(crate) fn new(entities: &'e [Entity]) -> Resolver<'e> {
        let mut mentions: Vec<(Span, usize)> = entities
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.mentions.iter().map(move |m| (m.span, i)))
            .collect();
        mentions.sort_by_key(|(s, _)| s.start);
        let longest = mentions.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
        Resolver {
            entities,
            mentions,
            longest,
        }
    }

    /// The id of the entity that `source` names in `text`; `previous` is the
    /// speaker of the attribution before it, for pronouns.
    pub(crate) fn resolve(
        &self,
        text: &str,
        source: Span,
        previous: Option<usize>,
    ) -> Option<usize> {
        let words: Vec<(Span, String)> = tokens_in(text, source)
            .into_iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| (t.span, t.span.of(text).to_lowercase()))
            .collect();
        let head = head_word(&words);
        if let Some(id) = self.by_mention(source, head.map(|h| words[h].0)) {
            return Some(id);
        }
        let pronoun = words.len() == 1 && cues::is_pronoun(&words[0].1);
        if pronoun {
            return previous.or_else(|| self.last_person_before(text, source.start));
        }
        self.by_words(text, source, &words, head)
    }

    fn by_mention(&self, source: Span, head: Option<Span>) -> Option<usize> {
        let first = self
            .mentions
            .partition_point(|(s, _)| s.start + self.longest < source.start);
        let mut best: Option<(usize, usize)> = None; // (score, entity)
        for &(span, e) in self.mentions[first..]
            .iter()
            .take_while(|(s, _)| s.start < source.end)
        {
            if !span.overlaps(source) {
                continue;
            }
            let overlap = span.end.min(source.end) - span.start.max(source.start);
            let on_head = head.is_some_and(|h| span.overlaps(h));
            let score = overlap + if on_head { 1 << 20 } else { 0 };
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, e));
            }
        }
        best.and_then(|(_, e)| self.entities.get(e)).map(|e| e.id)
    }

    /// Matching the source's words against names (surname or whole name)
    /// and roles ("the Russian president" → "Russian President").
    fn by_words(
        &self,
        text: &str,
        source: Span,
        words: &[(Span, String)],
        head: Option<usize>,
    ) -> Option<usize> {
        let head = head?;
        // Words before a possessive name someone else ("Trump's envoy").
        let own = &words[possessive_end(words, text)..];
        let mut best: Option<(usize, usize, usize)> = None; // (score, recency, id)
        for entity in self.entities {
            let name: Vec<String> = entity
                .name
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            let mut score = 0;
            if let Some(surname) = name.last()
                && own.iter().any(|(_, w)| w == surname)
            {
                score = 100 + own.iter().filter(|(_, w)| name.contains(w)).count();
            } else if entity.kind == EntityKind::Person || entity.kind == EntityKind::Organization {
                let head_word = &words[head].1;
                for role in &entity.roles {
                    let role_words: Vec<String> =
                        role.split_whitespace().map(str::to_lowercase).collect();
                    if role_words.iter().any(|r| r == head_word) {
                        let shared = own.iter().filter(|(_, w)| role_words.contains(w)).count();
                        score = score.max(10 + shared);
                    }
                }
            }
            if score == 0 {
                continue;
            }
            let recency = self.last_seen(text, entity, source.start).unwrap_or(0);
            if best.is_none_or(|(s, r, _)| (score, recency) > (s, r)) {
                best = Some((score, recency, entity.id));
            }
        }
        best.map(|(_, _, id)| id)
    }

    /// Where `entity` was last mentioned (or its surname written) before
    /// `at`, plus one.
    fn last_seen(&self, text: &str, entity: &Entity, at: usize) -> Option<usize> {
        let by_mention = entity
            .mentions
            .iter()
            .filter(|m| m.span.start < at)
            .map(|m| m.span.start + 1)
            .max();
        if by_mention.is_some() {
            return by_mention;
        }
        let surname = entity.name.split_whitespace().last()?;
        let mut from = at.saturating_sub(LOOKBACK);
        while from > 0 && !text.is_char_boundary(from) {
            from -= 1;
        }
        text.get(from..at)?.rfind(surname).map(|i| from + i + 1)
    }

    fn last_person_before(&self, text: &str, at: usize) -> Option<usize> {
        self.entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .filter_map(|e| Some((self.last_seen(text, e, at)?, e.id)))
            .max()
            .map(|(_, id)| id)
    }
}

/// The index of the words after a leading possessive ("Trump's" in
/// "Trump's envoy"), or 0.
fn possessive_end(words: &[(Span, String)], text: &str) -> usize {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .take(last)
        .rposition(|(s, _)| {
            let w = s.of(text);
            w.ends_with("'s") || w.ends_with("’s") || w.ends_with("s'") || w.ends_with("s’")
        })
        .map_or(0, |i| i + 1)
}

/// The noun the source is about: the last word before "of" or "for" ("a
/// spokesman for the ministry" → "spokesman").
fn head_word(words: &[(Span, String)]) -> Option<usize> {
    let cut = words
        .iter()
        .position(|(_, w)| matches!(w.as_str(), "of" | "for" | "at"))
        .unwrap_or(words.len());
    cut.checked_sub(1).or_else(|| words.len().checked_sub(1))
}
