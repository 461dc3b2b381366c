//! Following and unfollowing from the pages: the buttons on source rows,
//! story pages and speakers post here, and come back where they were.

use axum::extract::{Form, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use tribune_store::{Follow, Store};

use super::nav::local_path;
use super::signed_in::SignedIn;
use super::validate;
use crate::pages::{PageError, PageResult, same_origin, see_other};
use crate::{AppState, Error};

/// What `kind` (`source`, `story`, or `person`/`entity`) and `target` (an
/// id, or a name) name.
pub(crate) fn parse(kind: &str, target: &str) -> Result<Follow, Error> {
    let id = || {
        target
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::BadRequest(format!("“{target}” is not an id.")))
    };
    match kind {
        "source" => Ok(Follow::Source(id()?)),
        "story" => Ok(Follow::Story(id()?)),
        "person" | "entity" => Ok(Follow::Entity(validate::label(target, "name")?)),
        other => Err(Error::BadRequest(format!(
            "One can follow a source, a story or a person, not “{other}”."
        ))),
    }
}

/// Follows `follow` for `user`; true if newly followed. A source or story
/// that does not exist is a 404.
pub(crate) fn follow(store: &dyn Store, user: i64, follow: &Follow) -> Result<bool, Error> {
    match follow {
        Follow::Source(id) if store.source(*id)?.is_none() => {
            return Err(Error::NotFound(format!("There is no source {id}.")));
        }
        Follow::Story(id) if store.story(*id)?.is_none() => {
            return Err(Error::NotFound(format!("There is no story {id}.")));
        }
        _ => {}
    }
    Ok(store.subscriptions().follow(user, follow)?)
}

/// The follow and unfollow forms.
#[derive(Debug, Deserialize)]
pub(crate) struct FollowForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: String,
    /// Where to come back to.
    #[serde(default)]
    next: String,
}

pub(crate) async fn add(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    Form(form): Form<FollowForm>,
) -> PageResult {
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let what = parse(&form.kind, &form.target)?;
    let id = user.user.id;
    state
        .blocking(move |store| follow(store, id, &what))
        .await?;
    Ok(see_other(&back(&form.next, "followed")))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    Form(form): Form<FollowForm>,
) -> PageResult {
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let what = parse(&form.kind, &form.target)?;
    let id = user.user.id;
    let removed = state
        .blocking(move |store| Ok(store.subscriptions().unfollow(id, &what)?))
        .await?;
    if !removed {
        return Err(PageError(Error::NotFound("You do not follow this.".into())));
    }
    Ok(see_other(&back(&form.next, "unfollowed")))
}

/// Back to `next`; the account page says what was done.
fn back(next: &str, done: &str) -> String {
    match local_path(next).as_str() {
        "/account" => format!("/account?done={done}"),
        path => path.to_string(),
    }
}
