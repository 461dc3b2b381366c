//! Recognising site chrome by its words: calls to action, account links,
//! disclaimers, share bars. Used for HTML blocks and plain-text lines alike.
//!
//! Every pattern is about what a line *is* (an instruction to the reader, a
//! notice about the site), never about a topic, and only short lines are
//! tested, so a paragraph that merely mentions "subscribe" stays.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

/// Lines longer than this are never judged boilerplate by their words.
const MAX_CHROME_CHARS: usize = 220;

static CHROME: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        // Account and navigation chrome.
        r"(?i)^(manage your account|my account|sign ?in|log ?in|log ?out|sign ?out|register|create an? (free )?account)\b.{0,40}$",
        r"(?i)^skip to (main )?(content|navigation)",
        r"(?i)^(back to top|go to top|top of page|scroll to top)\.?$",
        // Calls to action for channels, apps and newsletters.
        r"(?i)^(follow|join|subscribe to|like) us on\b",
        r"(?i)^(follow|join) (us|our \w+ (channel|group|page))\b.{0,60}(whatsapp|telegram|twitter|facebook|instagram|google news|youtube|tiktok|linkedin|threads|x\b|channel)",
        r"(?i)\b(whatsapp|telegram) channel\b.{0,20}$",
        r"(?i)^(sign up|subscribe)\b.{0,60}\b(newsletter|updates|alerts|inbox|briefing|digest)\b",
        r"(?i)^(get|download) (the|our) .{0,30}\bapp\b",
        r"(?i)^(click|tap) here to\b",
        r"(?i)^(join|get) (\d[\d,.]*\+? |our |thousands of |other )?.{0,30}\b(subscribers|readers)\b.{0,40}\b(newsletter|emails?|inbox|updates)\b",
        // Form status messages left in the page by site builders.
        r"(?i)^(thank you|thanks)[!.]? your (submission|message|form) has been (received|sent)",
        r"(?i)^oops[!.]? something went wrong",
        r"(?i)^by subscribing\b",
        r"(?i)^subscribe to\b.{0,40}$",
        r"(?i)\bdelivered (straight |directly |right )?to your inbox\b",
        r"(?i)\bcheck your (inbox|email)\b.{0,60}\bconfirm",
        r"(?i)^(error|oops)?[!.:]? ?please enter a valid e-?mail",
        r"(?i)^(photo|image|picture|video|graphic)s? ?(credit|courtesy|by|source)?\s*:.{0,100}$",
        // Photo credits under pictures: "Jane Doe | Bloomberg | Getty Images".
        r"(?i)^[^.!?]{0,100}\b(getty images|ap photo|afp via getty|shutterstock|istock(photo)?|via reuters|reuters/[a-z]+|epa-efe|imago images)\b[^.!?]{0,40}$",
        r"(?i)^want more (stories|news|articles|content) like this\??$",
        // Sharing.
        r"(?i)^(share|share this|share on|share via|tweet|pin it|email|print|copy link|comments?|\d+ comments?)( (article|story|page|post))?:?$",
        r"(?i)^share (this|on|via|the) (article|story|post|page)?",
        // Advertising.
        r"(?i)^(advertisement|advertising|sponsored( content)?|ad|paid content|story continues below( advertisement)?|article continues below( advertisement)?|continue reading below)$",
        // Publisher notices.
        r"(?i)\bis not responsible for (this|the|any) (news|content|article|story)",
        r"(?i)\bnews agencies have provided\b",
        r"(?i)^(all rights reserved|copyright ©|© ?\d{4}|©.{0,60}all rights reserved)",
        r"(?i)\b(we use|this (web)?site uses) cookies\b",
        r"(?i)^(accept|reject|manage) (all )?cookies",
        r"(?i)^(report (an? )?(error|typo|correction)|send us a (tip|correction))\.?$",
        r"(?i)^(you (may|might) also like|recommended( for you)?|related (stories|articles|coverage|posts|content)|more (from|on) |most (read|popular|viewed)|trending( now)?|latest (news|stories)|top stories)\b.{0,40}$",
    ])
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
    SHORT_CHROME.is_match(line) || CHROME.is_match(line)
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
