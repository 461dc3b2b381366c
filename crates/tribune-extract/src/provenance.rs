//! Provenance lines: who first published a story that this page republishes,
//! who contributed, which agencies. Matched lines leave the body.
//!
//! The patterns read credit lines as newsrooms write them:
//! "This article originally appeared on USA TODAY: &lt;title&gt;",
//! "Contributing: Kim Hjelmgaard and Francesca Chambers, USA TODAY; Reuters",
//! "(Reporting by Will Dunham; Editing by Tom Brown)", "WASHINGTON (AP) —".

use std::sync::LazyLock;

use regex::Regex;
use tribune_model::{Block, Provenance};

static ORIGINALLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:this (?:article|story|post|piece|report|content)(?: was| has been)?|originally|first) (?:originally |first )?(?:appeared|published|posted|ran|written)(?: (?:on|in|at|by|for|with))? (?P<publisher>.+?)(?:(?:\s*[:—–]\s*|\s+as\s+|\s+under the (?:title|headline)\s+)(?P<title>.+?))?\s*[.。]?(?:\s*(?:read|view|see) the original(?: article| story)?\.?)?$")
        .expect("originally-appeared pattern compiles")
});
static CONTRIBUTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:contributing|contributors?|contributing reporters?|additional reporting)(?: by)?\s*[:—–-]\s*(?P<list>.+?)\.?$")
        .expect("contributing pattern compiles")
});
static REPORTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\(?\s*(?:additional )?reporting by (?P<list>.+?)\)?\.?$")
        .expect("reporting pattern compiles")
});
static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?P<site>.{2,60}?) (?:is|are) not responsible for (?:this|the|any) (?:news|content|article|story)")
        .expect("disclaimer pattern compiles")
});
static DATELINE_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z][A-Z .,'-]{1,60}\((?P<agency>AP|Reuters|AFP|dpa|UPI|Xinhua|PTI|IANS|EFE|ANSA|Bloomberg|CNN)\)\s*[-—–:]")
        .expect("dateline pattern compiles")
});

/// Agencies recognised by name in credit lines and datelines.
const AGENCIES: &[&str] = &[
    "Reuters",
    "AP",
    "Associated Press",
    "The Associated Press",
    "AFP",
    "Agence France-Presse",
    "Bloomberg",
    "dpa",
    "Deutsche Presse-Agentur",
    "EFE",
    "ANSA",
    "Xinhua",
    "PTI",
    "Press Trust of India",
    "IANS",
    "UPI",
    "United Press International",
    "Kyodo",
    "Kyodo News",
    "Yonhap",
    "TASS",
    "Anadolu",
    "Anadolu Agency",
    "PA",
    "PA Media",
    "Press Association",
    "AAP",
    "Australian Associated Press",
    "CP",
    "The Canadian Press",
    "Canadian Press",
    "ANI",
    "WAM",
    "SPA",
    "KUNA",
    "APA",
    "Interfax",
    "Europa Press",
];

fn agency_name(text: &str) -> Option<&'static str> {
    let t = text.trim().trim_end_matches('.');
    AGENCIES.iter().copied().find(|a| a.eq_ignore_ascii_case(t))
}

/// Reads provenance from the body's blocks, removing the credit lines it
/// consumed, and from the lines already dropped as chrome (a republisher's
/// disclaimer names the republisher).
pub(crate) fn extract(
    blocks: &mut Vec<Block>,
    removed: &[String],
    provenance: &mut Provenance,
) -> Vec<String> {
    let mut consumed = Vec::new();
    let total = blocks.len();
    let mut index = 0;
    blocks.retain(|block| {
        let position = index;
        index += 1;
        // Credit lines sit at the very start or in the last few blocks.
        let near_edge = position < 3 || position + 8 >= total;
        let text = block.text.trim();
        if !near_edge || text.chars().count() > 400 {
            return true;
        }
        if let Some(c) = ORIGINALLY.captures(text)
            && read_originally(&c, provenance)
        {
            consumed.push(text.to_string());
            return false;
        }
        if let Some(c) = CONTRIBUTING.captures(text) {
            read_credit_list(&c["list"], provenance);
            consumed.push(text.to_string());
            return false;
        }
        if let Some(c) = REPORTING.captures(text) {
            read_credit_list(
                &c["list"]
                    .replace(" Editing by ", ";")
                    .replace(" Writing by ", ";"),
                provenance,
            );
            // The agency's own credit line is part of its copy: it stays.
            return true;
        }
        if position == 0
            && let Some(c) = DATELINE_AGENCY.captures(text)
        {
            push_unique(
                &mut provenance.agencies,
                agency_name(&c["agency"])
                    .unwrap_or(&c["agency"])
                    .to_string(),
            );
        }
        true
    });
    for line in removed.iter().chain(consumed.iter()) {
        let line = line.trim();
        if let Some(c) = DISCLAIMER.captures(line) {
            provenance
                .republisher
                .get_or_insert_with(|| c["site"].trim().to_string());
        }
        // Credit lines that the page put in a box of their own were dropped
        // with the chrome; they still say where the story came from.
        if line.chars().count() > 400 {
            continue;
        }
        if provenance.original_publisher.is_none()
            && let Some(c) = ORIGINALLY.captures(line)
        {
            read_originally(&c, provenance);
        }
        if let Some(c) = CONTRIBUTING.captures(line) {
            read_credit_list(&c["list"], provenance);
        }
    }
    consumed
}

