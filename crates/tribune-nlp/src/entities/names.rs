//! Names: runs of capitalised words, split from the titles in front of them
//! and typed from the gazetteers, their shape and the words around them.

use std::ops::Range;

use super::EntityKind;
use super::gazetteer::{
    CONNECTORS, EVENT_HEADS, GAZETTEER, NEVER_NAMES, ORG_HEADS, ORG_STARTS, RESULT_VERBS,
};
use rustc_hash::FxHashSet;

use crate::Span;
use crate::text::{Sentence, TokenKind, tokens_in};

/// One token with what the rules ask of it.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    /// The token without a possessive "'s".
    pub span: Span,
    /// Its text lower-cased, without a possessive "'s".
    pub lower: String,
    pub kind: TokenKind,
    pub sentence: usize,
    /// Starts with a capital letter.
    pub cap: bool,
    /// Two or more letters, all capitals.
    pub all_caps: bool,
    /// Ended in "'s".
    pub possessive: bool,
    /// First word of its sentence, or after an opening quote or a colon.
    pub opens: bool,
}

/// The tokens of every sentence, in text order.
pub(crate) fn prepare(text: &str, sentences: &[Sentence]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(text.len() / 5);
    for (s, sentence) in sentences.iter().enumerate() {
        let mut opens = true;
        for token in tokens_in(text, sentence.span) {
            let raw = token.text(text);
            let (base, possessive) = match raw
                .strip_suffix("'s")
                .or_else(|| raw.strip_suffix("\u{2019}s"))
            {
                Some(b) if !b.is_empty() && token.kind == TokenKind::Word => (b, true),
                _ => (raw, false),
            };
            let mut letters = base.chars().filter(|c| c.is_alphabetic());
            let first = base.chars().next();
            let cap = first.is_some_and(char::is_uppercase);
            let all_caps = base.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && letters.all(char::is_uppercase);
            let tok = Tok {
                span: Span::new(token.span.start, token.span.start + base.len()),
                lower: base.to_lowercase(),
                kind: token.kind,
                sentence: s,
                cap,
                all_caps,
                possessive,
                opens,
            };
            opens = matches!(token.kind, TokenKind::Quote)
                || (token.kind == TokenKind::Punct && matches!(raw, ":" | "-" | "(" | "\u{2014}"));
            out.push(tok);
        }
    }
    out
}

/// Whether each sentence is a headline or a table: mostly capitalised
/// words, where capitals say little about names.
pub(crate) fn shouting(toks: &[Tok], sentences: usize) -> Vec<bool> {
    let mut caps = vec![(0usize, 0usize); sentences];
    for t in toks.iter().filter(|t| t.kind == TokenKind::Word) {
        if let Some(c) = caps.get_mut(t.sentence) {
            c.1 += 1;
            if t.all_caps || (t.cap && t.lower.len() > 3) {
                c.0 += 1;
            }
        }
    }
    caps.iter()
        .map(|&(cap, all)| all >= 3 && cap * 10 >= all * 7)
        .collect()
}

/// The name list that knows `lower`, trying "u.s." as "u.s." and "us".
pub(crate) fn lookup_kind(lower: &str) -> Option<EntityKind> {
    let g = &*GAZETTEER;
    if g.organizations.contains(lower) {
        Some(EntityKind::Organization)
    } else if g.places.contains(lower) {
        Some(EntityKind::Place)
    } else if g.demonyms.contains(lower)
        || lower
            .strip_suffix('s')
            .is_some_and(|stem| g.demonyms.contains(stem))
    {
        Some(EntityKind::Misc)
    } else {
        None
    }
}

/// Whether token `i` can be part of a name; `seen` holds the words written
/// capitalised in running text, which vouch for them in headlines.
fn name_word(toks: &[Tok], i: usize, shouting: &[bool], seen: &FxHashSet<&str>) -> bool {
    let Some(t) = toks.get(i) else { return false };
    if t.kind != TokenKind::Word || !t.cap || NEVER_NAMES.contains(&t.lower.as_str()) {
        return false;
    }
    let g = &*GAZETTEER;
    let loud = shouting.get(t.sentence).copied().unwrap_or(false);
    if (t.opens || loud) && is_common(&t.lower) {
        // A capitalised common word opening a sentence or in a headline is
        // a name only if a list says so.
        return g.is_known_name(&t.lower) || is_title(&t.lower);
    }
    // In a headline or table an unknown word needs the body to write it as
    // a name too.
    !(loud && t.all_caps) || seen.contains(t.lower.as_str()) || g.is_known_name(&t.lower)
}

