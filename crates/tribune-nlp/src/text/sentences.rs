//! Sentences of news text.
//!
//! Paragraphs are the lines of the text (an article's text separates them
//! with a blank line). Inside one, a sentence ends at `.`, `!` or `?`, with
//! any closing quotation marks and brackets after it, when the next word
//! starts the way a sentence does (a capital, a digit, an opening quote) and
//! the word before the stop is not an abbreviation ("Mr.", "Gen.", "Jan.",
//! "J." of "J. Smith"). Dotted acronyms ("U.S.") end a sentence only before
//! a word that usually opens one ("The", "He", "But"...).

use serde::{Deserialize, Serialize};

use crate::Span;

/// One sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// Where it is, trimmed of surrounding spaces.
    pub span: Span,
    /// Which paragraph (line) of the text it is in, from 0.
    pub paragraph: usize,
}

/// Titles and other abbreviations that are followed by a dot and do not end
/// a sentence, lower-cased, without the dot.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt",
    "cmdr", "adm", "maj", "cpl", "pvt", "rev", "fr", "st", "jr", "sr", "hon", "pres", "supt",
    "insp", "det", "atty", "inc", "corp", "co", "ltd", "bros", "vs", "v", "etc", "no", "nos",
    "vol", "approx", "est", "dept", "univ", "assn", "ave", "blvd", "rd", "mt", "ft", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues",
    "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "ala", "ariz", "ark", "calif", "colo",
    "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md", "mass", "mich",
    "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt",
    "wash", "wis", "wyo", "e.g", "i.e", "cf", "al", "op", "pp", "fig",
];

/// Words that usually open a sentence: after "U.S." or "a.m." they mean the
/// dot ended one.
const SENTENCE_OPENERS: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "its",
    "their",
    "this",
    "that",
    "these",
    "those",
    "there",
    "but",
    "and",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "after",
    "before",
    "when",
    "while",
    "if",
    "as",
    "however",
    "meanwhile",
    "still",
    "also",
    "some",
    "many",
    "most",
    "officials",
    "no",
];

/// The sentences of `text`, in order.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut line_start = 0;
    let mut paragraph = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.trim().is_empty() {
            split_line(
                text,
                Span::new(line_start, line_start + body.len()),
                paragraph,
                &mut out,
            );
            paragraph += 1;
        }
        line_start += line.len();
    }
    out
}

/// Splits one paragraph into sentences.
fn split_line(text: &str, line: Span, paragraph: usize, out: &mut Vec<Sentence>) {
    let slice = line.of(text);
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut start = 0; // byte offset in slice
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if !matches!(c, '.' | '!' | '?' | '…') {
            i += 1;
            continue;
        }
        // Runs of stops ("?!", "...") and the closing marks after them.
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…') {
            j += 1;
        }
        while j < chars.len() && is_closing(chars[j].1) {
            j += 1;
        }
        let end = chars.get(j).map_or(slice.len(), |&(o, _)| o);
        // There must be a space, then a sentence-like start.
        if j >= chars.len() || !chars[j].1.is_whitespace() {
            i = j.max(i + 1);
            continue;
        }
        let mut k = j;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        let Some(&(next_at, next)) = chars.get(k) else {
            break;
        };
        let starts_sentence = next.is_uppercase()
            || next.is_ascii_digit()
            || crate::text::is_quote_mark(next)
            || matches!(next, '(' | '[' | '—' | '-' | '•');
        if starts_sentence
            && (c != '.' || j > i + 1 || !abbreviation_before(slice, offset, &slice[next_at..]))
        {
            push(text, line, start, end, paragraph, out);
            start = next_at;
        }
        i = k;
    }
    push(text, line, start, slice.len(), paragraph, out);
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{201D}' | '\u{2019}' | '»' | ')' | ']')
}

/// Whether the dot at `dot` closes an abbreviation rather than a sentence,
/// given the text after the spaces that follow it.
fn abbreviation_before(slice: &str, dot: usize, next: &str) -> bool {
    let before = &slice[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '\u{201C}' | '[' | '—'))
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    // A single capital: an initial ("J. Smith").
    let mut letters = word.chars();
    if let (Some(first), None) = (letters.next(), letters.next())
        && first.is_uppercase()
    {
        return true;
    }
    let dotted = word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.');
    if dotted {
        // "U.S." / "a.m.": ends a sentence only before a usual opener.
        let next_word: String = next
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        return !SENTENCE_OPENERS.contains(&next_word.as_str());
    }
    ABBREVIATIONS.contains(&lower.as_str())
}

fn push(
    text: &str,
    line: Span,
    start: usize,
    end: usize,
    paragraph: usize,
    out: &mut Vec<Sentence>,
) {
    let piece = &line.of(text)[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if trimmed.is_empty() {
        return;
    }
    let from = line.start + start + lead;
    out.push(Sentence {
        span: Span::new(from, from + trimmed.len()),
        paragraph,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).iter().map(|s| s.span.of(text)).collect()
    }

    #[test]
    fn stops_end_sentences() {
        assert_eq!(
            split("Trump spoke. Putin listened! Did they agree? Nobody knows."),
            [
                "Trump spoke.",
                "Putin listened!",
                "Did they agree?",
                "Nobody knows."
            ]
        );
    }

    #[test]
    fn abbreviations_and_initials_do_not() {
        assert_eq!(
            split(
                "Mr. Witkoff met Gen. Keith Kellogg and J. D. Vance in Washington. It went well."
            ),
            [
                "Mr. Witkoff met Gen. Keith Kellogg and J. D. Vance in Washington.",
                "It went well."
            ]
        );
        assert_eq!(
            split("The U.S. envoy said so. The U.S. He left at 10 a.m. Monday."),
            [
                "The U.S. envoy said so.",
                "The U.S.",
                "He left at 10 a.m. Monday."
            ]
        );
    }

    #[test]
    fn quotes_close_with_their_sentence() {
        assert_eq!(
            split("\u{201C}It was positive.\u{201D} Witkoff said. \"Why?\" he asked."),
            [
                "\u{201C}It was positive.\u{201D}",
                "Witkoff said.",
                "\"Why?\" he asked."
            ]
        );
    }

    #[test]
    fn paragraphs_are_lines() {
        let text = "First one. Second one\n\nThird one.\n";
        let found = sentences(text);
        assert_eq!(found.len(), 3);
        assert_eq!(found[2].paragraph, 1);
        assert_eq!(found[1].span.of(text), "Second one");
    }
}
