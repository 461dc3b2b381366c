//! Getting news into Tribune: fetching with HTTP etiquette and a guard
//! against fetching from inside the network ([`fetch`]), reading feeds
//! ([`feed`]) and OPML source lists ([`opml`]), choosing when to poll each
//! source ([`schedule`]), polling ([`poll`]), and reading WARC archives,
//! the format of Common Crawl's CC-NEWS ([`warc`]).
//!
//! ```
//! use tribune_ingest::warc::Records;
//!
//! let archive = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.com/a\r\n\
//! Content-Length: 56\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Hello</p>\r\n\r\n";
//! let documents: Vec<_> = Records::new(&archive[..]).collect();
//! let doc = documents[0].as_ref().unwrap();
//! assert_eq!(doc.url.as_deref(), Some("https://example.com/a"));
//! assert_eq!(doc.bytes, b"<p>Hello</p>");
//! ```
#![deny(missing_docs)]

pub mod discover;
pub mod feed;
pub mod fetch;
pub mod opml;
pub mod pipeline;
pub mod poll;
pub mod schedule;
pub mod warc;
