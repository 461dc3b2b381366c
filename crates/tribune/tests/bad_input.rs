//! End-to-end tests of `tribune extract` on input that is empty, binary,
//! mis-encoded, enormous, pathologically nested, truncated, unreachable or
//! missing. Each must give a JSON line, with a one-line `error` or an
//! article (possibly empty, with warnings), never a panic, a crash or a
//! hang; and the other inputs of the same run must still come out.

mod util;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use util::{Output, TestDir, tribune};

/// A page that extracts cleanly, run beside each bad input.
const GOOD: &str = r#"<html><head><title>Council approves new cycle lanes</title></head><body>
<article><h1>Council approves new cycle lanes</h1>
<p>The city council voted on Thursday to build protected cycle lanes along the river road, after a consultation that drew more than two thousand replies from residents.</p>
<p>Work is due to start in the autumn and should take about eight months, the transport committee said in a statement after the vote.</p>
</article></body></html>"#;

/// Runs `tribune extract` on the good page and `bad` together; checks that
/// nothing crashed, that each input got one well-formed JSON line (the bad
/// one second, as given), that the good one was extracted, and that the
/// exit code says whether the bad one failed. Returns the bad one's line.
#[track_caller]
fn extract_beside_good(dir: &TestDir, bad: &str) -> (Value, Output) {
    let good = dir.write("0-good.html", GOOD);
    let out = tribune(["extract", good.to_str().unwrap(), bad]);
    assert!(
        !out.stderr.contains("panicked"),
        "tribune panicked: {}",
        out.stderr
    );
    let lines = out.json_lines();
    assert_eq!(lines.len(), 2, "one line per input: {out:#?}");
    assert_eq!(lines[0]["title"], "Council approves new cycle lanes");
    assert!(
        lines[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("The city council voted")
    );
    assert!(lines[0]["error"].is_null());
    let line = lines[1].clone();
    assert_eq!(line["input"], bad);
    match &line["error"] {
        Value::Null => {
            out.assert_code(0);
            assert!(line["text"].is_string(), "{line}");
        }
        Value::String(error) => {
            out.assert_code(1);
            assert!(!error.is_empty());
            assert!(!error.contains('\n'), "error is not one line: {error:?}");
            assert!(out.stderr.contains(error.as_str()), "{}", out.stderr);
        }
        other => panic!("error is neither null nor a string: {other}"),
    }
    (line, out)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// Deterministic noise (no `rand` dependency): a linear congruential
/// generator's high bytes.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 56) as u8
        })
        .collect()
}

fn error_of(line: &Value) -> &str {
    line["error"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {line}"))
}

#[test]
fn empty_file() {
    let dir = TestDir::new("empty");
    let empty = dir.write("empty.html", "");
    let (line, _) = extract_beside_good(&dir, path_str(&empty));
    assert!(error_of(&line).contains("empty"), "{line}");
}

#[test]
fn whitespace_only_file() {
    let dir = TestDir::new("blank");
    let blank = dir.write("blank.txt", " \n\t\n ");
    let (line, _) = extract_beside_good(&dir, path_str(&blank));
    assert!(error_of(&line).contains("empty"), "{line}");
}

#[test]
fn binary_file() {
    let dir = TestDir::new("binary");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(64 * 1024, 7));
    let image = dir.write("photo.html", png);
    let (line, _) = extract_beside_good(&dir, path_str(&image));
    assert!(error_of(&line).contains("binary"), "{line}");

    // Noise without a signature is refused too.
    let raw = dir.write("noise.bin", noise(64 * 1024, 11));
    let (line, _) = extract_beside_good(&dir, path_str(&raw));
    assert!(error_of(&line).contains("binary"), "{line}");
}

#[test]
fn invalid_utf8_text() {
    let dir = TestDir::new("invalid-utf8");
    let mut bytes = b"Bakery wins regional prize\n\nThe family bakery on Mill Street won the regional prize for its rye bread \xff\xfe on Saturday, beating forty other entries \x80\x81 from across the county.\n".to_vec();
    bytes.extend_from_slice(b"\xc3\x28 stray bytes end here.\n");
    let file = dir.write("bakery.txt", bytes);
    let (line, _) = extract_beside_good(&dir, path_str(&file));
    assert!(line["error"].is_null(), "{line}");
    let text = line["text"].as_str().unwrap();
    assert!(text.contains("family bakery on Mill Street"), "{text}");
    assert!(!line["warnings"].as_array().unwrap().is_empty(), "{line}");
}

