//! The seed story's body, for tests: read from `shared/seed/` beside the
//! repository and extracted as Tribune extracts it, so that no copy of the
//! (copyrighted) text lives in the repository.

use std::sync::LazyLock;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/000_b023478830f78d69.txt"
);

static BODY: LazyLock<String> = LazyLock::new(|| {
    let bytes = std::fs::read(SEED).unwrap_or_else(|err| {
        panic!(
            "the seed story is missing: expected {SEED} (shared/seed/ beside the repository): {err}"
        )
    });
    let document = tribune_model::Document::new(bytes);
    match tribune_extract::extract(&document) {
        Ok(article) => article.text,
        Err(err) => panic!("the seed story does not extract: {err}"),
    }
});

/// The body of the seed story (paragraphs separated by blank lines).
pub(crate) fn body() -> &'static str {
    &BODY
}
