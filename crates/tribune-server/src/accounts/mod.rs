//! Accounts: sign-up, log-in and log-out, sessions, CSRF protection, API
//! tokens, the account page and the admin's page.
//!
//! Handlers learn who is asking through the [`CurrentUser`] extractor
//! (a session cookie for browsers, a bearer API token for programs) and
//! never trust an id from the request for whose data to read.
//!
//! | route | what |
//! |---|---|
//! | `GET/POST /login`, `POST /logout` | signing in (rate-limited) and out |
//! | `GET/POST /signup` | making an account (`?invite=CODE` when closed) |
//! | `GET /account` | "Manage your account" |
//! | `POST /account/password` | changing the password |
//! | `POST /account/tokens`, `POST /account/tokens/{id}/delete` | API tokens |
//! | `POST /account/searches`, `POST /account/searches/{id}/delete` | saved searches |
//! | `POST /follows`, `POST /follows/delete` | following and unfollowing |
//! | `GET /my` | the personal front page |
//! | `GET /admin`, `POST /admin/signup`, `/admin/invites`, `/admin/users/{id}/password` | the admin's page |
//!
//! Every form carries a CSRF token: the session's for signed-in users, a
//! double-submit cookie's for the log-in and sign-up forms.

mod account;
mod admin;
mod client;
pub(crate) mod cookies;
pub(crate) mod follows;
mod form_token;
mod limiter;
mod login;
mod my;
pub(crate) mod nav;
pub(crate) mod passwords;
pub mod policy;
pub(crate) mod searches;
pub(crate) mod session;
pub(crate) mod signed_in;
mod signup;
pub(crate) mod tokens;
mod user;
pub mod validate;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

use axum::Router;
use axum::routing::{get, post};

pub use limiter::LoginLimiter;
pub use user::{CurrentUser, MaybeUser, SESSION_COOKIE, Via};

use crate::AppState;

/// The routes of accounts.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/signup", get(signup::show).post(signup::submit))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/feeds", post(account::new_feed_addresses))
        .route("/account/tokens", post(tokens::add))
        .route("/account/tokens/{id}/delete", post(tokens::revoke))
        .route("/account/searches", post(searches::add))
        .route("/account/searches/{id}/delete", post(searches::delete))
        .route("/follows", post(follows::add))
        .route("/follows/delete", post(follows::remove))
        .route("/my", get(my::show))
        .route("/admin", get(admin::show))
        .route("/admin/signup", post(admin::set_signup))
        .route("/admin/invites", post(admin::invite))
        .route("/admin/users/{id}/password", post(admin::reset_password))
}