/// Whether `lower` is an ordinary word, or the plural of one.
pub(crate) fn is_common(lower: &str) -> bool {
    let g = &*GAZETTEER;
    g.common_words.contains(lower)
        || lower
            .strip_suffix('s')
            .is_some_and(|stem| stem.len() > 2 && g.common_words.contains(stem))
}

pub(crate) fn is_title(lower: &str) -> bool {
    let bare = lower.trim_end_matches('.');
    super::gazetteer::TITLES.contains(&bare)
}

/// A name found in the text, before mentions are grouped into entities.
#[derive(Debug, Clone)]
pub(crate) struct NameHit {
    /// Its tokens.
    pub tokens: Range<usize>,
    pub span: Span,
    pub kind: EntityKind,
    /// The kind came from evidence rather than a default.
    pub sure: bool,
    /// The role written with it, if any.
    pub role: Option<Span>,
    /// It stands as a side in a result, which makes every mention of the
    /// same name a side (a team named after its city).
    pub team: bool,
    /// Probably a capitalised common word: kept only as a mention of a
    /// person named in full elsewhere.
    pub doubtful: bool,
}

/// Runs of name words in each sentence, as token ranges.
pub(crate) fn runs(toks: &[Tok], shouting: &[bool]) -> Vec<Range<usize>> {
    let seen: FxHashSet<&str> = toks
        .iter()
        .filter(|t| t.cap && !t.opens && !shouting.get(t.sentence).copied().unwrap_or(false))
        .map(|t| t.lower.as_str())
        .collect();
    let name_word = |toks: &[Tok], i: usize, shouting: &[bool]| name_word(toks, i, shouting, &seen);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let known = known_phrase(toks, i);
        if known == 0 && !name_word(toks, i, shouting) && !initial(toks, i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + known.max(1);
        loop {
            let prev = &toks[end - 1];
            if prev.possessive {
                break;
            }
            let same = |j: usize| toks.get(j).is_some_and(|t| t.sentence == prev.sentence);
            if same(end) && name_word(toks, end, shouting) {
                end += 1;
                continue;
            }
            // An initial: "P. Simmons".
            if same(end + 1)
                && toks[end].lower == "."
                && (prev.lower.chars().count() == 1 || is_title(&prev.lower))
                && name_word(toks, end + 1, shouting)
            {
                end += 2;
                continue;
            }
            if same(end + 1)
                && CONNECTORS.contains(&toks[end].lower.as_str())
                && !toks[end].cap
                && connector_fits(toks, start..end, &toks[end].lower)
                && name_word(toks, end + 1, shouting)
            {
                end += 2;
                continue;
            }
            break;
        }
        out.push(start..end);
        i = end;
    }
    out
}

/// Whether token `i` is an initial opening a person's name ("A. Dale",
/// "I. Healy"), which would otherwise read as the word "a" or "I".
fn initial(toks: &[Tok], i: usize) -> bool {
    let (Some(t), Some(dot), Some(next)) = (toks.get(i), toks.get(i + 1), toks.get(i + 2)) else {
        return false;
    };
    t.cap
        && t.kind == TokenKind::Word
        && t.lower.chars().count() == 1
        && dot.lower == "."
        && dot.span.start == t.span.end
        && next.cap
        && next.kind == TokenKind::Word
        && next.sentence == t.sentence
        && !NEVER_NAMES.contains(&next.lower.as_str())
}

/// How many capitalised words from `i` spell a listed place or
/// organisation of two or three words ("NEW YORK", "Los Angeles"), 0 if
/// none: their first word is a common one ("new", "los") that would not
/// open a name on its own at the start of a sentence or in a headline.
fn known_phrase(toks: &[Tok], i: usize) -> usize {
    let Some(first) = toks.get(i) else { return 0 };
    if !first.cap || first.kind != TokenKind::Word || first.possessive {
        return 0;
    }
    let mut joined = first.lower.clone();
    let mut found = 0;
    for n in 2..=3 {
        let Some(t) = toks.get(i + n - 1) else { break };
        if t.sentence != first.sentence || !t.cap || t.kind != TokenKind::Word {
            break;
        }
        joined.push(' ');
        joined.push_str(&t.lower);
        if lookup_kind(&joined).is_some_and(|k| k != EntityKind::Misc) {
            found = n;
        }
        if t.possessive {
            break;
        }
    }
    found
}

