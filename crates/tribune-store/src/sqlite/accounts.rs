//! The SQLite side of [`crate::Accounts`]: the `users`, `sessions`,
//! `api_tokens`, `invites` and `settings` tables.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::accounts::{Accounts, ApiToken, Credentials, NewUser, Refusal, Session, User};
use crate::error::Result;

use super::{SqliteStore, time};

/// The columns [`user_row`] reads, first in a `SELECT` over `users u`.
const USER_COLUMNS: &str = "u.id, u.name, u.is_admin, u.created_at, u.feed_token";

fn user_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        is_admin: row.get(2)?,
        created_at: time(row.get(3)?),
        feed_token: row.get(4)?,
    })
}

fn user_by_id(connection: &Connection, id: i64) -> Result<Option<User>> {
    Ok(connection
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"
        ))?
        .query_row(params![id], user_row)
        .optional()?)
}

fn token_row(row: &Row<'_>) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: row.get(0)?,
        name: row.get(1)?,
        created_at: time(row.get(2)?),
        last_used_at: row.get::<_, Option<i64>>(3)?.map(time),
    })
}

impl Accounts for SqliteStore {
    fn create_user(&self, user: &NewUser<'_>) -> Result<Result<User, Refusal>> {
        let now = Utc::now().timestamp();
        let mut connection = self.connection();
        // IMMEDIATE: the write lock is taken before the first read, so the
        // checks below (invite, name, first user) hold until the commit,
        // even against another process.
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The invite first: without a good one, nothing is said of names.
        if let Some(invite) = user.invite_hash {
            let usable = transaction
                .prepare_cached(
                    "SELECT 1 FROM invites
                     WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                )?
                .query_row(params![invite, now], |_| Ok(()))
                .optional()?
                .is_some();
            if !usable {
                return Ok(Err(Refusal::BadInvite));
            }
        }
        let taken = transaction
            .prepare_cached("SELECT 1 FROM users WHERE name = ?1")?
            .query_row(params![user.name], |_| Ok(()))
            .optional()?
            .is_some();
        if taken {
            return Ok(Err(Refusal::NameTaken));
        }
        let first: bool = transaction
            .prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM users)")?
            .query_row([], |row| row.get(0))?;
        transaction
            .prepare_cached(
                "INSERT INTO users (name, password_hash, is_admin, created_at, feed_token)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                user.name,
                user.password_hash,
                user.is_admin || first,
                now,
                user.feed_token
            ])?;
        let id = transaction.last_insert_rowid();
        if let Some(invite) = user.invite_hash {
            transaction
                .prepare_cached(
                    "UPDATE invites SET used_at = ?2, used_by = ?3
                     WHERE code_hash = ?1 AND used_at IS NULL",
                )?
                .execute(params![invite, now, id])?;
        }
        let created = user_by_id(&transaction, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        transaction.commit()?;
        Ok(Ok(created))
    }

    fn user(&self, id: i64) -> Result<Option<User>> {
        user_by_id(&self.connection(), id)
    }

    fn credentials(&self, name: &str) -> Result<Option<Credentials>> {
        // `name` is declared COLLATE NOCASE: the comparison ignores ASCII case.
        Ok(self
            .connection()
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.name = ?1"
            ))?
            .query_row(params![name], |row| {
                Ok(Credentials {
                    user: user_row(row)?,
                    password_hash: row.get(5)?,
                })
            })
            .optional()?)
    }

    fn users(&self) -> Result<Vec<User>> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id"))?;
        let rows = statement.query_map([], user_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn count_users(&self) -> Result<u64> {
        let n: i64 = self
            .connection()
            .prepare_cached("SELECT count(*) FROM users")?
            .query_row([], |row| row.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn set_password(&self, user: i64, password_hash: &str) -> Result<bool> {
        let mut connection = self.connection();
        let transaction = connection.transaction()?;
        let changed = transaction
            .prepare_cached("UPDATE users SET password_hash = ?2 WHERE id = ?1")?
            .execute(params![user, password_hash])?
            > 0;
        if changed {
            transaction
                .prepare_cached("DELETE FROM sessions WHERE user_id = ?1")?
                .execute(params![user])?;
        }
        transaction.commit()?;
        Ok(changed)
    }

    fn user_by_feed_token(&self, feed_token: &str) -> Result<Option<User>> {
        Ok(self
            .connection()
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.feed_token = ?1"
            ))?
            .query_row(params![feed_token], user_row)
            .optional()?)
    }

    fn set_feed_token(&self, user: i64, feed_token: &str) -> Result<bool> {
        let changed = self
            .connection()
            .prepare_cached("UPDATE users SET feed_token = ?2 WHERE id = ?1")?
            .execute(params![user, feed_token])?;
        Ok(changed > 0)
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .connection()
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row(params![key], |row| row.get(0))
            .optional()?)
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.connection()
            .prepare_cached(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, value])?;
        Ok(())
    }

    fn create_invite(
        &self,
        code_hash: &str,
        created_by: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        self.connection()
            .prepare_cached(
                "INSERT INTO invites (code_hash, created_by, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                code_hash,
                created_by,
                Utc::now().timestamp(),
                expires_at.timestamp()
            ])?;
        Ok(())
    }

    fn create_session(
        &self,
        user: i64,
        token_hash: &str,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut connection = self.connection();
        let transaction = connection.transaction()?;
        // Sessions nobody ended are swept out as new ones start.
        transaction
            .prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")?
            .execute(params![Utc::now().timestamp()])?;
        transaction
            .prepare_cached(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                token_hash,
                user,
                csrf_token,
                expires_at.timestamp()
            ])?;
        transaction.commit()?;
        Ok(())
    }

    fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        let connection = self.connection();
        let found = connection
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1"
            ))?
            .query_row(params![token_hash], |row| {
                Ok(Session {
                    user: user_row(row)?,
                    csrf_token: row.get(5)?,
                    expires_at: time(row.get(6)?),
                })
            })
            .optional()?;
        match found {
            Some(session) if session.expires_at.timestamp() <= now.timestamp() => {
                connection
                    .prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?
                    .execute(params![token_hash])?;
                Ok(None)
            }
            other => Ok(other),
        }
    }

    fn end_session(&self, token_hash: &str) -> Result<()> {
        self.connection()
            .prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?
            .execute(params![token_hash])?;
        Ok(())
    }

    fn create_api_token(&self, user: i64, name: &str, token_hash: &str) -> Result<ApiToken> {
        let now = Utc::now().timestamp();
        let connection = self.connection();
        connection
            .prepare_cached(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![user, name, token_hash, now])?;
        Ok(ApiToken {
            id: connection.last_insert_rowid(),
            name: name.to_string(),
            created_at: time(now),
            last_used_at: None,
        })
    }

    fn api_tokens(&self, user: i64) -> Result<Vec<ApiToken>> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(
            "SELECT id, name, created_at, last_used_at FROM api_tokens
             WHERE user_id = ?1 ORDER BY id DESC",
        )?;
        let rows = statement.query_map(params![user], token_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn revoke_api_token(&self, user: i64, id: i64) -> Result<bool> {
        Ok(self
            .connection()
            .prepare_cached("DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2")?
            .execute(params![id, user])?
            > 0)
    }

    fn user_by_api_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
        let connection = self.connection();
        let holder: Option<i64> = connection
            .prepare_cached(
                "UPDATE api_tokens SET last_used_at = ?2 WHERE token_hash = ?1 RETURNING user_id",
            )?
            .query_row(params![token_hash, now.timestamp()], |row| row.get(0))
            .optional()?;
        match holder {
            Some(id) => user_by_id(&connection, id),
            None => Ok(None),
        }
    }
}
