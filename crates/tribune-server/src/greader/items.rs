//! Items, as the protocol's clients read them: `stream/contents`,
//! `stream/items/ids` and `stream/items/contents`.
//!
//! An item's content is the article's clean text as HTML, built escaped
//! and sanitised by [`crate::body`]: Tribune keeps no markup from sources,
//! so none can reach a client from here.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Serialize;
use tribune_store::{ArticleState, Source, Store, StoredArticle};

use super::auth::{Call, Params};
use super::ids::{
    FRESH, READ, READING_LIST, STARRED, StreamId, label_id, long_item_id, parse_item_id,
};
use super::stream::{self, Limits, Selection};
use crate::feeds::{PublicBase, web_url};
use crate::{AppState, Error};

/// `stream/contents` and the Atom streams: 20 items unless asked, at most
/// 1,000.
pub(crate) const CONTENT_LIMITS: Limits = Limits {
    default: 20,
    max: 1_000,
};

/// `stream/items/ids`: clients ask for thousands of ids to sync states.
const ID_LIMITS: Limits = Limits {
    default: 20,
    max: 5_000,
};

/// The most ids one `stream/items/contents` call may name.
const MAX_ITEMS_ASKED: usize = 1_000;

/// One item.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Item {
    /// The long-form id.
    pub id: String,
    /// When Tribune fetched it, in milliseconds.
    pub crawl_time_msec: String,
    /// The same in microseconds: what clients sort and page by.
    pub timestamp_usec: String,
    /// When it was published (its date), in seconds.
    pub published: i64,
    /// When it last changed, in seconds.
    pub updated: i64,
    /// The headline, plain text.
    pub title: String,
    /// Where it was published.
    pub canonical: Vec<Href>,
    /// The same, typed.
    pub alternate: Vec<TypedHref>,
    /// Its states and label.
    pub categories: Vec<String>,
    /// The feed it came from.
    pub origin: Origin,
    /// The text as HTML.
    pub summary: Content,
    /// The text as HTML.
    pub content: Content,
    /// The authors, comma-separated.
    pub author: String,
    /// Whether the user read it (for the Atom stream's labels).
    #[serde(skip)]
    pub read: bool,
}

/// A link.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Href {
    /// Where.
    pub href: String,
}

/// A link with its media type.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TypedHref {
    /// Where.
    pub href: String,
    /// `text/html`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// A body.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Content {
    /// Left to right (the protocol's default).
    pub direction: &'static str,
    /// HTML.
    pub content: String,
}

/// Where an item came from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Origin {
    /// `feed/<source id>`.
    pub stream_id: String,
    /// The source's name.
    pub title: String,
    /// The source's site.
    pub html_url: String,
}

/// The sources by id, to name each item's origin.
pub(crate) struct Origins(HashMap<i64, Source>);

impl Origins {
    pub(crate) fn load(store: &dyn Store) -> Result<Origins, Error> {
        Ok(Origins(
            store
                .sources()?
                .into_iter()
                .map(|source| (source.id, source))
                .collect(),
        ))
    }
}

