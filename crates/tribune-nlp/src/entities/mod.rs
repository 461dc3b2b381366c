//! Named entities: people, organisations and places, with the roles and
//! titles attached to them ("special envoy Steve Witkoff", "Russian
//! President Vladimir Putin"), every mention in the article linked to its
//! entity (full name, surname, role noun phrase, pronoun).

mod coref;
mod gazetteer;
mod names;
mod roles;
mod tagger;

use serde::{Deserialize, Serialize};

use crate::Span;
use crate::text::Sentence;
use names::NameHit;

/// What kind of thing an entity is (CoNLL's four classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A company, government body, party, team, agency...
    Organization,
    /// A country, city, region, geographic feature.
    Place,
    /// Nationalities, events, works and other names.
    Misc,
}

/// How a mention names its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionForm {
    /// The name, whole or in part ("Steve Witkoff", "Witkoff").
    Name,
    /// A role or description ("the Russian president", "Trump's envoy").
    Role,
    /// A pronoun ("he", "she").
    Pronoun,
}

/// One place in the text that refers to an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Where it is.
    pub span: Span,
    /// How it names the entity.
    pub form: MentionForm,
}

/// One entity of an article, with all its mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Its index in the article's entity list.
    pub id: usize,
    /// What it is.
    pub kind: EntityKind,
    /// Its fullest name in the article ("Steve Witkoff").
    pub name: String,
    /// Roles and titles attached to it in the article ("special envoy",
    /// "Russian President"), most specific first, without duplicates.
    pub roles: Vec<String>,
    /// Every mention, in text order.
    pub mentions: Vec<Mention>,
}

/// The entities of `text`, given its sentences, in order of first mention.
pub fn find(text: &str, sentences: &[Sentence]) -> Vec<Entity> {
    let toks = names::prepare(text, sentences);
    let loud = names::shouting(&toks, sentences.len());
    let tabular = names::tabular(&toks, sentences.len());
    let mut hits: Vec<NameHit> = Vec::new();
    let mut in_name = vec![false; toks.len()];
    let mut appositions = Vec::new();
    for run in names::runs(&toks, &loud) {
        let span_of = |r: std::ops::Range<usize>| {
            Span::new(toks[r.start].span.start, toks[r.end - 1].span.end)
        };
        for flag in &mut in_name[run.clone()] {
            *flag = true;
        }
        let (name, titled) = match roles::title_end(&toks, run.clone()) {
            Some(start) => {
                // Places and nationalities inside a title are mentions of
                // their own ("U.S." of "U.S. President").
                for (i, t) in toks.iter().enumerate().take(start).skip(run.start) {
                    if t.cap
                        && let Some(kind) = names::lookup_kind(&t.lower)
                    {
                        hits.push(NameHit {
                            tokens: i..i + 1,
                            span: t.span,
                            kind,
                            sure: true,
                            role: None,
                            team: false,
                            doubtful: false,
                        });
                    }
                }
                (start..run.end, true)
            }
            None => (run.clone(), false),
        };
        // "Australian Tom Moody": the nationality is a mention of its own.
        let name = match names::lookup_kind(&toks[name.start].lower) {
            Some(EntityKind::Misc)
                if name.len() > 1
                    && names::classify(&toks, name.start + 1..name.end)
                        == (EntityKind::Person, true) =>
            {
                hits.push(NameHit {
                    tokens: name.start..name.start + 1,
                    span: toks[name.start].span,
                    kind: EntityKind::Misc,
                    sure: true,
                    role: None,
                    team: false,
                    doubtful: false,
                });
                name.start + 1..name.end
            }
            _ => name,
        };
        let mut role = None;
        if titled {
            // The title's dot ("Mr.") stays with it.
            role = Some(span_of(run.start..name.start));
        }
        if role.is_none()
            && let Some(before) = roles::role_before(&toks, name.start)
        {
            for flag in &mut in_name[before.clone()] {
                *flag = true;
            }
            role = Some(span_of(before));
        }
        let (mut kind, mut sure) = names::classify(&toks, name.clone());
        // Only places and guesses become sides: a person known by name
        // or title stays one, and a listed organisation or event keeps
        // its kind.
        // Only places and unknown words become sides: a person known by
        // name or title stays one, and a listed organisation or event
        // keeps its kind. An unknown word stays a guess, for a person's
        // full name elsewhere in the article to claim ("Muralitharan 10-0-41-2").
        let team = role.is_none()
            && (kind == EntityKind::Place
                || (!sure && (kind != EntityKind::Person || name.len() == 1)))
            && names::team_cue(&toks, &tabular, name.clone());
        if team && kind == EntityKind::Place {
            kind = EntityKind::Organization;
        }
        let mut doubt = false;
        if role.is_some() {
            if kind != EntityKind::Organization {
                kind = EntityKind::Person;
                sure = true;
            }
        } else if !team {
            doubt = doubtful(&toks, &loud, name.clone(), sure);
        }
        {
            if let Some(app) = roles::apposition(&toks, name.end)
                && matches!(kind, EntityKind::Person)
            {
                for flag in &mut in_name[app.clone()] {
                    *flag = true;
                }
                appositions.push((name.end, span_of(app).of(text).to_string()));
            }
            hits.push(NameHit {
                span: span_of(name.clone()),
                tokens: name,
                kind,
                sure,
                role,
                team,
                doubtful: doubt,
            });
        }
    }
    hits.sort_by_key(|h| h.tokens.start);
    let phrases = roles::phrases(&toks, &in_name);
    coref::link(text, &toks, &hits, &appositions, &phrases)
}

