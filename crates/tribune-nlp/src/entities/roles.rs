//! Roles: titles written in front of a name ("U.S. President Donald Trump",
//! "special envoy Steve Witkoff"), in apposition after it ("Steve Witkoff,
//! Trump's special envoy,"), and role phrases standing for a person on
//! their own ("the Russian president", "Trump's envoy").

use std::ops::Range;

use super::gazetteer::{GAZETTEER, ORG_HEADS, ROLE_MODIFIERS};
use super::names::{Tok, is_title, lookup_kind};
use crate::text::TokenKind;

/// Whether `lower` can head a person's role.
pub(crate) fn is_role_head(lower: &str) -> bool {
    is_title(lower) || GAZETTEER.roles.contains(lower)
}

fn is_modifier(t: &Tok) -> bool {
    ROLE_MODIFIERS.contains(&t.lower.as_str())
        || is_role_head(&t.lower)
        || (t.cap && lookup_kind(&t.lower).is_some())
}

/// Where the name starts inside a capitalised run that opens with a title
/// ("U.S. President Donald Trump" → at "Donald"), if it does.
pub(crate) fn title_end(toks: &[Tok], run: Range<usize>) -> Option<usize> {
    let last = run.end.checked_sub(1)?;
    let mut split = None;
    for (i, t) in toks.iter().enumerate().take(last).skip(run.start) {
        if t.lower == "." {
            continue;
        }
        if is_role_head(&t.lower) && !t.possessive {
            split = Some(i + 1);
        }
    }
    let mut start = split?;
    // "Mr. Smith": the title's dot is not part of the name.
    while toks.get(start).is_some_and(|t| t.lower == ".") {
        start += 1;
    }
    if start >= run.end {
        return None;
    }
    // "General Motors", "Justice Department": the run is one name.
    if run.end - start == 1 && ORG_HEADS.contains(&toks[last].lower.as_str()) {
        return None;
    }
    Some(start)
}

/// The lower-case role phrase right before a name ("special envoy" of
/// "special envoy Steve Witkoff"), as a token range.
pub(crate) fn role_before(toks: &[Tok], name_start: usize) -> Option<Range<usize>> {
    let head = name_start.checked_sub(1)?;
    let t = toks.get(head)?;
    let sentence = toks.get(name_start)?.sentence;
    if t.sentence != sentence || t.cap || t.kind != TokenKind::Word || !is_role_head(&t.lower) {
        return None;
    }
    let mut start = head;
    while let Some(prev) = start.checked_sub(1).and_then(|i| toks.get(i)) {
        if prev.sentence != sentence || prev.kind != TokenKind::Word || head - start >= 4 {
            break;
        }
        if is_modifier(prev) || (prev.cap && prev.possessive) {
            start -= 1;
        } else {
            break;
        }
    }
    // A bare title word that is a common noun elsewhere ("coach", "chief")
    // needs nothing more; the rule is about form, not meaning.
    Some(start..head + 1)
}

/// The role in apposition after a name ending at `name_end` ("Steve
/// Witkoff, Trump's special envoy, said"), as a token range without its
/// article.
pub(crate) fn apposition(toks: &[Tok], name_end: usize) -> Option<Range<usize>> {
    let comma = toks.get(name_end)?;
    if comma.lower != "," {
        return None;
    }
    let sentence = comma.sentence;
    let mut i = name_end + 1;
    if toks
        .get(i)
        .is_some_and(|t| matches!(t.lower.as_str(), "the" | "a" | "an"))
    {
        i += 1;
    }
    let start = i;
    let mut head = None;
    while let Some(t) = toks.get(i) {
        if t.sentence != sentence || t.kind != TokenKind::Word || i - start > 5 {
            break;
        }
        if is_role_head(&t.lower) && !t.possessive {
            head = Some(i);
        } else if !(is_modifier(t) || (t.cap && t.possessive)) {
            break;
        }
        i += 1;
    }
    let head = head?;
    let mut end = head + 1;
    // "the mayor of London".
    if toks.get(end).is_some_and(|t| t.lower == "of")
        && toks
            .get(end + 1)
            .is_some_and(|t| t.cap && t.sentence == sentence)
    {
        end += 2;
        while toks
            .get(end)
            .is_some_and(|t| t.cap && t.sentence == sentence && t.kind == TokenKind::Word)
        {
            end += 1;
        }
    }
    let closes = toks
        .get(end)
        .is_none_or(|t| t.sentence != sentence || matches!(t.lower.as_str(), "," | "." | ";"));
    closes.then_some(start..end)
}

/// A role phrase standing for a person: "the Russian president",
/// "Trump's envoy".
#[derive(Debug, Clone)]
pub(crate) struct RolePhrase {
    /// Its tokens, from the article or possessor to the head.
    pub tokens: Range<usize>,
    /// The head noun, lower-case ("president").
    pub head: String,
    /// Lower-case qualifiers between article and head ("russian").
    pub modifiers: Vec<String>,
    /// The possessor's name, lower-case ("trump" of "Trump's envoy").
    pub possessor: Option<String>,
}

/// Role phrases that do not introduce a name, in text order; `in_name`
/// marks tokens already inside names or their titles.
pub(crate) fn phrases(toks: &[Tok], in_name: &[bool]) -> Vec<RolePhrase> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokenKind::Word
            || in_name.get(i).copied().unwrap_or(false)
            || t.possessive
            || !is_role_head(&t.lower)
            || t.lower.len() < 3
        {
            continue;
        }
        // A name after the head makes it a title, handled with the name.
        if toks
            .get(i + 1)
            .is_some_and(|n| n.cap && n.sentence == t.sentence && n.kind == TokenKind::Word)
        {
            continue;
        }
        let mut start = i;
        let mut modifiers = Vec::new();
        let mut possessor = None;
        let mut determined = false;
        while let Some(prev) = start.checked_sub(1).and_then(|j| toks.get(j)) {
            if prev.sentence != t.sentence || i - start > 4 {
                break;
            }
            if prev.lower == "the" {
                start -= 1;
                determined = true;
                break;
            }
            if prev.cap && prev.possessive && prev.kind == TokenKind::Word {
                start -= 1;
                possessor = Some(prev.lower.clone());
                determined = true;
                break;
            }
            if is_modifier(prev) && prev.kind == TokenKind::Word {
                modifiers.push(prev.lower.clone());
                start -= 1;
            } else {
                break;
            }
        }
        if determined {
            modifiers.reverse();
            out.push(RolePhrase {
                tokens: start..i + 1,
                head: t.lower.clone(),
                modifiers,
                possessor,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences;

    fn toks(text: &str) -> Vec<Tok> {
        super::super::names::prepare(text, &sentences(text))
    }

    #[test]
    fn titles_split_from_names() {
        let t = toks("U.S. President Donald Trump spoke.");
        assert_eq!(title_end(&t, 0..4), Some(2));
        let t = toks("General Motors fell.");
        assert_eq!(title_end(&t, 0..2), None);
    }

    #[test]
    fn roles_before_and_after_names() {
        let t = toks("They heard special envoy Steve Witkoff on Sunday.");
        assert_eq!(role_before(&t, 4), Some(2..4));
        let t = toks("Steve Witkoff, Trump's special envoy, said so.");
        assert_eq!(apposition(&t, 2), Some(3..6));
    }

    #[test]
    fn standalone_role_phrases() {
        let t = toks("Later the Russian president and Trump's envoy met.");
        let found = phrases(&t, &vec![false; t.len()]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].modifiers, ["russian"]);
        assert_eq!(found[1].possessor.as_deref(), Some("trump"));
    }
}
