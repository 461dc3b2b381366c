//! Pairing quotation marks inside one paragraph.
//!
//! Double marks (`"` `“` `”` `„` `«` `»`) delimit quotations; single marks
//! (`‘` `’` `'`) count only where no double mark is open and they stand at
//! word edges, since `’` and `'` are mostly apostrophes. A mark left open at
//! the end of the paragraph makes a quotation that runs to its end: that is
//! how a quotation carried into the next paragraph is written.

use crate::Span;

/// One quotation found between marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quoted {
    /// From the opening mark to just past the closing one (or the end of the
    /// paragraph when it is never closed).
    pub outer: Span,
    /// The words inside the marks, trimmed of spaces.
    pub inner: Span,
    /// Whether a closing mark was found.
    pub closed: bool,
}

fn is_double(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '«' | '»' | '\u{FF02}'
    )
}

fn opens_only(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{201E}' | '\u{201F}' | '«')
}

fn closes_only(c: char) -> bool {
    matches!(c, '\u{201D}' | '»')
}

/// Whether the mark at a place with `before` and `after` neighbours reads as
/// an opening one: nothing word-like before it, something after it.
fn looks_opening(before: Option<char>, after: Option<char>) -> bool {
    let left_free = before.is_none_or(|b| b.is_whitespace() || "([{—–-/:".contains(b));
    let right_word = after.is_some_and(|a| !a.is_whitespace());
    left_free && right_word
}

fn looks_closing(before: Option<char>, after: Option<char>) -> bool {
    let left_word = before.is_some_and(|b| !b.is_whitespace());
    let right_free = after.is_none_or(|a| !a.is_alphanumeric());
    left_word && right_free
}

/// The quotations of the paragraph `para` of `text`, in order, not nested
/// (an inner quotation is part of the outer one).
pub(crate) fn quotations(text: &str, para: Span) -> Vec<Quoted> {
    let Some(slice) = text.get(para.start..para.end) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None; // the open double mark
    let mut single_open: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut iter = slice.char_indices().peekable();
    while let Some((at, c)) = iter.next() {
        let mut next = iter.peek().map(|&(_, n)| n);
        let mut c = c;
        // `''…''`: two apostrophes written for a double mark.
        if c == '\'' && next == Some('\'') {
            iter.next();
            next = iter.peek().map(|&(_, n)| n);
            c = '"';
        }
        let width = if c == '"' && slice.get(at..at + 2) == Some("''") {
            2
        } else {
            c.len_utf8()
        };
        if is_double(c) {
            single_open = None;
            let closing = match open {
                None => false,
                // German „…“ and Danish »…«: the closing mark looks like
                // another language's opening one.
                Some((_, '\u{201E}')) if matches!(c, '\u{201C}' | '\u{201D}' | '"') => true,
                Some((_, '»')) if c == '«' => true,
                // A second opening mark: the first was never closed.
                Some(_) if opens_only(c) => false,
                Some(_) if closes_only(c) => true,
                Some(_) => !looks_opening(prev, next) || looks_closing(prev, next),
            };
            if closing {
                if let Some((start, _)) = open.take() {
                    push(para, slice, start, at + width, true, &mut out);
                }
            } else if opens_only(c) || (open.is_none() && looks_opening(prev, next)) {
                open = Some((at, c));
            }
        } else if open.is_none() && matches!(c, '\'' | '\u{2018}' | '\u{2019}') {
            match single_open {
                None if c != '\u{2019}'
                    && looks_opening(prev, next)
                    && (next.is_some_and(char::is_alphanumeric) || next == Some('.')) =>
                {
                    single_open = Some(at);
                }
                Some(start)
                    if c != '\u{2018}'
                        && looks_closing(prev, next)
                        && !prev.is_some_and(|p| p == 's' || p == 'S') =>
                {
                    single_open = None;
                    push(para, slice, start, at + c.len_utf8(), true, &mut out);
                }
                _ => {}
            }
        }
        prev = Some(c);
    }
    if let Some((start, _)) = open {
        push(para, slice, start, slice.len(), false, &mut out);
    }
    out
}

fn push(para: Span, slice: &str, start: usize, end: usize, closed: bool, out: &mut Vec<Quoted>) {
    let Some(whole) = slice.get(start..end) else {
        return;
    };
    let mark = if whole.starts_with("''") {
        2
    } else {
        whole.chars().next().map_or(1, char::len_utf8)
    };
    let inner_end = if !closed {
        whole.len()
    } else if whole.ends_with("''") {
        whole.len() - 2
    } else {
        whole
            .chars()
            .next_back()
            .map_or(whole.len(), |c| whole.len() - c.len_utf8())
    };
    let Some(inside) = whole.get(mark..inner_end.max(mark)) else {
        return;
    };
    let lead = inside.len() - inside.trim_start().len();
    let trimmed = inside.trim();
    if trimmed.is_empty() {
        return;
    }
    let from = para.start + start + mark + lead;
    out.push(Quoted {
        outer: Span::new(para.start + start, para.start + end),
        inner: Span::new(from, from + trimmed.len()),
        closed,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(text: &str) -> Vec<(&str, bool)> {
        quotations(text, Span::new(0, text.len()))
            .iter()
            .map(|q| (q.inner.of(text), q.closed))
            .collect()
    }

    #[test]
    fn curly_and_straight_marks_pair() {
        assert_eq!(
            inner("“It was positive,” he said. \"It was good.\""),
            [("It was positive,", true), ("It was good.", true)]
        );
    }

    #[test]
    fn inner_quotes_belong_to_the_outer_one() {
        assert_eq!(
            inner("“He said ‘no’ to me,” she said."),
            [("He said ‘no’ to me,", true)]
        );
        assert_eq!(inner("It’s ‘in Their Heads.’"), [("in Their Heads.", true)]);
        assert_eq!(inner("Trump’s and the Clintons’ plans"), []);
    }

    #[test]
    fn unclosed_marks_run_to_the_end() {
        assert_eq!(
            inner("“We will go on. And on"),
            [("We will go on. And on", false)]
        );
        assert_eq!(inner("stray ” mark"), []);
    }

    #[test]
    fn foreign_marks_and_scripts() {
        assert_eq!(
            inner("Il a dit « c’est fini » hier. „Gut“, sagte er."),
            [("c’est fini", true), ("Gut", true)]
        );
        assert_eq!(inner("他说“好的”。"), [("好的", true)]);
        assert_eq!(
            inner("''It has virtue,'' he said. ”Fear.” ― Ed"),
            [("It has virtue,", true), ("Fear.", true)]
        );
    }
}
