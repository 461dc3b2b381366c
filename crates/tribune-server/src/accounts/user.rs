//! Who is asking: the user behind a request's session cookie or bearer
//! API token.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use tribune_store::User;

use crate::secrets::{same_secret, secret_hash};
use crate::{AppState, Error};

/// The cookie holding a browser's session token.
pub const SESSION_COOKIE: &str = "tribune_session";

/// How the user proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session; forms must carry this CSRF token.
    Session {
        /// The session's CSRF token.
        csrf_token: String,
        /// The hash of the session's cookie token (for log-out).
        token_hash: String,
    },
    /// An API token (`Authorization: Bearer …`): no cookie is sent on its
    /// own by a browser, so no CSRF check is needed.
    Token,
}

/// The signed-in user; a request without one is refused with 401.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The user.
    pub user: User,
    /// How they signed in.
    pub via: Via,
}

impl CurrentUser {
    /// Refuses a form posted by a session without the session's CSRF
    /// token; token-authenticated requests pass.
    pub fn check_csrf(&self, presented: Option<&str>) -> Result<(), Error> {
        match &self.via {
            Via::Token => Ok(()),
            Via::Session { csrf_token, .. } => match presented {
                Some(token) if same_secret(token, csrf_token) => Ok(()),
                _ => Err(Error::Forbidden(
                    "This form has expired or did not come from this site; reload the page \
                     and send it again."
                        .into(),
                )),
            },
        }
    }

    /// The CSRF token to put in forms (empty for token sessions).
    pub fn csrf_token(&self) -> &str {
        match &self.via {
            Via::Session { csrf_token, .. } => csrf_token,
            Via::Token => "",
        }
    }

    /// Refuses a user who is not an admin.
    pub fn require_admin(&self) -> Result<(), Error> {
        if self.user.is_admin {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "Only an administrator can do this.".into(),
            ))
        }
    }
}

/// The signed-in user, if any.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        if let Some(token) = bearer_token(parts) {
            let hash = secret_hash(&token);
            let user = state
                .blocking(move |store| Ok(store.accounts().user_by_api_token(&hash, Utc::now())?))
                .await?;
            return match user {
                Some(user) => Ok(MaybeUser(Some(CurrentUser {
                    user,
                    via: Via::Token,
                }))),
                // A wrong token is an error, not an anonymous request: the
                // client meant to sign in.
                None => Err(Error::Unauthorized(
                    "This API token is not valid (revoked, or mistyped).".into(),
                )),
            };
        }
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Ok(MaybeUser(None));
        };
        let token_hash = secret_hash(token);
        let lookup = token_hash.clone();
        let session = state
            .blocking(move |store| Ok(store.accounts().session(&lookup, Utc::now())?))
            .await?;
        Ok(MaybeUser(session.map(|session| CurrentUser {
            user: session.user,
            via: Via::Session {
                csrf_token: session.csrf_token,
                token_hash,
            },
        })))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        MaybeUser::from_request_parts(parts, state)
            .await?
            .0
            .ok_or_else(|| Error::Unauthorized("Sign in first.".into()))
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer_token(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|token| !token.is_empty())
}

/// The value of the named cookie.
pub(crate) fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}
