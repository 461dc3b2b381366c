//! `/login` and `/logout`: signing in with a name and password, under the
//! rate limit, and signing out.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::client::ClientAddress;
use super::cookies::Https;
use super::form_token::FormToken;
use super::nav::{Nav, local_path};
use super::{MaybeUser, Via, cookies, passwords, policy, session, validate};
use crate::pages::{PageError, PageResult, page, same_origin, see_other};
use crate::{AppState, Error};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    title: String,
    nav: Nav,
    csrf: String,
    name: String,
    next: String,
    error: Option<String>,
    signup_open: bool,
}

/// `?next=` on the log-in page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Next {
    #[serde(default)]
    next: String,
}

/// The log-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    form_token: FormToken,
    Query(query): Query<Next>,
) -> PageResult {
    let next = local_path(&query.next);
    if user.is_some() {
        return Ok(see_other(&next));
    }
    let signup_open = state.blocking(|store| policy::signup_open(store)).await?;
    let mut response = page(
        StatusCode::OK,
        &LoginPage {
            title: "Sign in".into(),
            nav: Nav::anonymous(),
            csrf: form_token.token.clone(),
            name: String::new(),
            next,
            error: None,
            signup_open,
        },
    );
    form_token.set_on(&mut response);
    Ok(response)
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Https(https): Https,
    form_token: FormToken,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult {
    same_origin(&headers)?;
    form_token.check(Some(&form.csrf))?;
    let name = form.name.trim().to_string();
    let next = local_path(&form.next);
    let limiter = state.login_limiter();
    if let Some(wait) = limiter.check(address, &name) {
        // Quoted and escaped (`?`): a name is anything typed, and a newline in
        // it must not forge a log line.
        tracing::warn!(?name, ?address, "log-in refused: too many failures");
        return Ok(too_many(wait.as_secs().max(1)));
    }
    let lookup = name.clone();
    let credentials = state
        .blocking(move |store| Ok(store.accounts().credentials(&lookup)?))
        .await?;
    let (user, hash) = match credentials {
        Some(c) => (Some(c.user), Some(c.password_hash)),
        None => (None, None),
    };
    // No password is longer than a new one may be: a megabyte of one is
    // refused unhashed (and counted as a failure like any wrong one).
    let matches = form.password.len() <= validate::PASSWORD_MAX
        && passwords::verify(&form.password, hash).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            limiter.failed(address, &name);
            tracing::info!(?name, ?address, "a log-in failed");
            let signup_open = state.blocking(|store| policy::signup_open(store)).await?;
            // Nothing is set: no session, and the form cookie stays as it is.
            return Ok(page(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    title: "Sign in".into(),
                    nav: Nav::anonymous(),
                    csrf: form_token.token.clone(),
                    name,
                    next,
                    error: Some("Wrong name or password.".into()),
                    signup_open,
                },
            ));
        }
    };
    limiter.succeeded(&name);
    let id = user.id;
    let token = state
        .blocking(move |store| session::open(store, id))
        .await?;
    tracing::info!(user = %user.name, "signed in");
    let mut response = see_other(&next);
    cookies::add(&mut response, &cookies::session(&token, https));
    Ok(response)
}

/// The 429 answer, saying when to try again.
fn too_many(retry_after: u64) -> Response {
    let mut response = PageError(Error::TooManyRequests(format!(
        "Too many failed attempts to sign in. Try again in {} minutes.",
        retry_after.div_ceil(60)
    )))
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The sign-out form.
#[derive(Debug, Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Https(https): Https,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> PageResult {
    same_origin(&headers)?;
    let Some(user) = user else {
        // Already signed out (the session expired): nothing to end.
        return Ok(see_other("/"));
    };
    user.check_csrf(Some(&form.csrf))?;
    if let Via::Session { token_hash, .. } = &user.via {
        let token_hash = token_hash.clone();
        state
            .blocking(move |store| Ok(store.accounts().end_session(&token_hash)?))
            .await?;
    }
    tracing::info!(user = %user.user.name, "signed out");
    let mut response = see_other("/");
    cookies::add(&mut response, &cookies::end_session(https));
    Ok(response)
}
