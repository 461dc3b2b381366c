//! Starting a browser session: a fresh random token for the cookie (the
//! store keeps only its hash) and a fresh CSRF token bound to it. A new
//! session is made at every log-in, so a token planted before log-in
//! (session fixation) is never the one that gets signed in.

use chrono::{Duration, Utc};
use tribune_store::Store;

use super::cookies::SESSION_SECONDS;
use crate::Error;
use crate::secrets::{new_secret, secret_hash};

/// Starts a session for `user`; returns the token for the cookie.
pub(crate) fn open(store: &dyn Store, user: i64) -> Result<String, Error> {
    let token = new_secret();
    let csrf = new_secret();
    let expires = Utc::now() + Duration::seconds(SESSION_SECONDS);
    store
        .accounts()
        .create_session(user, &secret_hash(&token), &csrf, expires)?;
    Ok(token)
}
