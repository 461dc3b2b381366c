//! Finding attributions in one paragraph: quotations tied to a cue and a
//! source next to them, and clauses introduced by a cue.
//!
//! Works on the paragraph's tokens with the quotation each one sits in, so
//! every rule looks at a bounded window around a cue or a mark and the
//! whole paragraph is read in linear time.

use crate::Span;
use crate::text::{Sentence, TokenKind, tokens_in};

use super::QuoteKind;
use super::cues;
use super::marks::{self, Quoted};

/// The longest subject noun phrase, in tokens.
const MAX_SUBJECT: usize = 9;
/// How far before a quotation its cue may stand ("said on Sunday in a
/// statement:").
const MAX_LEAD: usize = 8;
/// How far after a cue its "that" may stand ("said in a social media post
/// on Friday that").
const MAX_THAT: usize = 12;
/// The longest subject with its apposition before a cue.
const MAX_APPOSITION: usize = 30;
/// The longest paraphrase, in tokens.
const MAX_CONTENT: usize = 300;

/// An attribution found in a paragraph, before its speaker is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub kind: QuoteKind,
    pub content: Span,
    pub cue: Option<Span>,
    pub source: Option<Span>,
    /// Has no cue of its own and continues the quotation before it.
    pub continues: bool,
}

struct Word<'t> {
    span: Span,
    text: &'t str,
    lower: String,
    kind: TokenKind,
    /// The quotation (index into the paragraph's list) whose marks enclose
    /// the token, marks included.
    quote: Option<usize>,
    sentence: usize,
    /// A dot ending a title or an initial inside a name ("Mr.", "J."),
    /// read as part of the name.
    inner_dot: bool,
}

impl Word<'_> {
    fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Number) || self.inner_dot
    }
    fn capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }
    fn is(&self, s: &str) -> bool {
        self.lower == s
    }
}

/// The paragraph being read.
pub(crate) struct Paragraph<'t> {
    source_text: &'t str,
    words: Vec<Word<'t>>,
    /// Per sentence, its token range.
    sentences: Vec<(usize, usize)>,
    pub quotations: Vec<Quoted>,
    /// Per quotation, its token range (marks included).
    quote_tokens: Vec<(usize, usize)>,
}

