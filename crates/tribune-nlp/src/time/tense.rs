//! The tense of the clause around an expression, from the nearest verb
//! cue: enough to tell "said on Friday" (the Friday before) from "will meet
//! on Friday" (the one after).

/// The time a clause points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tense {
    Past,
    Future,
    Unknown,
}

/// How far from the expression a cue still belongs to its clause, in
/// tokens; bounded so the work per expression is constant.
const BEFORE: usize = 12;
const AFTER: usize = 8;

const FUTURE: &[&str] = &[
    "will",
    "would",
    "could",
    "might",
    "planning",
    "'ll",
    "’ll",
    "shall",
    "won't",
    "won’t",
    "going",
    "expected",
    "expects",
    "expect",
    "plans",
    "plan",
    "planned",
    "scheduled",
    "set",
    "due",
    "upcoming",
    "aims",
    "intends",
    "hopes",
    "slated",
    "ahead",
    "tomorrow",
    "next",
    "coming",
];

const PAST: &[&str] = &[
    "said",
    "told",
    "was",
    "were",
    "had",
    "did",
    "met",
    "made",
    "took",
    "went",
    "came",
    "gave",
    "held",
    "left",
    "won",
    "lost",
    "began",
    "saw",
    "got",
    "found",
    "sent",
    "spoke",
    "wrote",
    "ago",
    "yesterday",
    "last",
    "fell",
    "rose",
    "paid",
    "sold",
    "bought",
    "struck",
    "hit",
    "led",
    "ran",
    "became",
    "knew",
    "brought",
    "thought",
    "felt",
    "kept",
    "put",
    "shot",
    "killed",
];

/// Words ending in "-ed" that are not past verbs.
const NOT_PAST: &[&str] = &[
    "need", "indeed", "speed", "hundred", "united", "red", "bed", "feed", "seed", "based", "armed",
    "related", "detailed", "limited", "advanced", "proposed", "unnamed", "alleged",
];

fn cue(word: &str) -> Option<Tense> {
    if FUTURE.contains(&word) {
        return Some(Tense::Future);
    }
    if PAST.contains(&word) || (word.len() > 4 && word.ends_with("ed") && !NOT_PAST.contains(&word))
    {
        return Some(Tense::Past);
    }
    None
}

/// Whether the cue at `i` is a participle after "be" ("to be completed
/// by Dec. 15"), which tells nothing of the time.
fn passive(words: &[&str], i: usize) -> bool {
    i > 0 && matches!(words.get(i - 1), Some(&("be" | "being")))
}

/// Whether the cue at `i` is "next to", a place, not a time.
fn spatial(words: &[&str], i: usize) -> bool {
    words.get(i) == Some(&"next") && words.get(i + 1) == Some(&"to")
}

/// The tense of the clause of the expression covering `words[at..end]`
/// (lower-cased words of its sentence): the cue nearest to it, before it
/// when there is a tie, not crossing a semicolon or a quotation mark.
pub(super) fn tense(words: &[&str], at: usize, end: usize) -> Tense {
    let barrier = |w: &str| matches!(w, ";" | "\"" | "“" | "”");
    let mut before = None;
    for (distance, i) in (at.saturating_sub(BEFORE)..at).rev().enumerate() {
        let Some(&w) = words.get(i) else { break };
        if barrier(w) {
            break;
        }
        if let Some(t) = cue(w)
            && !passive(words, i)
            && !spatial(words, i)
        {
            before = Some((distance, t));
            break;
        }
    }
    let mut after = None;
    for (distance, i) in (end..end.saturating_add(AFTER)).enumerate() {
        let Some(&w) = words.get(i) else { break };
        if barrier(w) {
            break;
        }
        if let Some(t) = cue(w)
            && !passive(words, i)
            && !spatial(words, i)
        {
            after = Some((distance, t));
            break;
        }
    }
    match (before, after) {
        (Some((b, t)), Some((a, u))) => {
            if b <= a {
                t
            } else {
                u
            }
        }
        (Some((_, t)), None) | (None, Some((_, t))) => t,
        (None, None) => Tense::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(sentence: &str, expression: &str) -> Tense {
        let words: Vec<String> = sentence.split_whitespace().map(str::to_lowercase).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let at = words.iter().position(|w| *w == expression).unwrap_or(0);
        tense(&words, at, at + 1)
    }

    #[test]
    fn nearest_cue_wins() {
        assert_eq!(of("Trump said in a post on Friday", "friday"), Tense::Past);
        assert_eq!(
            of("He said he will meet them on Friday", "friday"),
            Tense::Future
        );
        assert_eq!(of("Putin met Witkoff on Thursday", "thursday"), Tense::Past);
        assert_eq!(of("The vote is on Monday", "monday"), Tense::Unknown);
        assert_eq!(of("On Monday , the council voted", "monday"), Tense::Past);
        assert_eq!(
            of("They expect it to be completed by Monday", "monday"),
            Tense::Future
        );
    }
}
