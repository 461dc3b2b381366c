//! The words that name events, by kind and form. Forms matter: a past
//! tense verb ("met") reports something done, a base form after "to" or
//! "will" something expected, a noun ("a call") depends on its context.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::EventKind;

/// The grammatical form of a trigger word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// "met", "spoke", "agreed".
    Past,
    /// "meets", "speaks".
    Present,
    /// "meet", "speak": after "to", "will", "would"...
    Base,
    /// "meeting", "speaking".
    Gerund,
    /// "meeting", "call", "talks", "deal" as a thing.
    Noun,
}

/// Verbs as (base, third person, past, gerund), nouns separately.
const VERBS: &[(EventKind, &str, &str, &str, &str)] = &[
    (EventKind::Consult, "meet", "meets", "met", "meeting"),
    (EventKind::Consult, "talk", "talks", "talked", "talking"),
    (EventKind::Consult, "speak", "speaks", "spoke", "speaking"),
    (EventKind::Consult, "visit", "visits", "visited", "visiting"),
    (
        EventKind::Consult,
        "discuss",
        "discusses",
        "discussed",
        "discussing",
    ),
    (
        EventKind::Consult,
        "negotiate",
        "negotiates",
        "negotiated",
        "negotiating",
    ),
    (EventKind::Consult, "host", "hosts", "hosted", "hosting"),
    (EventKind::Consult, "phone", "phones", "phoned", "phoning"),
    (EventKind::Agree, "agree", "agrees", "agreed", "agreeing"),
    (EventKind::Agree, "sign", "signs", "signed", "signing"),
    (EventKind::Agree, "back", "backs", "backed", "backing"),
    (
        EventKind::Agree,
        "accept",
        "accepts",
        "accepted",
        "accepting",
    ),
    (
        EventKind::Agree,
        "endorse",
        "endorses",
        "endorsed",
        "endorsing",
    ),
    (
        EventKind::Demand,
        "demand",
        "demands",
        "demanded",
        "demanding",
    ),
    (EventKind::Demand, "urge", "urges", "urged", "urging"),
    (
        EventKind::Demand,
        "request",
        "requests",
        "requested",
        "requesting",
    ),
    (EventKind::Demand, "ask", "asks", "asked", "asking"),
    (
        EventKind::Reject,
        "reject",
        "rejects",
        "rejected",
        "rejecting",
    ),
    (EventKind::Reject, "veto", "vetoes", "vetoed", "vetoing"),
    (
        EventKind::Reject,
        "dismiss",
        "dismisses",
        "dismissed",
        "dismissing",
    ),
    (EventKind::Reject, "deny", "denies", "denied", "denying"),
    (
        EventKind::Threaten,
        "threaten",
        "threatens",
        "threatened",
        "threatening",
    ),
    (EventKind::Threaten, "warn", "warns", "warned", "warning"),
    (
        EventKind::Assault,
        "attack",
        "attacks",
        "attacked",
        "attacking",
    ),
    (
        EventKind::Assault,
        "strike",
        "strikes",
        "struck",
        "striking",
    ),
    (EventKind::Assault, "bomb", "bombs", "bombed", "bombing"),
    (EventKind::Assault, "shell", "shells", "shelled", "shelling"),
    (EventKind::Assault, "kill", "kills", "killed", "killing"),
    (
        EventKind::Assault,
        "invade",
        "invades",
        "invaded",
        "invading",
    ),
    (EventKind::Assault, "shoot", "shoots", "shot", "shooting"),
    (
        EventKind::Support,
        "support",
        "supports",
        "supported",
        "supporting",
    ),
    (
        EventKind::Support,
        "provide",
        "provides",
        "provided",
        "providing",
    ),
    (EventKind::Support, "help", "helps", "helped", "helping"),
    (EventKind::Support, "send", "sends", "sent", "sending"),
    (
        EventKind::Support,
        "supply",
        "supplies",
        "supplied",
        "supplying",
    ),
    (
        EventKind::Accuse,
        "accuse",
        "accuses",
        "accused",
        "accusing",
    ),
    (
        EventKind::Accuse,
        "criticize",
        "criticizes",
        "criticized",
        "criticizing",
    ),
    (
        EventKind::Accuse,
        "criticise",
        "criticises",
        "criticised",
        "criticising",
    ),
    (EventKind::Accuse, "blame", "blames", "blamed", "blaming"),
    (
        EventKind::Accuse,
        "condemn",
        "condemns",
        "condemned",
        "condemning",
    ),
    (
        EventKind::Statement,
        "announce",
        "announces",
        "announced",
        "announcing",
    ),
];

