//! Tokens of news text: words (with the apostrophes, hyphens and dots that
//! belong to them: "Putin's", "30-day", "U.S."), numbers ("1,500", "6.1"),
//! quotation marks, and other punctuation, one character each.

use serde::{Deserialize, Serialize};

use crate::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenKind {
    /// Letters, possibly with inner apostrophes, hyphens, dots and digits.
    Word,
    /// Digits, possibly with inner `,` `.` `:` `/` and a unit-less suffix
    /// such as "1990s" or "3rd".
    Number,
    /// A quotation mark of any style: `"` `“` `”` `„` `«` `»` `'` `‘` `’`
    /// (the last three only where they are not an apostrophe).
    Quote,
    /// Any other character that is not a space.
    Punct,
}

/// One token: where it is and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// Where it is in the text.
    pub span: Span,
    /// What it is.
    pub kind: TokenKind,
}

impl Token {
    /// The text of the token.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        self.span.of(text)
    }
}

/// Whether `c` is a double or single quotation mark (an apostrophe-like
/// `'` or `’` counts; the tokenizer decides from context).
pub fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{201F}'
            | '«'
            | '»'
            | '\''
            | '\u{2018}'
            | '\u{2019}'
    )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

/// Characters that join two parts of one word when letters or digits stand
/// on both sides: "Putin's", "30-day", "U.S", "e-mail".
fn joins_word(c: char) -> bool {
    is_apostrophe(c) || matches!(c, '-' | '.' | '\u{2010}' | '\u{2011}' | '&')
}

fn joins_number(c: char) -> bool {
    matches!(c, ',' | '.' | ':' | '/')
}

/// The tokens of `text[span]`, with spans into `text`.
pub fn tokens_in(text: &str, span: Span) -> Vec<Token> {
    let Some(slice) = text.get(span.start..span.end) else {
        return Vec::new();
    };
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut out = Vec::with_capacity(chars.len() / 5 + 1);
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| span.start + chars.get(i).map_or(slice.len(), |&(o, _)| o);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c.is_alphabetic() || c.is_ascii_digit() {
            let numeric = c.is_ascii_digit();
            i += 1;
            loop {
                match at(i) {
                    Some(n) if n.is_alphanumeric() => i += 1,
                    Some(j)
                        if (joins_word(j) || numeric && joins_number(j))
                            && at(i + 1).is_some_and(char::is_alphanumeric) =>
                    {
                        i += 2
                    }
                    _ => break,
                }
            }
            // "U.S." keeps its final dot: a single letter before it, after
            // another dotted letter.
            if at(i) == Some('.') && i >= start + 3 && at(i - 2) == Some('.') && i - 1 > start {
                let last = chars[i - 1].1;
                if last.is_alphabetic() {
                    i += 1;
                }
            }
            let word = &slice[chars[start].0..chars.get(i).map_or(slice.len(), |&(o, _)| o)];
            if word.bytes().next().is_some_and(|b| b.is_ascii_digit())
                && word
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b",.:/".contains(&b) || b.is_ascii_alphabetic())
                && word.bytes().filter(u8::is_ascii_alphabetic).count() <= 2
            {
                TokenKind::Number
            } else {
                TokenKind::Word
            }
        } else if is_quote_mark(c) {
            i += 1;
            TokenKind::Quote
        } else {
            i += 1;
            TokenKind::Punct
        };
        out.push(Token {
            span: Span::new(offset(start), offset(i)),
            kind,
        });
    }
    out
}

/// The tokens of all of `text`.
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_in(text, Span::new(0, text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokens(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn news_words_keep_their_parts() {
        assert_eq!(
            words("The U.S. envoy's 30-day plan, 1,500 troops; “Yes.”"),
            [
                "The", "U.S.", "envoy's", "30-day", "plan", ",", "1,500", "troops", ";", "“",
                "Yes", ".", "”"
            ]
        );
        assert_eq!(
            words("Trump’s call at 10:30 a.m."),
            ["Trump’s", "call", "at", "10:30", "a.m."]
        );
    }

    #[test]
    fn kinds_are_told_apart() {
        let text = "\"In 2025,\" he said.";
        let kinds: Vec<TokenKind> = tokens(text).iter().map(|t| t.kind).collect();
        use TokenKind::*;
        assert_eq!(
            kinds,
            [Quote, Word, Number, Punct, Quote, Word, Word, Punct]
        );
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "Ça va — très bien.";
        for token in tokens(text) {
            assert!(!token.text(text).is_empty());
        }
        let inner = tokens_in(text, Span::new(3, text.len()));
        assert_eq!(inner.first().map(|t| t.text(text)), Some("va"));
    }
}
