//! A story's timeline: the events of its articles, dated and in order, the
//! same event reported by several articles shown once with all of them.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tribune_nlp::Enrichment;
use tribune_nlp::entities::EntityKind;
use tribune_nlp::events::{EventKind, Modality};

/// One article of the story, with what the NLP stage read from it.
#[derive(Debug, Clone, Copy)]
pub struct TimelineArticle<'a> {
    /// Its id in the store.
    pub id: i64,
    /// Its publication date: the reference its times were resolved against,
    /// and the date of events it reports without one.
    pub published: Option<NaiveDate>,
    /// The text the enrichment's spans point into.
    pub text: &'a str,
    /// Its quotes, entities, times and events.
    pub enrichment: &'a Enrichment,
}

/// Where an entry's date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DatedBy {
    /// A time expression in the text ("on Thursday").
    Text,
    /// The article's publication date: the text names no time.
    Publication,
    /// Neither: no date at all.
    Undated,
}

/// One entry of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// The first day it happened (or is expected).
    pub start: Option<NaiveDate>,
    /// The last day.
    pub end: Option<NaiveDate>,
    /// Where the date comes from.
    pub dated_by: DatedBy,
    /// What kind of event.
    pub kind: EventKind,
    /// Whether it happened.
    pub modality: Modality,
    /// Who.
    pub actors: Vec<String>,
    /// To or with whom.
    pub targets: Vec<String>,
    /// Where.
    pub place: Option<String>,
    /// The words that date it, when the text does.
    pub when: Option<String>,
    /// The quote or clause that supports it, from the first article.
    pub evidence: String,
    /// The article it was first read from.
    pub article: i64,
    /// Other articles that report it.
    pub also_in: Vec<i64>,
}

/// The timeline of `articles`, ordered by date (undated entries last), the
/// same event from several articles merged into one entry.
pub fn timeline(articles: &[TimelineArticle<'_>]) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = Vec::new();
    let mut keys: FxHashMap<String, usize> = FxHashMap::default();
    let views: Vec<_> = articles
        .iter()
        .map(|article| article.enrichment.view(article.text))
        .collect();
    let canonical = canonical_names(views.iter().flat_map(|view| {
        view.entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| e.name.as_str())
    }));
    let rename = |names: Vec<String>| -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(names.len());
        for name in names {
            let name = canonical.get(&name).cloned().unwrap_or(name);
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    };
    for (article, view) in articles.iter().zip(views) {
        for mut event in view.events {
            event.actors = rename(event.actors);
            event.targets = rename(event.targets);
            let (start, end, dated_by) = match (event.start, article.published) {
                (Some(start), _) => (Some(start), event.end.or(Some(start)), DatedBy::Text),
                (None, Some(published)) => (Some(published), Some(published), DatedBy::Publication),
                (None, None) => (None, None, DatedBy::Undated),
            };
            let key = merge_key(
                event.kind,
                &event.actors,
                &event.targets,
                start,
                &event.evidence,
            );
            if let Some(&found) = keys.get(&key) {
                let entry = &mut entries[found];
                if entry.article != article.id && !entry.also_in.contains(&article.id) {
                    entry.also_in.push(article.id);
                }
                continue;
            }
            keys.insert(key, entries.len());
            entries.push(TimelineEntry {
                start,
                end,
                dated_by,
                kind: event.kind,
                modality: event.modality,
                actors: event.actors,
                targets: event.targets,
                place: event.place,
                when: event.time,
                evidence: event.evidence,
                article: article.id,
                also_in: Vec::new(),
            });
        }
    }
    // Stable: within a day, the order the articles and texts gave.
    entries.sort_by_key(|entry| (entry.start.is_none(), entry.start));
    entries
}

/// Across the articles of a story, each person's fullest name: an article
/// that only says "Witkoff" means the "Steve Witkoff" another one names in
/// full, when exactly one full name ends with it.
fn canonical_names<'a>(names: impl Iterator<Item = &'a str>) -> FxHashMap<String, String> {
    let mut all: Vec<&str> = names.collect();
    all.sort_unstable();
    all.dedup();
    let mut canonical = FxHashMap::default();
    for &short in &all {
        let mut longer = all.iter().filter(|&&long| {
            long.len() > short.len()
                && long.ends_with(short)
                && long[..long.len() - short.len()].ends_with(' ')
        });
        if let (Some(&long), None) = (longer.next(), longer.next()) {
            canonical.insert(short.to_string(), long.to_string());
        }
    }
    canonical
}

