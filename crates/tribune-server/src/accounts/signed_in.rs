//! The signed-in user of a page: a visitor who is not signed in is sent to
//! the log-in page (and brought back after), or, for a form they posted,
//! shown a page saying to sign in.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::nav::login_then;
use super::{CurrentUser, MaybeUser};
use crate::pages::{PageError, see_other};
use crate::{AppState, Error};

/// The signed-in user of a page request.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn(pub CurrentUser);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match MaybeUser::from_request_parts(parts, state).await {
            Ok(MaybeUser(Some(user))) => Ok(SignedIn(user)),
            Ok(MaybeUser(None)) if matches!(parts.method, Method::GET | Method::HEAD) => {
                let uri = parts
                    .extensions
                    .get::<OriginalUri>()
                    .map_or(&parts.uri, |original| &original.0);
                let here = uri.path_and_query().map_or("/", |pq| pq.as_str());
                Err(see_other(&login_then(here)))
            }
            Ok(MaybeUser(None)) => Err(PageError(Error::Unauthorized(
                "Sign in first: this form needs an account.".into(),
            ))
            .into_response()),
            Err(err) => Err(PageError(err).into_response()),
        }
    }
}