/// Whether a lower-case connector may continue the name `run`: "of" and
/// "for" only after an organisation or place word ("Bank of England",
/// "Gulf of Mexico"), particles of personal names always, "and" never
/// between two names.
fn connector_fits(toks: &[Tok], run: Range<usize>, connector: &str) -> bool {
    let last = toks
        .get(run.end.wrapping_sub(1))
        .map_or("", |t| t.lower.as_str());
    match connector {
        "of" | "for" => {
            ORG_STARTS.contains(&last)
                || ORG_HEADS.contains(&last)
                || matches!(
                    last,
                    "republic" | "kingdom" | "gulf" | "bay" | "isle" | "sea" | "state" | "states"
                )
        }
        "and" => ORG_HEADS.contains(&last) && run.len() > 1,
        _ => true,
    }
}

/// The kind of the name `range` from its own words, and whether that is
/// evidence (`true`) or a guess.
pub(crate) fn classify(toks: &[Tok], range: Range<usize>) -> (EntityKind, bool) {
    let g = &*GAZETTEER;
    let words = &toks[range.clone()];
    let joined: String = words
        .iter()
        .filter(|t| t.lower != ".")
        .map(|t| t.lower.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(kind) = lookup_kind(&joined) {
        return (kind, true);
    }
    let first = words.first().map_or("", |t| t.lower.as_str());
    let last = words.last().map_or("", |t| t.lower.as_str());
    if words.len() > 1 && EVENT_HEADS.contains(&last) {
        return (EntityKind::Misc, true);
    }
    // "West Indian", "North American": a nationality with a qualifier.
    if words.len() > 1 && lookup_kind(last) == Some(EntityKind::Misc) {
        return (EntityKind::Misc, true);
    }
    if words.len() > 1 && (ORG_HEADS.contains(&last) || ORG_STARTS.contains(&first)) {
        return (EntityKind::Organization, true);
    }
    if words.iter().any(|t| t.lower.contains('&')) {
        return (EntityKind::Organization, true);
    }
    if words.len() > 1 && (g.given_names.contains(first) || first.chars().count() == 1) {
        return (EntityKind::Person, true);
    }
    // Hyphenated place or nationality compounds: "Russia-Ukraine",
    // "Anglo-French".
    if words.len() == 1 && first.contains('-') {
        let mut parts = first.split('-');
        if parts.next().is_some_and(|p| lookup_kind(p).is_some()) {
            return (EntityKind::Misc, true);
        }
    }
    if words.len() == 1 {
        let t = &words[0];
        if t.all_caps && t.lower.chars().count() <= 5 {
            return (EntityKind::Organization, false);
        }
        return (EntityKind::Person, false);
    }
    // People's names are rarely plain words or places: "Minor Counties",
    // "Dynamo Moscow", "Philadelphia Eagles" are sides and firms.
    // One plain word may be a name ("Will Carling", "Walter Little"); a
    // plural or two plain words are not.
    let word_count = |f: &dyn Fn(&str) -> bool| words.iter().filter(|t| f(&t.lower)).count();
    let plain = word_count(&|w| g.places.contains(w)) > 0
        || word_count(&|w| {
            w.ends_with('s') && w.len() > 3 && is_common(w) && !g.given_names.contains(w)
        }) > 0
        || word_count(&|w| w.chars().count() > 1 && is_common(w)) > 1;
    if words.len() <= 3 && !plain {
        (EntityKind::Person, false)
    } else {
        (EntityKind::Organization, false)
    }
}

/// Whether each sentence is a line of a results table or a score line:
/// at least two numbers and no more lower-case words than numbers
/// ("Pohang 3 Ulsan 2 ( halftime 1-0 )", "CHICAGO 71 64 .526 10").
pub(crate) fn tabular(toks: &[Tok], sentences: usize) -> Vec<bool> {
    let mut counts = vec![(0usize, 0usize); sentences];
    for t in toks {
        if let Some(c) = counts.get_mut(t.sentence) {
            match t.kind {
                TokenKind::Number => c.0 += 1,
                TokenKind::Word if !t.cap => c.1 += 1,
                _ => {}
            }
        }
    }
    counts
        .iter()
        .map(|&(numbers, lower)| numbers >= 2 && lower <= numbers)
        .collect()
}

/// Whether the name `range` stands as a side in a result: followed by its
/// score in a table line, or beside a verb of winning ("Leicestershire
/// beat Somerset", "Kent v Sussex", "Chicago won 5-3"). Countries are
/// not sides here: national teams keep their country's kind.
pub(crate) fn team_cue(toks: &[Tok], tabular: &[bool], range: Range<usize>) -> bool {
    let Some(first) = toks.get(range.start) else {
        return false;
    };
    let sentence = first.sentence;
    let joined: String = toks[range.clone()]
        .iter()
        .map(|t| t.lower.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if GAZETTEER.countries.contains(joined.as_str()) {
        return false;
    }
    let at = |i: usize| toks.get(i).filter(|t| t.sentence == sentence);
    let after = at(range.end);
    let before = range.start.checked_sub(1).and_then(at);
    // A year after a name is a dateline ("NEW YORK 1996-08-30"), not a score.
    let year =
        |t: &Tok| t.lower.len() == 4 && (t.lower.starts_with("19") || t.lower.starts_with("20"));
    if tabular.get(sentence).copied().unwrap_or(false)
        && after.is_some_and(|t| t.kind == TokenKind::Number && !year(t))
    {
        return true;
    }
    let verb =
        |t: Option<&Tok>| t.is_some_and(|t| !t.cap && RESULT_VERBS.contains(&t.lower.as_str()));
    if verb(before) || verb(after) {
        return true;
    }
    // "drew with X", "lost to X".
    if let (Some(b), Some(bb)) = (before, range.start.checked_sub(2).and_then(at))
        && matches!(
            (bb.lower.as_str(), b.lower.as_str()),
            ("drew" | "draw", "with") | ("lost" | "losing", "to")
        )
    {
        return true;
    }
    // "X won 5-3".
    after.is_some_and(|t| matches!(t.lower.as_str(), "won" | "lost" | "drew"))
        && at(range.end + 1).is_some_and(|t| t.kind == TokenKind::Number)
}

/// The kind a single-word name takes from the words around it, if they
/// say anything.
pub(crate) fn context_kind(toks: &[Tok], range: Range<usize>) -> Option<EntityKind> {
    let before = range.start.checked_sub(1).and_then(|i| toks.get(i));
    let after = toks.get(range.end);
    // "the newspaper Izvestia", "Interfax news agency", "Hamas spokesman".
    if before.is_some_and(|b| {
        matches!(
            b.lower.as_str(),
            "newspaper" | "daily" | "agency" | "club" | "side" | "team" | "firm"
        )
    }) || after.is_some_and(|a| {
        matches!(
            a.lower.as_str(),
            "newspaper"
                | "daily"
                | "agency"
                | "news"
                | "radio"
                | "television"
                | "club"
                | "newsroom"
                | "spokesman"
                | "spokeswoman"
                | "shares"
                | "officials"
        )
    }) {
        return Some(EntityKind::Organization);
    }
    if let Some(b) = before
        && matches!(
            b.lower.as_str(),
            "in" | "at" | "near" | "from" | "outside" | "across" | "into" | "to"
        )
    {
        return Some(EntityKind::Place);
    }
    if let Some(a) = after
        && matches!(
            a.lower.as_str(),
            "said" | "says" | "told" | "added" | "wrote" | "who" | "believes" | "thinks"
        )
    {
        return Some(EntityKind::Person);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences;

    fn names(text: &str) -> Vec<(String, EntityKind)> {
        let s = sentences(text);
        let toks = prepare(text, &s);
        let loud = shouting(&toks, s.len());
        runs(&toks, &loud)
            .into_iter()
            .map(|r| {
                let span = Span::new(toks[r.start].span.start, toks[r.end - 1].span.end);
                (span.of(text).to_string(), classify(&toks, r).0)
            })
            .collect()
    }

    #[test]
    fn runs_stop_at_sentence_openers_and_possessives() {
        let found = names("The Bank of England met Trump's envoy in Saudi Arabia on Monday.");
        assert_eq!(
            found,
            [
                ("Bank of England".to_string(), EntityKind::Organization),
                ("Trump".to_string(), EntityKind::Person),
                ("Saudi Arabia".to_string(), EntityKind::Place),
            ]
        );
    }

    #[test]
    fn headlines_keep_only_unusual_words() {
        let found = names(
            "LEICESTERSHIRE TAKE OVER AT TOP AFTER VICTORY.\nThe win put Leicestershire top.",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "LEICESTERSHIRE");
    }
}
