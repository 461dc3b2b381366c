//! `/articles/{id}`: one article's clean text, where it came from (its
//! provenance, byline, date, source), and its copies or original; for a
//! signed-in reader, their read and starred marks, changed by posting to
//! `/articles/{id}/state`.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use tribune_store::{ArticleState, StateChange, Store};

use super::story::parse_id;
use super::{
    PageError, PageResult, machine_time, outlet, page, same_origin, see_other, web_url, when,
};
use crate::accounts::MaybeUser;
use crate::accounts::nav::Nav;
use crate::accounts::signed_in::SignedIn;
use crate::{AppState, Error};

/// A signed-in reader's marks on the article, and the token their forms
/// carry.
pub(crate) struct Marks {
    pub read: bool,
    pub starred: bool,
    pub csrf: String,
}

/// Another member of the article's copy group.
pub(crate) struct Sibling {
    pub id: i64,
    pub title: String,
    pub outlet: String,
    pub is_original: bool,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    id: i64,
    title: String,
    outlet: String,
    authors: String,
    published: Option<String>,
    fetched: String,
    fetched_iso: String,
    /// The source URL, only when it is http(s).
    source_url: Option<String>,
    /// The origin when it is not a link (a file path).
    origin: String,
    /// The text as HTML, built and sanitised by [`crate::body`].
    body_html: String,
    /// Provenance, as (label, value) rows.
    provenance: Vec<(&'static str, String)>,
    story: Option<(i64, String)>,
    /// Whether this article is its copy group's original.
    is_original: bool,
    siblings: Vec<Sibling>,
    nav: Nav,
    /// The reader's marks, when signed in.
    marks: Option<Marks>,
}

pub(crate) async fn article(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id, "article")?;
    let reader = user.as_ref().map(|u| u.user.id);
    let (mut data, marks) = state
        .blocking(move |store| {
            let data = article_page(store, id)?;
            let marks = match reader {
                Some(reader) => Some(
                    store
                        .subscriptions()
                        .states(reader, &[id])?
                        .remove(&id)
                        .unwrap_or_default(),
                ),
                None => None,
            };
            Ok((data, marks))
        })
        .await?;
    data.nav = Nav::of(user.as_ref());
    data.marks = match (marks, &user) {
        (Some(ArticleState { read, starred }), Some(user)) => Some(Marks {
            read,
            starred,
            csrf: user.csrf_token().to_string(),
        }),
        _ => None,
    };
    Ok(page(StatusCode::OK, &data))
}

/// The mark form: `read` or `starred`, each `true` or `false`.
#[derive(Debug, Deserialize)]
pub(crate) struct MarkForm {
    #[serde(default)]
    csrf: String,
    read: Option<String>,
    starred: Option<String>,
}

fn flag(value: Option<&str>) -> Result<Option<bool>, Error> {
    match value {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(Error::BadRequest(format!(
            "A mark is true or false, not “{other}”."
        ))),
    }
}

pub(crate) async fn mark(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<MarkForm>,
) -> PageResult {
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let id = parse_id(&id, "article")?;
    let change = StateChange {
        read: flag(form.read.as_deref())?,
        starred: flag(form.starred.as_deref())?,
    };
    let reader = user.user.id;
    let found = state
        .blocking(move |store| Ok(store.subscriptions().mark(reader, &[id], change)?))
        .await?;
    if found == 0 {
        return Err(PageError(Error::NotFound(format!(
            "There is no article {id}."
        ))));
    }
    Ok(see_other(&format!("/articles/{id}")))
}

fn article_page(store: &dyn Store, id: i64) -> Result<ArticlePage, Error> {
    let article = store
        .article(id)?
        .ok_or_else(|| Error::NotFound(format!("There is no article {id}.")))?;
    let mut story = None;
    let mut siblings = Vec::new();
    let mut is_original = false;
    if let Some((group, story_id)) = store.placement(id)? {
        if let Some(summary) = store.story(story_id)? {
            story = Some((summary.id, summary.label));
        }
        for member in store.group_articles(group)? {
            if member.id == id {
                is_original = member.is_original;
                continue;
            }
            siblings.push(Sibling {
                id: member.id,
                title: member.title.clone().unwrap_or_else(|| "(untitled)".into()),
                outlet: outlet(member.site_name.as_deref(), &member.origin),
                is_original: member.is_original,
            });
        }
        siblings.sort_by_key(|s| !s.is_original);
    }
    let p = &article.provenance;
    let mut provenance: Vec<(&'static str, String)> = Vec::new();
    let mut row = |label: &'static str, value: Option<&String>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            provenance.push((label, value.clone()));
        }
    };
    row("Originally published by", p.original_publisher.as_ref());
    row("Original title", p.original_title.as_ref());
    row("Republished by", p.republisher.as_ref());
    row("Byline", p.byline.as_ref());
    if !p.contributors.is_empty() {
        provenance.push(("Contributors", p.contributors.join(", ")));
    }
    if !p.agencies.is_empty() {
        provenance.push(("Agencies", p.agencies.join(", ")));
    }
    let source_url =
        web_url(&article.origin).or_else(|| article.canonical_url.as_deref().and_then(web_url));
    Ok(ArticlePage {
        id,
        title: article.title.clone().unwrap_or_else(|| "(untitled)".into()),
        outlet: outlet(article.site_name.as_deref(), &article.origin),
        authors: article.authors.join(", "),
        published: article.published.map(|d| d.format("%-d %B %Y").to_string()),
        fetched: when(article.fetched_at),
        fetched_iso: machine_time(article.fetched_at),
        origin: if source_url.is_some() {
            String::new()
        } else {
            article.origin.clone()
        },
        source_url,
        body_html: crate::body::article_html(&article.text),
        provenance,
        story,
        is_original,
        siblings,
        nav: Nav::anonymous(),
        marks: None,
    })
}
