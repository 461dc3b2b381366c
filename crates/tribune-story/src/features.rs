//! What an article is about, as a sparse bag of weighted features: content
//! words, and with more weight the names and numbers that tell one event
//! from another of the same kind (two earthquakes share "magnitude" and
//! "tsunami"; they do not share "Kermadec" and "6.1").

use chrono::Datelike;
use tribune_nlp::Enrichment;
use tribune_nlp::entities::{EntityKind, MentionForm};
use tribune_nlp::time::Granularity;

/// Feature kinds, mixed into the hash so a word and a name do not collide.
const WORD: u64 = 0x57;
const NAME: u64 = 0x4e;
const NUMBER: u64 = 0x23;
const PERSON: u64 = 0x50;
const YEAR: u64 = 0x59;

/// Times a person is named for them to be the article's main person: a
/// name said once is a bystander's or a source's.
const MAIN_PERSON_NAMED: usize = 2;

/// How much more a name or number counts than a word.
const NAME_WEIGHT: f32 = 2.0;
const NUMBER_WEIGHT: f32 = 1.5;
/// How much more the headline counts than the body.
const TITLE_WEIGHT: f32 = 2.0;
/// Words of the body read: news puts the event in its first paragraphs,
/// and long features and live blogs would otherwise cost the most while
/// saying the least about which event they report.
const BODY_WORDS: usize = 600;

/// An article's features: hashed terms with their weighted counts, sorted
/// by hash.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// `(term hash, weighted count)`, sorted by hash, each hash once.
    pub terms: Vec<(u64, f32)>,
    /// Who and when the article is mainly about, when the NLP stage told:
    /// two reports of the same kind of event about different ones are two
    /// events.
    pub anchors: Anchors,
    /// The people, places and dates the article names, typed, sorted.
    pub named: Vec<u64>,
}

/// The article's main person and year, each as the hash of an entry of
/// [`Features::named`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Anchors {
    /// The person named most (at least twice), by surname.
    pub who: Option<u64>,
    /// The year of the first full date in the text.
    pub year: Option<u64>,
}

impl Features {
    /// Whether the article names `term` (a typed name or date).
    pub fn has(&self, term: u64) -> bool {
        self.named.binary_search(&term).is_ok()
    }
}

/// Common English words that say nothing of the event.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "according",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "article",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "com",
    "could",
    "day",
    "days",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "first",
    "for",
    "friday",
    "from",
    "further",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "htm",
    "html",
    "http",
    "https",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "like",
    "may",
    "me",
    "monday",
    "more",
    "most",
    "mr",
    "mrs",
    "ms",
    "my",
    "new",
    "news",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "org",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "people",
    "posted",
    "published",
    "said",
    "same",
    "saturday",
    "says",
    "she",
    "should",
    "so",
    "some",
    "story",
    "such",
    "sunday",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thursday",
    "time",
    "to",
    "told",
    "too",
    "tuesday",
    "two",
    "under",
    "until",
    "up",
    "updated",
    "very",
    "was",
    "we",
    "wednesday",
    "week",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "www",
    "year",
    "years",
    "you",
    "your",
    "yours",
];

fn is_stopword(word: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());
    SET.contains(word)
}

/// Whether a word's [`WORD`] hash is a stopword's: the hash is made for
/// the term anyway, and a lookup of it is cheaper than one of the text.
fn is_stopword_hash(word: u64) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<u64>> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().map(|w| hash(WORD, w)).collect());
    SET.contains(&word)
}

fn hash(kind: u64, text: &str) -> u64 {
    hash_bytes(kind, text.bytes())
}

