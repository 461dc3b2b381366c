//! Saved searches matched against one new article, in memory.
//!
//! Asking the search index would need the article indexed first (it is
//! committed about once a second, later than the dispatcher may look) and
//! one index query per saved search per new story; reading the article's
//! own words is immediate and costs microseconds. The matcher follows the
//! index's syntax and tokenizer closely enough for alerts:
//!
//! - words are split on anything not alphanumeric and lower-cased, as the
//!   index's default tokenizer does; there is no stemming there either;
//! - every clause must match (the index's default is AND); `OR` between
//!   clauses splits the query into alternatives, any of which may match;
//! - `"a phrase"` (and a word the tokenizer splits, like `U.S.`) must
//!   appear as consecutive words;
//! - `title:`, `source:` (the article's address) and `author:` look in
//!   that field only; words without a field look in the title and body;
//! - `-word` and `NOT word` exclude; `+word` and `AND` change nothing;
//! - `published:` ranges and parentheses are ignored (a range cannot
//!   exclude an article that is news now; grouping is approximated by the
//!   `OR` split).

use std::collections::HashSet;

use tribune_store::StoredArticle;

/// The index drops tokens longer than this (tantivy's `RemoveLongFilter`
/// default), so a query word that long can match nothing there either.
const LONGEST_TOKEN: usize = 40;

/// Lower-cased words, as the index's default tokenizer makes them.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty() && t.len() <= LONGEST_TOKEN)
        .map(str::to_lowercase)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    /// Title or body.
    Default,
    Title,
    Body,
    Source,
    Author,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    negated: bool,
    field: Field,
    /// Consecutive words; empty when the clause is always true (a range).
    words: Vec<String>,
}

/// A parsed saved search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Alternatives (split at `OR`), each a conjunction of clauses.
    alternatives: Vec<Vec<Clause>>,
}

/// An article's words by field, made once and matched against every
/// saved search.
#[derive(Debug, Clone)]
pub struct Words {
    title: FieldWords,
    body: FieldWords,
    source: FieldWords,
    author: FieldWords,
}

/// One field's words in order, and as a set for single-word clauses.
#[derive(Debug, Clone, Default)]
struct FieldWords {
    seq: Vec<String>,
    set: HashSet<String>,
}

impl FieldWords {
    fn of(text: &str) -> FieldWords {
        let seq = tokens(text);
        let set = seq.iter().cloned().collect();
        FieldWords { seq, set }
    }

    fn contains(&self, words: &[String]) -> bool {
        match words {
            [] => true,
            [one] => self.set.contains(one),
            _ => {
                words.iter().all(|w| self.set.contains(w))
                    && self.seq.windows(words.len()).any(|window| window == words)
            }
        }
    }
}

impl Words {
    /// The words of a stored article.
    pub fn of(article: &StoredArticle) -> Words {
        Words {
            title: FieldWords::of(article.title.as_deref().unwrap_or("")),
            body: FieldWords::of(&article.text),
            source: FieldWords::of(&article.origin),
            author: FieldWords::of(&article.authors.join(" ")),
        }
    }

    fn has(&self, field: Field, words: &[String]) -> bool {
        match field {
            Field::Default => self.title.contains(words) || self.body.contains(words),
            Field::Title => self.title.contains(words),
            Field::Body => self.body.contains(words),
            Field::Source => self.source.contains(words),
            Field::Author => self.author.contains(words),
        }
    }
}

