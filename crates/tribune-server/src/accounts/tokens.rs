//! API tokens from the account page: making one (its secret shown once,
//! only its hash stored) and revoking one. The JSON API does the same
//! under `/api/v1/me/tokens`.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use tribune_store::{ApiToken, Store};

use super::CurrentUser;
use super::account::{Extras, render};
use super::signed_in::SignedIn;
use super::validate;
use crate::pages::{PageError, PageResult, same_origin, see_other};
use crate::secrets::{new_secret, secret_hash};
use crate::{AppState, Error};

/// Makes a token for `user` named `name`; returns it with its secret.
pub(crate) fn create(
    store: &dyn Store,
    user: i64,
    name: &str,
) -> Result<(ApiToken, String), Error> {
    let secret = new_secret();
    let token = store
        .accounts()
        .create_api_token(user, name, &secret_hash(&secret))?;
    Ok((token, secret))
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub(crate) struct NewTokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// Makes a token and shows the account page with its secret, this once:
/// no redirect, as the secret must not sit in a URL or be shown again.
pub(crate) async fn add(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    Form(form): Form<NewTokenForm>,
) -> PageResult {
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let name = match validate::label(&form.name, "token's name") {
        Ok(name) => name,
        Err(error) => {
            let (status, mut extras) = Extras::failed(&error);
            extras.token_name = form.name;
            return render(&state, &user, status, extras).await;
        }
    };
    let id = user.user.id;
    let (token, secret) = state
        .blocking(move |store| create(store, id, &name))
        .await?;
    tracing::info!(user = %user.user.name, token = token.id, "an API token was made");
    let extras = Extras {
        new_token: Some((token.name, secret)),
        ..Extras::default()
    };
    render(&state, &user, StatusCode::CREATED, extras).await
}

/// The forms that only carry their CSRF token.
#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub(crate) csrf: String,
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> PageResult {
    remove_owned(
        &state,
        &user,
        &headers,
        &id,
        &form.csrf,
        |store, owner, id| store.accounts().revoke_api_token(owner, id),
        "You have no such token.",
    )
    .await?;
    Ok(see_other("/account?done=revoked"))
}

/// Removes one of the signed-in user's things (a token, a saved search)
/// from a form that posts to a path naming its id. An id that is not a
/// number, or is another user's, is "no such thing": the answer tells
/// nothing of other users' ids.
pub(crate) async fn remove_owned(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: &str,
    csrf: &str,
    remove: fn(&dyn Store, i64, i64) -> tribune_store::Result<bool>,
    missing: &'static str,
) -> Result<(), PageError> {
    same_origin(headers)?;
    user.check_csrf(Some(csrf))?;
    let owner = user.user.id;
    let removed = match id.parse::<i64>() {
        Ok(id) => {
            state
                .blocking(move |store| Ok(remove(store, owner, id)?))
                .await?
        }
        Err(_) => false,
    };
    if removed {
        Ok(())
    } else {
        Err(PageError(Error::NotFound(missing.into())))
    }
}
