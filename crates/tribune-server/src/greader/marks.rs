//! Read and starred marks: `edit-tag` and `mark-all-as-read`. Marks are
//! the calling user's own; articles are the desk's, so any article can be
//! marked, and no one else's marks change.

use axum::extract::State;
use axum::response::Response;
use chrono::DateTime;
use tribune_store::{StateChange, StreamQuery};

use super::auth::{Call, text};
use super::ids::StreamId;
use super::items::item_ids;
use super::stream::{Limits, Selection};
use crate::{AppState, Error};

/// `POST /reader/api/0/edit-tag`: `a=` tags to add and `r=` tags to
/// remove on the items `i=…`; "read", "kept-unread" and "starred" are
/// kept, other tags (broadcast, like, labels) are ignored, as Miniflux
/// does.
pub(crate) async fn edit_tag(State(state): State<AppState>, call: Call) -> Result<Response, Error> {
    let ids = item_ids(&call.params)?;
    let change = change(
        call.params.all("a").map(StreamId::parse),
        call.params.all("r").map(StreamId::parse),
    )?;
    let user = call.user.id;
    if change != StateChange::default() {
        let count = ids.len();
        state
            .blocking(move |store| Ok(store.subscriptions().mark(user, &ids, change)?))
            .await?;
        tracing::debug!(
            user,
            items = count,
            ?change,
            "marks changed (Google Reader API)"
        );
    }
    Ok(text("OK".into()))
}

/// What adding `added` and removing `removed` changes; contradictory
/// tags (read and kept-unread added together) are refused.
fn change(
    added: impl Iterator<Item = Result<StreamId, Error>>,
    removed: impl Iterator<Item = Result<StreamId, Error>>,
) -> Result<StateChange, Error> {
    let mut change = StateChange::default();
    let set = |slot: &mut Option<bool>, value: bool, name: &str| match slot {
        Some(existing) if *existing != value => Err(Error::BadRequest(format!(
            "contradictory tags for `{name}`"
        ))),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    };
    for (tags, adding) in [
        (added.collect::<Result<Vec<_>, _>>()?, true),
        (removed.collect::<Result<Vec<_>, _>>()?, false),
    ] {
        for tag in tags {
            match tag {
                StreamId::Read => set(&mut change.read, adding, "read")?,
                StreamId::KeptUnread => set(&mut change.read, !adding, "read")?,
                StreamId::Starred => set(&mut change.starred, adding, "starred")?,
                other => tracing::debug!(tag = %other.to_id(), "a tag Tribune does not keep"),
            }
        }
    }
    Ok(change)
}

/// `POST /reader/api/0/mark-all-as-read`: `s=` the stream, `ts=` (in
/// microseconds) the time before which items are marked, now by default.
pub(crate) async fn mark_all_read(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, Error> {
    let stream = StreamId::parse(
        call.params
            .get("s")
            .ok_or_else(|| Error::BadRequest("no stream named (`s=`)".into()))?,
    )?;
    let until = match call.params.get("ts") {
        None => None,
        Some(ts) => Some(
            ts.trim()
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(|| Error::BadRequest(format!("`ts={ts}` is not a time")))?,
        ),
    };
    let Call { user, params, .. } = call;
    let user_id = user.id;
    let marked = state
        .blocking(move |store| {
            let limits = Limits { default: 1, max: 1 };
            let selection = Selection::new(store, user.id, &stream, &params, limits)?;
            if selection.is_empty() || stream == StreamId::Read {
                return Ok(0);
            }
            let base = StreamQuery {
                until: until.or_else(|| Some(chrono::Utc::now())),
                after: None,
                ..selection.query
            };
            let subscriptions = store.subscriptions();
            match selection.sources() {
                // A label: each of its sources.
                Some(sources) => {
                    let mut marked = 0;
                    for source in sources {
                        let query = StreamQuery {
                            source_id: Some(*source),
                            ..base
                        };
                        marked += subscriptions.mark_all_read(user.id, &query)?;
                    }
                    Ok(marked)
                }
                None => Ok(subscriptions.mark_all_read(user.id, &base)?),
            }
        })
        .await?;
    tracing::debug!(
        user = user_id,
        marked,
        "all marked read (Google Reader API)"
    );
    Ok(text("OK".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::greader::ids::{READ, STARRED};

    fn parse(tags: &[&str]) -> Vec<Result<StreamId, Error>> {
        tags.iter().map(|t| StreamId::parse(t)).collect()
    }

    #[test]
    fn tags_become_mark_changes() {
        // newsboat marking read, then unread.
        let read = change(
            parse(&[READ]).into_iter(),
            parse(&["user/-/state/com.google/kept-unread"]).into_iter(),
        )
        .expect("a change");
        assert_eq!(read.read, Some(true));
        assert_eq!(read.starred, None);
        let unread = change(
            parse(&[
                "user/-/state/com.google/kept-unread",
                "user/-/state/com.google/tracking-kept-unread",
            ])
            .into_iter(),
            parse(&[READ]).into_iter(),
        )
        .expect("a change");
        assert_eq!(unread.read, Some(false));
        let star = change(parse(&[STARRED]).into_iter(), std::iter::empty()).expect("a change");
        assert_eq!(star.starred, Some(true));
        assert!(
            change(
                parse(&[READ, "user/-/state/com.google/kept-unread"]).into_iter(),
                std::iter::empty()
            )
            .is_err()
        );
    }
}
