//! Online story clustering: each new article joins the story it reports
//! on, or starts a new one, the moment it arrives. Stories age out of the
//! active window, so memory follows the window, not the archive.
//!
//! ```
//! use chrono::Utc;
//! use tribune_story::{StoryConfig, StoryIndex, features};
//!
//! let mut index = StoryIndex::new(StoryConfig::default());
//! let now = Utc::now();
//! // Other news, so that the index knows which words are common.
//! for (id, text) in [
//!     "The central bank said on Tuesday it would keep interest rates on hold.",
//!     "The football club said its new stadium would open next season.",
//!     "Parliament said on Tuesday the vote on the budget would be delayed.",
//! ]
//! .into_iter()
//! .enumerate()
//! {
//!     index.add(10 + id as i64, &features(None, text), now);
//! }
//! let quake = features(Some("Earthquake of magnitude 6.1 strikes Kermadec Islands"),
//!     "A magnitude 6.1 earthquake struck near the Kermadec Islands on Tuesday, \
//!      the US Geological Survey said. No tsunami warning was issued.");
//! assert!(index.best(&quake, now).is_none_or(|(story, _)| story != 1));
//! index.add(1, &quake, now);
//! let follow = features(Some("Kermadec Islands hit by 6.1 quake"),
//!     "The US Geological Survey said the 6.1 quake hit the Kermadec Islands on Tuesday; \
//!      no tsunami warning followed.");
//! assert_eq!(index.best(&follow, now).map(|(story, _)| story), Some(1));
//! ```
#![deny(missing_docs)]

mod features;
mod index;
mod timeline;

pub use features::{Anchors, Features, features, features_enriched};
pub use index::{StoryConfig, StoryIndex, Weighed};
pub use timeline::{DatedBy, TimelineArticle, TimelineEntry, timeline};
