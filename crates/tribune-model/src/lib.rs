//! Plain data types shared by every Tribune stage.
//!
//! Stages exchange these values and nothing else: `tribune-ingest` builds a
//! [`Document`], `tribune-extract` turns it into an [`Article`]. The types
//! carry no behaviour beyond small conveniences, do no I/O and depend on no
//! other Tribune crate.
//!
//! ```
//! use tribune_model::{Document, Article};
//!
//! let doc = Document::new(b"<p>Hello</p>".to_vec()).with_url("https://example.com/a");
//! assert_eq!(doc.url.as_deref(), Some("https://example.com/a"));
//! let article = Article::default();
//! assert!(article.text.is_empty());
//! ```
#![deny(missing_docs)]

mod article;
mod document;

pub use article::{Article, Block, BlockKind, Provenance};
pub use document::{ContentKind, Document};
