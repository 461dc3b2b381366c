//! Who may do what to the instance as a whole.
//!
//! While the instance has no users it stays open, as it was before
//! accounts existed: anyone can add and remove sources. Once any user
//! exists, changing the sources needs a signed-in user (removing one, an
//! admin), and forms need their CSRF token. Reading stays open to all.
//!
//! Sign-up is open until an admin closes it; the first account is always
//! possible (it becomes the admin), and an invite opens a closed sign-up.

use tribune_store::Store;

use super::CurrentUser;
use crate::{AppState, Error};

/// The setting holding whether sign-up is open (`true` or `false`).
pub const SIGNUP_SETTING: &str = "signup_open";

/// Whether anyone may sign up without an invite.
pub(crate) fn signup_open(store: &dyn Store) -> Result<bool, Error> {
    let accounts = store.accounts();
    if accounts.count_users()? == 0 {
        return Ok(true);
    }
    Ok(accounts.setting(SIGNUP_SETTING)?.as_deref() != Some("false"))
}

/// Whether any account exists.
pub(crate) async fn has_users(state: &AppState) -> Result<bool, Error> {
    state
        .blocking(|store| Ok(store.accounts().count_users()? > 0))
        .await
}

/// What changing the sources needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceChange {
    /// Adding or importing: any signed-in user.
    Add,
    /// Removing: an admin.
    Remove,
}

/// Refuses a change of the sources by `user` (with the CSRF token
/// `csrf` their form or request carried) that the policy forbids.
pub(crate) async fn may_change_sources(
    state: &AppState,
    user: Option<&CurrentUser>,
    csrf: Option<&str>,
    change: SourceChange,
) -> Result<(), Error> {
    match user {
        Some(user) => {
            user.check_csrf(csrf)?;
            if change == SourceChange::Remove {
                user.require_admin()?;
            }
            Ok(())
        }
        None if has_users(state).await? => Err(Error::Unauthorized(match change {
            SourceChange::Add => "Sign in to add sources.".into(),
            SourceChange::Remove => "Sign in as an administrator to remove sources.".into(),
        })),
        None => Ok(()),
    }
}
