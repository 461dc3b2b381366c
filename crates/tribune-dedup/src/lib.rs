//! Syndication detection: which stored article a new one is a copy of, and
//! which member of a copy group is the original.
//!
//! A wire story republished by an aggregator keeps most of its sentences
//! but gains a title, chrome lines and light edits, and may lose or gain a
//! paragraph: copies share as little as a third of their word 5-grams. So
//! each article is fingerprinted by [MinHash](fingerprint) over word
//! shingles, candidates come from an [LSH index](LshIndex) in time that does
//! not grow with the number of stored articles, and a candidate is a copy
//! when the estimated overlap, measured against the shorter text, is high
//! ([`is_copy`]).
//!
//! ```
//! use tribune_dedup::{LshIndex, fingerprint, is_copy};
//!
//! let wire = "Officials said the bridge would reopen on Monday after repairs. \
//!     Engineers found cracks in two of the supports during an inspection last week. \
//!     The closure has forced thousands of commuters onto longer routes.";
//! let copy = format!("Follow us for more news. {wire} Read more on our app.");
//! let mut index = LshIndex::new();
//! index.insert(1, &fingerprint(wire));
//! let new = fingerprint(&copy);
//! let best = index.candidates(&new).into_iter().next().unwrap();
//! assert_eq!(best, 1);
//! assert!(is_copy(&fingerprint(wire).compare(&new)));
//! ```
#![deny(missing_docs)]

mod fingerprint;
mod lsh;
mod original;

pub use fingerprint::{Fingerprint, SIGNATURE_LEN, Similarity, fingerprint};
pub use lsh::LshIndex;
pub use original::{Evidence, choose_original};

/// Whether two articles are copies of one text: most of the shorter one's
/// shingles appear in the longer one, and the two are not so different in
/// length that one merely quotes the other.
///
/// Different articles about one event share quotes and phrases, often a
/// third of a short text's shingles; copies with a new title, chrome, a
/// paragraph more or less and light edits keep two thirds and more (see
/// `tribune bench dedup`).
pub fn is_copy(similarity: &Similarity) -> bool {
    similarity.containment >= COPY_CONTAINMENT && similarity.jaccard >= COPY_JACCARD
}

/// The share of the shorter article's shingles that must appear in the
/// other for the two to be copies.
pub const COPY_CONTAINMENT: f64 = 0.65;

/// The least Jaccard similarity of two copies' shingle sets.
pub const COPY_JACCARD: f64 = 0.35;
