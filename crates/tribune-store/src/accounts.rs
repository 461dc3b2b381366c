//! Users and how they prove who they are: password hashes, sessions, API
//! tokens, invites, and the few instance-wide settings an admin changes.
//!
//! The store keeps only hashes of secrets (sessions, API tokens, invites):
//! the server hashes what a client presents and asks for the hash, so a
//! leaked database opens no account.

use chrono::{DateTime, Utc};

use crate::error::Result;

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's id.
    pub id: i64,
    /// The log-in name, unique (compared without regard to ASCII case).
    pub name: String,
    /// Whether the user administers the instance.
    pub is_admin: bool,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// The secret in the user's private feed URLs.
    pub feed_token: String,
}

/// A user with the hash their password is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// The password's hash, in the PHC string format (argon2id).
    pub password_hash: String,
}

/// An account to create.
#[derive(Debug, Clone, Copy)]
pub struct NewUser<'a> {
    /// The log-in name.
    pub name: &'a str,
    /// The password's hash (PHC string).
    pub password_hash: &'a str,
    /// Whether the user administers the instance. The first account ever
    /// made is an admin whatever this says.
    pub is_admin: bool,
    /// The secret for the user's private feeds.
    pub feed_token: &'a str,
    /// The hash of the invite the user signs up with: used up in the same
    /// transaction, and the account is refused if it is unknown, used or
    /// expired.
    pub invite_hash: Option<&'a str>,
}

/// Why an account could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The name is taken.
    NameTaken,
    /// The invite is unknown, used or expired.
    BadInvite,
}

/// A logged-in browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose session it is.
    pub user: User,
    /// The token forms must carry (CSRF protection), bound to the session.
    pub csrf_token: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
}

/// An API token, as listed to its owner (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// The token's id.
    pub id: i64,
    /// What the owner called it.
    pub name: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last presented.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Users, sessions, tokens, invites and settings.
pub trait Accounts: Send + Sync {
    /// Makes an account; `Ok(Err(_))` says why one was refused. The first
    /// account is an admin; this is decided in the same transaction, so two
    /// sign-ups racing on an empty instance make one admin.
    fn create_user(&self, user: &NewUser<'_>) -> Result<Result<User, Refusal>>;

    /// The user with this id.
    fn user(&self, id: i64) -> Result<Option<User>>;

    /// The user with this name (any ASCII case) and their password hash.
    fn credentials(&self, name: &str) -> Result<Option<Credentials>>;

    /// Every user, oldest first.
    fn users(&self) -> Result<Vec<User>>;

    /// How many users there are.
    fn count_users(&self) -> Result<u64>;

    /// Replaces a user's password hash and ends all their sessions; false
    /// if there is no such user.
    fn set_password(&self, user: i64, password_hash: &str) -> Result<bool>;

    /// The user whose private feeds this secret opens.
    fn user_by_feed_token(&self, feed_token: &str) -> Result<Option<User>>;

    /// Replaces the user's feed secret, so that the private feed addresses
    /// handed out before stop working; false if there is no such user.
    fn set_feed_token(&self, user: i64, feed_token: &str) -> Result<bool>;

    /// An instance setting (such as whether sign-up is open).
    fn setting(&self, key: &str) -> Result<Option<String>>;

    /// Sets an instance setting.
    fn set_setting(&self, key: &str, value: &str) -> Result<()>;

    /// Records an invite by the hash of its code.
    fn create_invite(
        &self,
        code_hash: &str,
        created_by: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;

    /// Starts a session known by the hash of its cookie's token.
    fn create_session(
        &self,
        user: i64,
        token_hash: &str,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;

    /// The session with this token hash, unless it expired before `now`.
    fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>>;

    /// Ends a session (log-out); ending an unknown one is not an error.
    fn end_session(&self, token_hash: &str) -> Result<()>;

    /// Makes an API token known by the hash of its secret.
    fn create_api_token(&self, user: i64, name: &str, token_hash: &str) -> Result<ApiToken>;

    /// A user's API tokens, newest first.
    fn api_tokens(&self, user: i64) -> Result<Vec<ApiToken>>;

    /// Revokes one of `user`'s tokens; false if they have no such token.
    fn revoke_api_token(&self, user: i64, id: i64) -> Result<bool>;

    /// The user holding the token with this hash, noting its use at `now`.
    fn user_by_api_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>>;
}
