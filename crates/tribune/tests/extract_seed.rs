//! End-to-end: `tribune extract` on the seed document and on bad input,
//! driving the built binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn tribune(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(args)
        .output()
        .expect("the tribune binary runs")
}

fn seed_path() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seed/000_b023478830f78d69.txt");
    assert!(
        path.exists(),
        "the seed document is missing at {}: clone the repository beside ../shared",
        path.display()
    );
    path
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

#[test]
fn seed_is_extracted_with_its_provenance() {
    let seed = seed_path();
    let output = tribune(&["extract", seed.to_str().unwrap(), "--format", "json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1);
    let article = &lines[0];
    assert_eq!(
        article["title"],
        "Trump, Putin expected to talk this week as Russia-Ukraine ceasefire negotiations continue"
    );
    let text = article["text"].as_str().unwrap();
    assert!(text.starts_with("U.S. President Donald Trump"), "{text}");
    for chrome in [
        "Manage your account",
        "not responsible for this news",
        "WhatsApp",
        "Contributing:",
        "originally appeared",
    ] {
        assert!(!text.contains(chrome), "body still holds {chrome:?}");
    }
    assert!(
        text.contains("\n\n"),
        "paragraphs are separated by a blank line"
    );
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
    assert!(
        provenance["agencies"]
            .as_array()
            .unwrap()
            .contains(&"Reuters".into())
    );
    assert_eq!(provenance["republisher"], "EMEA Tribune");
    assert_eq!(
        article["published"],
        serde_json::Value::Null,
        "no date is invented"
    );
    assert_eq!(article["language"], "en");
    assert_eq!(article["error"], serde_json::Value::Null);
}

#[test]
fn date_flag_fills_a_missing_date_and_bad_dates_are_refused() {
    let seed = seed_path();
    let output = tribune(&["extract", seed.to_str().unwrap(), "--date", "2025-03-16"]);
    assert_eq!(json_lines(&output)[0]["published"], "2025-03-16");
    let output = tribune(&["extract", seed.to_str().unwrap(), "--date", "16/03/2025"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn bad_inputs_fail_alone_and_the_rest_still_run() {
    let dir = std::env::temp_dir().join(format!("tribune-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.html");
    std::fs::write(&empty, b"").unwrap();
    let binary = dir.join("image.html");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap();
    let truncated = dir.join("cut.html.gz");
    std::fs::write(
        &truncated,
        [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xb3, 0x29,
        ],
    )
    .unwrap();
    let good = dir.join("good.html");
    std::fs::write(
        &good,
        "<html><head><meta charset=iso-8859-1></head><body><article><h1>Caf\u{e9} owner wins award</h1>\
         <p>The owner of a small caf\u{e9} on the harbour front won a regional award on Monday, judges said.</p>\
         </article></body></html>"
            .chars()
            .map(|c| c as u32 as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let missing = dir.join("missing.html");
    let output = tribune(&[
        "extract",
        empty.to_str().unwrap(),
        binary.to_str().unwrap(),
        truncated.to_str().unwrap(),
        missing.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        output.status.code(),
        Some(1),
        "a failed input makes the exit code 1"
    );
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 5);
    for failed in &lines[..4] {
        let error = failed["error"].as_str().expect("an error message");
        assert!(!error.contains('\n'), "errors are one line: {error}");
    }
    assert!(lines[0]["error"].as_str().unwrap().contains("empty"));
    assert!(lines[1]["error"].as_str().unwrap().contains("binary"));
    assert!(lines[2]["error"].as_str().unwrap().contains("gzip"));
    assert!(lines[3]["error"].as_str().unwrap().contains("missing.html"));
    assert_eq!(lines[4]["error"], serde_json::Value::Null);
    assert!(lines[4]["text"].as_str().unwrap().contains("small café"));
}

#[test]
fn sample_page_renders_as_markdown() {
    let sample =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-article.html");
    let output = tribune(&["extract", sample.to_str().unwrap(), "--format", "markdown"]);
    assert!(output.status.success());
    let markdown = String::from_utf8_lossy(&output.stdout);
    assert!(markdown.starts_with("# "), "{markdown}");
    assert!(markdown.contains("\n## "), "subheadings are kept");
    assert!(!markdown.contains("Sign up for our newsletter"));
    assert!(!markdown.contains("Related stories"));
}
