//! CSRF protection for the forms of signed-out visitors (log-in, sign-up),
//! which have no session to bind a token to: a double-submit cookie. The
//! page sets a random token in an HttpOnly cookie and in a hidden field;
//! a post must carry both, equal. Another site can make a browser post
//! here, and the browser may even send the cookie, but the other site
//! cannot read the cookie to put its value in the form.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;

use super::cookies;
use super::user::cookie;
use crate::secrets::{new_secret, same_secret};
use crate::{AppState, Error};

/// The visitor's form token: the cookie's, or a new one to set.
#[derive(Debug, Clone)]
pub(crate) struct FormToken {
    /// The token to put in the form.
    pub token: String,
    /// The cookie did not hold one: it must be set on the answer.
    new: bool,
    secure: bool,
}

impl FormToken {
    /// Refuses a post whose form token is missing or is not the cookie's.
    pub(crate) fn check(&self, presented: Option<&str>) -> Result<(), Error> {
        match presented {
            Some(presented) if !self.new && same_secret(presented, &self.token) => Ok(()),
            _ => Err(Error::Forbidden(
                "This form has expired or did not come from this site (are cookies \
                 enabled?); reload the page and send it again."
                    .into(),
            )),
        }
    }

    /// Sets the cookie on `response` if the visitor had none.
    pub(crate) fn set_on(&self, response: &mut Response) {
        if self.new {
            cookies::add(response, &cookies::form(&self.token, self.secure));
        }
    }
}

/// A token as [`new_secret`] makes them: anything else in the cookie was
/// not set by us.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

impl FromRequestParts<AppState> for FormToken {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Error> {
        let secure = cookies::secure(parts);
        Ok(
            match cookie(parts, cookies::FORM_COOKIE).filter(|t| well_formed(t)) {
                Some(token) => FormToken {
                    token: token.to_string(),
                    new: false,
                    secure,
                },
                None => FormToken {
                    token: new_secret(),
                    new: true,
                    secure,
                },
            },
        )
    }
}
