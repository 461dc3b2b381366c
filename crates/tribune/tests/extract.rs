//! End-to-end tests of `tribune extract`, driving the built binary: the
//! seed story, the output formats, directories, standard input and dates.

mod util;

use util::{TestDir, tribune, tribune_with_stdin};

/// The seed story shipped beside the repository, in `shared/seed/`.
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/000_b023478830f78d69.txt"
);

/// A small news page written for these tests.
const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour ferry returns after winter repairs | Coastline Courier</title></head>
<body><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour ferry returns after winter repairs</h1>
<p>The small passenger ferry that links the two halves of the old harbour returned to service on Tuesday after four months in dry dock, the town council said.</p>
<p>Engineers replaced the propeller shaft and repainted the hull, and the crossing will again leave every twenty minutes from next week, according to the operator.</p>
<h2>Fares unchanged</h2>
<p>Season tickets bought before the repairs will be honoured until the end of the summer, a spokesperson for the operator added on Tuesday afternoon.</p>
</article><footer>Copyright Coastline Courier</footer></body></html>
"#;

const PAGE_TITLE: &str = "Harbour ferry returns after winter repairs";

/// A plain-text story with no date in it.
const STORY: &str = "Library extends opening hours for exam season\n\n\
The central library will stay open until ten in the evening on weekdays for the next six weeks, \
the city's culture department announced, so that students preparing for exams have somewhere quiet to work.\n\n\
Extra staff have been hired for the late shifts, and the reading rooms on the second floor will be \
reserved for silent study during the extended hours.\n";

#[test]
fn seed_story_is_extracted_with_its_provenance() {
    assert!(
        std::path::Path::new(SEED).is_file(),
        "the seed story is missing: expected {SEED} (shared/seed/ beside the repository)"
    );
    let out = tribune(["extract", SEED, "--format", "json"]);
    out.assert_code(0);
    let article = out.json();
    assert_eq!(
        article["title"],
        "Trump, Putin expected to talk this week as Russia-Ukraine ceasefire negotiations continue"
    );
    let text = article["text"].as_str().expect("text is a string");
    assert!(
        text.starts_with("U.S. President Donald Trump"),
        "text starts: {:?}",
        &text[..text.len().min(80)]
    );
    for chrome in [
        "Manage your account",
        "not responsible for this news",
        "WhatsApp",
        "Contributing:",
        "originally appeared",
    ] {
        assert!(!text.contains(chrome), "the text still holds {chrome:?}");
    }
    let provenance = &article["provenance"];
    assert_eq!(provenance["original_publisher"], "USA TODAY");
    assert_eq!(
        provenance["original_title"],
        "Trump, Putin to talk this week, says special envoy Steve Witkoff"
    );
    assert_eq!(
        provenance["contributors"],
        serde_json::json!(["Kim Hjelmgaard", "Francesca Chambers"])
    );
    let agencies = provenance["agencies"]
        .as_array()
        .expect("agencies is a list");
    assert!(
        agencies.contains(&"Reuters".into()),
        "agencies: {agencies:?}"
    );
    assert_eq!(provenance["republisher"], "EMEA Tribune");
    assert!(article["error"].is_null());
}

#[test]
fn json_lines_have_the_documented_fields() {
    let dir = TestDir::new("fields");
    let page = dir.write("ferry.html", PAGE);
    let out = tribune(["extract".as_ref(), page.as_os_str()]);
    out.assert_code(0);
    let article = out.json();
    for field in [
        "input",
        "url",
        "title",
        "text",
        "authors",
        "published",
        "language",
        "canonical_url",
        "provenance",
        "removed",
        "warnings",
        "error",
    ] {
        assert!(article.get(field).is_some(), "no {field:?} in {article}");
    }
    assert_eq!(article["input"], page.to_str().unwrap());
    assert_eq!(article["title"], PAGE_TITLE);
    assert_eq!(article["language"], "en");
    let text = article["text"].as_str().unwrap();
    assert!(text.starts_with("The small passenger ferry"), "{text}");
    assert!(!text.contains("Home"), "navigation leaked: {text}");
    assert!(!text.contains("Copyright"), "footer leaked: {text}");
}

#[test]
fn text_format_prints_title_then_body() {
    let dir = TestDir::new("text-format");
    let page = dir.write("ferry.html", PAGE);
    let out = tribune([
        "extract".as_ref(),
        "--format".as_ref(),
        "text".as_ref(),
        page.as_os_str(),
    ]);
    out.assert_code(0);
    let (title, body) = out
        .stdout
        .split_once("\n\n")
        .unwrap_or_else(|| panic!("no blank line after the title: {:?}", out.stdout));
    assert_eq!(title, PAGE_TITLE);
    assert!(body.starts_with("The small passenger ferry"), "{body}");
    assert!(body.contains("every twenty minutes"), "{body}");
    assert!(body.contains("\n\nFares unchanged\n\n"), "{body}");
    assert!(!out.stdout.contains('{'), "not JSON: {}", out.stdout);
}

