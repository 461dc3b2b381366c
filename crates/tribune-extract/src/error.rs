//! The errors of extraction: inputs that cannot be read as a page at all.
//!
//! Odd but readable input is not an error: it yields an [`Article`](tribune_model::Article)
//! with `warnings`, possibly with an empty body.

/// Why a document could not be extracted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document has no bytes, or only whitespace.
    #[error("the input is empty")]
    Empty,
    /// The bytes are not text (an image, an archive, an executable).
    #[error(
        "the input looks binary, not HTML or text ({reason}); pass an HTML page or a text file"
    )]
    Binary {
        /// What gave it away.
        reason: String,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
