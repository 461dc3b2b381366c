//! Which articles a call asks for: a stream id and the protocol's
//! modifiers (`n`, `c`, `r`, `xt`, `it`, `ot`, `nt`) turned into a
//! [`StreamQuery`], and pages of it.
//!
//! The store filters by source, unread, starred and time itself. What it
//! cannot (only read articles, starred ones left out, several sources for
//! a label) is filtered here while paging through the store's stream,
//! scanning at most [`SCAN_LIMIT`] articles per call: a call that hits the
//! limit answers what it found with a continuation, and the client asks
//! again from there.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use tribune_ingest::fetch::normalize_url;
use tribune_store::{Follow, Source, Store, StreamArticle, StreamQuery};

use super::auth::Params;
use super::ids::{READ, STARRED, StreamId};
use crate::Error;

/// Articles scanned at most per call when filtering here.
const SCAN_LIMIT: usize = 5_000;

/// How many items a kind of call gives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Without `n`.
    pub default: usize,
    /// The most `n` may ask for.
    pub max: usize,
}

/// A resolved stream with its modifiers.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    /// What the store filters.
    pub query: StreamQuery,
    /// Only read (`Some(true)`) articles: the store has no such filter.
    read: Option<bool>,
    /// Leave starred articles out (`xt=…/starred`).
    no_starred: bool,
    /// Only articles of these sources (a label's).
    sources: Option<HashSet<i64>>,
    /// A stream Tribune keeps nothing in (broadcast, like, an empty label).
    empty: bool,
}

impl Selection {
    /// The selection `stream` and `params` make for `user`.
    pub(crate) fn new(
        store: &dyn Store,
        user: i64,
        stream: &StreamId,
        params: &Params,
        limits: Limits,
    ) -> Result<Selection, Error> {
        let mut selection = Selection {
            query: StreamQuery {
                limit: count(params, limits)?,
                oldest_first: params.get("r") == Some("o"),
                after: continuation(params)?,
                since: time(params, "ot")?,
                until: time(params, "nt")?,
                ..StreamQuery::default()
            },
            read: None,
            no_starred: false,
            sources: None,
            empty: false,
        };
        selection.narrow_to(store, user, stream)?;
        for excluded in params.all("xt") {
            match excluded.trim() {
                READ => selection.query.unread_only = true,
                STARRED => selection.no_starred = true,
                other => tracing::debug!(stream = other, "an exclusion Tribune does not apply"),
            }
        }
        for included in params.all("it") {
            match included.trim() {
                READ => selection.read = Some(true),
                STARRED => selection.query.starred_only = true,
                other => tracing::debug!(stream = other, "a filter Tribune does not apply"),
            }
        }
        if selection.read == Some(true) && selection.query.unread_only {
            selection.empty = true;
        }
        Ok(selection)
    }

    /// Narrows the selection to what `stream` names.
    fn narrow_to(&mut self, store: &dyn Store, user: i64, stream: &StreamId) -> Result<(), Error> {
        let query = &mut self.query;
        match stream {
            StreamId::ReadingList => query.followed_sources_only = true,
            StreamId::KeptUnread => {
                query.followed_sources_only = true;
                query.unread_only = true;
            }
            // What the user has read among what they follow: reading
            // through every article ever stored for the few read ones
            // would be too slow for a large desk.
            StreamId::Read => {
                query.followed_sources_only = true;
                self.read = Some(true);
            }
            StreamId::Starred => {
                query.followed_sources_only = false;
                query.starred_only = true;
            }
            StreamId::Source(_) | StreamId::FeedUrl(_) => {
                let source = resolve_source(store, stream)?
                    .ok_or_else(|| Error::NotFound(format!("no feed {}", stream.to_id())))?;
                query.followed_sources_only = false;
                query.source_id = Some(source.id);
            }
            StreamId::Label(label) => {
                let sources = label_sources(store, user, label)?;
                query.followed_sources_only = true;
                self.empty = sources.is_empty();
                self.sources = Some(sources);
            }
            StreamId::OtherState(_) => self.empty = true,
        }
        Ok(())
    }

    /// Whether the store's filters are the whole selection.
    fn store_filters_all(&self) -> bool {
        self.read.is_none() && !self.no_starred && self.sources.is_none()
    }

    fn keeps(&self, article: &StreamArticle) -> bool {
        self.read.is_none_or(|read| article.state.read == read)
            && !(self.no_starred && article.state.starred)
            && self.sources.as_ref().is_none_or(|sources| {
                article
                    .article
                    .source_id
                    .is_some_and(|id| sources.contains(&id))
            })
    }

    /// The sources a label stream is narrowed to.
    pub(crate) fn sources(&self) -> Option<&HashSet<i64>> {
        self.sources.as_ref()
    }

    /// Whether the stream is known to hold nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.empty
    }
}