fn hash_bytes(kind: u64, bytes: impl Iterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ kind;
    for byte in bytes {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (h >> 31)
}

/// The features of an article: its headline (if any) and body.
pub fn features(title: Option<&str>, text: &str) -> Features {
    let mut terms: Vec<(u64, f32)> = Vec::new();
    if let Some(title) = title {
        collect(title, TITLE_WEIGHT, &mut terms);
    }
    collect(lead(text, BODY_WORDS), 1.0, &mut terms);
    Features {
        terms: sum_up(terms),
        anchors: Anchors::default(),
        named: Vec::new(),
    }
}

/// Sorts terms by hash, repeats of a term adding up into one entry.
fn sum_up(mut terms: Vec<(u64, f32)>) -> Vec<(u64, f32)> {
    terms.sort_unstable_by_key(|t| t.0);
    terms.dedup_by(|later, first| {
        let same = later.0 == first.0;
        if same {
            first.1 += later.1;
        }
        same
    });
    terms
}

/// Like [`features`], with what the NLP stage read from the text: the
/// [`Anchors`] and the names and dates they are checked against. The
/// terms are the same as without the enrichment, so that stories rebuilt
/// from stored text weigh alike.
pub fn features_enriched(title: Option<&str>, text: &str, enrichment: &Enrichment) -> Features {
    let mut features = features(title, text);
    let mut named = Vec::new();
    let mut who: Option<(usize, u64)> = None;
    for entity in &enrichment.entities {
        if entity.kind != EntityKind::Person {
            continue;
        }
        let by_name = entity
            .mentions
            .iter()
            .filter(|m| m.form == MentionForm::Name)
            .count();
        // Every part of the name counts, so that a name misread with a
        // headline word ("Lindsay Lohan Checks") still meets the right one
        // and "Lohan" meets "Lindsay Lohan"; the last part stands for it.
        let lower = entity.name.to_lowercase();
        let mut surname = None;
        for part in lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| p.chars().count() >= 3 && !is_stopword(p))
        {
            let term = hash(PERSON, part);
            named.push(term);
            surname = Some(term);
        }
        // Entities come in order of first mention: ties go to the first.
        if let Some(term) = surname
            && by_name >= MAIN_PERSON_NAMED
            && who.is_none_or(|(most, _)| by_name > most)
        {
            who = Some((by_name, term));
        }
    }
    features.anchors.who = who.map(|(_, term)| term);
    for time in &enrichment.times {
        let Some(resolved) = &time.resolved else {
            continue;
        };
        let (Some(start), true) = (
            resolved.start,
            matches!(
                resolved.granularity,
                Granularity::PartOfDay | Granularity::Day | Granularity::Month | Granularity::Year
            ),
        ) else {
            continue;
        };
        let year = hash(YEAR, &start.year().to_string());
        named.push(year);
        // A year alone is often background ("since 2007"); a full date is
        // most often the event's, and the first one is the lead's.
        let full = matches!(
            resolved.granularity,
            Granularity::PartOfDay | Granularity::Day
        );
        if full && features.anchors.year.is_none() {
            features.anchors.year = Some(year);
        }
    }
    named.sort_unstable();
    named.dedup();
    features.named = named;
    features
}

