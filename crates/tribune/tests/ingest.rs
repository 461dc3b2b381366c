//! End-to-end tests of `tribune ingest`: articles stored once, whatever is
//! re-run, and failures counted without stopping the rest.

mod util;

use util::{TestDir, tribune};

fn page(title: &str, sentence: &str) -> String {
    format!(
        "<html><head><title>{title}</title></head><body><nav><a href=/>Home</a></nav>\
         <article><h1>{title}</h1><p>{sentence} The council said so on Monday, and residents \
         welcomed the decision after years of debate.</p></article></body></html>"
    )
}

#[test]
fn a_rerun_adds_nothing_twice() {
    let dir = TestDir::new("ingest-rerun");
    let pages = dir.join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::write(
        pages.join("a.html"),
        page("Bridge reopens", "The old bridge reopened."),
    )
    .unwrap();
    std::fs::write(
        pages.join("b.html"),
        page("School expands", "The school is getting a new wing."),
    )
    .unwrap();
    // The same article saved twice under another name.
    std::fs::write(
        pages.join("a-copy.html"),
        page("Bridge reopens", "The old bridge reopened."),
    )
    .unwrap();
    std::fs::write(pages.join("broken.html"), b"").unwrap();
    let data = dir.join("data");
    let args = [
        "ingest",
        "--data-dir",
        data.to_str().unwrap(),
        pages.to_str().unwrap(),
    ];

    let first = tribune(args);
    first.assert_code(1);
    assert!(
        first.stderr.contains("2 new, 1 duplicate, 1 failed"),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("empty"),
        "the failure is named: {}",
        first.stderr
    );

    std::fs::remove_file(pages.join("broken.html")).unwrap();
    let second = tribune(args);
    second.assert_code(0);
    assert!(
        second.stderr.contains("0 new, 3 duplicate, 0 failed"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("2 articles stored"),
        "{}",
        second.stderr
    );
    assert!(data.join("tribune.db").exists());

    // What was ingested is searchable, and each hit names its file.
    let search = tribune([
        "search",
        "--data-dir",
        data.to_str().unwrap(),
        "bridge",
        "--format",
        "json",
    ]);
    search.assert_code(0);
    let hits = search.json_lines();
    assert_eq!(hits.len(), 1, "{}", search.stdout);
    assert_eq!(hits[0]["title"], "Bridge reopens");
    assert!(
        hits[0]["url"].as_str().unwrap().ends_with(".html"),
        "{}",
        hits[0]
    );
    assert!(hits[0]["snippet"].as_str().unwrap().contains("bridge"));
    let none = tribune(["search", "--data-dir", data.to_str().unwrap(), "submarine"]);
    none.assert_code(1);
}

#[test]
fn searching_an_empty_data_directory_says_what_to_do() {
    let dir = TestDir::new("search-empty");
    let output = tribune([
        "search",
        "--data-dir",
        dir.join("nothing").to_str().unwrap(),
        "storm",
    ]);
    output.assert_code(2);
    assert!(
        output.stderr.contains("tribune ingest"),
        "{}",
        output.stderr
    );
}

/// A WARC record for an HTML response.
fn warc_record(uri: &str, html: &str) -> Vec<u8> {
    let block = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}");
    let mut record = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-03-16T09:00:00Z\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    record.extend_from_slice(block.as_bytes());
    record.extend_from_slice(b"\r\n\r\n");
    record
}

#[test]
fn a_gzipped_warc_is_ingested_record_by_record() {
    let dir = TestDir::new("ingest-warc");
    let mut archive = Vec::new();
    archive.extend(util::gzip(&warc_record(
        "https://news.example/bridge",
        &page("Bridge reopens", "The old bridge reopened."),
    )));
    // A record whose header is broken: it fails alone.
    archive.extend(util::gzip(
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\nxx\r\n\r\n",
    ));
    archive.extend(util::gzip(&warc_record(
        "https://news.example/school",
        &page("School expands", "The school is getting a new wing."),
    )));
    let warc = dir.write("crawl.warc.gz", archive);
    let data = dir.join("data");
    let output = tribune([
        "ingest",
        "--data-dir",
        data.to_str().unwrap(),
        warc.to_str().unwrap(),
    ]);
    output.assert_code(1);
    assert!(
        output.stderr.contains("2 new, 0 duplicate, 1 failed"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("record 2"),
        "the bad record is named: {}",
        output.stderr
    );
    let search = tribune([
        "search",
        "--data-dir",
        data.to_str().unwrap(),
        "school",
        "--format",
        "json",
    ]);
    assert_eq!(search.json_lines()[0]["url"], "https://news.example/school");
}

/// `kill -9` in the middle of an ingest, then a re-run: every page ends up
/// stored exactly once, and the search index holds them all.
#[test]
fn a_killed_ingest_loses_and_doubles_nothing_on_rerun() {
    let dir = TestDir::new("ingest-kill");
    let pages = dir.join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    let total = 3_000;
    for n in 0..total {
        let title = format!("Harbour report number {n}");
        let sentence = format!("Report {n} says the harbour handled ship {n} on time.");
        std::fs::write(pages.join(format!("{n:05}.html")), page(&title, &sentence)).unwrap();
    }
    let data = dir.join("data");
    let mut child = std::process::Command::new(util::TRIBUNE)
        .args([
            "ingest",
            "--data-dir",
            data.to_str().unwrap(),
            pages.to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Let it store part of the work, then kill it without warning.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !data.join("tribune.db").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();

    let rerun = tribune([
        "ingest",
        "--data-dir",
        data.to_str().unwrap(),
        pages.to_str().unwrap(),
    ]);
    rerun.assert_code(0);
    let stored = format!("{total} articles stored");
    assert!(rerun.stderr.contains(&stored), "{}", rerun.stderr);
    // Whatever the first run stored shows up as duplicates now, the rest as new.
    let summary = rerun.stderr.lines().last().unwrap_or_default().to_string();
    let numbers: Vec<u64> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(numbers[0] + numbers[1], total as u64, "{summary}");
    // Search finds pages from both runs: the index caught up.
    let first = tribune([
        "search",
        "--data-dir",
        data.to_str().unwrap(),
        "\"ship 0 on time\"",
        "--format",
        "json",
    ]);
    assert_eq!(first.json_lines().len(), 1, "{}", first.stdout);
    let last = format!("\"ship {} on time\"", total - 1);
    let found = tribune([
        "search",
        "--data-dir",
        data.to_str().unwrap(),
        &last,
        "--format",
        "json",
    ]);
    assert_eq!(found.json_lines().len(), 1, "{}", found.stdout);
}
