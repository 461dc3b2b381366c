//! `/search?q=…&source=…&from=YYYY-MM-DD&to=YYYY-MM-DD`: the store's
//! search from a form, with snippets.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{PageResult, outlet, page, plural};
use crate::AppState;

/// Results shown.
const LIMIT: usize = 50;

/// The search form's fields, all optional.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchForm {
    #[serde(default)]
    pub(crate) q: String,
    #[serde(default)]
    pub(crate) source: String,
    #[serde(default)]
    pub(crate) from: String,
    #[serde(default)]
    pub(crate) to: String,
}

/// One result.
pub(crate) struct Hit {
    pub id: i64,
    pub title: String,
    pub outlet: String,
    pub published: Option<String>,
    pub snippet: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    title: String,
    q: String,
    source: String,
    from: String,
    to: String,
    /// Whether a search was asked for (else the empty form).
    searched: bool,
    hits: Vec<Hit>,
    /// "1 result", "12 results".
    count: String,
    /// What was wrong with the form, if anything.
    problem: Option<String>,
}

pub(crate) async fn search(
    State(state): State<AppState>,
    Query(form): Query<SearchForm>,
) -> PageResult {
    let mut view = SearchPage {
        title: if form.q.trim().is_empty() {
            "Search".into()
        } else {
            format!("{} — Search", form.q.trim())
        },
        q: form.q.clone(),
        source: form.source.clone(),
        from: form.from.clone(),
        to: form.to.clone(),
        searched: false,
        hits: Vec::new(),
        count: String::new(),
        problem: None,
    };
    let query = match build_query(&form) {
        Ok(Some(query)) => query,
        Ok(None) => return Ok(page(StatusCode::OK, &view)),
        Err(problem) => {
            view.problem = Some(problem);
            return Ok(page(StatusCode::BAD_REQUEST, &view));
        }
    };
    view.searched = true;
    let fallback = plain_words(&form.q).map(|q| {
        let mut form = SearchForm {
            q,
            ..Default::default()
        };
        form.source.clone_from(&view.source);
        form.from.clone_from(&view.from);
        form.to.clone_from(&view.to);
        form
    });
    let hits = state
        .blocking(move |store| match store.search(&query, LIMIT) {
            // Text the query language cannot read ("AT&T: [draft") is
            // searched again as plain words.
            Err(tribune_store::Error::Query { .. }) => match fallback.map(|f| build_query(&f)) {
                Some(Ok(Some(plain))) => Ok(store.search(&plain, LIMIT)?),
                _ => Ok(Vec::new()),
            },
            other => Ok(other?),
        })
        .await?;
    view.hits = hits
        .into_iter()
        .map(|hit| Hit {
            id: hit.id,
            title: hit.title.unwrap_or_else(|| "(untitled)".into()),
            outlet: outlet(None, &hit.origin),
            published: hit.published.map(|d| d.format("%-d %b %Y").to_string()),
            snippet: hit.snippet,
        })
        .collect();
    view.count = plural(view.hits.len(), "result");
    Ok(page(StatusCode::OK, &view))
}

/// The store's query for the form: the words as typed (the query
/// language is the search box's), the source as a quoted phrase, the
/// dates as a `published:` range. `None` when the form is empty; an error
/// message when a field cannot be read.
pub(crate) fn build_query(form: &SearchForm) -> Result<Option<String>, String> {
    let mut parts = Vec::new();
    let q = form.q.trim();
    if !q.is_empty() {
        parts.push(q.to_string());
    }
    let source = form.source.trim();
    if !source.is_empty() {
        parts.push(format!("source:\"{}\"", phrase(source)));
    }
    let from = date(&form.from, "From")?;
    let to = date(&form.to, "To")?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(format!("“From” ({from}) is after “To” ({to})."));
    }
    if from.is_some() || to.is_some() {
        let start = from.map_or("*".to_string(), |d| format!("{d}T00:00:00Z"));
        let end = to.map_or("*".to_string(), |d| format!("{d}T23:59:59Z"));
        parts.push(format!("published:[{start} TO {end}]"));
    }
    if parts.is_empty() {
        return Ok(None);
    }
    if q.is_empty() && source.is_empty() {
        return Err("Give some words or a source to search for, not only dates.".into());
    }
    Ok(Some(parts.join(" ")))
}

/// Text made safe inside a quoted phrase: the query language has no
/// escape inside quotes, so quotes and backslashes become spaces.
fn phrase(text: &str) -> String {
    text.chars()
        .map(|c| if matches!(c, '"' | '\\') { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The query's words with the query language's operators taken out, for
/// a second try; `None` if nothing is left.
fn plain_words(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '.'))
        .filter(|w| !w.is_empty() && !matches!(*w, "AND" | "OR" | "NOT"))
        .map(str::to_string)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn date(value: &str, label: &str) -> Result<Option<NaiveDate>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("“{label}” must be a date like 2025-03-16."))
}
