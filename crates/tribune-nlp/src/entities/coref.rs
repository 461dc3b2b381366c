//! Mentions to entities: names grouped by their words ("Witkoff" is "Steve
//! Witkoff"), role phrases to the person holding the role, pronouns to the
//! person they most likely stand for.

use rustc_hash::{FxHashMap, FxHashSet};

use super::names::{NameHit, Tok, context_kind};
use super::roles::RolePhrase;
use super::{Entity, EntityKind, Mention, MentionForm};
use crate::Span;

/// An entity being built, with evidence about its kind.
struct Draft {
    kind: EntityKind,
    sure: bool,
    name: String,
    words: usize,
    roles: Vec<String>,
    mentions: Vec<Mention>,
    /// Token index of each mention, for the pronoun rules.
    at: Vec<usize>,
    male: Option<bool>,
    /// Some mention stands as a side in a result.
    team: bool,
}

/// Groups `hits` into entities and links `phrases` and pronouns to them.
pub(crate) fn link(
    text: &str,
    toks: &[Tok],
    hits: &[NameHit],
    appositions: &[(usize, String)],
    phrases: &[RolePhrase],
) -> Vec<Entity> {
    let mut drafts: Vec<Draft> = Vec::new();
    // Entity of each full name and of each word of a person's name.
    let mut by_name: FxHashMap<String, usize> = FxHashMap::default();
    let mut by_word: FxHashMap<String, usize> = FxHashMap::default();
    let mut hit_entity = vec![usize::MAX; hits.len()];

    // People with two or more words first, so that "Simmons" finds "Phil
    // Simmons" even when it comes first.
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by_key(|&h| {
        let hit = &hits[h];
        let long_person = hit.kind == EntityKind::Person && hit.tokens.len() > 1;
        (hit.doubtful, !long_person, h)
    });
    for h in order {
        let hit = &hits[h];
        let words: Vec<&str> = toks[hit.tokens.clone()]
            .iter()
            .filter(|t| t.lower != ".")
            .map(|t| t.lower.as_str())
            .collect();
        let key = words.join(" ");
        let found = by_name.get(&key).copied().or_else(|| {
            if hit.sure && hit.kind != EntityKind::Person {
                return None;
            }
            let last = words.last()?;
            by_word
                .get(*last)
                .copied()
                .filter(|&e| words.len() == 1 || drafts[e].words > words.len())
        });
        let id = match found {
            Some(e) => e,
            None if hit.doubtful => continue,
            None => {
                drafts.push(Draft {
                    kind: hit.kind,
                    sure: hit.sure,
                    name: hit.span.of(text).to_string(),
                    words: words.len(),
                    roles: Vec::new(),
                    mentions: Vec::new(),
                    at: Vec::new(),
                    male: None,
                    team: false,
                });
                drafts.len() - 1
            }
        };
        by_name.entry(key).or_insert(id);
        let d = &mut drafts[id];
        if words.len() > d.words {
            d.words = words.len();
            d.name = hit.span.of(text).to_string();
        }
        if hit.sure && !d.sure {
            d.kind = hit.kind;
            d.sure = true;
        }
        // One sense per article: a name that is a side once is a side
        // throughout ("CHICAGO" in a table and in "Chicago AT Toronto").
        if hit.team && d.kind == EntityKind::Place {
            d.kind = EntityKind::Organization;
        }
        d.team |= hit.team;
        if d.kind == EntityKind::Person && (words.len() > 1 || d.words > 1) {
            for w in &words {
                if w.chars().count() > 1 {
                    by_word.entry((*w).to_string()).or_insert(id);
                }
            }
        }
        if let Some(role) = hit.role {
            add_role(d, role.of(text));
        }
        d.mentions.push(Mention {
            span: hit.span,
            form: MentionForm::Name,
        });
        d.at.push(hit.tokens.start);
        hit_entity[h] = id;
    }

    // A guess that is a side somewhere, and no person's surname, is a side.
    for d in &mut drafts {
        if d.team && !d.sure {
            d.kind = EntityKind::Organization;
            d.sure = true;
        }
    }

    // In a list, a guess beside a person is a person ("Wood , Loren
    // Roberts , Steve Stricker").
    let person_ends: FxHashSet<usize> = hits
        .iter()
        .filter(|h| h.sure && h.kind == EntityKind::Person)
        .map(|h| h.tokens.end)
        .collect();
    let person_starts: FxHashSet<usize> = hits
        .iter()
        .filter(|h| h.sure && h.kind == EntityKind::Person)
        .map(|h| h.tokens.start)
        .collect();
    let listed = |t: Option<&Tok>| t.is_some_and(|t| matches!(t.lower.as_str(), "," | "and"));

    // Guessed kinds: the words around any mention may settle them.
    for (h, hit) in hits.iter().enumerate() {
        let Some(d) = drafts.get_mut(hit_entity[h]) else {
            continue;
        };
        let r = &hit.tokens;
        let beside_person =
            (r.start > 0 && listed(toks.get(r.start - 1)) && person_ends.contains(&(r.start - 1)))
                || (listed(toks.get(r.end)) && person_starts.contains(&(r.end + 1)));
        if !d.sure && beside_person && hit.tokens.len() == 1 {
            d.kind = EntityKind::Person;
            d.sure = true;
        }
        if !d.sure
            && let Some(kind) = context_kind(toks, hit.tokens.clone())
        {
            d.kind = kind;
            d.sure = true;
        }
    }

    let hit_at_end: FxHashMap<usize, usize> = hits
        .iter()
        .enumerate()
        .map(|(h, hit)| (hit.tokens.end, h))
        .collect();
    for (tok, role) in appositions {
        if let Some(&h) = hit_at_end.get(tok)
            && let Some(d) = drafts.get_mut(hit_entity[h])
        {
            d.kind = EntityKind::Person;
            add_role(d, role);
        }
    }

    for d in &mut drafts {
        if d.kind == EntityKind::Person && !d.roles.is_empty() {
            d.sure = true;
        }
        // One unknown word never given in full: teams, firms and places
        // outnumber people named by surname alone.
        if !d.sure && d.words == 1 && !d.name.contains('.') {
            d.kind = EntityKind::Organization;
        }
        let lower: Vec<String> = d.roles.iter().map(|r| r.to_lowercase()).collect();
        if lower
            .iter()
            .any(|r| r.starts_with("mr") || r.contains("king"))
        {
            d.male = Some(true);
        } else if lower
            .iter()
            .any(|r| r.starts_with("mrs") || r.starts_with("ms") || r.contains("queen"))
        {
            d.male = Some(false);
        }
    }

    link_phrases(text, toks, phrases, &mut drafts);
    link_pronouns(toks, &mut drafts);

    // First mention order, ids to match.
    for d in &mut drafts {
        let mut pairs: Vec<(Mention, usize)> = d.mentions.drain(..).zip(d.at.drain(..)).collect();
        pairs.sort_by_key(|(m, _)| m.span);
        pairs.dedup_by_key(|(m, _)| m.span);
        for (m, a) in pairs {
            d.mentions.push(m);
            d.at.push(a);
        }
        d.roles
            .sort_by_key(|r| std::cmp::Reverse(r.split_whitespace().count()));
    }
    drafts.sort_by_key(|d| {
        d.mentions
            .first()
            .map_or(Span::new(usize::MAX, 0), |m| m.span)
    });
    drafts
        .into_iter()
        .enumerate()
        .map(|(id, d)| Entity {
            id,
            kind: d.kind,
            name: d.name,
            roles: d.roles,
            mentions: d.mentions,
        })
        .collect()
}

