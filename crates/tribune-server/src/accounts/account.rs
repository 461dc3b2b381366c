//! `/account`, "Manage your account": what the user follows, saved
//! searches, private feeds, API tokens and the password. The forms of the
//! page live in their own modules ([`super::tokens`], [`super::searches`],
//! [`super::follows`]); a form that fails shows this page again with why.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use tribune_store::{Follow, Store};

use super::cookies::{self, Https};
use super::nav::Nav;
use super::signed_in::SignedIn;
use super::{CurrentUser, passwords, session, validate};
use crate::pages::{PageResult, page, same_origin, see_other, when};
use crate::{AppState, Error};

/// One followed thing as listed.
pub(crate) struct FollowRow {
    /// `source`, `story` or `person`.
    pub kind: &'static str,
    /// What the unfollow form sends.
    pub target: String,
    pub label: String,
    pub link: Option<String>,
    pub since: String,
}

/// One saved search as listed.
pub(crate) struct SearchRow {
    pub id: i64,
    pub name: String,
    pub query: String,
    pub link: String,
}

/// One API token as listed.
pub(crate) struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    title: String,
    nav: Nav,
    csrf: String,
    name: String,
    is_admin: bool,
    created: String,
    message: Option<String>,
    error: Option<String>,
    follows: Vec<FollowRow>,
    searches: Vec<SearchRow>,
    feeds: Vec<(&'static str, String)>,
    tokens: Vec<TokenRow>,
    /// A token just made: its name and secret, shown this once.
    new_token: Option<(String, String)>,
    token_name: String,
    search_name: String,
    search_query: String,
}

/// What a form adds to the page: a message or an error, a new token, and
/// the fields to keep after a failure.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    pub message: Option<String>,
    pub error: Option<String>,
    pub new_token: Option<(String, String)>,
    pub token_name: String,
    pub search_name: String,
    pub search_query: String,
}

impl Extras {
    /// The page again after `error`, with the status it calls for.
    pub(crate) fn failed(error: &Error) -> (StatusCode, Extras) {
        (
            error.status(),
            Extras {
                error: Some(error.to_string()),
                ..Extras::default()
            },
        )
    }
}

/// What the redirect after a form says happened.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Notice {
    done: Option<String>,
}

