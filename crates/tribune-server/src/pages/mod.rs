//! The reader for people: server-rendered HTML pages that need no
//! JavaScript: the front page of active stories, a story with every
//! outlet's coverage, its quotes and timeline, an article with its
//! provenance and copies, search, and the sources being followed.
//!
//! Pages are askama templates (in `templates/`, compiled in, every value
//! escaped). Every page answer, errors included, goes through `page`,
//! which sets a Content-Security-Policy allowing nothing but this site's
//! own stylesheet: there is no script to allow.

mod article;
pub(crate) mod cache;
mod front;
mod search;
mod sources;
mod story;
#[cfg(test)]
mod tests;

use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};

use crate::{AppState, Error};

/// The stylesheet, served from `/static/tribune.css`.
const CSS: &str = include_str!("../../templates/tribune.css");

/// Nothing but this site's own stylesheet, forms posting back here, and no
/// framing: the pages carry no script, so none is allowed.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The largest OPML upload.
const IMPORT_LIMIT: usize = 8 << 20;

/// The routes of the reader's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(front::front))
        .route("/stories/{id}", get(story::story))
        .route("/articles/{id}", get(article::article))
        .route("/articles/{id}/state", post(article::mark))
        .route("/search", get(search::search))
        .route("/sources", get(sources::list).post(sources::add))
        .route("/sources/{id}/delete", post(sources::remove))
        .route(
            "/sources/import",
            // OPML files of big subscription lists outgrow the 1 MiB every
            // other form is held to.
            post(sources::import).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/sources.opml", get(sources::export))
        .route("/static/tribune.css", get(stylesheet))
        .fallback(not_found)
}

/// A rendered page with the headers every page carries.
pub(crate) fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => with_headers(status, html),
        Err(err) => render_failed(&err),
    }
}

/// A 200 page rendered to be kept by the [`cache`]; a failed render is
/// answered once, as [`page`] answers it.
pub(crate) fn keepable(template: &impl Template) -> cache::Made {
    match template.render() {
        Ok(html) => cache::Made::Keep(html),
        Err(err) => cache::Made::Once(render_failed(&err)),
    }
}

fn render_failed(err: &askama::Error) -> Response {
    tracing::error!(error = %err, "a page failed to render");
    with_headers(
        StatusCode::INTERNAL_SERVER_ERROR,
        "<!doctype html><title>Error</title><p>This page could not be shown.</p>",
    )
}

/// Rendered HTML, made or kept (see [`cache`]), with the page headers.
pub(crate) fn with_headers(status: StatusCode, html: impl Into<Body>) -> Response {
    let mut response = Response::new(html.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    message: String,
}

/// The page for a request that needs a signed-in user (pages asked for
/// with GET are redirected to the log-in page instead; see
/// `accounts::signed_in`).
#[derive(Template)]
#[template(path = "needs_signin.html")]
struct SignInPage {
    title: String,
    message: String,
}

async fn not_found() -> Response {
    PageError(Error::NotFound(
        "There is no page at this address. It may have been mistyped, or the story may have \
         been merged into another."
            .into(),
    ))
    .into_response()
}

/// An [`Error`] answered with an HTML page.
pub(crate) struct PageError(pub(crate) Error);

impl<E: Into<Error>> From<E> for PageError {
    fn from(err: E) -> Self {
        PageError(err.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let (title, message) = match &self.0 {
            Error::NotFound(message) => ("Not found", message.clone()),
            Error::BadRequest(message) => ("Bad request", message.clone()),
            Error::Unauthorized(message) => {
                return page(
                    status,
                    &SignInPage {
                        title: "Sign in".into(),
                        message: message.clone(),
                    },
                );
            }
            Error::Forbidden(message) => ("Not allowed", message.clone()),
            Error::TooManyRequests(message) => ("Too many attempts", message.clone()),
            Error::Conflict(message) => ("Already there", message.clone()),
            Error::Store(tribune_store::Error::Busy { .. }) => (
                "Busy",
                "The news desk is busy storing news; try again in a moment.".to_string(),
            ),
            _ => {
                // Our fault: logged in full, shown in general terms.
                tracing::error!(error = %self.0, "a page failed");
                (
                    "Something went wrong",
                    "This page could not be made. The error has been logged.".to_string(),
                )
            }
        };
        page(
            status,
            &ErrorPage {
                title: title.to_string(),
                message,
            },
        )
    }
}

/// The result of a page handler.
pub(crate) type PageResult = Result<Response, PageError>;

/// A 303 to `to`: the Get after a Post.
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Refuses a form posted from another site (a page elsewhere making a
/// visitor's browser add or remove sources here). Browsers say where a
/// form came from in `Sec-Fetch-Site` or `Origin`; requests that carry
/// neither (scripts, old browsers) are not a browser being tricked.
pub(crate) fn same_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let refused = || {
        PageError(Error::BadRequest(
            "This form was sent from another site, so it was ignored.".into(),
        ))
    };
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.as_bytes() {
            b"same-origin" | b"none" => Ok(()),
            _ => Err(refused()),
        };
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| url::Url::parse(o).ok())
        .map(|u| match u.port() {
            Some(port) => format!("{}:{port}", u.host_str().unwrap_or_default()),
            None => u.host_str().unwrap_or_default().to_string(),
        });
    match (host, origin_host) {
        (Some(host), Some(origin)) if host.eq_ignore_ascii_case(&origin) => Ok(()),
        _ => Err(refused()),
    }
}

pub(crate) use tribune_store::outlet;

/// `origin` if it is a web address a link may point to; file paths and
/// other schemes (`javascript:`) are never made links.
pub(crate) fn web_url(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// A moment as pages show it.
pub(crate) fn when(time: DateTime<Utc>) -> String {
    time.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// A moment as a `<time datetime>` value.
pub(crate) fn machine_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// "1 article", "3 articles".
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The first sentences of `text`, about `max` characters at most: the
/// lead a summary shows.
pub(crate) fn lead(text: &str, sentences: usize, max: usize) -> String {
    // The sentence splitter reads only the opening, however long the text.
    let mut end = text.len().min(max * 3);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let opening = &text[..end];
    let mut out = String::new();
    for sentence in tribune_nlp::text::sentences(opening).iter().take(sentences) {
        let Some(words) = opening.get(sentence.span.start..sentence.span.end) else {
            break;
        };
        if !out.is_empty() && out.len() + words.len() > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(words);
    }
    if out.chars().count() > max {
        let cut: String = out.chars().take(max).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        return format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']));
    }
    out
}