#[test]
fn latin1_bytes_in_a_page_declared_utf8() {
    let dir = TestDir::new("latin1");
    let page = b"<html><head><meta charset=\"utf-8\"><title>Corner caf\xe9 reopens</title></head><body><article>\
        <p>The corner caf\xe9 on Station Road reopened on Monday after a fire in January, and regulars queued from seven in the morning for their first coffee.</p>\
        <p>The owners said the insurance paid for a new kitchen and that the menu would stay the same as before.</p>\
        </article></body></html>";
    let file = dir.write("cafe.html", page);
    let (line, _) = extract_beside_good(&dir, path_str(&file));
    assert!(line["error"].is_null(), "{line}");
    let text = line["text"].as_str().unwrap();
    assert!(text.contains("The corner café on Station Road"), "{text}");
    assert_eq!(line["title"], "Corner café reopens");
    let warnings = line["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("UTF-8")),
        "expected a warning about the encoding: {warnings:?}"
    );
}

#[test]
fn wrong_declared_charset() {
    let dir = TestDir::new("wrong-charset");
    // Declared Shift_JIS, but the bytes are UTF-8.
    let page = "<html><head><meta charset=\"shift_jis\"><title>Museum night</title></head><body><article>\
        <p>The town museum will open late on Friday for a night of talks about the café culture of the old port, with free entry for residents.</p>\
        <p>Volunteers will guide visitors through the restored warehouse rooms until midnight, organisers said.</p>\
        </article></body></html>";
    let file = dir.write("museum.html", page);
    let (line, _) = extract_beside_good(&dir, path_str(&file));
    assert!(line["error"].is_null(), "{line}");
    assert!(
        line["text"].as_str().unwrap().contains("the café culture"),
        "{line}"
    );
    assert!(!line["warnings"].as_array().unwrap().is_empty(), "{line}");

    // Declared a charset that does not exist: read as UTF-8, no error.
    let page = page.replace("shift_jis", "x-no-such-charset");
    let file = dir.write("museum2.html", page);
    let (line, _) = extract_beside_good(&dir, path_str(&file));
    assert!(
        line["text"].as_str().unwrap().contains("the café culture"),
        "{line}"
    );
}

/// A page of about `mib` MiB: many paragraphs of varied prose.
fn big_page(mib: usize) -> String {
    let sentences = [
        "The harbour master said the new pier would open in the spring.",
        "Residents asked the council to keep the old lighthouse lit at night.",
        "Fishing boats returned early because of the storm warning.",
        "A local school raised money for a new library with a bake sale.",
        "The ferry timetable changes again next month, the operator said.",
    ];
    let mut page = String::with_capacity(mib * 1024 * 1024 + 4096);
    page.push_str("<!doctype html><html><head><meta charset=utf-8><title>The long read</title></head><body><article><h1>The long read</h1>\n");
    let mut i = 0;
    while page.len() < mib * 1024 * 1024 {
        page.push_str("<p>");
        for k in 0..6 {
            page.push_str(sentences[(i + k) % sentences.len()]);
            page.push(' ');
        }
        page.push_str(&format!("Paragraph {i}.</p>\n"));
        i += 1;
    }
    page.push_str("</article></body></html>\n");
    page
}