impl Query {
    /// Parses a query in the index's syntax (see the module docs). Never
    /// fails: what cannot be read as syntax is read as words.
    pub fn parse(query: &str) -> Query {
        let mut alternatives = vec![Vec::new()];
        let mut negate_next = false;
        for raw in split(query) {
            match raw.as_str() {
                "OR" | "||" => {
                    alternatives.push(Vec::new());
                    negate_next = false;
                    continue;
                }
                "AND" | "&&" => continue,
                "NOT" => {
                    negate_next = true;
                    continue;
                }
                _ => {}
            }
            let mut text = raw.trim_matches(|c| c == '(' || c == ')');
            let mut negated = std::mem::take(&mut negate_next);
            if let Some(rest) = text.strip_prefix('-') {
                negated = true;
                text = rest;
            } else if let Some(rest) = text.strip_prefix('+') {
                text = rest;
            }
            let (field, value) = match text.split_once(':') {
                Some((name, value)) => match name.to_ascii_lowercase().as_str() {
                    "title" => (Field::Title, value),
                    "body" => (Field::Body, value),
                    "source" => (Field::Source, value),
                    "author" => (Field::Author, value),
                    // A range over dates: news being matched now is inside
                    // any range a user would keep for alerts.
                    "published" => continue,
                    _ => (Field::Default, text),
                },
                None => (Field::Default, text),
            };
            let words = tokens(value.trim_matches('"'));
            if words.is_empty() {
                continue;
            }
            if let Some(last) = alternatives.last_mut() {
                last.push(Clause {
                    negated,
                    field,
                    words,
                });
            }
        }
        alternatives.retain(|clauses| clauses.iter().any(|c| !c.negated));
        Query { alternatives }
    }

    /// Whether the article matches. A query with no words (only ranges or
    /// exclusions) matches nothing: an alert on everything is not a search.
    pub fn matches(&self, words: &Words) -> bool {
        self.alternatives.iter().any(|clauses| {
            clauses
                .iter()
                .all(|clause| words.has(clause.field, &clause.words) != clause.negated)
        })
    }
}

/// Splits a query at whitespace outside quotes and brackets: `"a b"`,
/// `title:"a b"` and `published:[x TO y]` stay one piece each.
fn split(query: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut bracketed = false;
    for c in query.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            '[' | '{' if !quoted => {
                bracketed = true;
                current.push(c);
            }
            ']' | '}' if !quoted => {
                bracketed = false;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted && !bracketed => {
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, text: &str) -> StoredArticle {
        StoredArticle {
            id: 1,
            origin: "https://news.example/2025/quake".into(),
            canonical_url: None,
            title: Some(title.into()),
            text: text.into(),
            authors: vec!["Jane Doe".into()],
            published: None,
            language: None,
            site_name: None,
            provenance: Default::default(),
            content_hash: String::new(),
            fetched_at: chrono::Utc::now(),
            source_id: None,
            copy_group_id: None,
            story_id: None,
            enrichment: None,
        }
    }

    fn matches(query: &str, words: &Words) -> bool {
        Query::parse(query).matches(words)
    }

    #[test]
    fn words_phrases_fields_and_exclusions() {
        let words = Words::of(&article(
            "Earthquake hits the coast",
            "A strong earthquake struck the U.S. coast on Monday, officials said.",
        ));
        assert!(matches("earthquake", &words));
        assert!(matches("EARTHQUAKE coast", &words), "all words, any case");
        assert!(!matches("earthquake flood", &words), "AND by default");
        assert!(matches("earthquake OR flood", &words));
        assert!(matches("flood OR (coast AND monday)", &words));
        assert!(matches("\"strong earthquake\"", &words));
        assert!(!matches("\"earthquake strong\"", &words), "word order");
        assert!(matches("u.s.", &words), "split words are a phrase");
        assert!(matches("title:earthquake", &words));
        assert!(!matches("title:monday", &words));
        assert!(matches("title:\"hits the coast\"", &words));
        assert!(matches("author:doe source:news.example", &words));
        assert!(!matches("earthquake -coast", &words));
        assert!(!matches("earthquake NOT monday", &words));
        assert!(matches("earthquake -flood", &words));
        assert!(matches(
            "earthquake published:[2024-01-01T00:00:00Z TO *]",
            &words
        ));
        assert!(!matches("-flood", &words), "exclusions alone match nothing");
        assert!(!matches("", &words));
        assert!(!matches("quake", &words), "no stemming or substrings");
    }
}
