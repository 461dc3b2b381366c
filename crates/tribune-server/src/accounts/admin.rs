//! `/admin`: the administrator's page: the users (with a password reset
//! for each), whether sign-up is open, and invite links.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{Duration, Utc};
use serde::Deserialize;

use super::nav::Nav;
use super::signed_in::SignedIn;
use super::tokens::CsrfForm;
use super::{CurrentUser, passwords, policy, validate};
use crate::feeds::PublicBase;
use crate::pages::{PageError, PageResult, page, same_origin, see_other, when};
use crate::secrets::{new_secret, secret_hash};
use crate::{AppState, Error};

/// How long an invite link works.
const INVITE_DAYS: i64 = 7;

/// One user as listed.
pub(crate) struct UserRow {
    pub id: i64,
    pub name: String,
    pub is_admin: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    title: String,
    nav: Nav,
    csrf: String,
    users: Vec<UserRow>,
    signup_open: bool,
    /// An invite link just made, shown this once.
    invite: Option<String>,
    message: Option<String>,
    error: Option<String>,
}

/// What the redirect after a form says happened.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Notice {
    done: Option<String>,
    user: Option<String>,
}

async fn render(
    state: &AppState,
    admin: &CurrentUser,
    status: StatusCode,
    invite: Option<String>,
    message: Option<String>,
    error: Option<String>,
) -> PageResult {
    let (users, signup_open) = state
        .blocking(|store| Ok((store.accounts().users()?, policy::signup_open(store)?)))
        .await?;
    Ok(page(
        status,
        &AdminPage {
            title: "Administration".into(),
            nav: Nav::of(Some(admin)),
            csrf: admin.csrf_token().to_string(),
            users: users
                .into_iter()
                .map(|u| UserRow {
                    id: u.id,
                    name: u.name,
                    is_admin: u.is_admin,
                    created: when(u.created_at),
                })
                .collect(),
            signup_open,
            invite,
            message,
            error,
        },
    ))
}

pub(crate) async fn show(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    axum::extract::Query(notice): axum::extract::Query<Notice>,
) -> PageResult {
    admin.require_admin()?;
    let message = match notice.done.as_deref() {
        Some("opened") => Some("Sign-up is open.".to_string()),
        Some("closed") => Some("Sign-up is closed; invite links still work.".to_string()),
        Some("reset") => Some(format!(
            "The password of {} was set; their sessions were ended.",
            notice.user.as_deref().unwrap_or("the user")
        )),
        _ => None,
    };
    render(&state, &admin, StatusCode::OK, None, message, None).await
}

/// The sign-up form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    open: String,
}

pub(crate) async fn set_signup(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    headers: HeaderMap,
    Form(form): Form<SignupForm>,
) -> PageResult {
    same_origin(&headers)?;
    admin.check_csrf(Some(&form.csrf))?;
    admin.require_admin()?;
    let open = match form.open.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(PageError(Error::BadRequest(
                "open is true or false.".into(),
            )));
        }
    };
    state
        .blocking(move |store| {
            Ok(store
                .accounts()
                .set_setting(policy::SIGNUP_SETTING, if open { "true" } else { "false" })?)
        })
        .await?;
    tracing::info!(admin = %admin.user.name, open, "sign-up changed");
    Ok(see_other(if open {
        "/admin?done=opened"
    } else {
        "/admin?done=closed"
    }))
}

pub(crate) async fn invite(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    base: PublicBase,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> PageResult {
    same_origin(&headers)?;
    admin.check_csrf(Some(&form.csrf))?;
    admin.require_admin()?;
    let code = new_secret();
    let hash = secret_hash(&code);
    let by = admin.user.id;
    state
        .blocking(move |store| {
            Ok(store.accounts().create_invite(
                &hash,
                by,
                Utc::now() + Duration::days(INVITE_DAYS),
            )?)
        })
        .await?;
    tracing::info!(admin = %admin.user.name, "an invite was made");
    // Shown on this answer only: the store keeps the hash.
    let link = base.join(&format!("/signup?invite={code}"));
    render(&state, &admin, StatusCode::CREATED, Some(link), None, None).await
}

/// The password reset form.
#[derive(Debug, Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn reset_password(
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ResetForm>,
) -> PageResult {
    same_origin(&headers)?;
    admin.check_csrf(Some(&form.csrf))?;
    admin.require_admin()?;
    let id = id
        .parse::<i64>()
        .map_err(|_| Error::NotFound(format!("There is no user “{id}”.")))?;
    if let Err(error) = validate::password(&form.password) {
        return render(
            &state,
            &admin,
            error.status(),
            None,
            None,
            Some(error.to_string()),
        )
        .await;
    }
    let hash = passwords::hash(&form.password).await?;
    let user = state
        .blocking(move |store| {
            let Some(user) = store.accounts().user(id)? else {
                return Ok(None);
            };
            store.accounts().set_password(id, &hash)?;
            crate::greader::auth::revoke_password_tokens(store, id)?;
            Ok(Some(user))
        })
        .await?
        .ok_or_else(|| Error::NotFound(format!("There is no user {id}.")))?;
    tracing::info!(admin = %admin.user.name, user = %user.name, "a password was reset");
    // The name is plain (letters, digits, `._-`): safe in a query.
    Ok(see_other(&format!("/admin?done=reset&user={}", user.name)))
}