/// One page of a selection, and where the next starts (an article id, as
/// a string, for `c=`) if there may be more.
pub(crate) fn page(
    store: &dyn Store,
    user: i64,
    selection: &Selection,
) -> Result<(Vec<StreamArticle>, Option<String>), Error> {
    if selection.empty {
        return Ok((Vec::new(), None));
    }
    let wanted = selection.query.limit;
    let subscriptions = store.subscriptions();
    if selection.store_filters_all() {
        // One more than asked says whether there is a next page.
        let mut query = selection.query;
        query.limit = wanted + 1;
        let mut articles = subscriptions.stream(user, &query)?;
        let more = articles.len() > wanted;
        articles.truncate(wanted);
        let next = more
            .then(|| articles.last().map(|a| a.article.id.to_string()))
            .flatten();
        return Ok((articles, next));
    }
    let mut query = selection.query;
    query.limit = (wanted * 2).clamp(100, 1_000);
    let mut kept = Vec::new();
    let mut scanned = 0;
    loop {
        let batch = subscriptions.stream(user, &query)?;
        let exhausted = batch.len() < query.limit;
        scanned += batch.len();
        let mut last = None;
        for article in batch {
            last = Some(article.article.id);
            if selection.keeps(&article) {
                kept.push(article);
                if kept.len() == wanted {
                    return Ok((kept, last.map(|id| id.to_string())));
                }
            }
        }
        match last {
            Some(id) if !exhausted && scanned < SCAN_LIMIT => query.after = Some(id),
            Some(id) if !exhausted => return Ok((kept, Some(id.to_string()))),
            _ => return Ok((kept, None)),
        }
    }
}

/// The source a feed stream names (by id, or by its feed URL).
pub(crate) fn resolve_source(
    store: &dyn Store,
    stream: &StreamId,
) -> Result<Option<Source>, Error> {
    match stream {
        StreamId::Source(id) => Ok(store.source(*id)?),
        StreamId::FeedUrl(url) => {
            let Ok(url) = normalize_url(url) else {
                return Ok(None);
            };
            Ok(store.source_by_url(&url)?)
        }
        _ => Ok(None),
    }
}

/// The user's followed sources, in the order followed.
pub(crate) fn followed_sources(store: &dyn Store, user: i64) -> Result<Vec<Source>, Error> {
    let mut sources = Vec::new();
    for followed in store.subscriptions().follows(user)? {
        if let Follow::Source(id) = followed.follow
            && let Some(source) = store.source(id)?
        {
            sources.push(source);
        }
    }
    Ok(sources)
}

/// The followed sources filed under `label` (a source's category).
fn label_sources(store: &dyn Store, user: i64, label: &str) -> Result<HashSet<i64>, Error> {
    Ok(followed_sources(store, user)?
        .into_iter()
        .filter(|source| source.category.as_deref().map(str::trim) == Some(label.trim()))
        .map(|source| source.id)
        .collect())
}

/// `n`, within the limits.
fn count(params: &Params, limits: Limits) -> Result<usize, Error> {
    match params.get("n") {
        None => Ok(limits.default),
        Some(n) => n
            .trim()
            .parse::<usize>()
            .map(|n| n.clamp(1, limits.max))
            .map_err(|_| Error::BadRequest(format!("`n={n}` is not a count"))),
    }
}

/// `c`: the id of the last article of the previous page.
fn continuation(params: &Params) -> Result<Option<i64>, Error> {
    params
        .get("c")
        .map(|c| {
            c.trim()
                .parse::<i64>()
                .map_err(|_| Error::BadRequest(format!("`c={c}` is not a continuation")))
        })
        .transpose()
}

/// A time parameter in seconds since the epoch.
fn time(params: &Params, key: &str) -> Result<Option<DateTime<Utc>>, Error> {
    params
        .get(key)
        .map(|value| {
            value
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
                .ok_or_else(|| Error::BadRequest(format!("`{key}={value}` is not a time")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use tribune_store::SqliteStore;

    use super::*;

    const LIMITS: Limits = Limits {
        default: 20,
        max: 1000,
    };

    fn select(stream: &StreamId, pairs: &[(&str, &str)]) -> Result<Selection, Error> {
        let store = SqliteStore::open_in_memory().expect("a store");
        Selection::new(&store, 1, stream, &Params::from_pairs(pairs), LIMITS)
    }

    #[test]
    fn modifiers_become_the_store_query() {
        let selection = select(
            &StreamId::ReadingList,
            &[
                ("n", "5000"),
                ("r", "o"),
                ("c", "41"),
                ("xt", READ),
                ("it", STARRED),
                ("ot", "1700000000"),
            ],
        )
        .expect("a selection");
        let query = selection.query;
        assert!(query.followed_sources_only && query.unread_only && query.starred_only);
        assert!(query.oldest_first);
        assert_eq!(query.limit, 1000);
        assert_eq!(query.after, Some(41));
        assert_eq!(query.since.map(|t| t.timestamp()), Some(1_700_000_000));
        assert!(selection.store_filters_all());
    }

    #[test]
    fn read_and_starred_exclusions_are_filtered_here() {
        let read = select(&StreamId::Read, &[]).expect("a selection");
        assert!(!read.store_filters_all());
        let no_starred = select(&StreamId::ReadingList, &[("xt", STARRED)]).expect("a selection");
        assert!(!no_starred.store_filters_all());
        let contradiction = select(&StreamId::Read, &[("xt", READ)]).expect("a selection");
        assert!(contradiction.is_empty());
    }

    #[test]
    fn bad_modifiers_are_refused() {
        for pairs in [[("n", "x")], [("c", "abc")], [("ot", "yesterday")]] {
            assert!(select(&StreamId::ReadingList, &pairs).is_err(), "{pairs:?}");
        }
    }
}
