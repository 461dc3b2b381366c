//! End-to-end checks of `find` on the seed article and on the hard cases.

use super::*;
use crate::entities::{EntityKind, Mention};
use crate::text::sentences;

fn seed() -> &'static str {
    crate::test_seed::body()
}

fn entity(id: usize, kind: EntityKind, name: &str, roles: &[&str]) -> Entity {
    Entity {
        id,
        kind,
        name: name.to_string(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        mentions: Vec::<Mention>::new(),
    }
}

/// The seed's entities as a perfect entity module would name them, with
/// no mentions: speakers must come from the source words.
fn seed_entities() -> Vec<Entity> {
    use EntityKind::*;
    vec![
        entity(0, Person, "Donald Trump", &["U.S. President", "president"]),
        entity(
            1,
            Person,
            "Vladimir Putin",
            &["Russian President", "president"],
        ),
        entity(2, Person, "Steve Witkoff", &["special envoy", "envoy"]),
        entity(3, Organization, "CNN", &[]),
        entity(4, Person, "Volodymyr Zelenskyy", &["Ukrainian President"]),
        entity(5, Place, "Ukraine", &[]),
        entity(6, Place, "Russia", &[]),
    ]
}

fn run(text: &str, entities: &[Entity]) -> Vec<Quote> {
    find(text, &sentences(text), entities)
}

fn describe(text: &str, q: &Quote, entities: &[Entity]) -> String {
    format!(
        "{:?} [{}] cue={:?} source={:?} speaker={:?}",
        q.kind,
        q.content.of(text),
        q.cue.map(|c| c.of(text)),
        q.source.map(|s| s.of(text)),
        q.speaker
            .and_then(|id| entities.iter().find(|e| e.id == id))
            .map(|e| e.name.as_str())
    )
}

fn count(quotes: &[Quote], entities: &[Entity], name: &str) -> usize {
    quotes
        .iter()
        .filter(|q| {
            q.speaker
                .and_then(|id| entities.iter().find(|e| e.id == id))
                .is_some_and(|e| e.name == name)
        })
        .count()
}

#[test]
fn seed_article_speakers_from_source_words() {
    let entities = seed_entities();
    let quotes = run(seed(), &entities);
    let all: Vec<String> = quotes
        .iter()
        .map(|q| describe(seed(), q, &entities))
        .collect();
    let all = all.join("\n");
    assert!(count(&quotes, &entities, "Steve Witkoff") >= 6, "{all}");
    assert!(count(&quotes, &entities, "Donald Trump") >= 2, "{all}");
    assert!(count(&quotes, &entities, "Vladimir Putin") >= 2, "{all}");
    assert_eq!(count(&quotes, &entities, "CNN"), 0, "{all}");
    for q in &quotes {
        let source = q
            .source
            .map(|s| s.of(seed()).to_lowercase())
            .unwrap_or_default();
        assert!(
            !source.contains("cnn") && !source.contains("reporter"),
            "{all}"
        );
    }
    // The continued quotation takes Witkoff.
    let continued = quotes
        .iter()
        .find(|q| q.content.of(seed()).starts_with("It was a solutions-based"))
        .unwrap_or_else(|| panic!("continued quote missing:\n{all}"));
    assert_eq!(continued.speaker, Some(2), "{all}");
    assert!(continued.cue.is_none());
    // Refusals and offers are not quotations.
    for q in &quotes {
        let cue = q.cue.map(|c| c.of(seed())).unwrap_or_default();
        assert!(
            !cue.contains("declined") && !cue.contains("offered"),
            "{all}"
        );
    }
}

#[test]
fn seed_article_with_entities_module() {
    let found = crate::entities::find(seed(), &sentences(seed()));
    let quotes = run(seed(), &found);
    let all: Vec<String> = quotes.iter().map(|q| describe(seed(), q, &found)).collect();
    let all = all.join("\n");
    let named = |surname: &str| {
        quotes
            .iter()
            .filter(|q| {
                q.speaker
                    .and_then(|id| found.iter().find(|e| e.id == id))
                    .is_some_and(|e| e.name.ends_with(surname))
            })
            .count()
    };
    assert!(named("Witkoff") >= 6, "{all}");
    assert!(named("Trump") >= 2, "{all}");
    assert!(named("Putin") >= 2, "{all}");
    assert_eq!(named("CNN"), 0, "{all}");
}

#[test]
fn quotations_continue_across_paragraphs_only_when_marked() {
    let entities = seed_entities();
    let text = "Witkoff said: \n\n\u{201C}We talked for hours. It went well.\n\n\u{201C}We will meet again.\u{201D}\n\nAn unrelated \u{201C}phrase\u{201D} here.\n";
    let quotes = run(text, &entities);
    let all: Vec<String> = quotes
        .iter()
        .map(|q| describe(text, q, &entities))
        .collect();
    assert_eq!(quotes.len(), 2, "{all:?}");
    assert!(quotes.iter().all(|q| q.speaker == Some(2)), "{all:?}");
    assert_eq!(
        quotes[0].content.of(text),
        "We talked for hours. It went well."
    );
    for q in &quotes {
        assert!(!q.content.of(text).contains('\n'), "{all:?}");
    }
}

#[test]
fn addressees_refusals_and_titles_are_not_speakers() {
    let entities = seed_entities();
    let text = "Witkoff told CNN that the talks would resume. \
                Witkoff declined to comment. Putin refused to say more. \
                The film, titled \"Arrogant,\" features a report.";
    let quotes = run(text, &entities);
    let all: Vec<String> = quotes
        .iter()
        .map(|q| describe(text, q, &entities))
        .collect();
    assert_eq!(quotes.len(), 1, "{all:?}");
    assert_eq!(quotes[0].speaker, Some(2));
    assert_eq!(quotes[0].source.map(|s| s.of(text)), Some("Witkoff"));
    assert_eq!(quotes[0].content.of(text), "the talks would resume");
}

#[test]
fn inverted_and_role_sources_resolve() {
    let entities = seed_entities();
    let text = "\"We are ready,\" said the Russian president. \
                \"It was positive,\" Steve Witkoff, the special envoy, said Sunday.";
    let quotes = run(text, &entities);
    let all: Vec<String> = quotes
        .iter()
        .map(|q| describe(text, q, &entities))
        .collect();
    assert_eq!(quotes.len(), 2, "{all:?}");
    assert_eq!(quotes[0].speaker, Some(1), "{all:?}");
    assert_eq!(quotes[1].source.map(|s| s.of(text)), Some("Steve Witkoff"));
    assert_eq!(quotes[1].speaker, Some(2), "{all:?}");
}

#[test]
fn hostile_text_is_read_in_linear_time() {
    let entities = seed_entities();
    let piece = "\u{201C}Yes,\" he said \u{201D} \u{00AB}non\u{00BB} 他说\u{201C}好 ' \u{2019} \"\" Putin said that, ";
    let text = piece.repeat((1 << 20) / piece.len());
    let started = std::time::Instant::now();
    let quotes = run(&text, &entities);
    let elapsed = started.elapsed();
    assert!(!quotes.is_empty());
    for q in &quotes {
        assert!(text.get(q.content.start..q.content.end).is_some());
    }
    // Generous for an unoptimised build; quadratic behaviour takes minutes.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}