fn add_role(d: &mut Draft, role: &str) {
    let role = role.trim();
    if !role.is_empty() && !d.roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
        d.roles.push(role.to_string());
    }
}

/// Links each role phrase to the person whose roles name its head and
/// qualifiers, the most mentioned one when several fit.
fn link_phrases(text: &str, toks: &[Tok], phrases: &[RolePhrase], drafts: &mut [Draft]) {
    for p in phrases {
        let at = p.tokens.start;
        let mut best: Option<(usize, (usize, std::cmp::Reverse<usize>))> = None;
        for (e, d) in drafts.iter().enumerate() {
            if d.kind != EntityKind::Person || d.at.iter().all(|&a| a > at) {
                continue;
            }
            let roles: Vec<String> = d.roles.iter().map(|r| r.to_lowercase()).collect();
            let has = |w: &str| roles.iter().any(|r| r.split_whitespace().any(|x| x == w));
            if !has(&p.head) {
                continue;
            }
            let qualified = p.modifiers.iter().filter(|m| has(m)).count();
            if qualified < p.modifiers.iter().filter(|m| is_nationality(m)).count() {
                continue;
            }
            if let Some(owner) = &p.possessor
                && d.name.to_lowercase().split_whitespace().any(|w| w == owner)
            {
                continue;
            }
            let owned = p
                .possessor
                .as_ref()
                .is_some_and(|o| roles.iter().any(|r| r.contains(o.as_str())));
            // Unqualified, "the president" is the first one the article
            // introduced.
            let first = d.at.iter().min().copied().unwrap_or(usize::MAX);
            let score = (usize::from(owned) + qualified, std::cmp::Reverse(first));
            if best.as_ref().is_none_or(|(_, s)| score > *s) {
                best = Some((e, score));
            }
        }
        if let Some((e, _)) = best {
            let span = Span::new(
                toks[p.tokens.start].span.start,
                toks[p.tokens.end - 1].span.end,
            );
            debug_assert!(!span.of(text).is_empty());
            drafts[e].mentions.push(Mention {
                span,
                form: MentionForm::Role,
            });
            // Its head stands where the person is, after any possessor.
            drafts[e].at.push(p.tokens.end - 1);
        }
    }
}