/// The item for `article` with the user's `state` on it.
pub(crate) fn item(
    article: &StoredArticle,
    state: ArticleState,
    origins: &Origins,
    base: &PublicBase,
) -> Item {
    let link = [
        article.canonical_url.as_deref(),
        Some(article.origin.as_str()),
    ]
    .into_iter()
    .flatten()
    .find_map(web_url)
    .unwrap_or_else(|| base.join(&format!("/articles/{}", article.id)));
    let published = article
        .published
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc())
        .unwrap_or(article.fetched_at);
    let source = article.source_id.and_then(|id| origins.0.get(&id));
    let mut categories = vec![READING_LIST.to_string()];
    categories.push(if state.read { READ } else { FRESH }.to_string());
    if state.starred {
        categories.push(STARRED.to_string());
    }
    if let Some(category) = source.and_then(|s| s.category.as_deref()) {
        categories.push(label_id(category));
    }
    let origin = match source {
        Some(source) => Origin {
            stream_id: StreamId::Source(source.id).to_id(),
            title: source_title(source),
            html_url: source
                .site_url
                .clone()
                .unwrap_or_else(|| source.url.clone()),
        },
        // Articles read from files or pasted belong to no feed.
        None => Origin {
            stream_id: StreamId::Source(0).to_id(),
            title: article
                .site_name
                .clone()
                .unwrap_or_else(|| "Tribune".into()),
            html_url: base.join("/"),
        },
    };
    let html = crate::body::article_html(&article.text);
    Item {
        id: long_item_id(article.id),
        crawl_time_msec: article.fetched_at.timestamp_millis().to_string(),
        timestamp_usec: article.fetched_at.timestamp_micros().to_string(),
        published: published.timestamp(),
        updated: article.fetched_at.timestamp(),
        title: article
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "(untitled)".into()),
        canonical: vec![Href { href: link.clone() }],
        alternate: vec![TypedHref {
            href: link,
            kind: "text/html",
        }],
        categories,
        origin,
        summary: Content {
            direction: "ltr",
            content: html.clone(),
        },
        content: Content {
            direction: "ltr",
            content: html,
        },
        author: article.authors.join(", "),
        read: state.read,
    }
}

/// A source's name: its title, else its URL.
pub(crate) fn source_title(source: &Source) -> String {
    source
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| source.url.clone())
}

/// A page of a stream, ready to write.
pub(crate) struct Page {
    /// The stream's id.
    pub id: String,
    /// Its name.
    pub title: String,
    /// Its site, for a feed.
    pub html_url: Option<String>,
    /// The items.
    pub items: Vec<Item>,
    /// Where the next page starts.
    pub continuation: Option<String>,
}

/// A page of `stream` for `user`.
pub(crate) fn load_page(
    store: &dyn Store,
    user: i64,
    stream: &StreamId,
    params: &Params,
    base: &PublicBase,
) -> Result<Page, Error> {
    let selection = Selection::new(store, user, stream, params, CONTENT_LIMITS)?;
    let (articles, continuation) = stream::page(store, user, &selection)?;
    let origins = Origins::load(store)?;
    let source = stream::resolve_source(store, stream)?;
    let title = match (&source, stream) {
        (Some(source), _) => source_title(source),
        (None, StreamId::ReadingList) => "Reading list".into(),
        (None, StreamId::Starred) => "Starred items".into(),
        (None, StreamId::Read) => "Read items".into(),
        (None, StreamId::Label(label)) => label.clone(),
        (None, other) => other.to_id(),
    };
    Ok(Page {
        id: stream.to_id(),
        title,
        html_url: source.map(|s| s.site_url.unwrap_or(s.url)),
        items: articles
            .iter()
            .map(|a| item(&a.article, a.state, &origins, base))
            .collect(),
        continuation,
    })
}

#[derive(Serialize)]
struct StreamJson {
    direction: &'static str,
    id: String,
    title: String,
    author: String,
    updated: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    alternate: Option<[TypedHref; 1]>,
    items: Vec<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    continuation: Option<String>,
}

/// `GET /reader/api/0/stream/contents/{streamId}`.
pub(crate) async fn contents_of(
    State(state): State<AppState>,
    Path(stream): Path<String>,
    base: PublicBase,
    call: Call,
) -> Result<Response, Error> {
    contents(state, stream, base, call).await
}

/// `GET /reader/api/0/stream/contents?s={streamId}` (the reading list
/// without `s`).
pub(crate) async fn contents_by_param(
    State(state): State<AppState>,
    base: PublicBase,
    call: Call,
) -> Result<Response, Error> {
    let stream = call.params.get("s").unwrap_or(READING_LIST).to_string();
    contents(state, stream, base, call).await
}

