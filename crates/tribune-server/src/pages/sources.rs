//! `/sources`: the feeds and pages being followed, with their health; adding
//! one (its feed discovered as `tribune source add` does), removing one,
//! and OPML import and export.
//!
//! Forms answer with a redirect back to `/sources` carrying what happened
//! (Post/Redirect/Get), so reloading never posts twice; a source that
//! cannot be added shows the page again with the reason and the URL kept
//! in the field.
//!
//! Who may change the sources is `accounts::policy`'s to say: anyone while
//! the instance has no accounts; then signed-in users add (and follow what
//! they add), and admins remove. Signed-in readers get follow buttons.

use std::collections::HashSet;

use askama::Template;
use axum::extract::multipart::MultipartError;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tribune_ingest::fetch::normalize_url;
use tribune_ingest::{discover, opml, schedule};
use tribune_store::{Follow, NewSource, Source, Store};

use super::story::parse_id;
use super::{PageError, PageResult, machine_time, page, plural, same_origin, see_other, when};
use crate::accounts::nav::Nav;
use crate::accounts::policy::{self, SourceChange};
use crate::accounts::{CurrentUser, MaybeUser};
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
    /// Whether the signed-in reader follows it.
    pub followed: bool,
}

/// What the visitor may do on the page.
#[derive(Debug, Default)]
pub(crate) struct Rights {
    /// The session's CSRF token, for the forms.
    pub csrf: String,
    /// Signed in: follow buttons.
    pub signed_in: bool,
    /// May add and import.
    pub add: bool,
    /// May remove.
    pub remove: bool,
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
    nav: Nav,
    rights: Rights,
}

/// The sources, and which of them `user` follows.
async fn sources_for(
    state: &AppState,
    user: Option<&CurrentUser>,
) -> Result<(Vec<Source>, HashSet<i64>, bool), Error> {
    let reader = user.map(|u| u.user.id);
    state
        .blocking(move |store| {
            let followed = match reader {
                Some(reader) => store
                    .subscriptions()
                    .follows(reader)?
                    .into_iter()
                    .filter_map(|f| match f.follow {
                        Follow::Source(id) => Some(id),
                        _ => None,
                    })
                    .collect(),
                None => HashSet::new(),
            };
            let has_users = store.accounts().count_users()? > 0;
            Ok((store.sources()?, followed, has_users))
        })
        .await
}

