//! The protocol's names for things: item ids in their two forms, and
//! stream ids (feeds, the reading list, states, labels).

use crate::Error;

/// The long form of an item id, followed by 16 hex digits.
pub(crate) const ITEM_PREFIX: &str = "tag:google.com,2005:reader/item/";

/// The prefix of a feed stream: `feed/12` or `feed/https://…`.
pub(crate) const FEED_PREFIX: &str = "feed/";

/// The state streams' common prefix, as clients write it.
const STATE_PREFIX: &str = "user/-/state/com.google/";

/// The label streams' prefix.
const LABEL_PREFIX: &str = "user/-/label/";

/// The reading list: everything of the sources the user follows.
pub(crate) const READING_LIST: &str = "user/-/state/com.google/reading-list";
/// Read items.
pub(crate) const READ: &str = "user/-/state/com.google/read";
/// Starred items.
pub(crate) const STARRED: &str = "user/-/state/com.google/starred";
/// Unread items (newsboat's feedhq client reads this label).
pub(crate) const FRESH: &str = "user/-/state/com.google/fresh";

/// An article id in the long form: `tag:google.com,2005:reader/item/` and
/// the id in 16 hex digits.
pub(crate) fn long_item_id(id: i64) -> String {
    format!("{ITEM_PREFIX}{id:016x}")
}

/// An article id from either form clients send: the long form, or the
/// short form (the id in decimal, as `stream/items/ids` gives it).
pub(crate) fn parse_item_id(raw: &str) -> Result<i64, Error> {
    let raw = raw.trim();
    let bad = || Error::BadRequest(format!("`{raw}` is not an item id"));
    let id = match raw.strip_prefix(ITEM_PREFIX) {
        Some(hex) if hex.len() == 16 => u64::from_str_radix(hex, 16)
            .ok()
            .and_then(|id| i64::try_from(id).ok())
            .ok_or_else(bad)?,
        Some(_) => return Err(bad()),
        // Some clients send the short form negative when the id's top bit
        // is set; ours never are, so only positive ids are accepted.
        None => raw.parse::<i64>().map_err(|_| bad())?,
    };
    if id > 0 { Ok(id) } else { Err(bad()) }
}

/// What a stream id names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StreamId {
    /// Articles of the followed sources.
    ReadingList,
    /// Read articles.
    Read,
    /// Starred articles.
    Starred,
    /// Articles marked "kept unread" (the same as unread here).
    KeptUnread,
    /// A source, by id (`feed/12`).
    Source(i64),
    /// A source, by its feed URL (`feed/https://…`), as newsboat and
    /// older clients name feeds.
    FeedUrl(String),
    /// A label (folder).
    Label(String),
    /// A state Tribune does not keep (broadcast, like, …).
    OtherState(String),
}

impl StreamId {
    /// Reads a stream id; `user/<anything>/…` is taken as the user's own,
    /// as Google Reader allowed `-` or the user's id there.
    pub(crate) fn parse(raw: &str) -> Result<StreamId, Error> {
        let raw = raw.trim();
        if let Some(feed) = raw.strip_prefix(FEED_PREFIX) {
            if feed.is_empty() {
                return Err(Error::BadRequest("an empty feed stream id".into()));
            }
            return Ok(match feed.parse::<i64>() {
                Ok(id) => StreamId::Source(id),
                Err(_) => StreamId::FeedUrl(feed.to_string()),
            });
        }
        let user_relative = raw
            .strip_prefix("user/")
            .and_then(|rest| rest.split_once('/'))
            .map(|(_, rest)| rest);
        if let Some(state) = user_relative.and_then(|rest| rest.strip_prefix("state/com.google/")) {
            return Ok(match state {
                "reading-list" => StreamId::ReadingList,
                "read" => StreamId::Read,
                "starred" => StreamId::Starred,
                "kept-unread" => StreamId::KeptUnread,
                other => StreamId::OtherState(other.to_string()),
            });
        }
        if let Some(label) = user_relative.and_then(|rest| rest.strip_prefix("label/")) {
            return Ok(StreamId::Label(label.to_string()));
        }
        Err(Error::BadRequest(format!("unknown stream id `{raw}`")))
    }

    /// The id as clients write it.
    pub(crate) fn to_id(&self) -> String {
        match self {
            StreamId::ReadingList => READING_LIST.into(),
            StreamId::Read => READ.into(),
            StreamId::Starred => STARRED.into(),
            StreamId::KeptUnread => format!("{STATE_PREFIX}kept-unread"),
            StreamId::Source(id) => format!("{FEED_PREFIX}{id}"),
            StreamId::FeedUrl(url) => format!("{FEED_PREFIX}{url}"),
            StreamId::Label(label) => format!("{LABEL_PREFIX}{label}"),
            StreamId::OtherState(state) => format!("{STATE_PREFIX}{state}"),
        }
    }
}

/// A label's stream id.
pub(crate) fn label_id(label: &str) -> String {
    format!("{LABEL_PREFIX}{label}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_read_in_both_forms() {
        assert_eq!(
            long_item_id(255),
            "tag:google.com,2005:reader/item/00000000000000ff"
        );
        assert_eq!(parse_item_id(&long_item_id(255)).ok(), Some(255));
        assert_eq!(parse_item_id("255").ok(), Some(255));
        assert_eq!(parse_item_id(" 42 ").ok(), Some(42));
        for bad in [
            "",
            "x",
            "-3",
            "0",
            "tag:google.com,2005:reader/item/ff",
            "tag:google.com,2005:reader/item/zzzzzzzzzzzzzzzz",
            "tag:google.com,2005:reader/item/ffffffffffffffff",
            "99999999999999999999999",
        ] {
            assert!(parse_item_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stream_ids_name_feeds_states_and_labels() {
        let parse = |raw| StreamId::parse(raw).ok();
        assert_eq!(parse("feed/12"), Some(StreamId::Source(12)));
        assert_eq!(
            parse("feed/http://example.org/feed.xml"),
            Some(StreamId::FeedUrl("http://example.org/feed.xml".into()))
        );
        assert_eq!(parse(READING_LIST), Some(StreamId::ReadingList));
        assert_eq!(
            parse("user/1234/state/com.google/read"),
            Some(StreamId::Read)
        );
        assert_eq!(parse(STARRED), Some(StreamId::Starred));
        assert_eq!(
            parse("user/-/state/com.google/broadcast"),
            Some(StreamId::OtherState("broadcast".into()))
        );
        assert_eq!(
            parse("user/-/label/World news"),
            Some(StreamId::Label("World news".into()))
        );
        assert_eq!(parse("feed/"), None);
        assert_eq!(parse("splice/1"), None);
        assert_eq!(parse("user/-"), None);
        for id in [READING_LIST, READ, STARRED, "feed/3", "user/-/label/x"] {
            assert_eq!(
                StreamId::parse(id).map(|s| s.to_id()).ok().as_deref(),
                Some(id)
            );
        }
    }
}
