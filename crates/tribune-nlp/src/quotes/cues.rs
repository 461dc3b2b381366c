//! The words that attribute speech and the words around them, as
//! lower-case lexicons.

/// Verbs of saying that introduce what someone said, in their inflected
/// forms (verbs of opinion and finding are in [`CLAUSE_ONLY`]). "told" is kept apart: what follows it is
/// the addressee, never the speaker.
const SPEECH_VERBS: &[&str] = &[
    "say",
    "says",
    "said",
    "saying",
    "tell",
    "tells",
    "told",
    "add",
    "adds",
    "added",
    "warn",
    "warns",
    "warned",
    "insist",
    "insists",
    "insisted",
    "note",
    "notes",
    "noted",
    "announce",
    "announces",
    "announced",
    "ask",
    "asks",
    "asked",
    "explain",
    "explains",
    "explained",
    "claim",
    "claims",
    "claimed",
    "argue",
    "argues",
    "argued",
    "state",
    "states",
    "stated",
    "declare",
    "declares",
    "declared",
    "write",
    "writes",
    "wrote",
    "tweet",
    "tweets",
    "tweeted",
    "tweeting",
    "predict",
    "predicts",
    "predicted",
    "acknowledge",
    "acknowledges",
    "acknowledged",
    "admit",
    "admits",
    "admitted",
    "reply",
    "replies",
    "replied",
    "respond",
    "responds",
    "responded",
    "answer",
    "answered",
    "continue",
    "continued",
    "recall",
    "recalls",
    "recalled",
    "contend",
    "contends",
    "contended",
    "maintain",
    "maintains",
    "maintained",
    "stress",
    "stresses",
    "stressed",
    "emphasize",
    "emphasized",
    "emphasised",
    "assert",
    "asserts",
    "asserted",
    "allege",
    "alleges",
    "alleged",
    "complain",
    "complains",
    "complained",
    "remark",
    "remarked",
    "observe",
    "observed",
    "concede",
    "concedes",
    "conceded",
    "caution",
    "cautioned",
    "joke",
    "joked",
    "quip",
    "quipped",
    "boast",
    "boasted",
    "shout",
    "shouted",
    "whisper",
    "whispered",
    "yell",
    "yelled",
    "told",
    "acknowledging",
    "adding",
    "noting",
    "warning",
    "arguing",
    "claiming",
    "insisting",
    "telling",
    "asking",
    "explaining",
    "writing",
    "stating",
];

/// Cues that are opinions or findings rather than speech: they attribute
/// only with a clause after them, never a quotation before them.
const CLAUSE_ONLY: &[&str] = &[
    "believe",
    "believes",
    "believed",
    "think",
    "thinks",
    "thought",
    "estimate",
    "estimates",
    "estimated",
    "show",
    "shows",
    "showed",
    "found",
    "find",
    "finds",
    "indicate",
    "indicates",
    "indicated",
    "reveal",
    "reveals",
    "revealed",
    "disclose",
    "disclosed",
    "mention",
    "mentioned",
    "tout",
    "touted",
    "accuse",
    "accused",
    "blame",
    "blamed",
    "charge",
    "charged",
    "urge",
    "urges",
    "urged",
    "promise",
    "promises",
    "promised",
    "vow",
    "vows",
    "vowed",
    "pledge",
    "pledged",
    "deny",
    "denies",
    "denied",
    "report",
    "reports",
    "reported",
    "confirm",
    "confirms",
    "confirmed",
    "suggest",
    "suggests",
    "suggested",
];

/// Whether the lower-case word `w` is a cue verb: a verb of speech, or of
/// opinion and finding ([`CLAUSE_ONLY`]).
pub(crate) fn is_cue(w: &str) -> bool {
    SPEECH_VERBS.contains(&w) || CLAUSE_ONLY.contains(&w)
}

/// Whether the cue `w` attributes only a quotation next to it ("he
/// continued"): before a clause it means something else ("continued
/// trading").
pub(crate) fn direct_only(w: &str) -> bool {
    matches!(
        w,
        "continue"
            | "continued"
            | "continues"
            | "joked"
            | "quipped"
            | "shouted"
            | "yelled"
            | "whispered"
    )
}

/// Whether the cue `w` needs a clause after it to attribute anything.
pub(crate) fn clause_only(w: &str) -> bool {
    CLAUSE_ONLY.contains(&w)
}

