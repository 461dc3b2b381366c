//! `/signup`: making an account. The first account is the admin; after
//! it, sign-up is open until an admin closes it, and an invite link
//! (`/signup?invite=CODE`) works either way.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use tribune_store::{NewUser, Refusal};

use super::cookies::{self, Https};
use super::form_token::FormToken;
use super::nav::Nav;
use super::{MaybeUser, passwords, policy, session, validate};
use crate::pages::{PageResult, page, same_origin, see_other};
use crate::secrets::{new_secret, secret_hash};
use crate::{AppState, Error};

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    title: String,
    nav: Nav,
    csrf: String,
    name: String,
    invite: String,
    error: Option<String>,
    /// Whether the form is offered (sign-up open, or an invite given).
    open: bool,
    /// Whether this account will be the first, and so the admin.
    first: bool,
}

/// `?invite=` on the sign-up page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Invite {
    #[serde(default)]
    invite: String,
}

/// The sign-up form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    invite: String,
}

/// Whether sign-up is open and whether the instance has no account yet.
async fn openness(state: &AppState) -> Result<(bool, bool), Error> {
    state
        .blocking(|store| {
            let first = store.accounts().count_users()? == 0;
            Ok((policy::signup_open(store)?, first))
        })
        .await
}

pub(crate) async fn show(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    form_token: FormToken,
    Query(query): Query<Invite>,
) -> PageResult {
    if user.is_some() {
        return Ok(see_other("/account"));
    }
    let (open, first) = openness(&state).await?;
    let invite = query.invite.trim().to_string();
    let mut response = page(
        if open || !invite.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        },
        &SignupPage {
            title: "Sign up".into(),
            nav: Nav::anonymous(),
            csrf: form_token.token.clone(),
            name: String::new(),
            open: open || !invite.is_empty(),
            invite,
            error: None,
            first,
        },
    );
    form_token.set_on(&mut response);
    Ok(response)
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    Https(https): Https,
    form_token: FormToken,
    headers: HeaderMap,
    Form(form): Form<SignupForm>,
) -> PageResult {
    same_origin(&headers)?;
    form_token.check(Some(&form.csrf))?;
    let (open, first) = openness(&state).await?;
    let invite = form.invite.trim().to_string();
    let again = |status: StatusCode, error: String| {
        page(
            status,
            &SignupPage {
                title: "Sign up".into(),
                nav: Nav::anonymous(),
                csrf: form_token.token.clone(),
                name: form.name.trim().to_string(),
                invite: invite.clone(),
                error: Some(error),
                open: open || !invite.is_empty(),
                first,
            },
        )
    };
    if !open && invite.is_empty() {
        return Ok(again(
            StatusCode::FORBIDDEN,
            "Sign-up is closed; an invite link is needed.".into(),
        ));
    }
    let checked = validate::name(&form.name).and_then(|name| {
        validate::password(&form.password)?;
        if form.password != form.confirm {
            return Err(Error::BadRequest("The two passwords differ.".into()));
        }
        Ok(name)
    });
    let name = match checked {
        Ok(name) => name,
        Err(err) => return Ok(again(err.status(), err.to_string())),
    };
    let hash = passwords::hash(&form.password).await?;
    let invite_hash = (!invite.is_empty()).then(|| secret_hash(&invite));
    let made_name = name.clone();
    let made = state
        .blocking(move |store| {
            let feed_token = new_secret();
            let made = store.accounts().create_user(&NewUser {
                name: &made_name,
                password_hash: &hash,
                is_admin: false,
                feed_token: &feed_token,
                invite_hash: invite_hash.as_deref(),
            })?;
            Ok(match made {
                Ok(user) => Ok((session::open(store, user.id)?, user)),
                Err(refusal) => Err(refusal),
            })
        })
        .await?;
    let (token, user) = match made {
        Ok(made) => made,
        Err(Refusal::NameTaken) => {
            return Ok(again(
                StatusCode::CONFLICT,
                format!("The name “{name}” is taken; choose another."),
            ));
        }
        Err(Refusal::BadInvite) => {
            return Ok(again(
                StatusCode::FORBIDDEN,
                "This invite is unknown, used or expired; ask for a new one.".into(),
            ));
        }
    };
    tracing::info!(user = %user.name, admin = user.is_admin, "an account was made");
    let mut response = see_other(if user.is_admin { "/admin" } else { "/account" });
    cookies::add(&mut response, &cookies::session(&token, https));
    Ok(response)
}
