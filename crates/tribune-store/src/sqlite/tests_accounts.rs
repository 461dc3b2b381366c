//! Tests of [`crate::Accounts`] on SQLite, written against the trait.

use chrono::{Duration, Utc};

use crate::{Accounts, NewUser, Refusal, SqliteStore, Store, User};

fn new_user<'a>(name: &'a str, feed_token: &'a str) -> NewUser<'a> {
    NewUser {
        name,
        password_hash: "$argon2id$hash",
        is_admin: false,
        feed_token,
        invite_hash: None,
    }
}

pub(super) fn make_user(accounts: &dyn Accounts, name: &str) -> User {
    let token = format!("feed-{name}");
    accounts
        .create_user(&new_user(name, &token))
        .unwrap()
        .unwrap()
}

#[test]
fn the_first_user_is_admin_and_later_ones_are_not() {
    let store = SqliteStore::open_in_memory().unwrap();
    let accounts = store.accounts();
    assert_eq!(accounts.count_users().unwrap(), 0);
    let first = make_user(accounts, "ada");
    assert!(first.is_admin);
    let second = make_user(accounts, "bob");
    assert!(!second.is_admin);
    let third = accounts
        .create_user(&NewUser {
            is_admin: true,
            ..new_user("cy", "feed-cy")
        })
        .unwrap()
        .unwrap();
    assert!(third.is_admin);
    assert_eq!(accounts.count_users().unwrap(), 3);
    let all = accounts.users().unwrap();
    assert_eq!(
        all.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["ada", "bob", "cy"]
    );
    assert_eq!(accounts.user(second.id).unwrap(), Some(second.clone()));
    assert_eq!(accounts.user(999).unwrap(), None);
    assert_eq!(
        accounts.user_by_feed_token("feed-bob").unwrap(),
        Some(second)
    );
    assert_eq!(accounts.user_by_feed_token("nope").unwrap(), None);
}

