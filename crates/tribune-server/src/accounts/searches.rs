//! Saved searches from the account page: saving one (its query checked by
//! the search index first) and deleting one.

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use tribune_store::{SavedSearch, Store};

use super::account::{Extras, render};
use super::signed_in::SignedIn;
use super::tokens::{CsrfForm, remove_owned};
use super::validate;
use crate::pages::{PageError, PageResult, same_origin, see_other};
use crate::{AppState, Error};

/// Saves `user`'s search after checking its name and that the index can
/// run its query (a query it cannot parse would fail on every new story).
pub(crate) fn save(
    store: &dyn Store,
    user: i64,
    name: &str,
    query: &str,
) -> Result<SavedSearch, Error> {
    let name = validate::label(name, "search's name")?;
    let query = validate::query(query)?;
    match store.search(&query, 1) {
        Ok(_) => {}
        Err(tribune_store::Error::Query { .. }) => {
            return Err(Error::BadRequest(format!(
                "The search index cannot read the query “{query}”."
            )));
        }
        Err(err) => return Err(err.into()),
    }
    Ok(store.subscriptions().save_search(user, &name, &query)?)
}

/// The save form.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
}

pub(crate) async fn add(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    Form(form): Form<SearchForm>,
) -> PageResult {
    same_origin(&headers)?;
    user.check_csrf(Some(&form.csrf))?;
    let id = user.user.id;
    let (name, query) = (form.name.clone(), form.query.clone());
    let saved = state
        .blocking(move |store| Ok(save(store, id, &name, &query)))
        .await?;
    match saved {
        Ok(_) => Ok(see_other("/account?done=saved")),
        Err(error) if error.status().is_client_error() => {
            let (status, mut extras) = Extras::failed(&error);
            extras.search_name = form.name;
            extras.search_query = form.query;
            render(&state, &user, status, extras).await
        }
        Err(error) => Err(PageError(error)),
    }
}

pub(crate) async fn delete(
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
        |store, owner, id| store.subscriptions().delete_saved_search(owner, id),
        "You have no such saved search.",
    )
    .await?;
    Ok(see_other("/account?done=deleted"))
}
