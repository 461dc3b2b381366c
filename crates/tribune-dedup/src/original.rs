//! Which member of a copy group is the original, by evidence in order of
//! strength: a provenance line naming the outlet ("This article originally
//! appeared on USA TODAY"), a canonical link pointing at another member's
//! site, an agency's own copy of a story carrying its byline, and last the
//! earliest publication.

use chrono::{DateTime, Utc};

/// What is known of one member of a copy group.
#[derive(Debug, Clone, Default)]
pub struct Evidence<'a> {
    /// The member's id.
    pub id: i64,
    /// The outlet's name, as the page gives it (`og:site_name`).
    pub site_name: Option<&'a str>,
    /// The host the member was read from.
    pub host: Option<&'a str>,
    /// The host of its canonical URL.
    pub canonical_host: Option<&'a str>,
    /// The outlet its provenance line says first published the story.
    pub original_publisher: Option<&'a str>,
    /// The agencies its byline or credits name (Reuters, AP, ...).
    pub agencies: &'a [String],
    /// When it was published, if known.
    pub published: Option<DateTime<Utc>>,
    /// When Tribune first saw it.
    pub seen: DateTime<Utc>,
}

/// An outlet's name or host reduced to letters and digits, without `www.`
/// and the top-level domain: "USA TODAY", "www.usatoday.com" → "usatoday".
fn outlet_key(name: &str) -> String {
    let name = name.trim().to_lowercase();
    let name = name.strip_prefix("www.").unwrap_or(&name);
    let name = match name.rsplit_once('.') {
        Some((rest, tld)) if !rest.is_empty() && tld.chars().all(|c| c.is_ascii_alphabetic()) => {
            rest
        }
        _ => name,
    };
    name.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Agencies whose site is not named after them.
const AGENCY_SITES: &[(&str, &str)] = &[
    ("ap", "apnews"),
    ("associatedpress", "apnews"),
    ("agencefrancepresse", "afp"),
];

/// Whether a member is the outlet called `name`.
fn is_outlet(member: &Evidence<'_>, name: &str) -> bool {
    let mut wanted = outlet_key(name);
    if let Some((_, site)) = AGENCY_SITES.iter().find(|(agency, _)| *agency == wanted) {
        wanted = (*site).to_string();
    }
    if wanted.len() < 2 {
        return false;
    }
    member
        .site_name
        .is_some_and(|site| outlet_key(site) == wanted)
        || member.host.is_some_and(|host| host_is(host, &wanted))
}

/// Whether a host belongs to the outlet: "eu.usatoday.com" is "usatoday".
fn host_is(host: &str, wanted: &str) -> bool {
    let host = host.trim().to_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let without_tld = &labels[..labels.len().saturating_sub(1).max(1)];
    let key = |label: &str| -> String { label.chars().filter(|c| c.is_alphanumeric()).collect() };
    without_tld.iter().any(|label| key(label) == wanted)
}

/// The index (in `members`) of the original. `members` must not be empty;
/// for an empty slice 0 is returned.
pub fn choose_original(members: &[Evidence<'_>]) -> usize {
    // 1. A member's provenance names the outlet that first published it.
    for member in members {
        if let Some(publisher) = member.original_publisher
            && let Some(found) = members.iter().position(|m| is_outlet(m, publisher))
        {
            return found;
        }
    }
    // 2. A member's canonical link points at another member's site.
    for member in members {
        if let (Some(canonical), Some(own)) = (member.canonical_host, member.host)
            && outlet_key(canonical) != outlet_key(own)
            && let Some(found) = members.iter().position(|m| {
                m.host
                    .is_some_and(|h| outlet_key(h) == outlet_key(canonical))
            })
        {
            return found;
        }
    }
    // 3. The agency's own copy of a story its byline credits to it.
    for member in members {
        for agency in member.agencies {
            if let Some(found) = members.iter().position(|m| is_outlet(m, agency)) {
                return found;
            }
        }
    }
    // 4. The earliest published (then the earliest seen).
    members
        .iter()
        .enumerate()
        .min_by_key(|(_, m)| (m.published.unwrap_or(m.seen), m.seen, m.id))
        .map_or(0, |(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2025, 3, 16)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .map(|t| t.and_utc())
            .unwrap_or_default()
    }

    #[test]
    fn a_provenance_line_wins_over_time() {
        let members = [
            Evidence {
                id: 1,
                host: Some("www.emeatribune.com"),
                original_publisher: Some("USA TODAY"),
                published: Some(at(8)),
                seen: at(8),
                ..Evidence::default()
            },
            Evidence {
                id: 2,
                site_name: Some("USA TODAY"),
                host: Some("eu.usatoday.com"),
                published: Some(at(10)),
                seen: at(12),
                ..Evidence::default()
            },
        ];
        assert_eq!(choose_original(&members), 1);
    }

    #[test]
    fn canonical_links_then_agencies_then_time() {
        let agencies = vec!["Reuters".to_string()];
        let canonical = [
            Evidence {
                id: 1,
                host: Some("mirror.example"),
                canonical_host: Some("www.source.example"),
                seen: at(1),
                ..Evidence::default()
            },
            Evidence {
                id: 2,
                host: Some("source.example"),
                seen: at(5),
                ..Evidence::default()
            },
        ];
        assert_eq!(choose_original(&canonical), 1);
        let agency = [
            Evidence {
                id: 1,
                host: Some("paper.example"),
                agencies: &agencies,
                seen: at(1),
                ..Evidence::default()
            },
            Evidence {
                id: 2,
                host: Some("www.reuters.com"),
                seen: at(3),
                ..Evidence::default()
            },
        ];
        assert_eq!(choose_original(&agency), 1);
        let timed = [
            Evidence {
                id: 1,
                published: Some(at(9)),
                seen: at(9),
                ..Evidence::default()
            },
            Evidence {
                id: 2,
                published: Some(at(7)),
                seen: at(10),
                ..Evidence::default()
            },
        ];
        assert_eq!(choose_original(&timed), 1);
    }

    #[test]
    fn outlet_names_and_hosts_meet() {
        assert_eq!(outlet_key("USA TODAY"), "usatoday");
        assert_eq!(outlet_key("www.usatoday.com"), "usatoday");
        assert!(host_is("eu.usatoday.com", "usatoday"));
        assert!(!host_is("usatodaynews.example", "usatoday"));
        let ap = Evidence {
            host: Some("apnews.com"),
            ..Evidence::default()
        };
        assert!(is_outlet(
            &ap,
            "The Associated Press".trim_start_matches("The ")
        ));
    }
}
