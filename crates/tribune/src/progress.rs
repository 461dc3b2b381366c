//! Progress on standard error for long commands. indicatif draws only when
//! standard error is a terminal, so pipes and logs stay clean.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `len` inputs.
pub fn bar(len: u64) -> ProgressBar {
    ProgressBar::new(len).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} inputs, {elapsed} elapsed, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    )
}

/// A counter, for work whose size is not known up front (archives).
pub fn counter(what: &str) -> ProgressBar {
    ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {what}, {{elapsed}} elapsed"))
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    )
}
