//! `/sources`: the feeds and pages being followed, with their health; adding
//! one (its feed discovered as `tribune source add` does), removing one,
//! and OPML import and export.
//!
//! Forms answer with a redirect back to `/sources` carrying what happened
//! (Post/Redirect/Get), so reloading never posts twice; a source that
//! cannot be added shows the page again with the reason and the URL kept
//! in the field.

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tribune_ingest::fetch::normalize_url;
use tribune_ingest::{discover, opml, schedule};
use tribune_store::{NewSource, Source, Store};

use super::story::parse_id;
use super::{PageError, PageResult, machine_time, page, plural, same_origin, see_other, when};
use crate::{AppState, Error};

/// What the redirect after a form says happened.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Notice {
    added: Option<i64>,
    following: Option<i64>,
    removed: Option<i64>,
    imported: Option<usize>,
    present: Option<usize>,
    skipped: Option<usize>,
}

/// One source as listed.
pub(crate) struct SourceRow {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub site_url: Option<String>,
    /// ok, new, failing or broken.
    pub status: &'static str,
    pub articles: i64,
    pub last_fetch: String,
    pub last_fetch_iso: String,
    pub next_poll: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    title: String,
    sources: Vec<SourceRow>,
    /// A success message.
    message: Option<String>,
    /// Why the last form failed.
    error: Option<String>,
    /// The URL field's value (kept after a failure).
    url: String,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Query(notice): Query<Notice>,
) -> PageResult {
    let sources = state.blocking(|store| Ok(store.sources()?)).await?;
    let message = notice_text(&notice, &sources);
    Ok(page(
        StatusCode::OK,
        &sources_page(sources, message, None, String::new()),
    ))
}

fn sources_page(
    sources: Vec<Source>,
    message: Option<String>,
    error: Option<String>,
    url: String,
) -> SourcesPage {
    let now = Utc::now();
    SourcesPage {
        title: "Sources".into(),
        sources: sources
            .into_iter()
            .map(|s| SourceRow {
                id: s.id,
                name: s.title.clone().unwrap_or_else(|| s.url.clone()),
                status: schedule::status(&s),
                articles: s.article_count,
                last_fetch: s.polled_at.map_or_else(|| "never".into(), when),
                last_fetch_iso: s.polled_at.map(machine_time).unwrap_or_default(),
                next_poll: if s.next_poll_at <= now {
                    "due now".into()
                } else {
                    when(s.next_poll_at)
                },
                error: s.last_error.clone(),
                site_url: s.site_url.as_deref().and_then(super::web_url),
                url: s.url,
            })
            .collect(),
        message,
        error,
        url,
    }
}

fn notice_text(notice: &Notice, sources: &[Source]) -> Option<String> {
    let name = |id: i64| {
        sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.clone().unwrap_or_else(|| s.url.clone()))
    };
    if let Some(id) = notice.added {
        let name = name(id)?;
        return Some(format!("Added {name}. Its news is being fetched now."));
    }
    if let Some(id) = notice.following {
        return Some(format!("Already following {}.", name(id)?));
    }
    if notice.removed.is_some() {
        return Some("Source removed; the articles it brought stay.".into());
    }
    if let Some(added) = notice.imported {
        return Some(format!(
            "Imported: {} added, {} already followed, {} skipped (not http or https).",
            plural(added, "source"),
            notice.present.unwrap_or(0),
            notice.skipped.unwrap_or(0)
        ));
    }
    None
}

/// The add form.
#[derive(Debug, Deserialize)]
pub(crate) struct AddForm {
    #[serde(default)]
    url: String,
}

pub(crate) async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AddForm>,
) -> PageResult {
    same_origin(&headers)?;
    let given = form.url.trim().to_string();
    let url = match normalize_url(&given) {
        Ok(url) => url,
        Err(_) => {
            return failed(
                &state,
                format!(
                    "“{given}” is not a web address. Give the feed's or the site's full \
                     address, such as https://example.com/rss."
                ),
                given,
            )
            .await;
        }
    };
    let found = match discover::find_feed(state.fetcher(), &url).await {
        Ok(found) => found,
        Err(err) => {
            return failed(&state, format!("Could not read {url}: {err}"), given).await;
        }
    };
    let source = NewSource {
        url: found.url,
        title: found.title,
        site_url: found.site_url,
        category: None,
    };
    let (stored, added) = state
        .blocking(move |store| Ok(store.add_source(&source)?))
        .await?;
    if added {
        state.poll_soon();
        Ok(see_other(&format!("/sources?added={}", stored.id)))
    } else {
        Ok(see_other(&format!("/sources?following={}", stored.id)))
    }
}

/// The sources page again, with why the form failed and what was typed.
async fn failed(state: &AppState, error: String, url: String) -> PageResult {
    let sources = state.blocking(|store| Ok(store.sources()?)).await?;
    Ok(page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &sources_page(sources, None, Some(error), url),
    ))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    same_origin(&headers)?;
    let id = parse_id(&id, "source")?;
    let removed = state
        .blocking(move |store| Ok(store.remove_source(id)?))
        .await?;
    if !removed {
        return Err(PageError(Error::NotFound(format!(
            "There is no source {id}."
        ))));
    }
    Ok(see_other(&format!("/sources?removed={id}")))
}

pub(crate) async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> PageResult {
    same_origin(&headers)?;
    // The file if one was chosen, else the pasted text.
    let mut file: Vec<u8> = Vec::new();
    let mut pasted = String::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|err| Error::BadRequest(format!("The upload could not be read: {err}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|err| Error::BadRequest(format!("The upload could not be read: {err}")))?;
        match name.as_str() {
            "file" => file = bytes.to_vec(),
            "opml" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    let bytes = if file.iter().any(|b| !b.is_ascii_whitespace()) {
        file
    } else {
        pasted.into_bytes()
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return failed(
            &state,
            "Choose an OPML file or paste its text to import.".into(),
            String::new(),
        )
        .await;
    }
    let feeds = match opml::parse(&bytes) {
        Ok(feeds) => feeds,
        Err(err) => {
            return failed(&state, format!("Could not import: {err}"), String::new()).await;
        }
    };
    let (added, present, skipped) = state
        .blocking(move |store| {
            let (mut added, mut present, mut skipped) = (0, 0, 0);
            for feed in feeds {
                let Ok(url) = normalize_url(&feed.url) else {
                    skipped += 1;
                    continue;
                };
                let (_, new) = store.add_source(&NewSource {
                    url,
                    title: feed.title,
                    site_url: feed.site_url,
                    category: feed.category,
                })?;
                if new {
                    added += 1;
                } else {
                    present += 1;
                }
            }
            Ok((added, present, skipped))
        })
        .await?;
    if added > 0 {
        state.poll_soon();
    }
    Ok(see_other(&format!(
        "/sources?imported={added}&present={present}&skipped={skipped}"
    )))
}

pub(crate) async fn export(State(state): State<AppState>) -> Result<Response, PageError> {
    let sources = state
        .blocking(|store: &dyn Store| Ok(store.sources()?))
        .await?;
    let feeds: Vec<opml::OpmlFeed> = sources
        .into_iter()
        .map(|s| opml::OpmlFeed {
            url: s.url,
            title: s.title,
            site_url: s.site_url,
            category: s.category,
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/x-opml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tribune-sources.opml\"",
            ),
        ],
        opml::write("Tribune sources", &feeds),
    )
        .into_response())
}
