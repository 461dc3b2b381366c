//! The SQLite side of [`crate::Accounts`].
// Skeleton: the bodies are being written; remove this allow with them.
#![allow(unused_variables, unused_imports)]

use chrono::{DateTime, Utc};

use crate::accounts::{Accounts, ApiToken, Credentials, NewUser, Refusal, Session, User};
use crate::error::Result;

use super::SqliteStore;

impl Accounts for SqliteStore {
    fn create_user(&self, user: &NewUser<'_>) -> Result<Result<User, Refusal>> {
        todo!("create_user")
    }

    fn user(&self, id: i64) -> Result<Option<User>> {
        todo!("user")
    }

    fn credentials(&self, name: &str) -> Result<Option<Credentials>> {
        todo!("credentials")
    }

    fn users(&self) -> Result<Vec<User>> {
        todo!("users")
    }

    fn count_users(&self) -> Result<u64> {
        todo!("count_users")
    }

    fn set_password(&self, user: i64, password_hash: &str) -> Result<bool> {
        todo!("set_password")
    }

    fn user_by_feed_token(&self, feed_token: &str) -> Result<Option<User>> {
        todo!("user_by_feed_token")
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        todo!("setting")
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        todo!("set_setting")
    }

    fn create_invite(
        &self,
        code_hash: &str,
        created_by: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        todo!("create_invite")
    }

    fn create_session(
        &self,
        user: i64,
        token_hash: &str,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        todo!("create_session")
    }

    fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        todo!("session")
    }

    fn end_session(&self, token_hash: &str) -> Result<()> {
        todo!("end_session")
    }

    fn create_api_token(&self, user: i64, name: &str, token_hash: &str) -> Result<ApiToken> {
        todo!("create_api_token")
    }

    fn api_tokens(&self, user: i64) -> Result<Vec<ApiToken>> {
        todo!("api_tokens")
    }

    fn revoke_api_token(&self, user: i64, id: i64) -> Result<bool> {
        todo!("revoke_api_token")
    }

    fn user_by_api_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
        todo!("user_by_api_token")
    }
}
