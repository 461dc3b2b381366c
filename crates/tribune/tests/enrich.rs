//! End-to-end test of `tribune extract --enrich` on the seed story: who
//! said what, who they are, when things happened, and the events.

mod util;

use serde_json::Value;
use util::tribune;

/// The seed story shipped beside the repository, in `shared/seed/`.
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/000_b023478830f78d69.txt"
);

fn seed_enriched() -> Value {
    let out = tribune([
        "extract",
        SEED,
        "--format",
        "json",
        "--enrich",
        "--date",
        "2025-03-16",
    ]);
    out.assert_code(0);
    out.json()
}

fn list<'a>(json: &'a Value, key: &str) -> &'a Vec<Value> {
    json[key]
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` is a list: {json}"))
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

#[test]
fn seed_quotes_are_attributed_to_the_people_who_said_them() {
    let json = seed_enriched();
    let quotes = list(&json, "quotes");
    let by = |name: &str| {
        quotes
            .iter()
            .filter(|q| str_of(q, "speaker").contains(name))
            .count()
    };
    assert!(
        by("Witkoff") >= 6,
        "Witkoff: {}\n{quotes:#?}",
        by("Witkoff")
    );
    assert!(by("Trump") >= 2, "Trump: {}\n{quotes:#?}", by("Trump"));
    assert!(by("Putin") >= 2, "Putin: {}\n{quotes:#?}", by("Putin"));
    for quote in quotes {
        let speaker = str_of(quote, "speaker").to_lowercase();
        assert!(
            !speaker.contains("cnn")
                && !speaker.contains("reporter")
                && !speaker.contains("hjelmgaard"),
            "{quote}"
        );
    }
}

#[test]
fn seed_people_have_their_roles() {
    let json = seed_enriched();
    let entities = list(&json, "entities");
    let person = |surname: &str| {
        entities
            .iter()
            .find(|e| str_of(e, "kind") == "person" && str_of(e, "name").ends_with(surname))
            .unwrap_or_else(|| panic!("{surname} is a person: {entities:#?}"))
    };
    let roles = |surname: &str| -> String {
        person(surname)["roles"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
            .to_lowercase()
    };
    assert!(roles("Trump").contains("president"), "{}", roles("Trump"));
    assert!(
        roles("Putin").contains("russian president"),
        "{}",
        roles("Putin")
    );
    assert!(roles("Witkoff").contains("envoy"), "{}", roles("Witkoff"));
    assert!(
        roles("Zelenskyy").contains("ukrainian president"),
        "{}",
        roles("Zelenskyy")
    );
}

#[test]
fn seed_times_are_resolved_against_the_publication_date() {
    let json = seed_enriched();
    let times = list(&json, "times");
    let find = |words: &str| {
        times
            .iter()
            .find(|t| str_of(t, "text").to_lowercase().contains(words))
            .unwrap_or_else(|| panic!("`{words}` is a time expression: {times:#?}"))
    };
    assert_eq!(str_of(find("thursday"), "start"), "2025-03-13");
    assert_eq!(str_of(find("friday"), "start"), "2025-03-14");
    let sunday = find("sunday morning");
    assert_eq!(
        (str_of(sunday, "start"), str_of(sunday, "end")),
        ("2025-03-16", "2025-03-16")
    );
    let last_month = find("last month");
    assert_eq!(
        (str_of(last_month, "start"), str_of(last_month, "end")),
        ("2025-02-01", "2025-02-28")
    );
    let earlier = find("earlier this month");
    assert!(str_of(earlier, "start") >= "2025-03-01", "{earlier}");
    assert!(
        str_of(earlier, "end") <= "2025-03-16" && !str_of(earlier, "end").is_empty(),
        "{earlier}"
    );
    assert_eq!(str_of(find("this week"), "start"), "2025-03-16");
}

#[test]
fn seed_events_separate_the_expected_call_from_the_meeting_that_happened() {
    let json = seed_enriched();
    let events = list(&json, "events");
    let names = |event: &Value| -> String {
        ["actors", "targets"]
            .iter()
            .flat_map(|key| event[key].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let call = events.iter().find(|e| {
        str_of(e, "kind") == "consult"
            && str_of(e, "modality") == "expected"
            && names(e).contains("Trump")
            && names(e).contains("Putin")
            && str_of(e, "start") == "2025-03-16"
    });
    assert!(
        call.is_some(),
        "the expected Trump–Putin call this week: {events:#?}"
    );
    let meeting = events.iter().find(|e| {
        str_of(e, "kind") == "consult"
            && str_of(e, "modality") == "happened"
            && names(e).contains("Witkoff")
            && names(e).contains("Putin")
            && str_of(e, "place") == "Moscow"
            && str_of(e, "start") == "2025-03-13"
    });
    assert!(
        meeting.is_some(),
        "the Witkoff–Putin meeting in Moscow on Thursday: {events:#?}"
    );
}

#[test]
fn enrich_reads_what_a_bulk_ingest_skipped_and_only_once() {
    let dir = util::TestDir::new("enrich-backlog");
    let page = dir.write(
        "page.html",
        "<!doctype html><html><head><title>Port reopens</title>\
         <meta property=\"article:published_time\" content=\"2025-03-16T10:00:00Z\"></head>\
         <body><article><h1>Port reopens</h1>\
         <p>\"We are open for business again,\" harbour master Jane Doe said on Friday, \
         after storms closed the port for a week.</p>\
         <p>Doe said ferries would run a full timetable from next week.</p></article></body></html>",
    );
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    tribune([
        "ingest",
        "--no-enrich",
        "--data-dir",
        data,
        page.to_str().unwrap(),
    ])
    .assert_code(0);
    let first = tribune(["enrich", "--data-dir", data]);
    first.assert_code(0);
    assert!(first.stdout.starts_with("1 article enriched"), "{first:#?}");
    let again = tribune(["enrich", "--data-dir", data]);
    again.assert_code(0);
    assert!(
        again.stdout.starts_with("0 articles enriched"),
        "{again:#?}"
    );
    let all = tribune(["enrich", "--all", "--data-dir", data]);
    assert!(all.stdout.starts_with("1 article enriched"), "{all:#?}");
}