/// Nouns that name an event on their own. Not "deal" or "ceasefire":
/// articles mention those as topics far more often than as events.
const NOUNS: &[(EventKind, &str)] = &[
    (EventKind::Consult, "meeting"),
    (EventKind::Consult, "call"),
    (EventKind::Consult, "talks"),
    (EventKind::Consult, "summit"),
    (EventKind::Consult, "visit"),
    (EventKind::Consult, "conversation"),
    (EventKind::Consult, "negotiations"),
    (EventKind::Assault, "attack"),
    (EventKind::Assault, "strike"),
    (EventKind::Assault, "strikes"),
    (EventKind::Assault, "invasion"),
    (EventKind::Assault, "offensive"),
    (EventKind::Support, "aid"),
    (EventKind::Threaten, "threat"),
    (EventKind::Reject, "rejection"),
    (EventKind::Demand, "demand"),
];

static TRIGGERS: LazyLock<FxHashMap<&'static str, (EventKind, Form)>> = LazyLock::new(|| {
    let mut map = FxHashMap::default();
    // Nouns first: a verb form with the same spelling ("meeting", "strikes")
    // is told apart in context, so the verb reading is kept in the table
    // and the noun reading decided by the caller.
    for &(kind, noun) in NOUNS {
        map.insert(noun, (kind, Form::Noun));
    }
    for &(kind, base, third, past, gerund) in VERBS {
        map.entry(base).or_insert((kind, Form::Base));
        map.entry(third).or_insert((kind, Form::Present));
        map.insert(past, (kind, Form::Past));
        map.entry(gerund).or_insert((kind, Form::Gerund));
    }
    map
});

/// The event a word names, if any, and its form (`word` lower-cased).
pub(super) fn trigger(word: &str) -> Option<(EventKind, Form)> {
    TRIGGERS.get(word).copied()
}

/// Words before a trigger that make it expected rather than done.
pub(super) const EXPECTATION: &[&str] = &[
    "will",
    "would",
    "expected",
    "expect",
    "expects",
    "expecting",
    "plans",
    "plan",
    "planned",
    "set",
    "scheduled",
    "due",
    "going",
    "anticipates",
    "anticipate",
    "anticipated",
    "prospective",
    "upcoming",
    "next",
    "soon",
    "could",
    "may",
    "might",
    "hopes",
    "hope",
    "intends",
    "wants",
    "possible",
    "potential",
    "likely",
];

/// Words before a trigger that make it only proposed.
pub(super) const PROPOSAL: &[&str] = &[
    "proposed",
    "offered",
    "offer",
    "offers",
    "proposes",
    "propose",
    "suggested",
    "suggests",
    "demanded",
    "urged",
    "called",
    "seeking",
    "seeks",
    "sought",
    "willing",
    "ready",
    "must",
    "should",
];

/// Verbs after which the next verb is not an event: "declined to outline",
/// "refused to comment".
pub(super) const REFUSAL: &[&str] = &["declined", "refused", "declines", "refuses", "failed"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_known() {
        assert_eq!(trigger("met"), Some((EventKind::Consult, Form::Past)));
        assert_eq!(trigger("talk"), Some((EventKind::Consult, Form::Base)));
        assert_eq!(trigger("call"), Some((EventKind::Consult, Form::Noun)));
        assert_eq!(trigger("strikes").map(|t| t.0), Some(EventKind::Assault));
        assert_eq!(trigger("table"), None);
    }
}