#[test]
fn fifty_mib_page() {
    let dir = TestDir::new("big");
    let file = dir.write("long-read.html", big_page(50));
    let (line, out) = extract_beside_good(&dir, path_str(&file));
    assert!(line["error"].is_null(), "{line}");
    assert_eq!(line["title"], "The long read");
    assert!(line["text"].as_str().unwrap().len() > 1_000_000);
    // Pages are cut before parsing; the cut is reported.
    let warnings = line["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("only the first")),
        "{warnings:?}"
    );
    // Measured at about 3.5 s with the debug build, 0.6 s with release.
    assert!(
        out.elapsed < Duration::from_secs(60),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn a_hundred_thousand_nested_divs() {
    let dir = TestDir::new("deep");
    let n = 100_000;
    let page = format!(
        "<html><head><title>Deep</title></head><body>{}<p>Deep inside the markup there is still a paragraph of text that a reader would want to see.</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let file = dir.write("deep.html", page);
    let (line, out) = extract_beside_good(&dir, path_str(&file));
    assert!(line["error"].is_null(), "{line}");
    assert!(
        line["text"]
            .as_str()
            .unwrap()
            .contains("Deep inside the markup"),
        "{line}"
    );
    let warnings = line["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("flattened")),
        "{warnings:?}"
    );
    // Without the depth bound this took 43 s with the release build.
    assert!(
        out.elapsed < Duration::from_secs(20),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn piled_up_formatting_tags() {
    let dir = TestDir::new("formatting");
    let page: String = (0..20_000)
        .map(|i| format!("<div><b class=c{i}>x</div>"))
        .collect();
    let file = dir.write("bold.html", page);
    let (line, out) = extract_beside_good(&dir, path_str(&file));
    assert!(line["error"].is_null(), "{line}");
    // Without the bound, 4,000 of these took 1.5 GiB and 7.6 s (release).
    assert!(
        out.elapsed < Duration::from_secs(20),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn a_page_of_scripts() {
    let dir = TestDir::new("scripts");
    let mut page = String::from("<html><head><script src=app.js></script></head><body>");
    for i in 0..500 {
        page.push_str(&format!(
            "<script>window.slot{i} = {{ text: \"<p>not an article</p>\", n: {i} }};</script>"
        ));
    }
    page.push_str("<noscript>Please enable JavaScript.</noscript></body></html>");
    let file = dir.write("app.html", page);
    let (line, _) = extract_beside_good(&dir, path_str(&file));
    assert!(line["error"].is_null(), "{line}");
    let text = line["text"].as_str().unwrap();
    assert!(
        !text.contains("not an article"),
        "script text leaked: {text}"
    );
    assert!(!text.contains("slot"), "script text leaked: {text}");
}

#[test]
fn truncated_gzip() {
    let dir = TestDir::new("gzip");
    let whole = util::gzip(big_page(1).as_bytes());
    let file = dir.write("story.html.gz", &whole[..whole.len() / 2]);
    let (line, _) = extract_beside_good(&dir, path_str(&file));
    let error = error_of(&line);
    assert!(error.contains("gzip"), "{error}");
    assert!(error.contains("story.html.gz"), "{error}");
}

#[test]
fn unreachable_url() {
    let dir = TestDir::new("unreachable");
    // Port 9 (discard) on the loopback interface: nothing listens there,
    // so the connection is refused at once.
    let (line, out) = extract_beside_good(&dir, "http://127.0.0.1:9/");
    assert!(error_of(&line).contains("127.0.0.1:9"), "{line}");
    assert!(
        out.elapsed < Duration::from_secs(15),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn missing_file() {
    let dir = TestDir::new("missing");
    let missing: PathBuf = dir.join("no-such-story.html");
    let (line, _) = extract_beside_good(&dir, path_str(&missing));
    let error = error_of(&line);
    assert!(error.contains(path_str(&missing)), "{error}");
}

#[test]
fn every_bad_input_in_one_run() {
    let dir = TestDir::new("all");
    let good = dir.write("a-good.html", GOOD);
    let empty = dir.write("b-empty.html", "");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(4096, 3));
    let image = dir.write("c-image.png", png);
    let whole = util::gzip(GOOD.as_bytes());
    let gz = dir.write("d-cut.html.gz", &whole[..whole.len() / 2]);
    let missing = dir.join("e-missing.html");
    let good2 = dir.write("f-good.txt", "Short note\n\nA second story, in plain text, that is long enough to be read as the body of an article by the extractor.\n");
    let out = tribune([
        "extract",
        path_str(&good),
        path_str(&empty),
        path_str(&image),
        path_str(&gz),
        path_str(&missing),
        "http://127.0.0.1:9/",
        path_str(&good2),
    ]);
    out.assert_code(1);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 7, "{out:#?}");
    let failed: Vec<bool> = lines.iter().map(|l| l["error"].is_string()).collect();
    assert_eq!(failed, [false, true, true, true, true, true, false]);
    assert!(
        lines[6]["text"]
            .as_str()
            .unwrap()
            .starts_with("A second story")
    );
}

#[test]
fn misnested_tables_make_no_log_noise() {
    let dir = TestDir::new("foster");
    // Text and blocks directly inside <table> are "foster-parented" out of
    // it; html5ever logs a warning each time, which must not reach the
    // user at the default log level.
    let mut page = String::from("<html><body><table>");
    for i in 0..200 {
        page.push_str(&format!(
            "<tr><td>cell {i}</td></tr><div>stray block {i}</div>"
        ));
    }
    page.push_str("</table><article><p>The article itself follows the broken table and is long enough to be kept as the body of the page.</p></article></body></html>");
    let file = dir.write("tables.html", page);
    let output = std::process::Command::new(util::TRIBUNE)
        .env_remove("TRIBUNE_LOG")
        .env_remove("RUST_LOG")
        .arg("extract")
        .arg(&file)
        .output()
        .expect("tribune runs");
    assert!(output.status.success(), "{:?}", output.status);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "log noise on stderr: {stderr}");
}