#[test]
fn racing_sign_ups_on_an_empty_instance_make_one_admin() {
    // Two stores on one database file: two connections, as two processes
    // would have, each with threads signing up at once.
    let dir = std::env::temp_dir().join(format!("tribune-race-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let stores = [
        SqliteStore::open(&dir).unwrap(),
        SqliteStore::open(&dir).unwrap(),
    ];
    let admins: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let store = &stores[i % 2];
                scope.spawn(move || {
                    let name = format!("user{i}");
                    make_user(store.accounts(), &name).is_admin as usize
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(admins, 1);
    assert_eq!(stores[1].accounts().count_users().unwrap(), 8);
    drop(stores);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn names_are_unique_without_regard_to_case() {
    let store = SqliteStore::open_in_memory().unwrap();
    let accounts = store.accounts();
    let ada = make_user(accounts, "Ada");
    assert_eq!(
        accounts.create_user(&new_user("aDA", "other")).unwrap(),
        Err(Refusal::NameTaken)
    );
    assert_eq!(accounts.count_users().unwrap(), 1);
    let found = accounts.credentials("ADA").unwrap().unwrap();
    assert_eq!(found.user, ada);
    assert_eq!(found.user.name, "Ada");
    assert_eq!(found.password_hash, "$argon2id$hash");
    assert!(accounts.credentials("bob").unwrap().is_none());
}

#[test]
fn invites_are_checked_and_used_up_with_the_sign_up() {
    let store = SqliteStore::open_in_memory().unwrap();
    let accounts = store.accounts();
    let admin = make_user(accounts, "admin");
    let later = Utc::now() + Duration::days(7);
    accounts.create_invite("good", admin.id, later).unwrap();
    accounts
        .create_invite("old", admin.id, Utc::now() - Duration::seconds(5))
        .unwrap();
    let with = |name: &'static str, invite: &'static str| NewUser {
        invite_hash: Some(invite),
        ..new_user(name, name)
    };

    assert_eq!(
        accounts.create_user(&with("a", "unknown")).unwrap(),
        Err(Refusal::BadInvite)
    );
    assert_eq!(
        accounts.create_user(&with("b", "old")).unwrap(),
        Err(Refusal::BadInvite)
    );
    // A taken name with a good invite: refused, and the invite not used.
    assert_eq!(
        accounts.create_user(&with("ADMIN", "good")).unwrap(),
        Err(Refusal::NameTaken)
    );
    let c = accounts.create_user(&with("c", "good")).unwrap().unwrap();
    assert!(!c.is_admin);
    assert_eq!(
        accounts.create_user(&with("d", "good")).unwrap(),
        Err(Refusal::BadInvite)
    );
    assert_eq!(accounts.count_users().unwrap(), 2);
}

#[test]
fn a_failed_sign_up_leaves_the_invite_usable() {
    let store = SqliteStore::open_in_memory().unwrap();
    let accounts = store.accounts();
    let admin = make_user(accounts, "admin");
    accounts
        .create_invite("code", admin.id, Utc::now() + Duration::days(1))
        .unwrap();
    // The feed token clashes: the insert fails, and the whole transaction
    // with it, invite included.
    let clash = NewUser {
        invite_hash: Some("code"),
        ..new_user("eve", "feed-admin")
    };
    assert!(accounts.create_user(&clash).is_err());
    let ok = NewUser {
        invite_hash: Some("code"),
        ..new_user("eve", "feed-eve")
    };
    assert!(accounts.create_user(&ok).unwrap().is_ok());
}

#[test]
fn sessions_expire_and_a_new_password_ends_them() {
    let store = SqliteStore::open_in_memory().unwrap();
    let accounts = store.accounts();
    let ada = make_user(accounts, "ada");
    let bob = make_user(accounts, "bob");
    let now = Utc::now();
    let end = now + Duration::hours(1);
    accounts.create_session(ada.id, "s1", "csrf1", end).unwrap();
    accounts.create_session(ada.id, "s2", "csrf2", end).unwrap();
    accounts.create_session(bob.id, "s3", "csrf3", end).unwrap();

    let session = accounts.session("s1", now).unwrap().unwrap();
    assert_eq!(session.user, ada);
    assert_eq!(session.csrf_token, "csrf1");
    assert_eq!(session.expires_at.timestamp(), end.timestamp());
    assert!(accounts.session("unknown", now).unwrap().is_none());
    // Past its end it is gone, and stays gone.
    assert!(
        accounts
            .session("s1", end + Duration::seconds(1))
            .unwrap()
            .is_none()
    );
    assert!(accounts.session("s1", now).unwrap().is_none());

    accounts.end_session("s2").unwrap();
    accounts.end_session("s2").unwrap();
    assert!(accounts.session("s2", now).unwrap().is_none());

    accounts.create_session(ada.id, "s4", "csrf4", end).unwrap();
    assert!(accounts.set_password(ada.id, "$new").unwrap());
    assert!(accounts.session("s4", now).unwrap().is_none());
    assert_eq!(
        accounts.credentials("ada").unwrap().unwrap().password_hash,
        "$new"
    );
    // Bob's session is untouched.
    assert!(accounts.session("s3", now).unwrap().is_some());
    assert!(!accounts.set_password(999, "$x").unwrap());
}

#[test]
fn api_tokens_are_listed_used_and_revoked_only_by_their_owner() {
    let store = SqliteStore::open_in_memory().unwrap();
    let accounts = store.accounts();
    let ada = make_user(accounts, "ada");
    let bob = make_user(accounts, "bob");
    let first = accounts.create_api_token(ada.id, "laptop", "h1").unwrap();
    let second = accounts.create_api_token(ada.id, "phone", "h2").unwrap();
    assert_eq!(first.last_used_at, None);
    let listed = accounts.api_tokens(ada.id).unwrap();
    assert_eq!(listed, [second.clone(), first.clone()]);
    assert!(accounts.api_tokens(bob.id).unwrap().is_empty());

    let when = Utc::now() + Duration::minutes(3);
    assert_eq!(
        accounts.user_by_api_token("h1", when).unwrap(),
        Some(ada.clone())
    );
    assert!(accounts.user_by_api_token("nope", when).unwrap().is_none());
    let used = &accounts.api_tokens(ada.id).unwrap()[1];
    assert_eq!(
        used.last_used_at.map(|t| t.timestamp()),
        Some(when.timestamp())
    );

    assert!(!accounts.revoke_api_token(bob.id, first.id).unwrap());
    assert!(accounts.user_by_api_token("h1", when).unwrap().is_some());
    assert!(accounts.revoke_api_token(ada.id, first.id).unwrap());
    assert!(!accounts.revoke_api_token(ada.id, first.id).unwrap());
    assert!(accounts.user_by_api_token("h1", when).unwrap().is_none());
    assert_eq!(accounts.api_tokens(ada.id).unwrap(), [second]);
}

#[test]
fn settings_are_set_and_replaced() {
    let store = SqliteStore::open_in_memory().unwrap();
    let accounts = store.accounts();
    assert_eq!(accounts.setting("signup").unwrap(), None);
    accounts.set_setting("signup", "open").unwrap();
    accounts.set_setting("signup", "invite").unwrap();
    assert_eq!(
        accounts.setting("signup").unwrap().as_deref(),
        Some("invite")
    );
}
