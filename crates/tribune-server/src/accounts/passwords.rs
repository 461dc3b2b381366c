//! Hashing and checking passwords off the async threads: argon2id takes
//! tens of milliseconds of CPU by design, which must not stall the other
//! requests a runtime thread serves.

use std::sync::OnceLock;

use crate::Error;
use crate::secrets::{hash_password, verify_password};

/// The argon2id hash of `password`.
pub(crate) async fn hash(password: &str) -> Result<String, Error> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|err| Error::Internal(format!("a hashing task failed: {err}")))?
}

/// Whether `password` matches `hash`. With no hash (no such user) a
/// password is still checked against a stand-in, so that the answer takes
/// as long whether the name exists or not and does not tell names apart.
pub(crate) async fn verify(password: &str, hash: Option<String>) -> Result<bool, Error> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => Ok(verify_password(&password, &hash)),
        None => {
            let _ = verify_password(&password, stand_in()?);
            Ok(false)
        }
    })
    .await
    .map_err(|err| Error::Internal(format!("a hashing task failed: {err}")))?
}

fn stand_in() -> Result<&'static str, Error> {
    static STAND_IN: OnceLock<String> = OnceLock::new();
    if let Some(hash) = STAND_IN.get() {
        return Ok(hash);
    }
    let hash = hash_password("no user has this password")?;
    Ok(STAND_IN.get_or_init(|| hash))
}