async fn contents(
    state: AppState,
    stream: String,
    base: PublicBase,
    call: Call,
) -> Result<Response, Error> {
    let stream = StreamId::parse(&stream)?;
    let Call { user, params, .. } = call;
    let id = user.id;
    let page = state
        .blocking(move |store| load_page(store, id, &stream, &params, &base))
        .await?;
    Ok(Json(StreamJson {
        direction: "ltr",
        id: page.id,
        title: page.title,
        author: user.name,
        updated: Utc::now().timestamp(),
        alternate: page.html_url.map(|href| {
            [TypedHref {
                href,
                kind: "text/html",
            }]
        }),
        items: page.items,
        continuation: page.continuation,
    })
    .into_response())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemRef {
    id: String,
    timestamp_usec: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdsJson {
    item_refs: Vec<ItemRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    continuation: Option<String>,
}

/// `GET /reader/api/0/stream/items/ids?s={streamId}`: ids in the short
/// (decimal) form.
pub(crate) async fn ids(State(state): State<AppState>, call: Call) -> Result<Response, Error> {
    let stream = StreamId::parse(call.params.get("s").unwrap_or(READING_LIST))?;
    let Call { user, params, .. } = call;
    let (articles, continuation) = state
        .blocking(move |store| {
            let selection = Selection::new(store, user.id, &stream, &params, ID_LIMITS)?;
            stream::page(store, user.id, &selection)
        })
        .await?;
    Ok(Json(IdsJson {
        item_refs: articles
            .iter()
            .map(|a| ItemRef {
                id: a.article.id.to_string(),
                timestamp_usec: a.article.fetched_at.timestamp_micros().to_string(),
            })
            .collect(),
        continuation,
    })
    .into_response())
}

/// `POST /reader/api/0/stream/items/contents` (`i=…` repeated, in either
/// id form): the items asked for, in the order asked; unknown ids are
/// left out.
pub(crate) async fn contents_of_items(
    State(state): State<AppState>,
    base: PublicBase,
    call: Call,
) -> Result<Response, Error> {
    let asked = item_ids(&call.params)?;
    let Call { user, .. } = call;
    let name = user.name.clone();
    let items = state
        .blocking(move |store| {
            let states = store.subscriptions().states(user.id, &asked)?;
            let origins = Origins::load(store)?;
            let mut items = Vec::with_capacity(asked.len());
            for id in asked {
                if let Some(article) = store.article(id)? {
                    let state = states.get(&id).copied().unwrap_or_default();
                    items.push(item(&article, state, &origins, &base));
                }
            }
            Ok(items)
        })
        .await?;
    Ok(Json(StreamJson {
        direction: "ltr",
        id: READING_LIST.into(),
        title: "Reading list".into(),
        author: name,
        updated: Utc::now().timestamp(),
        alternate: None,
        items,
        continuation: None,
    })
    .into_response())
}

/// The `i` parameters, read and without repeats; at least one.
pub(crate) fn item_ids(params: &Params) -> Result<Vec<i64>, Error> {
    let mut ids = Vec::new();
    for raw in params.all("i") {
        let id = parse_item_id(raw)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() > MAX_ITEMS_ASKED {
            return Err(Error::BadRequest(format!(
                "at most {MAX_ITEMS_ASKED} items per call"
            )));
        }
    }
    if ids.is_empty() {
        return Err(Error::BadRequest("no items named (`i=`)".into()));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_escaped_paragraphs() {
        let html = crate::body::article_html("First <b>line</b> & more\n\n  \nSecond line");
        assert_eq!(
            html,
            "<p>First &lt;b&gt;line&lt;/b&gt; &amp; more</p>\n<p>Second line</p>\n"
        );
    }

    #[test]
    fn repeated_ids_are_asked_once() {
        let params = Params::from_pairs(&[("i", "5"), ("i", &long_item_id(5)), ("i", "7")]);
        assert_eq!(item_ids(&params).ok(), Some(vec![5, 7]));
        assert!(item_ids(&Params::default()).is_err());
        assert!(item_ids(&Params::from_pairs(&[("i", "nope")])).is_err());
    }
}
