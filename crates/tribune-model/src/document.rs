//! The raw input of the pipeline: bytes as fetched or read, before any parsing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the bytes of a [`Document`] are, when the source says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ContentKind {
    /// Unknown: the extractor sniffs the bytes.
    #[default]
    Unknown,
    /// An HTML (or XHTML) page.
    Html,
    /// Plain text, such as a pasted story.
    Text,
}

/// A raw document: the bytes of a page or a text, and what is known about
/// where and when they came from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Document {
    /// The raw bytes, undecoded.
    pub bytes: Vec<u8>,
    /// The URL the bytes were fetched from, after redirects, if any.
    pub url: Option<String>,
    /// The `Content-Type` header, if the bytes came over HTTP.
    pub content_type: Option<String>,
    /// What the bytes are, if the source knows.
    pub kind: ContentKind,
    /// When the bytes were fetched or read.
    pub fetched_at: Option<DateTime<Utc>>,
    /// A publication date known from outside the bytes (a feed entry, the
    /// user), used only when the document itself states none.
    pub date_hint: Option<NaiveDate>,
}

impl Document {
    /// A document holding `bytes` and nothing else.
    pub fn new(bytes: Vec<u8>) -> Self {
        Document {
            bytes,
            ..Document::default()
        }
    }

    /// Sets the URL the bytes came from.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets the HTTP `Content-Type` header.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Declares what the bytes are.
    pub fn with_kind(mut self, kind: ContentKind) -> Self {
        self.kind = kind;
        self
    }

    /// Sets a publication date known from outside the bytes.
    pub fn with_date_hint(mut self, date: NaiveDate) -> Self {
        self.date_hint = Some(date);
        self
    }
}
