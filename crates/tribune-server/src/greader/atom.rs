//! `GET /reader/atom/{streamId}`: a stream as an Atom feed, the way
//! FeedHQ and the original Google Reader served it, for clients that read
//! feeds rather than JSON (newsboat's `feedhq` source type fetches every
//! subscription from here, as `/reader/atom/feed%2F12?n=20`).
//!
//! Each entry's `<id>` is the item's long-form id, which the client sends
//! back to `edit-tag`; its read state is a category in Google's scheme
//! labelled `read` or `fresh` (unread), which newsboat lets override its
//! own cache, so marks made elsewhere reach it on the next reload.

use std::io;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::auth::Call;
use super::ids::{FRESH, READ, READING_LIST, STARRED, StreamId};
use super::items::{Page, load_page};
use crate::feeds::{PublicBase, clean, link, rfc3339, text, typed_text};
use crate::{AppState, Error};

/// The category scheme Google Reader's Atom feeds used for states.
const SCHEME: &str = "http://www.google.com/reader/";

/// The Atom feed of a stream.
pub(crate) async fn stream(
    State(state): State<AppState>,
    Path(stream): Path<String>,
    base: PublicBase,
    call: Call,
) -> Result<Response, Error> {
    let stream = StreamId::parse(&stream)?;
    let Call { user, params, .. } = call;
    let self_base = base.clone();
    let page = state
        .blocking(move |store| load_page(store, user.id, &stream, &params, &base))
        .await?;
    let body = write(&page, &self_base)
        .map_err(|err| Error::Internal(format!("cannot write an Atom stream: {err}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            // One user's marks: no cache may keep or share it.
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response())
}

fn write(page: &Page, base: &PublicBase) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let updated = page
        .items
        .iter()
        .filter_map(|item| DateTime::from_timestamp(item.updated, 0))
        .max()
        .unwrap_or_else(Utc::now);
    w.create_element("feed")
        .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
        .write_inner_content(|w| {
            text(w, "id", &format!("tag:google.com,2005:reader/{}", page.id))?;
            typed_text(w, "title", "text", &page.title)?;
            text(w, "updated", &rfc3339(updated))?;
            let home = page.html_url.clone().unwrap_or_else(|| base.join("/"));
            link(w, "alternate", "text/html", &home)?;
            w.create_element("author")
                .write_inner_content(|w| text(w, "name", "Tribune"))?;
            if let Some(next) = &page.continuation {
                // Google Reader's paging element, for clients that follow it.
                w.create_element("gr:continuation")
                    .with_attribute(("xmlns:gr", SCHEME))
                    .write_text_content(BytesText::new(next))?;
            }
            for item in &page.items {
                w.create_element("entry").write_inner_content(|w| {
                    text(w, "id", &item.id)?;
                    typed_text(w, "title", "text", &item.title)?;
                    if let Some(published) = DateTime::from_timestamp(item.published, 0) {
                        text(w, "published", &rfc3339(published))?;
                    }
                    if let Some(updated) = DateTime::from_timestamp(item.updated, 0) {
                        text(w, "updated", &rfc3339(updated))?;
                    }
                    if let Some(alternate) = item.alternate.first() {
                        link(w, "alternate", "text/html", &alternate.href)?;
                    }
                    if !item.author.is_empty() {
                        w.create_element("author")
                            .write_inner_content(|w| text(w, "name", &item.author))?;
                    }
                    let (state, label) = if item.read {
                        (READ, "read")
                    } else {
                        (FRESH, "fresh")
                    };
                    category(w, state, label)?;
                    // States only: a folder called "read" must not read
                    // as the read state to a client matching labels.
                    category(w, READING_LIST, "reading-list")?;
                    if item.categories.iter().any(|c| c == STARRED) {
                        category(w, STARRED, "starred")?;
                    }
                    typed_text(w, "content", "html", &item.content.content)?;
                    w.create_element("source").write_inner_content(|w| {
                        text(
                            w,
                            "id",
                            &format!("tag:google.com,2005:reader/{}", item.origin.stream_id),
                        )?;
                        typed_text(w, "title", "text", &item.origin.title)?;
                        link(w, "alternate", "text/html", &item.origin.html_url)
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

fn category(w: &mut Writer<Vec<u8>>, term: &str, label: &str) -> io::Result<()> {
    w.create_element("category")
        .with_attributes([
            ("term", clean(term).as_str()),
            ("scheme", SCHEME),
            ("label", clean(label).as_str()),
        ])
        .write_empty()?;
    Ok(())
}