fn is_nationality(word: &str) -> bool {
    super::names::lookup_kind(word).is_some()
}

/// Links he/she/his/her/him: in a sentence that already names a person,
/// "he" is its subject (the first person named) and "his" or "him" the
/// latest; opening a sentence, the subject of the latest sentence naming
/// a person.
fn link_pronouns(toks: &[Tok], drafts: &mut [Draft]) {
    // Person mentions in token order.
    let mut people: Vec<(usize, usize)> = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == EntityKind::Person)
        .flat_map(|(e, d)| d.at.iter().map(move |&a| (a, e)))
        .collect();
    people.sort_unstable();
    let mut next = 0;
    // People named so far in the current sentence (entity, as a possessor),
    // and the subject of the last sentence that named someone.
    let mut sentence = usize::MAX;
    let mut here: Vec<(usize, bool)> = Vec::new();
    let mut last_subject: Option<(usize, usize)> = None;
    let mut links = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.sentence != sentence {
            if let Some(e) = subject(&here, |_| true) {
                last_subject = Some((e, sentence));
            }
            sentence = t.sentence;
            here.clear();
        }
        while next < people.len() && people[next].0 <= i {
            let (at, e) = people[next];
            here.push((e, toks.get(at).is_some_and(|t| t.possessive)));
            next += 1;
        }
        let (male, nominative) = match t.lower.as_str() {
            "he" => (true, true),
            "she" => (false, true),
            "his" | "him" | "himself" => (true, false),
            "her" | "hers" | "herself" => (false, false),
            _ => continue,
        };
        let fits = |e: usize| drafts[e].male.is_none_or(|m| m == male);
        let pick = if here.is_empty() {
            last_subject
                .filter(|&(e, s)| fits(e) && sentence.saturating_sub(s) <= 3)
                .map(|(e, _)| e)
        } else if nominative {
            subject(&here, fits)
        } else if t.lower == "him" && here.len() > 1 {
            // An object pronoun is not the subject just named ("Zelenskyy
            // had sent him a letter").
            here.iter()
                .rev()
                .skip(1)
                .map(|&(e, _)| e)
                .find(|&e| fits(e))
        } else {
            here.iter().rev().map(|&(e, _)| e).find(|&e| fits(e))
        };
        if let Some(e) = pick {
            links.push((e, i));
            here.push((e, false));
            if drafts[e].male.is_none() {
                drafts[e].male = Some(male);
            }
        }
    }
    for (e, i) in links {
        drafts[e].mentions.push(Mention {
            span: toks[i].span,
            form: MentionForm::Pronoun,
        });
        drafts[e].at.push(i);
    }
}

/// The first person named in a sentence who fits, passing over possessors
/// ("Trump's envoy said" is about the envoy).
fn subject(here: &[(usize, bool)], fits: impl Fn(usize) -> bool) -> Option<usize> {
    here.iter()
        .find(|&&(e, possessor)| !possessor && fits(e))
        .or_else(|| here.iter().find(|&&(e, _)| fits(e)))
        .map(|&(e, _)| e)
}