fn rights(user: Option<&CurrentUser>, has_users: bool) -> Rights {
    Rights {
        csrf: user.map(|u| u.csrf_token().to_string()).unwrap_or_default(),
        signed_in: user.is_some(),
        add: !has_users || user.is_some(),
        remove: !has_users || user.is_some_and(|u| u.user.is_admin),
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(notice): Query<Notice>,
) -> PageResult {
    let (sources, followed, has_users) = sources_for(&state, user.as_ref()).await?;
    let message = notice_text(&notice, &sources);
    Ok(page(
        StatusCode::OK,
        &sources_page(
            sources,
            &followed,
            message,
            None,
            String::new(),
            user.as_ref(),
            has_users,
        ),
    ))
}

fn sources_page(
    sources: Vec<Source>,
    followed: &HashSet<i64>,
    message: Option<String>,
    error: Option<String>,
    url: String,
    user: Option<&CurrentUser>,
    has_users: bool,
) -> SourcesPage {
    let now = Utc::now();
    SourcesPage {
        nav: Nav::of(user),
        rights: rights(user, has_users),
        title: "Sources".into(),
        sources: sources
            .into_iter()
            .map(|s| SourceRow {
                followed: followed.contains(&s.id),
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
    csrf: Option<String>,
}

pub(crate) async fn add(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Form(form): Form<AddForm>,
) -> PageResult {
    same_origin(&headers)?;
    let user = user.as_ref();
    if let (Some(signed_in), None) = (user, &form.csrf) {
        // A form without its token (the front page's starter buttons are
        // the same for everyone) adds nothing; the page asks again, with
        // the address filled in and this session's token.
        let refusal = signed_in.check_csrf(None).err();
        if let Some(refusal) = refusal {
            let (sources, followed, has_users) = sources_for(&state, user).await?;
            return Ok(page(
                refusal.status(),
                &sources_page(
                    sources,
                    &followed,
                    None,
                    Some("Confirm: press Follow to add this source.".into()),
                    form.url.trim().to_string(),
                    user,
                    has_users,
                ),
            ));
        }
    }
    policy::may_change_sources(&state, user, form.csrf.as_deref(), SourceChange::Add).await?;
    let given = form.url.trim().to_string();
    let url = match normalize_url(&given) {
        Ok(url) => url,
        Err(_) => {
            return failed(
                &state,
                user,
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
            return failed(&state, user, format!("Could not read {url}: {err}"), given).await;
        }
    };
    let source = NewSource {
        url: found.url,
        title: found.title,
        site_url: found.site_url,
        category: None,
    };
    let follower = user.map(|u| u.user.id);
    let (stored, added) = state
        .blocking(move |store| {
            let (stored, added) = store.add_source(&source)?;
            // Who adds a source wants its news on their front page.
            if let Some(follower) = follower {
                store
                    .subscriptions()
                    .follow(follower, &Follow::Source(stored.id))?;
            }
            Ok((stored, added))
        })
        .await?;
    if added {
        state.poll_soon();
        Ok(see_other(&format!("/sources?added={}", stored.id)))
    } else {
        Ok(see_other(&format!("/sources?following={}", stored.id)))
    }
}

/// The sources page again, with why the form failed and what was typed.
async fn failed(
    state: &AppState,
    user: Option<&CurrentUser>,
    error: String,
    url: String,
) -> PageResult {
    let (sources, followed, has_users) = sources_for(state, user).await?;
    Ok(page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &sources_page(sources, &followed, None, Some(error), url, user, has_users),
    ))
}

/// A form carrying only its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CsrfForm {
    csrf: Option<String>,
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    same_origin(&headers)?;
    // Without accounts the form is empty and needs no token; an unreadable
    // body is then the same as an empty one.
    let form = form.map(|Form(form)| form).unwrap_or_default();
    policy::may_change_sources(
        &state,
        user.as_ref(),
        form.csrf.as_deref(),
        SourceChange::Remove,
    )
    .await?;
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
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> PageResult {
    same_origin(&headers)?;
    let user = user.as_ref();
    // Refused before the upload is read when no one could be allowed.
    if user.is_none() {
        policy::may_change_sources(&state, None, None, SourceChange::Add).await?;
    }
    // The file if one was chosen, else the pasted text.
    let mut file: Vec<u8> = Vec::new();
    let mut pasted = String::new();
    let mut csrf = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return unreadable(&state, user, &err).await,
        };
        let name = field.name().unwrap_or_default().to_string();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(err) => return unreadable(&state, user, &err).await,
        };
        match name.as_str() {
            "file" => file = bytes.to_vec(),
            "opml" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
            "csrf" => csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    policy::may_change_sources(&state, user, csrf.as_deref(), SourceChange::Add).await?;
    let bytes = if file.iter().any(|b| !b.is_ascii_whitespace()) {
        file
    } else {
        pasted.into_bytes()
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return failed(
            &state,
            user,
            "Choose an OPML file or paste its text to import.".into(),
            String::new(),
        )
        .await;
    }
    let feeds = match opml::parse(&bytes) {
        Ok(feeds) => feeds,
        Err(err) => {
            return failed(
                &state,
                user,
                format!("Could not import: {err}"),
                String::new(),
            )
            .await;
        }
    };
    let follower = user.map(|u| u.user.id);
    let (added, present, skipped) = state
        .blocking(move |store| {
            let (mut added, mut present, mut skipped) = (0, 0, 0);
            for feed in feeds {
                let Ok(url) = normalize_url(&feed.url) else {
                    skipped += 1;
                    continue;
                };
                let (stored, new) = store.add_source(&NewSource {
                    url,
                    title: feed.title,
                    site_url: feed.site_url,
                    category: feed.category,
                })?;
                if let Some(follower) = follower {
                    store
                        .subscriptions()
                        .follow(follower, &Follow::Source(stored.id))?;
                }
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

/// The sources page again after an upload that could not be read: 413
/// when it is larger than an import may be, 400 when it is malformed.
async fn unreadable(
    state: &AppState,
    user: Option<&CurrentUser>,
    err: &MultipartError,
) -> PageResult {
    let (status, error) = if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The upload is larger than {} MiB; import the list in parts.",
                super::IMPORT_LIMIT >> 20
            ),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            format!("The upload could not be read: {}", err.body_text()),
        )
    };
    let (sources, followed, has_users) = sources_for(state, user).await?;
    Ok(page(
        status,
        &sources_page(
            sources,
            &followed,
            None,
            Some(error),
            String::new(),
            user,
            has_users,
        ),
    ))
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
