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