/// Whether the name `name`, which the rules typed as `kind` (`sure`: from
/// evidence rather than a default), is doubtful: a guessed name in which
/// the tagger sees no name at all is most often a capitalised common word
/// ("Trailing", "Standings"), unless the article names someone by it in
/// full ("Shearer" of "Alan Shearer"), which `coref` checks. The tagger's
/// kinds are not used, because on news they score below the rules' (see
/// `data/README.md`).
fn doubtful(toks: &[names::Tok], loud: &[bool], name: std::ops::Range<usize>, sure: bool) -> bool {
    !sure && tagger::segments(name.clone(), &tagger::tag(toks, loud, name)).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences;

    /// The seed story's body (read from shared/seed/, not copied here).
    fn seed() -> &'static str {
        crate::test_seed::body()
    }

    fn entity<'e>(entities: &'e [Entity], name: &str) -> &'e Entity {
        entities
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no entity {name}: {entities:#?}"))
    }

    fn linked(text: &str, e: &Entity, words: &str, form: MentionForm) -> bool {
        e.mentions
            .iter()
            .any(|m| m.form == form && m.span.of(text) == words)
    }

    #[test]
    fn seed_article_people_roles_and_links() {
        let found = find(seed(), &sentences(seed()));
        let trump = entity(&found, "Donald Trump");
        let putin = entity(&found, "Vladimir Putin");
        let witkoff = entity(&found, "Steve Witkoff");
        let zelenskyy = entity(&found, "Volodymyr Zelenskyy");
        for (e, role) in [
            (trump, "U.S. President"),
            (putin, "Russian President"),
            (witkoff, "special envoy"),
            (zelenskyy, "Ukrainian President"),
        ] {
            assert_eq!(e.kind, EntityKind::Person, "{}", e.name);
            assert!(
                e.roles.iter().any(|r| r == role),
                "{} {:?}",
                e.name,
                e.roles
            );
        }
        assert!(linked(seed(), witkoff, "Witkoff", MentionForm::Name));
        assert!(linked(seed(), putin, "Putin", MentionForm::Name));
        assert!(linked(seed(), trump, "Trump", MentionForm::Name));
        assert!(linked(
            seed(),
            putin,
            "the Russian president",
            MentionForm::Role
        ));
        assert!(linked(seed(), witkoff, "Trump's envoy", MentionForm::Role));
        let he = seed().find("He said he anticipates").unwrap_or(0);
        assert!(
            witkoff
                .mentions
                .iter()
                .any(|m| m.form == MentionForm::Pronoun && m.span == Span::new(he, he + 2)),
            "{:?}",
            witkoff.mentions
        );
        assert_eq!(entity(&found, "CNN").kind, EntityKind::Organization);
        for place in ["Moscow", "Ukraine", "Russia", "Kursk"] {
            assert_eq!(entity(&found, place).kind, EntityKind::Place, "{place}");
        }
    }

    #[test]
    fn large_and_foreign_text_is_bounded() {
        let unit = "Смирнов сказал. Steve Witkoff, the envoy, met Putin's aide, and he left. 北京 ";
        let text = unit.repeat((1 << 20) / unit.len());
        let started = std::time::Instant::now();
        let found = find(&text, &sentences(&text));
        assert!(found.iter().any(|e| e.name == "Steve Witkoff"));
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }
}
