//! End to end: syndication and stories through the real binary. The seed
//! (an aggregator's republication of a USA TODAY story) and the story as
//! USA TODAY published it land in one copy group with USA TODAY as the
//! original, in either order; two earthquakes do not share a story; and a
//! restart keeps every story and copy group as it was, and still knows
//! the stored fingerprints.

mod util;

use serde_json::Value;
use util::{TestDir, tribune};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/000_b023478830f78d69.txt"
);

/// The seed as USA TODAY itself would publish it: the original title from
/// the seed's provenance line, the body without the aggregator's chrome,
/// and the site's name in the page's metadata.
fn usa_today_version(dir: &TestDir) -> std::path::PathBuf {
    let extracted = tribune(["extract", SEED, "--format", "json"]);
    extracted.assert_code(0);
    let seed = extracted.json();
    let title = seed["provenance"]["original_title"]
        .as_str()
        .expect("the seed names its original title");
    let body: String = seed["text"]
        .as_str()
        .unwrap()
        .split("\n\n")
        .map(|p| format!("<p>{}</p>\n", p.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    dir.write(
        "usatoday.html",
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>{title}</title><meta property=\"og:site_name\" content=\"USA TODAY\">\
             <meta property=\"article:published_time\" content=\"2025-03-16T14:05:00Z\">\
             </head><body><article><h1>{title}</h1>\
             <p class=\"byline\">Kim Hjelmgaard and Francesca Chambers, USA TODAY</p>\n{body}\
             </article></body></html>"
        ),
    )
}

fn stories(data: &str) -> Vec<Value> {
    let out = tribune([
        "stories",
        "--data-dir",
        data,
        "--format",
        "json",
        "-n",
        "100",
    ]);
    out.json_lines()
}

fn story(data: &str, id: i64) -> Value {
    let out = tribune([
        "story",
        &id.to_string(),
        "--data-dir",
        data,
        "--format",
        "json",
    ]);
    out.assert_code(0);
    out.json()
}

/// The story holding an article whose URL ends with `name`.
fn story_of(all: &[Value], name: &str) -> Value {
    all.iter()
        .find(|s| {
            s["articles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["url"].as_str().unwrap().ends_with(name))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no story holds {name}: {all:?}"))
}

fn check_one_group_with_usa_today_original(data: &str) {
    let all = stories(data);
    let seed_story = story_of(&all, "000_b023478830f78d69.txt");
    let articles = seed_story["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 2, "{seed_story}");
    assert_eq!(
        articles[0]["copy_group"], articles[1]["copy_group"],
        "{seed_story}"
    );
    let shown = story(data, seed_story["id"].as_i64().unwrap());
    let groups = shown["copy_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{shown}");
    let original = &groups[0]["original"];
    assert_eq!(original["outlet"], "USA TODAY", "{shown}");
    assert!(original["url"].as_str().unwrap().ends_with("usatoday.html"));
    let copies = groups[0]["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 1);
    assert!(
        copies[0]["url"]
            .as_str()
            .unwrap()
            .ends_with("000_b023478830f78d69.txt")
    );
}

#[test]
fn the_seed_and_usa_todays_own_copy_are_one_group_with_usa_today_first() {
    let dir = TestDir::new("stories-seed");
    let usa = usa_today_version(&dir);
    // The republication first, then the original, and the other way round.
    for (name, order) in [
        ("seed-first", [SEED, usa.to_str().unwrap()]),
        ("usa-first", [usa.to_str().unwrap(), SEED]),
    ] {
        let data = dir.join(name);
        let data = data.to_str().unwrap();
        for input in order {
            let out = tribune(["ingest", "--data-dir", data, input]);
            out.assert_code(0);
        }
        check_one_group_with_usa_today_original(data);
    }
}

fn page(title: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<!doctype html><html><head><title>{title}</title></head>\
         <body><article><h1>{title}</h1>{body}</article></body></html>"
    )
}

#[test]
fn two_earthquakes_are_two_stories() {
    let dir = TestDir::new("stories-quakes");
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    // Two earthquakes of the same kind, reported the usual way: the same
    // vocabulary, different places, numbers, people and days.
    dir.write(
        "pages/quake-peru.html",
        page(
            "Strong earthquake shakes southern Peru, landslides block highway",
            &[
                "A magnitude 7.2 earthquake struck southern Peru on Monday, the United States \
                 Geological Survey said, centred 40 kilometres from Arequipa at a depth of 30 kilometres.",
                "Landslides blocked the Pan-American Highway near Camana and several adobe houses \
                 collapsed in the Caylloma province, Peruvian police said.",
                "President Dina Boluarte said emergency teams had been sent to the region and that \
                 no deaths had been reported so far.",
            ],
        ),
    );
    dir.write(
        "pages/quake-japan.html",
        page(
            "Earthquake off Iwate prompts brief tsunami advisory in Japan",
            &[
                "An earthquake of magnitude 6.4 hit off the coast of Iwate prefecture in northern \
                 Japan on Thursday evening, the Japan Meteorological Agency said.",
                "The agency issued a tsunami advisory for the port of Miyako and lifted it an hour \
                 later after waves of about 20 centimetres were observed.",
                "East Japan Railway briefly halted bullet trains on the Tohoku line while tracks \
                 were inspected, and Tohoku Electric reported no problems at its plants.",
            ],
        ),
    );
    // Another outlet's report of the Peru quake.
    dir.write(
        "pages/quake-peru-followup.html",
        page(
            "Arequipa residents spend night outdoors after 7.2 quake",
            &[
                "Thousands of people in Arequipa slept in parks and squares after Monday's 7.2 \
                 earthquake in southern Peru, fearing aftershocks.",
                "Crews worked to clear the landslides on the Pan-American Highway near Camana, and \
                 President Boluarte visited the Caylloma province on Tuesday.",
            ],
        ),
    );
    // Other news, so the index knows which words are common.
    for (n, topic) in [
        "budget vote in parliament",
        "football cup final",
        "central bank rates",
    ]
    .iter()
    .enumerate()
    {
        dir.write(
            &format!("pages/other-{n}.html"),
            format!(
                "<html><head><title>News about the {topic}</title></head><body><article>\
                 <h1>News about the {topic}</h1><p>Officials said on Monday that the {topic} \
                 would go ahead as planned, despite objections raised by several groups.</p>\
                 <p>The decision on the {topic} was welcomed by residents who had waited for \
                 months, a spokesperson said.</p></article></body></html>"
            ),
        );
    }
    tribune([
        "ingest",
        "--data-dir",
        data,
        dir.join("pages").to_str().unwrap(),
    ])
    .assert_code(0);
    let all = stories(data);
    let peru = story_of(&all, "quake-peru.html");
    let japan = story_of(&all, "quake-japan.html");
    assert_ne!(
        peru["id"], japan["id"],
        "two earthquakes share a story: {peru}"
    );
    let followup = story_of(&all, "quake-peru-followup.html");
    assert_eq!(
        followup["id"], peru["id"],
        "the follow-up missed its story: {all:?}"
    );
}

#[test]
fn a_restart_keeps_stories_and_copy_groups_and_knows_the_old_fingerprints() {
    let dir = TestDir::new("stories-restart");
    let usa = usa_today_version(&dir);
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    tribune(["ingest", "--data-dir", data, SEED]).assert_code(0);
    tribune(["ingest", "--data-dir", data, usa.to_str().unwrap()]).assert_code(0);
    let before = stories(data);
    let seed_story = story_of(&before, "000_b023478830f78d69.txt");
    let shown_before = story(data, seed_story["id"].as_i64().unwrap());

    // A new process, with unrelated news, and then a third copy of the
    // story (trimmed, retitled): it must join the same group, which takes
    // the fingerprints rebuilt from the store.
    let seed_text = std::fs::read_to_string(SEED).unwrap();
    let mut lines: Vec<&str> = seed_text.lines().collect();
    lines[0] = "Envoy says Trump and Putin will speak within days";
    lines.truncate(lines.len() - 3);
    let third = dir.write("third-copy.txt", lines.join("\n"));
    tribune(["ingest", "--data-dir", data, third.to_str().unwrap()]).assert_code(0);

    let after = stories(data);
    let same = story_of(&after, "000_b023478830f78d69.txt");
    assert_eq!(same["id"], seed_story["id"]);
    let shown_after = story(data, seed_story["id"].as_i64().unwrap());
    let groups = shown_after["copy_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{shown_after}");
    assert_eq!(
        groups[0]["copies"].as_array().unwrap().len(),
        2,
        "{shown_after}"
    );
    // What was there before is unchanged: same original, same copy.
    assert_eq!(
        groups[0]["original"],
        shown_before["copy_groups"][0]["original"]
    );
    assert_eq!(groups[0]["id"], shown_before["copy_groups"][0]["id"]);
}

#[test]
fn a_story_timeline_orders_its_events_and_merges_reports_of_one_event() {
    let dir = TestDir::new("stories-timeline");
    let usa = usa_today_version(&dir);
    // The same story republished the next day by another site, with a line
    // of its own: its "on Thursday" is still 13 March.
    let next_day = std::fs::read_to_string(&usa)
        .unwrap()
        .replace("2025-03-16T14:05:00Z", "2025-03-17T09:00:00Z")
        .replace("content=\"USA TODAY\"", "content=\"Wire Weekly\"")
        .replace(
            "</article>",
            "<p>Wire Weekly will follow the talks as they continue.</p></article>",
        );
    let next_day = dir.write("wireweekly.html", next_day);
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    for path in [&usa, &next_day] {
        tribune(["ingest", "--data-dir", data, path.to_str().unwrap()]).assert_code(0);
    }
    let all = stories(data);
    let story_id = story_of(&all, "usatoday.html")["id"].as_i64().unwrap();
    let out = tribune([
        "story",
        &story_id.to_string(),
        "--timeline",
        "--data-dir",
        data,
        "--format",
        "json",
    ]);
    out.assert_code(0);
    let entries = out.json_lines();
    let dates: Vec<&str> = entries.iter().filter_map(|e| e["start"].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted, "in date order: {entries:#?}");
    let people = |e: &Value| -> String {
        ["actors", "targets"]
            .iter()
            .flat_map(|k| e[*k].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let meeting = entries
        .iter()
        .find(|e| {
            e["kind"] == "consult"
                && e["start"] == "2025-03-13"
                && e["place"] == "Moscow"
                && people(e).contains("Witkoff")
                && people(e).contains("Putin")
        })
        .unwrap_or_else(|| panic!("the meeting in Moscow: {entries:#?}"));
    assert_eq!(
        meeting["also_in"].as_array().map(Vec::len),
        Some(1),
        "reported by both articles, shown once: {meeting}"
    );
    assert!(meeting["evidence"].as_str().unwrap().contains("Moscow"));
}