fn notice_text(done: &str) -> Option<String> {
    Some(
        match done {
            "password" => "Your password was changed; other sessions were signed out.",
            "feeds" => "Your private feeds have new addresses; the old ones no longer work.",
            "revoked" => "The token was revoked.",
            "saved" => "The search was saved.",
            "deleted" => "The saved search was deleted.",
            "followed" => "Followed.",
            "unfollowed" => "Unfollowed.",
            _ => return None,
        }
        .to_string(),
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Query(notice): Query<Notice>,
) -> PageResult {
    let extras = Extras {
        message: notice.done.as_deref().and_then(notice_text),
        ..Extras::default()
    };
    render(&state, &user, StatusCode::OK, extras).await
}

/// The account page of `user`.
pub(crate) async fn render(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    extras: Extras,
) -> PageResult {
    let id = user.user.id;
    let (follows, searches, tokens) = state
        .blocking(move |store| {
            Ok((
                follow_rows(store, id)?,
                store.subscriptions().saved_searches(id)?,
                store.accounts().api_tokens(id)?,
            ))
        })
        .await?;
    let token = &user.user.feed_token;
    let feeds = vec![
        ("RSS", format!("/feeds/private/{token}/front.rss")),
        ("Atom", format!("/feeds/private/{token}/front.atom")),
        ("JSON Feed", format!("/feeds/private/{token}/front.json")),
    ];
    Ok(page(
        status,
        &AccountPage {
            title: "Manage your account".into(),
            nav: Nav::of(Some(user)),
            csrf: user.csrf_token().to_string(),
            name: user.user.name.clone(),
            is_admin: user.user.is_admin,
            created: when(user.user.created_at),
            message: extras.message,
            error: extras.error,
            follows,
            searches: searches
                .into_iter()
                .map(|s| SearchRow {
                    link: format!(
                        "/search?q={}",
                        url::form_urlencoded::byte_serialize(s.query.as_bytes())
                            .collect::<String>()
                    ),
                    id: s.id,
                    name: s.name,
                    query: s.query,
                })
                .collect(),
            feeds,
            tokens: tokens
                .into_iter()
                .map(|t| TokenRow {
                    id: t.id,
                    name: t.name,
                    created: when(t.created_at),
                    last_used: t.last_used_at.map_or_else(|| "never".into(), when),
                })
                .collect(),
            new_token: extras.new_token,
            token_name: extras.token_name,
            search_name: extras.search_name,
            search_query: extras.search_query,
        },
    ))
}

/// What `user` follows, each named: a source by its title, a story by its
/// headline; things that no longer exist are listed by id, so they can
/// still be unfollowed.
fn follow_rows(store: &dyn Store, user: i64) -> Result<Vec<FollowRow>, Error> {
    let mut rows = Vec::new();
    for followed in store.subscriptions().follows(user)? {
        let since = when(followed.since);
        rows.push(match followed.follow {
            Follow::Source(id) => {
                let source = store.source(id)?;
                FollowRow {
                    kind: "source",
                    target: id.to_string(),
                    label: source
                        .map(|s| s.title.unwrap_or(s.url))
                        .unwrap_or_else(|| format!("source {id} (removed)")),
                    link: Some(format!("/sources#source-{id}")),
                    since,
                }
            }
            Follow::Story(id) => {
                let story = store.story(id)?;
                FollowRow {
                    kind: "story",
                    target: id.to_string(),
                    label: story
                        .map(|s| s.label)
                        .unwrap_or_else(|| format!("story {id} (merged or gone)")),
                    link: Some(format!("/stories/{id}")),
                    since,
                }
            }
            Follow::Entity(name) => FollowRow {
                kind: "person",
                link: None,
                target: name.clone(),
                label: name,
                since,
            },
        });
    }
    Ok(rows)
}

/// The password form.
#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// Changes the password, given the current one. Every session of the
/// user ends (a thief's too); this browser gets a new one.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Https(https): Https,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let limiter = state.login_limiter();
    // A stolen session must not become a way to guess the password.
    if limiter.check(None, &user.user.name).is_some() {
        let error =
            Error::TooManyRequests("Too many wrong passwords; try again in a few minutes.".into());
        let (status, extras) = Extras::failed(&error);
        return render(&state, &user, status, extras).await;
    }
    let checked = validate::password(&form.new).and_then(|new| {
        if new != form.confirm {
            return Err(Error::BadRequest("The two new passwords differ.".into()));
        }
        Ok(())
    });
    if let Err(error) = checked {
        let (status, extras) = Extras::failed(&error);
        return render(&state, &user, status, extras).await;
    }
    let name = user.user.name.clone();
    let stored = state
        .blocking(move |store| Ok(store.accounts().credentials(&name)?))
        .await?
        .map(|c| c.password_hash);
    if !passwords::verify(&form.current, stored).await? {
        limiter.failed(None, &user.user.name);
        let error = Error::Unauthorized("The current password is wrong.".into());
        let (status, extras) = Extras::failed(&error);
        return render(&state, &user, status, extras).await;
    }
    let hash = passwords::hash(&form.new).await?;
    let id = user.user.id;
    let token = state
        .blocking(move |store| {
            if !store.accounts().set_password(id, &hash)? {
                return Err(Error::NotFound("This account no longer exists.".into()));
            }
            crate::greader::auth::revoke_password_tokens(store, id)?;
            session::open(store, id)
        })
        .await?;
    tracing::info!(user = %user.user.name, "password changed");
    let mut response = see_other("/account?done=password");
    cookies::add(&mut response, &cookies::session(&token, https));
    Ok(response)
}

/// Gives the user's private feeds new addresses: for when one leaked
/// (shared by mistake, posted in a reader app's public list). The old
/// addresses answer 404 from then on.
pub(crate) async fn new_feed_addresses(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    Form(form): Form<super::tokens::CsrfForm>,
) -> PageResult {
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let id = user.user.id;
    let token = crate::secrets::new_secret();
    state
        .blocking(move |store| {
            if store.accounts().set_feed_token(id, &token)? {
                Ok(())
            } else {
                Err(Error::NotFound("This account no longer exists.".into()))
            }
        })
        .await?;
    tracing::info!(user = %user.user.name, "private feed addresses renewed");
    Ok(see_other("/account?done=feeds"))
}
