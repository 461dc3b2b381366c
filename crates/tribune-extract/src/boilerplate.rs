//! Recognising site chrome by its words: calls to action, account links,
//! disclaimers, share bars. Used for HTML blocks and plain-text lines alike.
//!
//! Every pattern is about what a line *is* (an instruction to the reader, a
//! notice about the site), never about a topic, and only short lines are
//! tested, so a paragraph that merely mentions "subscribe" stays.

use std::sync::LazyLock;

use regex::{Regex, RegexSet, RegexSetBuilder};

/// Lines longer than this are never judged boilerplate by their words.
const MAX_CHROME_CHARS: usize = 220;

/// Chrome recognised by how the line starts. Kept apart from
/// [`CHROME_ANYWHERE`] so that this set's search is anchored: it gives up
/// after the first few characters of most lines instead of scanning them all.
static CHROME_START: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSetBuilder::new([
        // Account and navigation chrome.
        r"(?i)^(manage your account|my account|sign ?in|log ?in|log ?out|sign ?out|register|create an? (free )?account)(?-u:\b).{0,40}$",
        r"(?i)^skip to (main )?(content|navigation)",
        r"(?i)^(back to top|go to top|top of page|scroll to top)\.?$",
        // Calls to action for channels, apps and newsletters.
        r"(?i)^(follow|join|subscribe to|like) us on(?-u:\b)",
        r"(?i)^(follow|join) (us|our \w+ (channel|group|page))(?-u:\b).{0,60}(whatsapp|telegram|twitter|facebook|instagram|google news|youtube|tiktok|linkedin|threads|x(?-u:\b)|channel)",
        r"(?i)^(sign up|subscribe)(?-u:\b).{0,60}(?-u:\b)(newsletter|updates|alerts|inbox|briefing|digest)(?-u:\b)",
        r"(?i)^(get|download) (the|our) .{0,30}(?-u:\b)app(?-u:\b)",
        r"(?i)^(click|tap) here to(?-u:\b)",
        r"(?i)^(join|get) (\d[\d,.]*\+? |our |thousands of |other )?.{0,30}(?-u:\b)(subscribers|readers)(?-u:\b).{0,40}(?-u:\b)(newsletter|emails?|inbox|updates)(?-u:\b)",
        // Form status messages left in the page by site builders.
        r"(?i)^(thank you|thanks)[!.]? your (submission|message|form) has been (received|sent)",
        r"(?i)^oops[!.]? something went wrong",
        r"(?i)^by subscribing(?-u:\b)",
        r"(?i)^subscribe to(?-u:\b).{0,40}$",
        r"(?i)^(error|oops)?[!.:]? ?please enter a valid e-?mail",
        r"(?i)^(photo|image|picture|video|graphic)s? ?(credit|courtesy|by|source)?\s*:.{0,100}$",
        // Photo credits under pictures: "Jane Doe | Bloomberg | Getty Images".
        r"(?i)^[^.!?]{0,100}(?-u:\b)(getty images|ap photo|afp via getty|shutterstock|istock(photo)?|via reuters|reuters/[a-z]+|epa-efe|imago images)(?-u:\b)[^.!?]{0,40}$",
        r"(?i)^want more (stories|news|articles|content) like this\??$",
        // Sharing.
        r"(?i)^(share|share this|share on|share via|tweet|pin it|email|print|copy link|comments?|\d+ comments?)( (article|story|page|post))?:?$",
        r"(?i)^share (this|on|via|the) (article|story|post|page)?",
        // Advertising.
        r"(?i)^(advertisement|advertising|sponsored( content)?|ad|paid content|story continues below( advertisement)?|article continues below( advertisement)?|continue reading below)$",
        // Publisher notices.
        r"(?i)^(all rights reserved|copyright ©|© ?\d{4}|©.{0,60}all rights reserved)",
        r"(?i)^(accept|reject|manage) (all )?cookies",
        r"(?i)^(report (an? )?(error|typo|correction)|send us a (tip|correction))\.?$",
        r"(?i)^(you (may|might) also like|recommended( for you)?|related (stories|articles|coverage|posts|content)|more (from|on) |most (read|popular|viewed)|trending( now)?|latest (news|stories)|top stories)(?-u:\b).{0,40}$",
    ])
    // Many case-insensitive alternatives make a large lazy DFA; with the
    // default cache it is rebuilt over and over on a big batch of pages.
    .dfa_size_limit(32 << 20)
    .build()
    .expect("boilerplate patterns compile")
});

/// Chrome recognised by words anywhere in the line; their literals let the
/// search skip ahead.
static CHROME_ANYWHERE: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSetBuilder::new([
        r"(?i)(?-u:\b)(whatsapp|telegram) channel(?-u:\b).{0,20}$",
        r"(?i)(?-u:\b)delivered (straight |directly |right )?to your inbox(?-u:\b)",
        r"(?i)(?-u:\b)check your (inbox|email)(?-u:\b).{0,60}(?-u:\b)confirm",
        // Publisher notices.
        r"(?i)(?-u:\b)is not responsible for (this|the|any) (news|content|article|story)",
        r"(?i)(?-u:\b)news agencies have provided(?-u:\b)",
        r"(?i)(?-u:\b)(we use|this (web)?site uses) cookies(?-u:\b)",
    ])
    .build()
    .expect("boilerplate patterns compile")
});

static SHORT_CHROME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(menu|search|home|close|next|previous|prev|more|loading\.*|open|toggle navigation|subscribe|newsletter|sign up|log in|sign in|share|tweet|facebook|twitter|linkedin|whatsapp|reddit|pinterest|email|print|comments|advertisement|ad)$")
        .expect("short chrome pattern compiles")
});

/// Whether a line of text is site chrome rather than article text.
pub(crate) fn is_chrome(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() {
        return false;
    }
    if line.chars().count() > MAX_CHROME_CHARS {
        return false;
    }
    SHORT_CHROME.is_match(line) || CHROME_START.is_match(line) || CHROME_ANYWHERE.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_lines_are_recognised() {
        for line in [
            "Manage your account",
            "Follow us on our WhatsApp channel here .",
            "EMEA Tribune is not responsible for this news, news agencies have provided us this news.",
            "Sign up for our daily newsletter",
            "Advertisement",
            "Share this article",
            "Skip to main content",
            "Natalie Naccache | Bloomberg | Getty Images",
            "Great! Check your inbox and click the link to confirm your subscription.",
            "By subscribing to this newsletter, you agree to our terms of service.",
            "© 2024 Example Media. All rights reserved.",
        ] {
            assert!(is_chrome(line), "{line}");
        }
    }

    #[test]
    fn article_text_is_not_chrome() {
        for line in [
            "Putin has said he supports but hasn't yet agreed to a 30-day ceasefire deal.",
            "Sign up for 4 months of Amazon Music Unlimited for $0.99 while the deal lasts, the company said.",
            "Read more about recent LG innovations.",
            "Share prices fell sharply on Monday.",
            "Witkoff said he would follow up with the Ukrainians on the deal this week.",
        ] {
            assert!(!is_chrome(line), "{line}");
        }
    }
}