impl<'t> Paragraph<'t> {
    /// Tokenises the paragraph `para` made of `sentences`.
    pub(crate) fn new(text: &'t str, para: Span, sentences: &[Sentence]) -> Paragraph<'t> {
        let quotations = marks::quotations(text, para);
        let tokens = tokens_in(text, para);
        let mut words = Vec::with_capacity(tokens.len());
        let mut q = 0;
        let mut s = 0;
        let mut quote_tokens = vec![(usize::MAX, 0); quotations.len()];
        let mut sentence_tokens = vec![(usize::MAX, 0); sentences.len()];
        for token in tokens {
            while q < quotations.len() && quotations[q].outer.end <= token.span.start {
                q += 1;
            }
            while s + 1 < sentences.len() && sentences[s].span.end <= token.span.start {
                s += 1;
            }
            let quote = quotations
                .get(q)
                .filter(|qt| qt.outer.start <= token.span.start)
                .map(|_| q);
            let index = words.len();
            if let Some(qi) = quote {
                let range = &mut quote_tokens[qi];
                range.0 = range.0.min(index);
                range.1 = index + 1;
            }
            if let Some(range) = sentence_tokens.get_mut(s) {
                range.0 = range.0.min(index);
                range.1 = index + 1;
            }
            let text_of = token.span.of(text);
            let lower = if text_of.chars().any(char::is_uppercase) {
                text_of.to_lowercase()
            } else {
                text_of.to_string()
            };
            let inner_dot = text_of == "."
                && words.last().is_some_and(|w: &Word| {
                    w.span.end == token.span.start
                        && w.kind == TokenKind::Word
                        && w.capitalised()
                        && w.text.chars().count() <= 5
                });
            words.push(Word {
                inner_dot,
                span: token.span,
                text: text_of,
                lower,
                kind: token.kind,
                quote,
                sentence: s,
            });
        }
        for range in sentence_tokens.iter_mut().chain(quote_tokens.iter_mut()) {
            if range.0 == usize::MAX {
                *range = (0, 0);
            }
        }
        Paragraph {
            source_text: text,
            words,
            sentences: sentence_tokens,
            quotations,
            quote_tokens,
        }
    }

    fn lower(&self, i: usize) -> &str {
        self.words.get(i).map_or("", |w| w.lower.as_str())
    }

    fn span(&self, from: usize, to: usize) -> Option<Span> {
        let first = self.words.get(from)?;
        let last = self.words.get(to.checked_sub(1)?)?;
        (from < to).then(|| Span::new(first.span.start, last.span.end))
    }

    /// Whether word `i` is a cue verb outside any quotation.
    fn cue_at(&self, i: usize) -> bool {
        self.words.get(i).is_some_and(|w| {
            w.quote.is_none() && w.kind == TokenKind::Word && cues::is_cue(&w.lower)
        })
    }

    fn sentence_range(&self, i: usize) -> (usize, usize) {
        self.words
            .get(i)
            .and_then(|w| self.sentences.get(w.sentence))
            .copied()
            .unwrap_or((0, self.words.len()))
    }

    /// The cue span for the cue word `i`, with the auxiliaries and adverbs
    /// right before it ("has said", "also told").
    fn cue_span(&self, i: usize, lo: usize) -> Option<Span> {
        let mut from = i;
        while from > lo && cues::is_between(self.lower(from - 1)) {
            from -= 1;
        }
        self.span(from, i + 1)
    }

    /// Whether the words `from..to` may form a subject noun phrase.
    fn noun_phrase_ok(&self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        let last = &self.words[to - 1];
        if cues::is_time_word(&last.lower) || cues::is_reporter(&last.lower) {
            return false;
        }
        // A lone lower-case word that is no noun of people ("it", "this")
        // has been stopped before; a determiner alone is no subject.
        !matches!(
            last.lower.as_str(),
            "the" | "a" | "an" | "his" | "her" | "their" | "its"
        )
    }

    /// The subject of the cue at `i`, read leftwards down to `lo`.
    fn subject_left(&self, i: usize, lo: usize, depth: u8) -> Option<(usize, usize)> {
        let mut end = i;
        while end > lo && cues::is_between(self.lower(end - 1)) {
            end -= 1;
        }
        // "Trump, however, said"
        if end >= lo + 3 && self.lower(end - 1) == "," && self.lower(end - 3) == "," {
            let adverb = self.lower(end - 2);
            if matches!(adverb, "however" | "though" | "too" | "meanwhile") {
                end -= 3;
            }
        }
        if end > lo {
            let w = &self.words[end - 1];
            if w.quote.is_none() && cues::is_pronoun(&w.lower) {
                return Some((end - 1, end));
            }
        }
        let mut from = end;
        while from > lo && end - from < MAX_SUBJECT {
            let w = &self.words[from - 1];
            if w.quote.is_some() || !w.is_word() {
                break;
            }
            if cues::stops_subject(&w.lower) {
                // "people familiar with the matter"
                let familiar = w.lower == "with" && from >= 2 && self.lower(from - 2) == "familiar";
                if !familiar {
                    break;
                }
            }
            if cues::is_pronoun(&w.lower) || cues::is_cue(&w.lower) && from < end {
                break;
            }
            from -= 1;
        }
        // "Pence, who said"
        if from == end && from > lo && depth == 0 && self.lower(from - 1) == "who" {
            let mut at = from - 1;
            if at > lo && self.lower(at - 1) == "," {
                at -= 1;
            }
            return self.subject_left(at, lo, 1);
        }
        if !self.noun_phrase_ok(from, end) {
            return None;
        }
        // An object of a preposition is no subject ("address to Congress").
        if from > lo
            && matches!(
                self.lower(from - 1),
                "to" | "in"
                    | "on"
                    | "at"
                    | "during"
                    | "with"
                    | "from"
                    | "by"
                    | "about"
                    | "into"
                    | "after"
                    | "before"
                    | "over"
                    | "through"
                    | "against"
            )
        {
            return None;
        }
        Some((from, end))
    }

    /// The noun phrase at the start of the sentence `(lo, hi)` before `limit`,
    /// skipping a leading connective ("However,", "But").
    fn sentence_subject(&self, lo: usize, limit: usize) -> Option<(usize, usize)> {
        let mut from = lo;
        while from < limit {
            let l = self.lower(from);
            if matches!(l, "but" | "and" | "so" | "yet" | "still" | "however" | ",") {
                from += 1;
            } else {
                break;
            }
        }
        if let Some(w) = self.words.get(from)
            && w.quote.is_none()
            && cues::is_pronoun(&w.lower)
        {
            return Some((from, from + 1));
        }
        let mut end = from;
        while end < limit && end - from < MAX_SUBJECT {
            let w = &self.words[end];
            if w.quote.is_some() || !w.is_word() || cues::stops_subject(&w.lower) {
                break;
            }
            if end > from && !w.capitalised() && self.words[end - 1].capitalised() {
                // "Trump during his address": a name ends at its last
                // capital unless a lower-case noun continues it.
                if !self.words[end - 1].text.ends_with("'s")
                    && !self.words[end - 1].text.ends_with("’s")
                {
                    break;
                }
            }
            end += 1;
        }
        (end > from && self.noun_phrase_ok(from, end)).then_some((from, end))
    }

    /// Whether word `i` may open a subject: a capital, a pronoun, a
    /// determiner or a plural of people ("officials said").
    fn may_open_subject(&self, i: usize) -> bool {
        let Some(w) = self.words.get(i) else {
            return false;
        };
        w.capitalised()
            || cues::is_pronoun(&w.lower)
            || matches!(
                w.lower.as_str(),
                "the"
                    | "a"
                    | "an"
                    | "his"
                    | "her"
                    | "their"
                    | "its"
                    | "our"
                    | "one"
                    | "two"
                    | "three"
                    | "some"
                    | "many"
                    | "several"
                    | "another"
                    | "other"
                    | "both"
                    | "all"
                    | "most"
                    | "senior"
                    | "former"
                    | "officials"
                    | "sources"
                    | "experts"
                    | "analysts"
                    | "critics"
                    | "supporters"
                    | "aides"
                    | "people"
                    | "residents"
                    | "witnesses"
                    | "police"
                    | "authorities"
                    | "researchers"
                    | "scientists"
                    | "economists"
                    | "democrats"
                    | "republicans"
                    | "retired"
                    | "top"
            )
    }

    /// The noun phrase right after the cue at `i` ("said Witkoff, a special
    /// envoy").
    fn subject_right(&self, i: usize, hi: usize) -> Option<(usize, usize)> {
        let from = i + 1;
        let w = self.words.get(from)?;
        if from >= hi || w.quote.is_some() {
            return None;
        }
        if cues::is_pronoun(&w.lower) {
            return Some((from, from + 1));
        }
        if !self.may_open_subject(from) {
            return None;
        }
        let mut end = from;
        while end < hi && end - from < MAX_SUBJECT {
            let w = &self.words[end];
            if w.quote.is_some()
                || !w.is_word()
                || cues::stops_subject(&w.lower)
                || cues::is_time_word(&w.lower)
            {
                break;
            }
            end += 1;
        }
        (self.noun_phrase_ok(from, end)
            && self.words[from..end]
                .iter()
                .all(|w| !cues::is_reporter(&w.lower)))
        .then_some((from, end))
    }

    /// Reads the paragraph's attributions into `out`, in text order.
    pub(crate) fn attributions(&self, out: &mut Vec<Found>) {
        let mut used_cue = vec![false; self.words.len()];
        let mut attributed = vec![false; self.quotations.len()];
        let mut found: Vec<Found> = Vec::new();
        for q in 0..self.quotations.len() {
            if attributed[q] {
                continue;
            }
            if let Some((f, cue, next)) = self.direct_after(q) {
                attributed[q] = true;
                used_cue[cue] = true;
                found.push(f);
                // `"One," he said, "two."`: the second part shares it.
                if let Some(n) = next {
                    attributed[n] = true;
                    found.push(Found {
                        content: self.quotations[n].inner,
                        ..f
                    });
                }
            } else if let Some((f, cue)) = self.direct_before(q) {
                attributed[q] = true;
                used_cue[cue] = true;
                found.push(f);
            }
        }
        self.clauses(&mut used_cue, &attributed, &mut found);
        found.sort_by_key(|f| f.content.start);
        // Quotations standing alone as sentences continue the quotation
        // before them.
        let mut continued = Vec::new();
        let (mut next_found, mut reach) = (0, 0);
        for (q, quoted) in self.quotations.iter().enumerate() {
            if attributed[q] || !self.stands_alone(q) {
                continue;
            }
            // The furthest end of the attributions starting before this
            // quotation ends tells whether one overlaps it.
            while next_found < found.len() && found[next_found].content.start < quoted.inner.end {
                reach = reach.max(found[next_found].content.end);
                next_found += 1;
            }
            if reach > quoted.inner.start {
                continue;
            }
            continued.push(Found {
                kind: QuoteKind::Direct,
                content: quoted.inner,
                cue: None,
                source: None,
                continues: true,
            });
        }
        found.extend(continued);
        found.sort_by_key(|f| f.content.start);
        out.extend(found);
    }

    /// `He said:` ending the paragraph: the cue and source of the
    /// quotation that opens the next one.
    pub(crate) fn lead_in(&self) -> Option<(Option<Span>, Span)> {
        let last = self.words.len().checked_sub(1)?;
        if self.lower(last) != ":" || self.words[last].quote.is_some() {
            return None;
        }
        let (lo, _) = self.sentence_range(last);
        let cue = (lo.max(last.saturating_sub(MAX_LEAD))..last)
            .rev()
            .find(|&k| self.cue_at(k))?;
        let source = self
            .subject_left(cue, lo, 0)
            .or_else(|| self.sentence_subject(lo, cue))
            .and_then(|(a, b)| self.span(a, b));
        Some((source, self.cue_span(cue, lo)?))
    }

    /// Whether the paragraph opens with a quotation.
    pub(crate) fn opens_with_quotation(&self) -> bool {
        self.quote_tokens
            .first()
            .is_some_and(|&(from, to)| from == 0 && to > 0)
    }

    /// Whether quotation `q` is a sentence (or several) by itself.
    fn stands_alone(&self, q: usize) -> bool {
        let (from, to) = self.quote_tokens[q];
        if from >= to {
            return false;
        }
        let (s_from, _) = self.sentence_range(from);
        let (_, s_to) = self.sentence_range(to - 1);
        let before_ok = from == s_from;
        let after = &self.words[to..s_to.max(to)];
        let after_ok = after.len() <= 4 && after.iter().all(|w| !w.is_word());
        before_ok && after_ok
    }

    /// `"…," Witkoff said` / `"…," said Witkoff`: the cue and source right
    /// after quotation `q`. Returns the attribution, the cue word, and a
    /// quotation that goes on after them in the same sentence.
    fn direct_after(&self, q: usize) -> Option<(Found, usize, Option<usize>)> {
        let quoted = self.quotations[q];
        if !quoted.closed {
            return None;
        }
        let (from, to) = self.quote_tokens[q];
        // A statement opens its sentence or follows a pause or a cue; after
        // another word a quotation is a title or a phrase ("titled
        // “Arrogant,”", "Clinton “is the only …,”").
        if from > 0 {
            let before = &self.words[from - 1];
            let opens = before.sentence != self.words[from].sentence
                || matches!(
                    before.lower.as_str(),
                    ":" | "," | "(" | "—" | "–" | "-" | ";"
                )
                || self.cue_at(from - 1);
            if !opens {
                return None;
            }
        }
        let mut j = to;
        let (_, s_hi) = self.sentence_range(j.saturating_sub(1));
        let hi = self.words.len();
        // `“…” ― Sonya Herridge`: a signature with no cue.
        if let Some(dash) = self.words.get(j)
            && matches!(dash.lower.as_str(), "―" | "—" | "–")
            && dash.sentence == self.words[to - 1].sentence
            && self.words.get(j + 1).is_some_and(Word::capitalised)
        {
            let (_, s_end) = self.sentence_range(j);
            let name_end = (j + 1..s_end.min(j + 8))
                .take_while(|&k| self.words[k].is_word() && self.words[k].quote.is_none())
                .last()
                .map(|k| k + 1)?;
            if name_end == s_end || self.trim_end(j + 1, s_end) == name_end {
                let f = Found {
                    kind: QuoteKind::Direct,
                    content: quoted.inner,
                    cue: None,
                    source: self.span(j + 1, name_end),
                    continues: false,
                };
                return Some((f, j, None));
            }
            return None;
        }
        if j < hi && matches!(self.lower(j), "," | "—" | "–" | "-") {
            j += 1;
        }
        let w = self.words.get(j)?;
        if w.quote.is_some() {
            return None;
        }
        // `“Why?” Graham asked.` is cut after the mark: the next sentence
        // may attribute it if that is all it does.
        if w.sentence != self.words.get(to.checked_sub(1)?)?.sentence {
            let (_, s_end) = self.sentence_range(j);
            if s_end.saturating_sub(j) > 7 {
                return None;
            }
        }
        // A quoted word before "Putin said" is a noun the clause is about,
        // not a statement: a statement ends with a comma or a stop.
        let ends_clause = quoted
            .inner
            .of(self.source_text)
            .chars()
            .next_back()
            .is_some_and(|c| {
                matches!(c, ',' | '.' | '!' | '?' | '…' | '—' | '–' | '-' | ';' | ':')
            })
            || j > to;
        if !ends_clause {
            return None;
        }
        let (cue, source) = if self.cue_at(j) && !cues::clause_only(&w.lower) {
            let source = if cues::takes_addressee(&w.lower) {
                None
            } else {
                self.subject_right(j, hi)
            };
            source?;
            (j, source)
        } else {
            // A subject, maybe with an apposition ("Scott Pruitt, the
            // attorney general of Oklahoma,"), then its cue.
            if !self.may_open_subject(j) {
                return None;
            }
            let mut k = j;
            let mut subject_end = None;
            let mut depth = 0usize;
            while k < hi && k - j <= MAX_APPOSITION && !(depth == 0 && self.cue_at(k)) {
                let w = &self.words[k];
                match w.lower.as_str() {
                    "(" => depth += 1,
                    ")" => depth = depth.saturating_sub(1),
                    "," if depth == 0 => {
                        subject_end.get_or_insert(k);
                    }
                    _ if w.quote.is_some() || !w.is_word() && depth == 0 => return None,
                    _ => {}
                }
                if subject_end.is_none() && k - j > MAX_SUBJECT {
                    return None;
                }
                k += 1;
            }
            if !self.cue_at(k)
                || cues::clause_only(self.lower(k))
                || cues::is_participle(self.lower(k))
            {
                return None;
            }
            if subject_end.is_some() && self.lower(k - 1) != "," {
                return None;
            }
            let mut end = subject_end.unwrap_or(k);
            while end > j && cues::is_between(self.lower(end - 1)) {
                end -= 1;
            }
            if end <= j || !self.noun_phrase_ok(j, end) {
                return None;
            }
            (k, Some((j, end)))
        };
        let inner = quoted.inner;
        let found = Found {
            kind: QuoteKind::Direct,
            content: inner,
            cue: self.cue_span(cue, j),
            source: source.and_then(|(a, b)| self.span(a, b)),
            continues: false,
        };
        // `, "two."` after the cue and source, in the same sentence or the
        // one the splitter cut after "said".
        let mut k = cue + 1;
        if let Some((_, b)) = source {
            k = k.max(b);
        }
        let limit = (s_hi.max(cue + 1) + 1).min(k + MAX_LEAD);
        while k < hi && k < limit && self.words[k].quote.is_none() && self.lower(k) != "," {
            if self.lower(k) == "." {
                break;
            }
            k += 1;
        }
        let next = (self.lower(k) == ",")
            .then(|| self.words.get(k + 1).and_then(|w| w.quote))
            .flatten()
            .filter(|&n| n > q && self.quote_tokens[n].0 == k + 1);
        Some((found, cue, next))
    }

    /// `Witkoff said Sunday: "…"`: a cue just before quotation `q` that
    /// leads into it with a colon, a comma or nothing.
    fn direct_before(&self, q: usize) -> Option<(Found, usize)> {
        let (from, _) = self.quote_tokens[q];
        let (s_lo, _) = self.sentence_range(from);
        let mut k = from;
        let mut lead = false;
        if k > 0 && matches!(self.lower(k - 1), ":" | ",") {
            k -= 1;
            lead = true;
        }
        let mut steps = 0;
        let stop = s_lo.max(from.saturating_sub(MAX_LEAD + 1));
        while k > stop && !self.cue_at(k - 1) {
            let w = &self.words[k - 1];
            if w.quote.is_some() || !w.is_word() || w.is("that") {
                return None;
            }
            k -= 1;
            steps += 1;
        }
        if k == 0 || !self.cue_at(k - 1) {
            return None;
        }
        let cue = k - 1;
        if steps > 0 && !lead {
            return None;
        }
        if cues::clause_only(self.lower(cue)) || self.lower(cue.wrapping_sub(1)) == "to" {
            return None;
        }
        // The quotation must run to the end of its sentence: otherwise it
        // is part of a paraphrase.
        let (_, to) = self.quote_tokens[q];
        let (_, s_hi) = self.sentence_range(to.saturating_sub(1));
        let after = &self.words[to..s_hi.max(to)];
        if after.len() > 4 || after.iter().any(Word::is_word) {
            return None;
        }
        let source = self
            .subject_left(cue, s_lo, 0)
            .or_else(|| self.sentence_subject(s_lo, cue));
        let kind = if lead || steps == 0 {
            QuoteKind::Direct
        } else {
            QuoteKind::Mixed
        };
        Some((
            Found {
                kind,
                content: self.quotations[q].inner,
                cue: self.cue_span(cue, s_lo),
                source: source.and_then(|(a, b)| self.span(a, b)),
                continues: false,
            },
            cue,
        ))
    }

    /// Paraphrases and mixed quotations: a clause introduced by a cue
    /// (`Putin said any deal would …`), or ended by one (`…, officials
    /// said.`), and `according to`.
    fn clauses(&self, used_cue: &mut [bool], attributed: &[bool], found: &mut Vec<Found>) {
        for &(lo, hi) in &self.sentences {
            let mut last_subject: Option<(usize, usize)> = None;
            let mut i = lo;
            while i < hi {
                if self.words[i].quote.is_some() {
                    i += 1;
                    continue;
                }
                if self.is("according", i) && self.is("to", i + 1) {
                    if let Some(f) = self.according_to(i, lo, hi) {
                        found.push(f);
                    }
                    i += 2;
                    continue;
                }
                if used_cue[i] || !self.cue_at(i) {
                    i += 1;
                    continue;
                }
                used_cue[i] = true;
                if let Some((f, subject)) = self.clause_at(i, lo, hi, last_subject, attributed) {
                    last_subject = subject;
                    found.push(f);
                }
                i += 1;
            }
        }
    }

    fn is(&self, s: &str, i: usize) -> bool {
        self.lower(i) == s
    }

    fn according_to(&self, i: usize, lo: usize, hi: usize) -> Option<Found> {
        let cue = self.span(i, i + 2);
        let source = self.subject_right(i + 1, hi)?;
        let (content_from, content_to) = if i == lo || (i == lo + 1 && !self.words[lo].is_word()) {
            // "According to officials, the deal …"
            let mut from = source.1;
            while from < hi && self.words[from].is_word() && self.words[from].quote.is_none() {
                from += 1;
            }
            if self.is(",", from) {
                from += 1;
            }
            (from, self.trim_end(from, hi))
        } else {
            let mut to = i;
            if to > lo && self.is(",", to - 1) {
                to -= 1;
            }
            (lo, to)
        };
        let content = self.span(content_from, content_to)?;
        if content_to.saturating_sub(content_from) < 3 {
            return None;
        }
        Some(Found {
            kind: self.kind_of(content_from, content_to),
            content,
            cue,
            source: self.span(source.0, source.1),
            continues: false,
        })
    }

    /// The sentence end without its final stop and closing marks.
    fn trim_end(&self, from: usize, hi: usize) -> usize {
        let mut to = hi;
        while to > from && !self.words[to - 1].is_word() {
            let w = &self.words[to - 1];
            if w.kind == TokenKind::Quote && w.quote.is_some() {
                break;
            }
            to -= 1;
        }
        to
    }

    fn kind_of(&self, from: usize, to: usize) -> QuoteKind {
        let words = &self.words[from..to];
        let quoted = words.iter().filter(|w| w.quote.is_some()).count();
        if quoted == 0 {
            QuoteKind::Indirect
        } else if quoted == words.len() {
            QuoteKind::Direct
        } else {
            QuoteKind::Mixed
        }
    }

    /// The attribution of the cue at `i` in sentence `lo..hi`, with the
    /// subject it used.
    #[allow(clippy::type_complexity)]
    fn clause_at(
        &self,
        i: usize,
        lo: usize,
        hi: usize,
        last_subject: Option<(usize, usize)>,
        attributed: &[bool],
    ) -> Option<(Found, Option<(usize, usize)>)> {
        let word = self.lower(i);
        // "declined to comment", "wants to say"; "was told" is passive.
        let mut before = i;
        while before > lo && cues::is_between(self.lower(before - 1)) {
            before -= 1;
        }
        let prev = if before > lo {
            self.lower(before - 1)
        } else {
            ""
        };
        if prev == "to" || cues::is_be(prev) {
            return None;
        }
        if before >= lo + 2 && cues::is_refusal(self.lower(before - 2)) {
            return None;
        }
        // The subject: before the cue, or shared with a previous cue
        // ("announced … and said"), or inverted ("…, said the official").
        let participle = cues::is_participle(word);
        let mut subject = if participle {
            None
        } else {
            self.subject_left(i, lo, 0)
        };
        if subject.is_none() && matches!(prev, "and" | "but") {
            subject = last_subject;
        }
        let mut inverted = false;
        if subject.is_none() && !participle && prev == "," && !cues::takes_addressee(word) {
            subject = self.subject_right(i, hi);
            inverted = subject.is_some();
        }
        if subject.is_none() && !matches!(prev, "," | "and" | "but") {
            subject = self.sentence_subject(lo, before);
        }
        if subject.is_none() && participle {
            subject = self.sentence_subject(lo, before);
        }
        let subject = subject?;
        // `Among the "reservations" Putin said he had`: the clause
        // describes the quoted words, which are all that is attributed.
        if subject.0 > lo
            && let Some(q) = self.words[subject.0 - 1].quote
            && self.words[subject.0 - 1].kind == TokenKind::Quote
            && !attributed.get(q).copied().unwrap_or(true)
        {
            return Some((
                Found {
                    kind: QuoteKind::Mixed,
                    content: self.quotations.get(q)?.inner,
                    cue: self.cue_span(i, lo),
                    source: self.span(subject.0, subject.1),
                    continues: false,
                },
                Some(subject),
            ));
        }
        if cues::direct_only(word) {
            return None;
        }
        // What follows the cue: an addressee, then "that" or time words.
        let mut from = if inverted { subject.1 } else { i + 1 };
        if cues::takes_addressee(word) && !inverted {
            while from < hi
                && self.words[from].is_word()
                && self.words[from].quote.is_none()
                && !self.is("that", from)
                && (self.words[from].capitalised()
                    || matches!(
                        self.lower(from),
                        "the"
                            | "a"
                            | "reporters"
                            | "journalists"
                            | "him"
                            | "her"
                            | "them"
                            | "me"
                            | "us"
                    ))
            {
                from += 1;
            }
        }
        while from < hi
            && (cues::is_time_word(self.lower(from)) || matches!(self.lower(from), ":" | ","))
        {
            from += 1;
        }
        // "said in a social media post on Friday that …"
        if let Some(that) = (from..hi.min(from + MAX_THAT))
            .take_while(|&k| {
                self.words[k].quote.is_none() && !matches!(self.lower(k), "," | ";" | ".")
            })
            .find(|&k| self.is("that", k))
        {
            let leads = self.words[from..that].iter().next().is_some_and(|w| {
                matches!(
                    w.lower.as_str(),
                    "in" | "on"
                        | "at"
                        | "during"
                        | "after"
                        | "via"
                        | "through"
                        | "to"
                        | "late"
                        | "early"
                )
            });
            if that == from || leads {
                from = that + 1;
            }
        }
        // A paraphrase is bounded: this keeps a 1 MiB sentence linear.
        let tail = self.trim_end(from, hi).min(from + MAX_CONTENT);
        let after_words = self.words[from..tail]
            .iter()
            .filter(|w| w.is_word())
            .count();
        let (content_from, content_to) = if after_words >= 2 && !inverted {
            // Cut at a coordinated cue: "announced that …, and said …".
            let mut to = tail;
            for k in from..tail {
                if matches!(self.lower(k), "and" | "but")
                    && k > from
                    && self.is(",", k - 1)
                    && (k + 1..(k + 3).min(tail)).any(|c| self.cue_at(c))
                {
                    to = k - 1;
                    break;
                }
            }
            (from, to)
        } else {
            // "…, officials said." The content ends at the comma before
            // the subject (or the cue when inverted).
            let mut to = if inverted { i } else { subject.0 };
            if after_words >= 3 && !inverted {
                return None;
            }
            while to > lo && matches!(self.lower(to - 1), "," | "—" | "–") {
                to -= 1;
            }
            if to == subject.0.min(i) {
                return None;
            }
            (lo.max(to.saturating_sub(MAX_CONTENT)), to)
        };
        if content_to <= content_from {
            return None;
        }
        let words = self.words[content_from..content_to]
            .iter()
            .filter(|w| w.is_word())
            .count();
        if words < 2 {
            return None;
        }
        // A content that is exactly an attributed quotation is taken.
        let kind = self.kind_of(content_from, content_to);
        if kind == QuoteKind::Direct {
            let q = self.words[content_from].quote?;
            if attributed.get(q).copied().unwrap_or(true) {
                return None;
            }
        }
        let content = self.span(content_from, content_to)?;
        let cue = self.cue_span(i, lo);
        Some((
            Found {
                kind,
                content,
                cue,
                source: self.span(subject.0, subject.1),
                continues: false,
            },
            Some(subject),
        ))
    }
}