/// Whether what follows the cue `w` names someone spoken to rather than the
/// speaker ("told CNN", "asked reporters").
pub(crate) fn takes_addressee(w: &str) -> bool {
    matches!(
        w,
        "tell"
            | "tells"
            | "told"
            | "telling"
            | "ask"
            | "asks"
            | "asked"
            | "asking"
            | "urge"
            | "urged"
            | "urges"
            | "warned"
            | "warn"
            | "warns"
            | "promised"
            | "accused"
            | "blamed"
    )
}

/// Whether the cue is a present participle ("saying", "adding"): it hangs
/// off another clause and takes that clause's subject.
pub(crate) fn is_participle(w: &str) -> bool {
    w.ends_with("ing")
}

/// Words that may sit between a subject and its cue ("has repeatedly
/// said", "also told", "later added").
pub(crate) fn is_between(w: &str) -> bool {
    matches!(
        w,
        "has"
            | "have"
            | "had"
            | "also"
            | "later"
            | "then"
            | "previously"
            | "repeatedly"
            | "once"
            | "recently"
            | "earlier"
            | "again"
            | "further"
            | "will"
            | "would"
            | "could"
            | "may"
            | "might"
            | "did"
            | "does"
            | "do"
            | "just"
            | "publicly"
            | "privately"
            | "reportedly"
            | "separately"
            | "often"
            | "frequently"
            | "never"
            | "not"
            | "always"
            | "flatly"
            | "simply"
            | "firmly"
            | "openly"
    )
}

/// Forms of "to be": a cue after one is passive ("was told", "is said").
pub(crate) fn is_be(w: &str) -> bool {
    matches!(
        w,
        "is" | "was" | "were" | "are" | "be" | "been" | "being" | "am" | "'s"
    )
}

/// Words that end a subject noun phrase when reading leftwards from a cue:
/// clause openers, conjunctions, prepositions that do not sit inside a
/// name ("of", "for" and "at" do: "a spokesman for the ministry").
pub(crate) fn stops_subject(w: &str) -> bool {
    matches!(
        w,
        "that"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "what"
            | "when"
            | "where"
            | "while"
            | "if"
            | "because"
            | "and"
            | "or"
            | "but"
            | "as"
            | "than"
            | "so"
            | "to"
            | "in"
            | "on"
            | "from"
            | "with"
            | "by"
            | "during"
            | "after"
            | "before"
            | "since"
            | "about"
            | "into"
            | "over"
            | "under"
            | "through"
            | "is"
            | "was"
            | "were"
            | "are"
            | "be"
            | "been"
            | "not"
            | "there"
            | "it"
            | "this"
            | "these"
            | "those"
            | "however"
            | "although"
            | "though"
            | "yet"
            | "also"
            | "like"
            | "among"
            | "against"
            | "why"
            | "how"
            | "even"
            | "said"
            | "says"
            | "say"
            | "told"
    )
}

/// Personal pronouns that can be a speaker.
pub(crate) fn is_pronoun(w: &str) -> bool {
    matches!(w, "he" | "she" | "they" | "i" | "we" | "you")
}

/// Words of time that follow a cue or precede it without being part of the
/// subject ("said Sunday", "earlier this month announced").
pub(crate) fn is_time_word(w: &str) -> bool {
    matches!(
        w,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "today"
            | "yesterday"
            | "tonight"
            | "morning"
            | "afternoon"
            | "evening"
            | "night"
            | "week"
            | "month"
            | "year"
            | "weekend"
            | "earlier"
            | "later"
            | "last"
            | "this"
            | "next"
            | "recently"
            | "ago"
            | "days"
            | "weeks"
            | "months"
            | "years"
    )
}

/// Sources that are never speakers of the article's quotations: the people
/// the article is addressed to or written by.
pub(crate) fn is_reporter(w: &str) -> bool {
    matches!(
        w,
        "reporters" | "reporter" | "journalists" | "journalist" | "interviewer" | "anchor"
    )
}

/// Verbs that, before "to" and a cue, mean nothing was said ("declined to
/// comment", "refused to say").
pub(crate) fn is_refusal(w: &str) -> bool {
    matches!(
        w,
        "declined"
            | "declines"
            | "decline"
            | "refused"
            | "refuses"
            | "refuse"
            | "offered"
            | "offers"
            | "wanted"
            | "wants"
            | "want"
            | "tried"
            | "expected"
            | "failed"
            | "able"
            | "unable"
            | "going"
            | "plans"
            | "planned"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_agree() {
        for w in CLAUSE_ONLY {
            assert!(is_cue(w), "{w} must be a cue too");
        }
        assert!(takes_addressee("told") && !takes_addressee("said"));
        assert!(is_participle("saying") && is_participle("adding") && !is_participle("said"));
    }
}