/// What makes two reports the same entry: a statement is the same words
/// from the same speaker; another event the same kind, people and day.
fn merge_key(
    kind: EventKind,
    actors: &[String],
    targets: &[String],
    start: Option<NaiveDate>,
    evidence: &str,
) -> String {
    let mut people: Vec<&str> = actors.iter().map(String::as_str).collect();
    people.sort_unstable();
    let mut others: Vec<&str> = targets.iter().map(String::as_str).collect();
    others.sort_unstable();
    if kind == EventKind::Statement {
        let words: Vec<String> = evidence
            .split_whitespace()
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .collect()
            })
            .collect();
        format!("said|{}|{}", people.join(","), words.join(" "))
    } else {
        // A meeting of A with B is the meeting of B with A.
        let mut everyone = people;
        everyone.extend(others);
        everyone.sort_unstable();
        everyone.dedup();
        let day = start.map(|d| d.to_string()).unwrap_or_default();
        format!("{kind:?}|{}|{day}", everyone.join(","))
    }
}

#[cfg(test)]
mod tests {
    use tribune_nlp::Span;
    use tribune_nlp::entities::{Entity, EntityKind, Mention, MentionForm};
    use tribune_nlp::events::Event;
    use tribune_nlp::time::{Granularity, Resolved, TimeExpression};

    use super::*;

    fn person(id: usize, name: &str, at: usize) -> Entity {
        Entity {
            id,
            kind: EntityKind::Person,
            name: name.into(),
            roles: Vec::new(),
            mentions: vec![Mention {
                span: Span::new(at, at + name.len()),
                form: MentionForm::Name,
            }],
        }
    }

    fn day(d: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
    }

    /// "A met B on Thursday." read from a text where A and B are at 0 and 6.
    fn meeting(text: &str, thursday: &str) -> Enrichment {
        let on = text.find("on Thursday").unwrap_or(0);
        Enrichment {
            entities: vec![person(0, "Alice", 0), person(1, "Bob", 10)],
            times: vec![TimeExpression {
                span: Span::new(on, on + "on Thursday".len()),
                resolved: Some(Resolved {
                    granularity: Granularity::Day,
                    start: day(thursday),
                    end: day(thursday),
                    value: thursday.into(),
                }),
            }],
            events: vec![Event {
                kind: EventKind::Consult,
                trigger: Span::new(6, 9),
                actors: vec![0],
                targets: vec![1],
                place: None,
                time: Some(0),
                modality: Modality::Happened,
                evidence: Span::new(0, text.len()),
            }],
            quotes: Vec::new(),
        }
    }

    #[test]
    fn a_surname_means_the_one_full_name_it_ends() {
        let map = canonical_names(
            [
                "Steve Witkoff",
                "Witkoff",
                "Putin",
                "Kim Jong Un",
                "Un",
                "Jo Un",
            ]
            .into_iter(),
        );
        assert_eq!(
            map.get("Witkoff").map(String::as_str),
            Some("Steve Witkoff")
        );
        // Two full names end with "Un": neither is chosen.
        assert_eq!(map.get("Un"), None);
        assert_eq!(map.get("Putin"), None);
    }

    #[test]
    fn one_event_from_two_articles_is_one_entry_in_date_order() {
        let first = "Alice met Bob on Thursday.";
        let later = "Alice met Bob on Thursday, officials said.";
        let earlier = "Alice met Bob on Thursday.";
        let (a, b, c) = (
            meeting(first, "2025-03-13"),
            meeting(later, "2025-03-13"),
            meeting(earlier, "2025-03-06"),
        );
        let entries = timeline(&[
            TimelineArticle {
                id: 1,
                published: day("2025-03-16"),
                text: first,
                enrichment: &a,
            },
            TimelineArticle {
                id: 2,
                published: day("2025-03-17"),
                text: later,
                enrichment: &b,
            },
            TimelineArticle {
                id: 3,
                published: day("2025-03-09"),
                text: earlier,
                enrichment: &c,
            },
        ]);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].start, day("2025-03-06"));
        assert_eq!(entries[0].article, 3);
        assert_eq!(entries[1].start, day("2025-03-13"));
        assert_eq!(
            (entries[1].article, entries[1].also_in.as_slice()),
            (1, &[2][..])
        );
        assert_eq!(entries[1].actors, ["Alice"]);
        assert_eq!(entries[1].targets, ["Bob"]);
        assert_eq!(entries[1].dated_by, DatedBy::Text);
    }
}
