//! What an article is about, as a sparse bag of weighted features: content
//! words, and with more weight the names and numbers that tell one event
//! from another of the same kind (two earthquakes share "magnitude" and
//! "tsunami"; they do not share "Kermadec" and "6.1").

/// Feature kinds, mixed into the hash so a word and a name do not collide.
const WORD: u64 = 0x57;
const NAME: u64 = 0x4e;
const NUMBER: u64 = 0x23;

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

fn hash(kind: u64, text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ kind;
    for byte in text.bytes() {
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
    terms.sort_unstable_by_key(|t| t.0);
    // Repeats of a term add up into its first entry.
    terms.dedup_by(|later, first| {
        let same = later.0 == first.0;
        if same {
            first.1 += later.1;
        }
        same
    });
    Features { terms }
}

/// The text up to its `words`-th word.
fn lead(text: &str, words: usize) -> &str {
    let mut seen = 0;
    let mut in_word = false;
    for (at, c) in text.char_indices() {
        let word_char = c.is_alphanumeric();
        if word_char && !in_word {
            seen += 1;
            if seen > words {
                return &text[..at];
            }
        }
        in_word = word_char;
    }
    text
}

/// Adds the features of one passage. Words are lower-cased into one
/// reused buffer and hashed, so a passage costs no allocation per word.
fn collect(text: &str, weight: f32, out: &mut Vec<(u64, f32)>) {
    let mut sentence_start = true;
    let mut word = String::new();
    let mut lower = String::new();
    let mut previous_name: Option<u64> = None;
    // A space after the last character ends the last word like any other.
    let mut chars = text.chars().chain(std::iter::once(' ')).peekable();
    while let Some(c) = chars.next() {
        let decimal_point = c == '.'
            && !word.is_empty()
            && chars.peek().is_some_and(|n| n.is_ascii_digit())
            && word.chars().all(|w| w.is_ascii_digit());
        if c.is_alphanumeric() || decimal_point {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            take(
                &word,
                &mut lower,
                sentence_start,
                weight,
                &mut previous_name,
                out,
            );
            word.clear();
            sentence_start = false;
        }
        if matches!(c, '.' | '!' | '?' | '\n' | ':' | '"' | '“') {
            sentence_start = true;
            previous_name = None;
        } else if !c.is_whitespace() && c != '\'' && c != '’' && c != '-' {
            previous_name = None;
        }
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
    lower.clear();
    if word.is_ascii() {
        lower.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        lower.extend(word.chars().flat_map(char::to_lowercase));
    }
    if word.chars().all(|c| c.is_ascii_digit() || c == '.') {
        // Years, magnitudes, counts: "6.1", "2013", "23". Single digits
        // are too common to tell events apart.
        if word.len() >= 2 {
            out.push((hash(NUMBER, lower), weight * NUMBER_WEIGHT));
        }
        *previous_name = None;
        return;
    }
    if lower.chars().count() < 3 || is_stopword(lower) {
        *previous_name = None;
        return;
    }
    out.push((hash(WORD, lower), weight));
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    if capitalised && !sentence_start {
        let name = hash(NAME, lower);
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
}
