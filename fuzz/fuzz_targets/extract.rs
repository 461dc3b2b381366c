//! Arbitrary bytes through `tribune_extract::extract`: it must return (an
//! article or an error) without panicking, hanging or exhausting memory.
//!
//! The first byte picks what the document claims to be, so that the HTML
//! parser, the plain-text reader and the sniffing path are all exercised;
//! the rest are the document's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tribune_model::{ContentKind, Document};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let kind = match selector % 3 {
        0 => ContentKind::Html,
        1 => ContentKind::Text,
        _ => ContentKind::Unknown,
    };
    let mut document = Document::new(bytes.to_vec()).with_kind(kind);
    // Some inputs also carry a URL and an HTTP content type, as fetched
    // pages do, so those code paths run too.
    if selector & 0x10 != 0 {
        document = document.with_url("https://news.example.com/2025/03/16/story.html");
    }
    if selector & 0x20 != 0 {
        document = document.with_content_type("text/html; charset=windows-1252");
    }
    let _ = tribune_extract::extract(&document);
});