/// The character starting at byte `at` of `text`, with its length in
/// bytes; ASCII, most of every text, without decoding.
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    let byte = *text.as_bytes().get(at)?;
    if byte.is_ascii() {
        return Some((char::from(byte), 1));
    }
    let c = text.get(at..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// The text up to its `words`-th word.
fn lead(text: &str, words: usize) -> &str {
    let mut seen = 0;
    let mut in_word = false;
    let mut at = 0;
    while let Some((c, len)) = char_at(text, at) {
        let word_char = c.is_alphanumeric();
        if word_char && !in_word {
            seen += 1;
            if seen > words {
                return text.get(..at).unwrap_or(text);
            }
        }
        in_word = word_char;
        at += len;
    }
    text
}

/// Adds the features of one passage. Words are slices of the passage,
/// lower-cased into one reused buffer and hashed, so a passage costs no
/// allocation per word.
fn collect(text: &str, weight: f32, out: &mut Vec<(u64, f32)>) {
    let mut sentence_start = true;
    let mut lower = String::new();
    let mut previous_name: Option<u64> = None;
    let mut word_start: Option<usize> = None;
    // Whether the word so far is all digits: only then does a dot before
    // a digit continue it ("6.1").
    let mut digits_only = true;
    let mut at = 0;
    loop {
        let Some((c, len)) = char_at(text, at) else {
            // The end of the text ends the last word like a space.
            if let Some(start) = word_start {
                let word = text.get(start..).unwrap_or_default();
                take(
                    word,
                    &mut lower,
                    sentence_start,
                    weight,
                    &mut previous_name,
                    out,
                );
            }
            return;
        };
        let decimal_point = c == '.'
            && word_start.is_some()
            && digits_only
            && text.as_bytes().get(at + 1).is_some_and(u8::is_ascii_digit);
        if c.is_alphanumeric() || decimal_point {
            if word_start.is_none() {
                word_start = Some(at);
                digits_only = true;
            }
            digits_only &= c.is_ascii_digit();
            at += len;
            continue;
        }
        if let Some(start) = word_start.take() {
            let word = text.get(start..at).unwrap_or_default();
            take(
                word,
                &mut lower,
                sentence_start,
                weight,
                &mut previous_name,
                out,
            );
            sentence_start = false;
        }
        if matches!(c, '.' | '!' | '?' | '\n' | ':' | '"' | '“') {
            sentence_start = true;
            previous_name = None;
        } else if !c.is_whitespace() && c != '\'' && c != '’' && c != '-' {
            previous_name = None;
        }
        at += len;
    }
}

fn take(
    word: &str,
    lower: &mut String,
    sentence_start: bool,
    weight: f32,
    previous_name: &mut Option<u64>,
    out: &mut Vec<(u64, f32)>,
) {
    if word.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        // Years, magnitudes, counts: "6.1", "2013", "23". Single digits
        // are too common to tell events apart.
        if word.len() >= 2 {
            out.push((hash(NUMBER, word), weight * NUMBER_WEIGHT));
        }
        *previous_name = None;
        return;
    }
    // An ASCII word (most) is hashed as it is read, lower-cased on the
    // way; any other is lower-cased into the buffer first.
    let ascii = word.is_ascii();
    if !ascii {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
    }
    let hash_of = |kind| {
        if ascii {
            hash_bytes(kind, word.bytes().map(|b| b.to_ascii_lowercase()))
        } else {
            hash(kind, lower)
        }
    };
    let letters = if ascii {
        word.len()
    } else {
        lower.chars().count()
    };
    if letters < 3 {
        *previous_name = None;
        return;
    }
    let term = hash_of(WORD);
    if is_stopword_hash(term) {
        *previous_name = None;
        return;
    }
    out.push((term, weight));
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    if capitalised && !sentence_start {
        let name = hash_of(NAME);
        out.push((name, weight * NAME_WEIGHT));
        // "Betty Ford", "Tara Reid": the pair names one thing.
        if let Some(previous) = *previous_name {
            out.push((pair(previous, name), weight * NAME_WEIGHT));
        }
        *previous_name = Some(name);
    } else {
        *previous_name = None;
    }
}

/// The feature of two names in a row.
fn pair(first: u64, second: u64) -> u64 {
    let mut h = first ^ second.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15;
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_lead_is_read() {
        assert_eq!(lead("one two, three four", 2), "one two, ");
        assert_eq!(lead("one two", 5), "one two");
    }

    #[test]
    fn stopwords_are_sorted_for_lookup() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOPWORDS);
    }

    #[test]
    fn names_and_numbers_weigh_more_than_words() {
        let f = features(
            None,
            "The quake near the Kermadec Islands measured 6.1 on Tuesday.",
        );
        let weight = |kind, term: &str| {
            f.terms
                .iter()
                .find(|t| t.0 == hash(kind, term))
                .map(|t| t.1)
        };
        assert_eq!(weight(WORD, "quake"), Some(1.0));
        assert_eq!(weight(NAME, "kermadec"), Some(NAME_WEIGHT));
        let islands = f
            .terms
            .iter()
            .find(|t| t.0 == pair(hash(NAME, "kermadec"), hash(NAME, "islands")));
        assert_eq!(islands.map(|t| t.1), Some(NAME_WEIGHT));
        assert_eq!(weight(NUMBER, "6.1"), Some(NUMBER_WEIGHT));
        assert_eq!(weight(NAME, "the"), None);
        // A capital at the start of a sentence is not a name.
        assert_eq!(weight(NAME, "quake"), None);
    }

    #[test]
    fn the_enrichment_tells_who_and_when() {
        let text = "Lindsay Lohan checked into the Betty Ford Center on May 3, 2013, \
                    her lawyer said. Lohan will stay for 90 days, as the court ordered in 2012.";
        let enrichment = tribune_nlp::enrich(text, None);
        let f = features_enriched(None, text, &enrichment);
        assert_eq!(f.terms, features(None, text).terms);
        assert_eq!(f.anchors.who, Some(hash(PERSON, "lohan")));
        // The full date is the event's; the bare year is background.
        assert_eq!(f.anchors.year, Some(hash(YEAR, "2013")));
        assert!(f.has(hash(YEAR, "2012")));
        assert!(f.has(hash(PERSON, "lindsay")));
    }
}
