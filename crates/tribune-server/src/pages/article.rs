//! `/articles/{id}`: one article's clean text, where it came from (its
//! provenance, byline, date, source), and its copies or original.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use tribune_store::Store;

use super::story::parse_id;
use super::{PageResult, machine_time, outlet, page, paragraphs, web_url, when};
use crate::{AppState, Error};

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
    paragraphs: Vec<String>,
    /// Provenance, as (label, value) rows.
    provenance: Vec<(&'static str, String)>,
    story: Option<(i64, String)>,
    /// Whether this article is its copy group's original.
    is_original: bool,
    siblings: Vec<Sibling>,
}

pub(crate) async fn article(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "article")?;
    let data = state.blocking(move |store| article_page(store, id)).await?;
    Ok(page(StatusCode::OK, &data))
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
        for member in store.story_articles(story_id)? {
            if member.copy_group != group {
                continue;
            }
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
        paragraphs: paragraphs(&article.text),
        provenance,
        story,
        is_original,
        siblings,
    })
}