#[test]
fn markdown_format_has_a_heading_and_sections() {
    let dir = TestDir::new("markdown-format");
    let page = dir.write("ferry.html", PAGE);
    let out = tribune([
        "extract".as_ref(),
        "--format".as_ref(),
        "markdown".as_ref(),
        page.as_os_str(),
    ]);
    out.assert_code(0);
    assert!(
        out.stdout.starts_with(&format!("# {PAGE_TITLE}\n\n")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\n## Fares unchanged\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("The small passenger ferry"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_directory_is_read_whole_in_sorted_order() {
    let dir = TestDir::new("directory");
    // Written out of order, and one gzipped: all three are read, sorted.
    dir.write_gz(
        "news/c-ferry.html.gz",
        PAGE.replace(PAGE_TITLE, "Gzipped ferry story"),
    );
    dir.write("news/a-ferry.html", PAGE);
    dir.write("news/b-library.txt", STORY);
    dir.write("news/.hidden.html", PAGE);
    let out = tribune(["extract".as_ref(), dir.join("news").as_os_str()]);
    out.assert_code(0);
    let lines = out.json_lines();
    let inputs: Vec<&str> = lines
        .iter()
        .map(|line| line["input"].as_str().unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "hidden files are skipped: {inputs:?}");
    let names: Vec<&str> = inputs
        .iter()
        .map(|input| input.rsplit(['/', '\\']).next().unwrap())
        .collect();
    assert_eq!(names, ["a-ferry.html", "b-library.txt", "c-ferry.html.gz"]);
    assert_eq!(lines[0]["title"], PAGE_TITLE);
    assert_eq!(
        lines[1]["title"],
        "Library extends opening hours for exam season"
    );
    assert!(
        lines[1]["text"]
            .as_str()
            .unwrap()
            .starts_with("The central library")
    );
    assert_eq!(lines[2]["title"], "Gzipped ferry story");
    for line in &lines {
        assert!(line["error"].is_null(), "{line}");
    }
}

#[test]
fn standard_input_is_read_for_a_dash() {
    let out = tribune_with_stdin(["extract", "-"], PAGE.as_bytes());
    out.assert_code(0);
    let article = out.json();
    assert_eq!(article["input"], "-");
    assert_eq!(article["title"], PAGE_TITLE);
    assert!(
        article["text"]
            .as_str()
            .unwrap()
            .starts_with("The small passenger ferry")
    );
}

#[test]
fn date_option_fills_in_a_missing_date() {
    let dir = TestDir::new("date");
    let story = dir.write("library.txt", STORY);
    let without = tribune(["extract".as_ref(), story.as_os_str()]);
    without.assert_code(0);
    assert!(without.json()["published"].is_null());

    let with = tribune([
        "extract".as_ref(),
        "--date".as_ref(),
        "2024-05-01".as_ref(),
        story.as_os_str(),
    ]);
    with.assert_code(0);
    assert_eq!(with.json()["published"], "2024-05-01");
}

#[test]
fn a_bad_date_is_a_usage_error() {
    let dir = TestDir::new("bad-date");
    let story = dir.write("library.txt", STORY);
    let out = tribune([
        "extract".as_ref(),
        "--date".as_ref(),
        "01/05/2024".as_ref(),
        story.as_os_str(),
    ]);
    out.assert_code(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("--date"), "{}", out.stderr);
    assert!(out.stderr.contains("YYYY-MM-DD"), "{}", out.stderr);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};

    let dir = TestDir::new("pipe");
    // Far more output than a pipe holds, so that writes go on after the
    // reader has gone (`tribune extract ... | head -c 100`).
    let long = PAGE.replace(
        "<h2>Fares unchanged</h2>",
        &"<p>The operator thanked passengers for their patience during the long months of the repairs to the harbour ferry.</p>".repeat(2_000),
    );
    for name in ["a.html", "b.html", "c.html"] {
        dir.write(name, &long);
    }
    let mut child = Command::new(util::TRIBUNE)
        .arg("extract")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tribune starts");
    let mut head = [0u8; 100];
    child
        .stdout
        .take()
        .unwrap()
        .read_exact(&mut head)
        .expect("some output");
    // The read end is dropped here.
    let output = child.wait_with_output().expect("tribune ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

/// The README's offline example: the sample page in `examples/` renders as a
/// clean Markdown article with its republication credited.
#[test]
fn readme_sample_page_is_a_clean_article() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/sample-article.html"
    );
    let output = tribune(["extract", sample, "--format", "markdown"]);
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    let markdown = &output.stdout;
    assert!(markdown.starts_with("# "), "{markdown}");
    assert!(markdown.contains("\n## "), "subheadings are kept");
    for chrome in [
        "Sign up for our newsletter",
        "Related stories",
        "WhatsApp",
        "Comments (",
    ] {
        assert!(
            !markdown.contains(chrome),
            "{chrome:?} left in:\n{markdown}"
        );
    }
    assert!(markdown.contains("Originally published by"), "{markdown}");
}
