//! `/my`: the signed-in user's own front page, the stories from the
//! sources and stories they follow, most recently active first.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::nav::Nav;
use super::signed_in::SignedIn;
use crate::AppState;
use crate::pages::{PageResult, machine_time, outlet, page, plural, when};

/// Stories per page.
const PER_PAGE: usize = 30;
/// Pages one can go back.
const MAX_PAGE: usize = 100;

/// One story as listed.
pub(crate) struct MyStory {
    pub id: i64,
    pub headline: String,
    pub articles: String,
    pub outlets: String,
    pub outlet_names: String,
    pub last_seen: String,
    pub last_seen_iso: String,
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    title: String,
    nav: Nav,
    stories: Vec<MyStory>,
    follows_anything: bool,
    next_page: Option<usize>,
}

/// `?page=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    page: Option<usize>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Query(query): Query<PageQuery>,
) -> PageResult {
    let number = query.page.unwrap_or(1).clamp(1, MAX_PAGE);
    let id = user.user.id;
    let (stories, more, follows_anything) = state
        .blocking(move |store| {
            let subscriptions = store.subscriptions();
            let mut stories =
                subscriptions.personal_stories(id, PER_PAGE + 1, (number - 1) * PER_PAGE)?;
            let more = stories.len() > PER_PAGE;
            stories.truncate(PER_PAGE);
            let follows_anything = !stories.is_empty() || !subscriptions.follows(id)?.is_empty();
            let ids: Vec<i64> = stories.iter().map(|s| s.id).collect();
            let mut articles = store.stories_articles(&ids)?;
            let shown = stories
                .into_iter()
                .map(|story| {
                    let outlets: BTreeSet<String> = articles
                        .remove(&story.id)
                        .unwrap_or_default()
                        .iter()
                        .map(|a| outlet(a.site_name.as_deref(), &a.origin))
                        .collect();
                    let mut names: Vec<&str> = outlets.iter().map(String::as_str).take(4).collect();
                    if outlets.len() > names.len() {
                        names.push("…");
                    }
                    MyStory {
                        id: story.id,
                        headline: story.label.clone(),
                        articles: plural(story.article_count.max(0) as usize, "article"),
                        outlets: plural(outlets.len(), "outlet"),
                        outlet_names: names.join(", "),
                        last_seen: when(story.last_seen),
                        last_seen_iso: machine_time(story.last_seen),
                    }
                })
                .collect::<Vec<_>>();
            Ok((shown, more, follows_anything))
        })
        .await?;
    Ok(page(
        StatusCode::OK,
        &MyPage {
            title: "Your news".into(),
            nav: Nav::of(Some(&user)),
            stories,
            follows_anything,
            next_page: (more && number < MAX_PAGE).then_some(number + 1),
        },
    ))
}