/// Fills the original publisher and title from an "originally appeared"
/// line; false when the "publisher" is too long to be a name.
fn read_originally(c: &regex::Captures<'_>, provenance: &mut Provenance) -> bool {
    let publisher = c["publisher"]
        .trim()
        .trim_end_matches([',', ':'])
        .to_string();
    if publisher.split_whitespace().count() > 8 {
        return false;
    }
    provenance.original_publisher = Some(publisher);
    if let Some(title) = c.name("title") {
        let title = title.as_str().trim();
        if !title.is_empty() {
            provenance.original_title = Some(title.to_string());
        }
    }
    true
}

/// "Kim Hjelmgaard and Francesca Chambers, USA TODAY; Reuters": people go to
/// `contributors`, agencies to `agencies`; an outlet after a comma names
/// the people's employer and is not kept.
fn read_credit_list(list: &str, provenance: &mut Provenance) {
    for segment in list.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let segment = segment
            .trim_start_matches(|c: char| c == '(' || c.is_whitespace())
            .trim_end_matches(')');
        let segment = segment
            .strip_prefix("Editing by ")
            .or_else(|| segment.strip_prefix("Writing by "))
            .or_else(|| segment.strip_prefix("Reporting by "))
            .unwrap_or(segment);
        if let Some(agency) = agency_name(segment) {
            push_unique(&mut provenance.agencies, agency.to_string());
            continue;
        }
        let (people, outlet) = match segment.rsplit_once(',') {
            Some((people, outlet)) if outlet.split_whitespace().count() <= 4 => {
                (people, Some(outlet.trim()))
            }
            _ => (segment, None),
        };
        if let Some(agency) = outlet.and_then(agency_name) {
            push_unique(&mut provenance.agencies, agency.to_string());
        }
        for name in people
            .split(" and ")
            .flat_map(|p| p.split(" & "))
            .flat_map(|p| p.split(", "))
        {
            let name = name.trim().trim_start_matches("and ").trim();
            if let Some(agency) = agency_name(name) {
                push_unique(&mut provenance.agencies, agency.to_string());
            } else if !name.is_empty() && name.split_whitespace().count() <= 5 {
                push_unique(&mut provenance.contributors, name.to_string());
            }
        }
    }
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.iter().any(|v| v.eq_ignore_ascii_case(&value)) {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tribune_model::BlockKind;

    fn para(text: &str) -> Block {
        Block {
            kind: BlockKind::Paragraph,
            text: text.to_string(),
        }
    }

    #[test]
    fn seed_credit_lines() {
        let mut blocks = vec![
            para("Body text."),
            para("Contributing: Kim Hjelmgaard and Francesca Chambers, USA TODAY; Reuters"),
            para(
                "This article originally appeared on USA TODAY: Trump, Putin to talk this week, says special envoy Steve Witkoff",
            ),
        ];
        let removed = vec!["EMEA Tribune is not responsible for this news, news agencies have provided us this news.".to_string()];
        let mut p = Provenance::default();
        let consumed = extract(&mut blocks, &removed, &mut p);
        assert_eq!(blocks, vec![para("Body text.")]);
        assert_eq!(consumed.len(), 2);
        assert_eq!(p.original_publisher.as_deref(), Some("USA TODAY"));
        assert_eq!(
            p.original_title.as_deref(),
            Some("Trump, Putin to talk this week, says special envoy Steve Witkoff")
        );
        assert_eq!(p.contributors, ["Kim Hjelmgaard", "Francesca Chambers"]);
        assert_eq!(p.agencies, ["Reuters"]);
        assert_eq!(p.republisher.as_deref(), Some("EMEA Tribune"));
    }

    #[test]
    fn reuters_credit_line_stays_and_is_read() {
        let mut blocks = vec![
            para("LONDON (Reuters) - Shares rose."),
            para("(Reporting by Will Dunham; Editing by Tom Brown)"),
        ];
        let mut p = Provenance::default();
        extract(&mut blocks, &[], &mut p);
        assert_eq!(blocks.len(), 2);
        assert_eq!(p.contributors, ["Will Dunham", "Tom Brown"]);
        assert_eq!(p.agencies, ["Reuters"]);
    }

    #[test]
    fn originally_published_by() {
        let mut blocks = vec![
            para("Text."),
            para("This article was originally published by Futurism. Read the original article."),
        ];
        let mut p = Provenance::default();
        extract(&mut blocks, &[], &mut p);
        assert_eq!(p.original_publisher.as_deref(), Some("Futurism"));
        assert_eq!(p.original_title, None);
    }
}
