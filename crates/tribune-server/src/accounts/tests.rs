//! Accounts through the whole router: sign-up, log-in and its limit,
//! sessions and their cookies, CSRF, passwords, the admin's powers, the
//! policy on sources, and hostile input.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Duration, Utc};
use tribune_store::{Follow, NewSource, Store};

use super::SESSION_COOKIE;
use super::limiter::MAX_FAILURES;
use super::testing::{Browser, api, csrf_in, desk, form, send};
use crate::feeds::PublicBase;
use crate::secrets::{new_secret, secret_hash};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn the_first_account_is_the_admin_and_the_admin_controls_sign_up() {
    let desk = desk();
    let app = &desk.app;
    let mut ann = Browser::new();
    let page = ann.get(app, "/signup").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("will be its administrator"),
        "{}",
        page.body
    );
    let made = ann.signup(app, "ann", PASSWORD, "").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location(), "/admin");
    assert!(ann.session().is_some());
    let users = desk.store.accounts().users().unwrap();
    assert_eq!(users.len(), 1);
    assert!(users[0].is_admin);

    // Open by default: a second account is a reader.
    let mut bob = Browser::from("192.0.2.11:1");
    let made = bob.signup(app, "bob", PASSWORD, "").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location(), "/account");
    let bob_user = desk.store.accounts().credentials("bob").unwrap().unwrap();
    assert!(!bob_user.user.is_admin);
    // A taken name (in any case) is a conflict.
    let mut again = Browser::from("192.0.2.12:1");
    let taken = again.signup(app, "BOB", PASSWORD, "").await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);

    // A reader cannot close sign-up.
    let csrf = bob.csrf(app).await;
    let refused = bob
        .post(app, "/admin/signup", &[("csrf", &csrf), ("open", "false")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = bob.get(app, "/admin").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The admin closes it: a stranger is refused.
    let csrf = ann.csrf(app).await;
    let closed = ann
        .post(app, "/admin/signup", &[("csrf", &csrf), ("open", "false")])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let mut carl = Browser::from("192.0.2.13:1");
    let page = carl.get(app, "/signup").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("Sign-up is closed"), "{}", page.body);
    let refused = carl.signup(app, "carl", PASSWORD, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(desk.users(), 2);

    // An invite opens it, once.
    let made = ann.post(app, "/admin/invites", &[("csrf", &csrf)]).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let start = made.body.find("/signup?invite=").expect("an invite link") + 15;
    let code: String = made.body[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(code.len(), 64);
    let bad = carl.signup(app, "carl", PASSWORD, &"0".repeat(64)).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let joined = carl.signup(app, "carl", PASSWORD, &code).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let mut dora = Browser::from("192.0.2.14:1");
    let reused = dora.signup(app, "dora", PASSWORD, &code).await;
    assert_eq!(reused.status, StatusCode::FORBIDDEN);
    assert_eq!(desk.users(), 3);
}

#[tokio::test]
async fn a_session_cookie_is_http_only_lax_and_secure_behind_https() {
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    let mut ann = Browser::new();
    let signed_in = ann.login(&desk.app, "ann", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.location(), "/");
    let cookie = signed_in
        .set_cookie(SESSION_COOKIE)
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    // The store keeps only the token's hash.
    let token = ann.session().unwrap().to_string();
    assert!(
        desk.store
            .accounts()
            .session(&token, Utc::now())
            .unwrap()
            .is_none()
    );
    assert!(
        desk.store
            .accounts()
            .session(&secret_hash(&token), Utc::now())
            .unwrap()
            .is_some()
    );

    // Behind a proxy speaking https, and with an https base URL.
    let page = ann.get(&desk.app, "/logout").await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    let mut proxied = Browser::from("192.0.2.20:1");
    let login = proxied.get(&desk.app, "/login").await;
    let csrf = csrf_in(&login.body);
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .header(
            header::COOKIE,
            format!("{}={csrf}", super::cookies::FORM_COOKIE),
        )
        .body(Body::from(super::testing::form(&[
            ("csrf", &csrf),
            ("name", "ann"),
            ("password", PASSWORD),
        ])))
        .unwrap();
    let answer = proxied.send(&desk.app, request).await;
    let cookie = answer.set_cookie(SESSION_COOKIE).expect("a session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
    let mut request = Request::get("/login").body(Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(PublicBase::new("https://news.example.org").unwrap());
    let answer = send(&desk.app, request).await;
    let cookie = answer
        .set_cookie(super::cookies::FORM_COOKIE)
        .expect("a form cookie");
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_a_401_page_that_sets_nothing() {
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    let mut visitor = Browser::new();
    let page = visitor.get(&desk.app, "/login").await;
    assert!(page.set_cookie(super::cookies::FORM_COOKIE).is_some());
    let csrf = csrf_in(&page.body);
    for (name, password) in [("ann", "wrong password"), ("nobody", PASSWORD), ("ann", "")] {
        let answer = visitor
            .post(
                &desk.app,
                "/login",
                &[("csrf", &csrf), ("name", name), ("password", password)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{name}");
        assert!(
            answer.body.contains("Wrong name or password"),
            "{}",
            answer.body
        );
        assert!(
            answer.set_cookies().is_empty(),
            "{:?}",
            answer.set_cookies()
        );
        assert!(visitor.session().is_none());
    }
    // The log-in page sends a signed-in visitor on.
    let mut ann = Browser::new();
    ann.login(&desk.app, "ann", PASSWORD).await;
    let again = ann.get(&desk.app, "/login?next=/account").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), "/account");
    // And `next` never leads off the site.
    let mut other = Browser::new();
    let page = other.get(&desk.app, "/login?next=//evil.example/").await;
    assert!(
        page.body.contains(r#"name="next" value="/""#),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn failed_log_ins_are_limited_per_name_and_per_address() {
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    desk.user("bob", PASSWORD, false);
    let mut guesser = Browser::from("198.51.100.7:5000");
    for _ in 0..MAX_FAILURES {
        let answer = guesser.login(&desk.app, "ann", "not the password").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, from anywhere, with a time.
    let answer = guesser.login(&desk.app, "ann", PASSWORD).await;
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        answer.body
    );
    assert!(answer.headers.contains_key(header::RETRY_AFTER));
    assert!(answer.set_cookie(SESSION_COOKIE).is_none());
    let mut elsewhere = Browser::from("203.0.113.9:1");
    let answer = elsewhere.login(&desk.app, "ann", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    // The guessing address is refused for other names too; others are not.
    let answer = guesser.login(&desk.app, "bob", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    let answer = elsewhere.login(&desk.app, "bob", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_expired_session_is_signed_out() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    let token = new_secret();
    desk.store
        .accounts()
        .create_session(
            ann.id,
            &secret_hash(&token),
            &new_secret(),
            Utc::now() - Duration::minutes(1),
        )
        .unwrap();
    let cookie = format!("{SESSION_COOKIE}={token}");
    let request = Request::get("/api/v1/me")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let answer = send(&desk.app, request).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["error"]["code"], "unauthorized");
    assert!(answer.headers.contains_key(header::WWW_AUTHENTICATE));
    let request = Request::get("/account")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let answer = send(&desk.app, request).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/login?next=%2Faccount");
    // A page shows the visitor as signed out.
    let request = Request::get("/sources")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let answer = send(&desk.app, request).await;
    assert!(
        answer.body.contains(r#"href="/login">Sign in"#),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    let mut ann = Browser::new();
    ann.login(&desk.app, "ann", PASSWORD).await;
    let old = ann.session().unwrap().to_string();
    let csrf = ann.csrf(&desk.app).await;
    assert!(
        ann.get(&desk.app, "/account")
            .await
            .body
            .contains("Sign out")
    );
    // Without the token, the session stays.
    let refused = ann.post(&desk.app, "/logout", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(ann.session(), Some(old.as_str()));
    let out = ann.post(&desk.app, "/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        out.set_cookie(SESSION_COOKIE)
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(ann.session().is_none());
    let request = Request::get("/api/v1/me")
        .header(header::COOKIE, format!("{SESSION_COOKIE}={old}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&desk.app, request).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn forms_without_their_token_or_with_another_sessions_are_refused() {
    let desk = desk();
    desk.user("ann", PASSWORD, true);
    desk.user("bob", PASSWORD, false);
    let source = desk
        .store
        .add_source(&NewSource {
            url: "https://news.example/rss".into(),
            ..Default::default()
        })
        .unwrap()
        .0;
    let mut ann = Browser::new();
    ann.login(&desk.app, "ann", PASSWORD).await;
    let mut bob = Browser::from("192.0.2.30:1");
    bob.login(&desk.app, "bob", PASSWORD).await;
    let bobs = bob.csrf(&desk.app).await;
    let target = source.id.to_string();
    let forms: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "/account/searches",
            vec![("name", "talks"), ("query", "talks")],
        ),
        ("/account/tokens", vec![("name", "laptop")]),
        ("/follows", vec![("kind", "source"), ("target", &target)]),
        (
            "/account/password",
            vec![
                ("current", PASSWORD),
                ("new", "another password"),
                ("confirm", "another password"),
            ],
        ),
        ("/admin/invites", vec![]),
        ("/admin/signup", vec![("open", "false")]),
        ("/sources", vec![("url", "https://other.example/rss")]),
        ("/logout", vec![]),
    ];
    for (path, fields) in &forms {
        for token in [None, Some(bobs.as_str()), Some("")] {
            let mut fields = fields.clone();
            if let Some(token) = token {
                fields.push(("csrf", token));
            }
            let answer = ann.post(&desk.app, path, &fields).await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{path} {token:?}: {}",
                answer.body
            );
        }
    }
    // The front page's starter buttons carry no token: the sources page
    // asks to confirm, the address filled in.
    let answer = ann
        .post(
            &desk.app,
            "/sources",
            &[("url", "https://other.example/rss")],
        )
        .await;
    assert!(answer.body.contains("Confirm"), "{}", answer.body);
    assert!(answer.body.contains(r#"value="https://other.example/rss""#));
    let remove = format!("/sources/{}/delete", source.id);
    let answer = ann.post(&desk.app, &remove, &[("csrf", &bobs)]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Nothing was stored or changed.
    let ann_id = desk
        .store
        .accounts()
        .credentials("ann")
        .unwrap()
        .unwrap()
        .user
        .id;
    assert!(
        desk.store
            .subscriptions()
            .saved_searches(ann_id)
            .unwrap()
            .is_empty()
    );
    assert!(desk.store.accounts().api_tokens(ann_id).unwrap().is_empty());
    assert!(
        desk.store
            .subscriptions()
            .follows(ann_id)
            .unwrap()
            .is_empty()
    );
    assert_eq!(desk.store.sources().unwrap().len(), 1);
    assert!(ann.session().is_some());
    assert_eq!(
        desk.store
            .accounts()
            .setting(super::policy::SIGNUP_SETTING)
            .unwrap(),
        None
    );
    let mut fresh = Browser::from("192.0.2.33:1");
    let again = fresh.login(&desk.app, "ann", PASSWORD).await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "the password is unchanged"
    );

    // The signed-out forms: without the form cookie, or with another's token.
    let mut visitor = Browser::from("192.0.2.31:1");
    let answer = visitor
        .post(
            &desk.app,
            "/login",
            &[("name", "ann"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let page = visitor.get(&desk.app, "/login").await;
    let mine = csrf_in(&page.body);
    let mut other = Browser::from("192.0.2.32:1");
    other.get(&desk.app, "/login").await;
    let answer = other
        .post(
            &desk.app,
            "/login",
            &[("csrf", &mine), ("name", "ann"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(other.session().is_none());
    let answer = other
        .post(
            &desk.app,
            "/signup",
            &[
                ("csrf", &mine),
                ("name", "eve"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(desk.users(), 2);
}

#[tokio::test]
async fn changing_a_password_ends_the_other_sessions() {
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    let mut laptop = Browser::new();
    laptop.login(&desk.app, "ann", PASSWORD).await;
    let mut phone = Browser::from("192.0.2.40:1");
    phone.login(&desk.app, "ann", PASSWORD).await;
    let csrf = laptop.csrf(&desk.app).await;

    let wrong = laptop
        .post(
            &desk.app,
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", "not it at all"),
                ("new", "a new password"),
                ("confirm", "a new password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("current password is wrong"),
        "{}",
        wrong.body
    );
    let short = laptop
        .post(
            &desk.app,
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);

    let changed = laptop
        .post(
            &desk.app,
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("new", "a new password"),
                ("confirm", "a new password"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(changed.location(), "/account?done=password");
    // This browser has a new session; the phone's ended.
    assert_eq!(
        laptop.get(&desk.app, "/account").await.status,
        StatusCode::OK
    );
    assert_eq!(
        phone.get(&desk.app, "/account").await.status,
        StatusCode::SEE_OTHER
    );
    let mut again = Browser::from("192.0.2.41:1");
    assert_eq!(
        again.login(&desk.app, "ann", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        again.login(&desk.app, "ann", "a new password").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_admin_resets_a_password_and_the_users_sessions_end() {
    let desk = desk();
    desk.user("ann", PASSWORD, true);
    let bob = desk.user("bob", PASSWORD, false);
    let bobs_token = desk.token(&bob);
    // A reader app's token, handed out for the password (ClientLogin).
    let reader_app = send(
        &desk.app,
        Request::post("/accounts/ClientLogin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form(&[("Email", "bob"), ("Passwd", PASSWORD)])))
            .unwrap(),
    )
    .await;
    assert_eq!(reader_app.status, StatusCode::OK, "{}", reader_app.body);
    let reader_token = reader_app
        .body
        .lines()
        .find_map(|line| line.strip_prefix("Auth="))
        .expect("an Auth line")
        .to_string();
    let mut bob_browser = Browser::from("192.0.2.50:1");
    bob_browser.login(&desk.app, "bob", PASSWORD).await;
    // Bob may not reset anyone's.
    let csrf = bob_browser.csrf(&desk.app).await;
    let path = format!("/admin/users/{}/password", bob.id);
    let refused = bob_browser
        .post(
            &desk.app,
            &path,
            &[("csrf", &csrf), ("password", "bob's own choice")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let mut ann = Browser::new();
    ann.login(&desk.app, "ann", PASSWORD).await;
    let admin_page = ann.get(&desk.app, "/admin").await;
    assert_eq!(admin_page.status, StatusCode::OK);
    assert!(admin_page.body.contains("bob"), "{}", admin_page.body);
    let csrf = csrf_in(&admin_page.body);
    let missing = ann
        .post(
            &desk.app,
            "/admin/users/999/password",
            &[("csrf", &csrf), ("password", "whatever it is")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let reset = ann
        .post(
            &desk.app,
            &path,
            &[("csrf", &csrf), ("password", "set by the admin")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
    assert_eq!(
        bob_browser.get(&desk.app, "/account").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        bob_browser
            .login(&desk.app, "bob", "set by the admin")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The reader app's token was the password's: it ends with it.
    let reader = send(
        &desk.app,
        Request::get("/reader/api/0/user-info")
            .header("authorization", format!("GoogleLogin auth={reader_token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reader.status, StatusCode::UNAUTHORIZED);
    // API tokens the user made are not sessions: they stay until revoked.
    let me = send(
        &desk.app,
        api(Method::GET, "/api/v1/me", Some(&bobs_token), None),
    )
    .await;
    assert_eq!(me.status, StatusCode::OK);
}

#[tokio::test]
async fn once_there_are_accounts_sources_need_a_user_and_removal_an_admin() {
    let desk = desk();
    let source = desk
        .store
        .add_source(&NewSource {
            url: "https://news.example/rss".into(),
            ..Default::default()
        })
        .unwrap()
        .0;
    let remove = format!("/sources/{}/delete", source.id);
    // No accounts: open as before (the page has no sign-in link to follow).
    let mut visitor = Browser::new();
    let page = visitor.get(&desk.app, "/sources").await;
    assert!(page.body.contains(&remove), "{}", page.body);

    desk.user("ann", PASSWORD, true);
    let bob = desk.user("bob", PASSWORD, false);
    let page = visitor.get(&desk.app, "/sources").await;
    assert!(!page.body.contains(&remove), "{}", page.body);
    assert!(
        page.body.contains("Sign in</a> to add sources"),
        "{}",
        page.body
    );
    let answer = visitor
        .post(&desk.app, "/sources", &[("url", "https://x.example/")])
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = visitor.post(&desk.app, &remove, &[]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = send(
        &desk.app,
        api(
            Method::POST,
            "/api/v1/sources",
            None,
            Some(r#"{"url":"https://x.example/feed","discover":false}"#),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["error"]["code"], "unauthorized");
    let path = format!("/api/v1/sources/{}", source.id);
    let answer = send(&desk.app, api(Method::DELETE, &path, None, None)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

    // A reader adds (and follows what they add), but may not remove.
    let token = desk.token(&bob);
    let added = send(
        &desk.app,
        api(
            Method::POST,
            "/api/v1/sources",
            Some(&token),
            Some(r#"{"url":"https://x.example/feed","discover":false}"#),
        ),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let new_id = added.json()["id"].as_i64().unwrap();
    let follows = desk.store.subscriptions().follows(bob.id).unwrap();
    assert!(
        follows.iter().any(|f| f.follow == Follow::Source(new_id)),
        "{follows:?}"
    );
    let answer = send(&desk.app, api(Method::DELETE, &path, Some(&token), None)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.json()["error"]["code"], "forbidden");
    let mut bob_browser = Browser::from("192.0.2.60:1");
    bob_browser.login(&desk.app, "bob", PASSWORD).await;
    let page = bob_browser.get(&desk.app, "/sources").await;
    assert!(!page.body.contains(&remove));
    let csrf = csrf_in(&page.body);
    let answer = bob_browser
        .post(&desk.app, &remove, &[("csrf", &csrf)])
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(desk.store.sources().unwrap().len(), 2);
    // Following from the page's button, and back to it.
    let answer = bob_browser
        .post(
            &desk.app,
            "/follows",
            &[
                ("csrf", &csrf),
                ("kind", "source"),
                ("target", &source.id.to_string()),
                ("next", "/sources"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/sources");
    let page = bob_browser.get(&desk.app, "/sources").await;
    assert!(page.body.contains("Unfollow"), "{}", page.body);

    // The admin removes.
    let mut ann = Browser::from("192.0.2.61:1");
    ann.login(&desk.app, "ann", PASSWORD).await;
    let page = ann.get(&desk.app, "/sources").await;
    assert!(page.body.contains(&remove));
    let csrf = csrf_in(&page.body);
    let answer = ann.post(&desk.app, &remove, &[("csrf", &csrf)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(desk.store.sources().unwrap().len(), 1);
}

#[tokio::test]
async fn hostile_text_is_refused_or_kept_verbatim_and_shown_escaped() {
    let desk = desk();
    let hostile = ["'; DROP TABLE users; --", "<script>alert(1)</script>"];
    // Names are refused (400); nothing is stored.
    for name in hostile {
        let mut visitor = Browser::new();
        let answer = visitor.signup(&desk.app, name, PASSWORD, "").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(!answer.body.contains("<script>alert"), "{}", answer.body);
        assert_eq!(desk.users(), 0);
    }
    // A password may be anything: it is only hashed.
    let mut ann = Browser::new();
    let made = ann.signup(&desk.app, "ann", hostile[0], "").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let mut again = Browser::from("192.0.2.70:1");
    assert_eq!(
        again.login(&desk.app, "ann", hostile[0]).await.status,
        StatusCode::SEE_OTHER
    );
    // Labels and queries are kept as given, and shown escaped.
    let csrf = ann.csrf(&desk.app).await;
    for text in hostile {
        let answer = ann
            .post(
                &desk.app,
                "/account/tokens",
                &[("csrf", &csrf), ("name", text)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        let answer = ann
            .post(
                &desk.app,
                "/account/searches",
                &[("csrf", &csrf), ("name", text), ("query", "talks")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        let answer = ann
            .post(
                &desk.app,
                "/account/searches",
                &[("csrf", &csrf), ("name", "q"), ("query", text)],
            )
            .await;
        assert!(
            matches!(
                answer.status,
                StatusCode::SEE_OTHER | StatusCode::BAD_REQUEST
            ),
            "{}: {}",
            answer.status,
            answer.body
        );
        let answer = ann
            .post(
                &desk.app,
                "/follows",
                &[("csrf", &csrf), ("kind", "person"), ("target", text)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    }
    let page = ann.get(&desk.app, "/account").await;
    assert!(
        !page.body.contains("<script>alert(1)</script>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || page
                .body
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        page.body
    );
    let ann_id = desk
        .store
        .accounts()
        .credentials("ann")
        .unwrap()
        .unwrap()
        .user
        .id;
    let names: Vec<String> = desk
        .store
        .accounts()
        .api_tokens(ann_id)
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert!(names.contains(&hostile[0].to_string()) && names.contains(&hostile[1].to_string()));
    let searches = desk.store.subscriptions().saved_searches(ann_id).unwrap();
    assert!(searches.iter().any(|s| s.name == hostile[0]));
    // The tables are all still there.
    assert_eq!(desk.users(), 1);
    // Control characters and oversized labels are refused.
    let answer = ann
        .post(
            &desk.app,
            "/account/tokens",
            &[("csrf", &csrf), ("name", "a\u{0}b")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let long = "x".repeat(101);
    let answer = ann
        .post(
            &desk.app,
            "/account/tokens",
            &[("csrf", &csrf), ("name", &long)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    let token = desk.token(&ann);
    let huge = "x".repeat(2 << 20);
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("name=ann&password={huge}")))
        .unwrap();
    assert_eq!(
        send(&desk.app, request).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let body = format!(r#"{{"name":"n","query":"{huge}"}}"#);
    let answer = send(
        &desk.app,
        api(
            Method::POST,
            "/api/v1/me/saved-searches",
            Some(&token),
            Some(&body),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json()["error"]["code"], "payload_too_large");
    assert!(
        desk.store
            .subscriptions()
            .saved_searches(ann.id)
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_personal_pages_follow_mark_and_show() {
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    let mut ann = Browser::new();
    ann.login(&desk.app, "ann", PASSWORD).await;
    // An empty front page says how to fill it.
    let my = ann.get(&desk.app, "/my").await;
    assert_eq!(my.status, StatusCode::OK);
    assert!(my.body.contains("you follow nothing yet"), "{}", my.body);
    // Signed out, it asks to sign in first.
    let mut visitor = Browser::from("192.0.2.80:1");
    let answer = visitor.get(&desk.app, "/my").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/login?next=%2Fmy");

    // An article: read and starred from its page.
    let id = desk.article("Talks resume in Geneva");
    let path = format!("/articles/{id}");
    let page = ann.get(&desk.app, &path).await;
    assert!(
        page.body.contains("Mark read") && page.body.contains("Star"),
        "{}",
        page.body
    );
    let csrf = csrf_in(&page.body);
    let state_path = format!("/articles/{id}/state");
    let answer = ann
        .post(&desk.app, &state_path, &[("csrf", &csrf), ("read", "true")])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let answer = ann
        .post(
            &desk.app,
            &state_path,
            &[("csrf", &csrf), ("starred", "true")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let page = ann.get(&desk.app, &path).await;
    assert!(
        page.body.contains("Mark unread") && page.body.contains("Unstar"),
        "{}",
        page.body
    );
    let answer = ann
        .post(
            &desk.app,
            "/articles/99999/state",
            &[("csrf", &csrf), ("read", "true")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    // A visitor sees no marks.
    let page = visitor.get(&desk.app, &path).await;
    assert!(!page.body.contains("Mark read"), "{}", page.body);

    // The account page lists what one follows, with private feed links.
    let answer = ann
        .post(
            &desk.app,
            "/follows",
            &[
                ("csrf", &csrf),
                ("kind", "person"),
                ("target", "Steve Witkoff"),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(answer.location(), "/account?done=followed");
    let page = ann.get(&desk.app, "/account").await;
    assert!(page.body.contains("Manage your account"));
    assert!(page.body.contains("Steve Witkoff"), "{}", page.body);
    assert!(page.body.contains("/feeds/private/"), "{}", page.body);
    assert!(page.body.contains(r#"href="/account/webhooks""#));
    let answer = ann
        .post(
            &desk.app,
            "/follows/delete",
            &[
                ("csrf", &csrf),
                ("kind", "person"),
                ("target", "Steve Witkoff"),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(answer.location(), "/account?done=unfollowed");
    let answer = ann
        .post(
            &desk.app,
            "/follows/delete",
            &[
                ("csrf", &csrf),
                ("kind", "person"),
                ("target", "Steve Witkoff"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = ann
        .post(
            &desk.app,
            "/follows",
            &[("csrf", &csrf), ("kind", "story"), ("target", "424242")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reader_follows_a_story_and_its_speakers_and_finds_it_on_their_front_page() {
    let desk = desk();
    let story = desk.story();
    let path = format!("/stories/{story}");
    // A visitor's page (kept in the cache) offers to sign in.
    let mut visitor = Browser::new();
    let page = visitor.get(&desk.app, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("to follow this story"), "{}", page.body);
    assert!(!page.body.contains("Follow this story"));

    desk.user("ann", PASSWORD, false);
    let mut ann = Browser::from("192.0.2.90:1");
    ann.login(&desk.app, "ann", PASSWORD).await;
    let page = ann.get(&desk.app, &path).await;
    assert!(page.body.contains("Follow this story"), "{}", page.body);
    assert!(page.body.contains("Follow Steve Witkoff"), "{}", page.body);
    assert!(page.body.contains(">ann</a>"), "the nav names the reader");
    let csrf = csrf_in(&page.body);
    let target = story.to_string();
    let answer = ann
        .post(
            &desk.app,
            "/follows",
            &[
                ("csrf", &csrf),
                ("kind", "story"),
                ("target", &target),
                ("next", &path),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), path);
    let answer = ann
        .post(
            &desk.app,
            "/follows",
            &[
                ("csrf", &csrf),
                ("kind", "person"),
                ("target", "Steve Witkoff"),
                ("next", &path),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let page = ann.get(&desk.app, &path).await;
    assert!(page.body.contains("Unfollow this story"), "{}", page.body);
    assert!(
        page.body.contains("Unfollow Steve Witkoff"),
        "{}",
        page.body
    );
    // The visitor's page is still the visitor's.
    let page = visitor.get(&desk.app, &path).await;
    assert!(!page.body.contains("Unfollow"), "{}", page.body);

    let my = ann.get(&desk.app, "/my").await;
    assert!(my.body.contains("Envoy says talks go on"), "{}", my.body);
    assert!(my.body.contains(&format!("/stories/{story}")));
}

#[tokio::test]
async fn the_pages_answer_another_users_ids_with_404_and_change_nothing() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    desk.user("bob", PASSWORD, false);
    let source = desk
        .store
        .add_source(&NewSource {
            url: "https://news.example/rss".into(),
            ..Default::default()
        })
        .unwrap()
        .0;
    let article = desk.article("Talks resume in Geneva");
    // Ann's things, made straight in the store.
    desk.store
        .accounts()
        .create_api_token(ann.id, "anns laptop", &secret_hash(&new_secret()))
        .unwrap();
    let token = desk.store.accounts().api_tokens(ann.id).unwrap()[0].id;
    let search = desk
        .store
        .subscriptions()
        .save_search(ann.id, "anns talks", "talks")
        .unwrap()
        .id;
    let subscriptions = desk.store.subscriptions();
    subscriptions
        .follow(ann.id, &Follow::Source(source.id))
        .unwrap();
    subscriptions
        .follow(ann.id, &Follow::Entity("Steve Witkoff".into()))
        .unwrap();
    subscriptions
        .mark(
            ann.id,
            &[article],
            tribune_store::StateChange {
                read: Some(true),
                starred: Some(true),
            },
        )
        .unwrap();

    let mut bob = Browser::from("192.0.2.100:1");
    bob.login(&desk.app, "bob", PASSWORD).await;
    let csrf = bob.csrf(&desk.app).await;
    let source_id = source.id.to_string();
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/account/tokens/{token}/delete"), vec![]),
        ("/account/tokens/abc/delete".into(), vec![]),
        (format!("/account/searches/{search}/delete"), vec![]),
        ("/account/searches/1e3/delete".into(), vec![]),
        (
            "/follows/delete".into(),
            vec![("kind", "source"), ("target", &source_id)],
        ),
        (
            "/follows/delete".into(),
            vec![("kind", "person"), ("target", "Steve Witkoff")],
        ),
    ];
    for (path, fields) in &forms {
        let mut fields = fields.clone();
        fields.push(("csrf", &csrf));
        let answer = bob.post(&desk.app, path, &fields).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{path} {fields:?}: {}",
            answer.body
        );
    }
    // Marks are each reader's: Bob's change leaves Ann's.
    let answer = bob
        .post(
            &desk.app,
            &format!("/articles/{article}/state"),
            &[("csrf", &csrf), ("read", "false"), ("starred", "false")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    // Bob's pages show none of Ann's.
    let page = bob.get(&desk.app, "/account").await;
    assert!(
        !page.body.contains("anns talks") && !page.body.contains("anns laptop"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Steve Witkoff"), "{}", page.body);
    let page = bob.get(&desk.app, &format!("/articles/{article}")).await;
    assert!(page.body.contains("Mark read"), "{}", page.body);
    // Ann's are as she left them.
    assert_eq!(desk.store.accounts().api_tokens(ann.id).unwrap().len(), 1);
    assert!(
        subscriptions
            .saved_search(ann.id, search)
            .unwrap()
            .is_some()
    );
    assert_eq!(subscriptions.follows(ann.id).unwrap().len(), 2);
    let state = subscriptions.states(ann.id, &[article]).unwrap()[&article];
    assert!(state.read && state.starred);
}

/// Text no field may let through unescaped.
const IMG: &str = "\"><img src=x onerror=alert(1)>";

#[tokio::test]
async fn hostile_text_in_every_page_field_is_refused_or_shown_escaped() {
    let desk = desk();
    let app = &desk.app;
    // Names: refused, and the form shows nothing raw.
    let long_name = "a".repeat(41);
    for name in [IMG, "ann\u{0}", long_name.as_str(), "\u{FFFD}"] {
        let mut visitor = Browser::new();
        let answer = visitor.signup(app, name, PASSWORD, "").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{name:?}");
        assert!(!answer.body.contains("<img src=x"), "{}", answer.body);
    }
    assert_eq!(desk.users(), 0);
    desk.user("ann", PASSWORD, false);
    // A log-in form sent back after a failure shows the name escaped.
    let mut visitor = Browser::from("192.0.2.110:1");
    let answer = visitor.login(app, IMG, PASSWORD).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(!answer.body.contains("<img src=x"), "{}", answer.body);
    assert!(answer.set_cookie(SESSION_COOKIE).is_none());

    let mut ann = Browser::from("192.0.2.111:1");
    ann.login(app, "ann", PASSWORD).await;
    let csrf = ann.csrf(app).await;
    // Kept verbatim, shown escaped.
    let signed_in = ann.clone();
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let mut ann = signed_in.clone();
        let csrf = csrf.clone();
        async move {
            let mut fields: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            fields.push(("csrf", &csrf));
            ann.post(app, path, &fields).await
        }
    };
    let answer = post("/account/tokens", vec![("name", IMG.into())]).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let answer = post(
        "/account/searches",
        vec![("name", IMG.into()), ("query", "talks".into())],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let answer = post(
        "/follows",
        vec![("kind", "person".into()), ("target", IMG.into())],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let page = ann.get(app, "/account").await;
    assert!(!page.body.contains("<img src=x"), "{}", page.body);
    assert!(page.body.contains("&lt;img src=x") || page.body.contains("&#60;img src=x"));
    // Refused: control characters, and more than a field holds.
    let long_label = "x".repeat(101);
    let long_query = "q".repeat(501);
    for (path, fields) in [
        ("/account/tokens", vec![("name", "a\u{0}b".to_string())]),
        ("/account/tokens", vec![("name", long_label.clone())]),
        (
            "/account/searches",
            vec![("name", "n".into()), ("query", "talks\u{0}".into())],
        ),
        (
            "/account/searches",
            vec![("name", "n".into()), ("query", long_query)],
        ),
        (
            "/account/searches",
            vec![("name", long_label.clone()), ("query", "talks".into())],
        ),
        (
            "/follows",
            vec![("kind", "person".into()), ("target", "a\u{0}b".into())],
        ),
        (
            "/follows",
            vec![("kind", "person".into()), ("target", long_label.clone())],
        ),
        (
            "/follows",
            vec![("kind", IMG.into()), ("target", "1".into())],
        ),
        (
            "/follows",
            vec![("kind", "story".into()), ("target", IMG.into())],
        ),
    ] {
        let answer = post(path, fields.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path} {fields:?}");
        assert!(!answer.body.contains("<img src=x"), "{}", answer.body);
    }
    let ann_id = ann_id(&desk);
    assert_eq!(desk.store.accounts().api_tokens(ann_id).unwrap().len(), 1);
    assert_eq!(
        desk.store
            .subscriptions()
            .saved_searches(ann_id)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(desk.store.subscriptions().follows(ann_id).unwrap().len(), 1);
    // A source address that is not one is shown back escaped.
    for url in [IMG, "javascript:alert(1)", "'; DROP TABLE users; --"] {
        let answer = post("/sources", vec![("url", url.into())]).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(!answer.body.contains("<img src=x"), "{}", answer.body);
    }
    assert!(desk.store.sources().unwrap().is_empty());
    // `next` leads nowhere but here.
    for next in [IMG, "https://evil.example/", "//evil.example/"] {
        let answer = post(
            "/follows",
            vec![
                ("kind", "person".into()),
                ("target", "Steve Witkoff".into()),
                ("next", next.into()),
            ],
        )
        .await;
        assert_eq!(answer.location(), "/", "{next}");
    }
    let page = ann.get(app, "/login").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "signed in already");
    let mut visitor = Browser::from("192.0.2.112:1");
    let form = visitor.get(app, "/login").await;
    let answer = visitor
        .post(
            app,
            "/login",
            &[
                ("csrf", &csrf_in(&form.body)),
                ("name", "ann"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/");
    assert_eq!(desk.users(), 1);
}

fn ann_id(desk: &super::testing::Desk) -> i64 {
    desk.store
        .accounts()
        .credentials("ann")
        .unwrap()
        .unwrap()
        .user
        .id
}

#[tokio::test]
async fn invalid_utf8_is_never_stored_raw() {
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    let mut ann = Browser::new();
    ann.login(&desk.app, "ann", PASSWORD).await;
    let csrf = ann.csrf(&desk.app).await;
    let cookie: Vec<String> = ann
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    // Percent-encoded and raw bytes that are not UTF-8, in a form.
    for name in [&b"%FF%FEx"[..], &b"\xff\xfex"[..]] {
        let mut body = format!("csrf={csrf}&name=").into_bytes();
        body.extend_from_slice(name);
        let request = Request::post("/account/tokens")
            .header(header::HOST, "tribune.test")
            .header(header::COOKIE, cookie.join("; "))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let answer = send(&desk.app, request).await;
        assert!(
            matches!(answer.status, StatusCode::CREATED | StatusCode::BAD_REQUEST),
            "{}: {}",
            answer.status,
            answer.body
        );
    }
    // What was kept is text: the bytes were replaced, never stored raw.
    for token in desk.store.accounts().api_tokens(ann_id(&desk)).unwrap() {
        assert_eq!(token.name, "\u{FFFD}\u{FFFD}x");
    }
    // In JSON, bytes that are not UTF-8 are a 400.
    let token = desk.token(
        &desk
            .store
            .accounts()
            .credentials("ann")
            .unwrap()
            .unwrap()
            .user,
    );
    let request = Request::post("/api/v1/me/tokens")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(&b"{\"name\":\"\xff\xfe\"}"[..]))
        .unwrap();
    let answer = send(&desk.app, request).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert_eq!(answer.json()["error"]["code"], "bad_request");
}

#[tokio::test]
async fn every_form_family_refuses_an_oversized_body_with_413() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, true);
    let token = desk.token(&ann);
    let mut browser = Browser::new();
    browser.login(&desk.app, "ann", PASSWORD).await;
    let csrf = browser.csrf(&desk.app).await;
    let huge = "x".repeat(2 << 20);
    for path in [
        "/account/tokens",
        "/account/searches",
        "/account/password",
        "/follows",
        "/sources",
        "/admin/invites",
    ] {
        let answer = browser
            .post(&desk.app, path, &[("csrf", &csrf), ("name", &huge)])
            .await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
    let body = format!(r#"{{"url":"https://x.example/{huge}","discover":false}}"#);
    let answer = send(
        &desk.app,
        api(Method::POST, "/api/v1/sources", Some(&token), Some(&body)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json()["error"]["code"], "payload_too_large");
    // OPML imports may be bigger, but not without end.
    let boundary = "XyZ";
    let opml = "x".repeat(9 << 20);
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"opml\"\r\n\r\n{opml}\r\n\
         --{boundary}--\r\n"
    );
    let cookie: Vec<String> = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let request = Request::post("/sources/import")
        .header(header::COOKIE, cookie.join("; "))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let answer = send(&desk.app, request).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.body
    );
    assert!(desk.store.sources().unwrap().is_empty());
    assert!(desk.store.accounts().api_tokens(ann.id).unwrap().len() == 1);
}

/// The fields of every event logged while it is the thread's subscriber,
/// written as the `fmt` subscriber writes them (`{:?}` of each value).
#[derive(Clone, Default)]
struct LogCapture(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl LogCapture {
    fn lines(&self) -> Vec<String> {
        self.0.lock().map(|lines| lines.clone()).unwrap_or_default()
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl tracing::Subscriber for LogCapture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        if let Ok(mut lines) = self.0.lock() {
            lines.push(fields.0);
        }
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn a_name_typed_at_log_in_cannot_forge_a_log_line() {
    let capture = LogCapture::default();
    let _logging = tracing::subscriber::set_default(capture.clone());
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    let forged = "eve\nINFO tribune_server: signed in user=admin";
    let mut visitor = Browser::from("192.0.2.120:1");
    let answer = visitor.login(&desk.app, forged, PASSWORD).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let request = Request::post("/accounts/ClientLogin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(super::testing::form(&[
            ("Email", forged),
            ("Passwd", PASSWORD),
        ])))
        .unwrap();
    assert_eq!(
        send(&desk.app, request).await.status,
        StatusCode::UNAUTHORIZED
    );
    let lines = capture.lines();
    let failures: Vec<&String> = lines.iter().filter(|l| l.contains("eve")).collect();
    assert_eq!(failures.len(), 2, "{lines:?}");
    for line in failures {
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains(r"eve\nINFO"), "{line}");
    }
}

#[tokio::test]
async fn secrets_are_shown_once_and_never_listed() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, true);
    let mut browser = Browser::new();
    browser.login(&desk.app, "ann", PASSWORD).await;
    let csrf = browser.csrf(&desk.app).await;
    let secret_after = |body: &str, marker: &str| -> String {
        let start = body.find(marker).expect("the secret") + marker.len();
        body[start..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect()
    };
    // An API token: on the answer that made it, then nowhere.
    let made = browser
        .post(
            &desk.app,
            "/account/tokens",
            &[("csrf", &csrf), ("name", "laptop")],
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let token = secret_after(&made.body, r#"<code class="secret">"#);
    assert_eq!(token.len(), 64);
    // An invite link.
    let made = browser
        .post(&desk.app, "/admin/invites", &[("csrf", &csrf)])
        .await;
    let invite = secret_after(&made.body, "/signup?invite=");
    assert_eq!(invite.len(), 64);
    // A webhook's signing key.
    let made = browser
        .post(
            &desk.app,
            "/account/webhooks",
            &[
                ("csrf", &csrf),
                ("url", "https://hooks.example/x"),
                ("event_followed_story", "on"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let key = secret_after(&made.body, r#"<code class="secret">"#);
    assert_eq!(key.len(), 64);
    for path in ["/account", "/admin", "/account/webhooks", "/my"] {
        let page = browser.get(&desk.app, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for secret in [&token, &invite, &key] {
            assert!(!page.body.contains(secret.as_str()), "{path}");
        }
    }
    for path in ["/api/v1/me", "/api/v1/me/tokens", "/api/v1/me/webhooks"] {
        let answer = send(&desk.app, api(Method::GET, path, Some(&token), None)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        for secret in [&token, &invite, &key] {
            assert!(!answer.body.contains(secret.as_str()), "{path}");
        }
    }
    // The store keeps hashes of what it hands out to be presented back.
    let stored = desk.store.accounts().api_tokens(ann.id).unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        desk.store
            .accounts()
            .user_by_api_token(&token, Utc::now())
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn new_feed_addresses_retire_the_old_ones() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    let old = format!("/feeds/private/{}/front.rss", ann.feed_token);
    let mut browser = Browser::new();
    browser.login(&desk.app, "ann", PASSWORD).await;
    assert_eq!(browser.get(&desk.app, &old).await.status, StatusCode::OK);

    // Without the form's token nothing changes.
    let forged = browser
        .post(&desk.app, "/account/feeds", &[("csrf", "not the token")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get(&desk.app, &old).await.status, StatusCode::OK);

    let csrf = browser.csrf(&desk.app).await;
    let renewed = browser
        .post(&desk.app, "/account/feeds", &[("csrf", &csrf)])
        .await;
    assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.body);
    assert_eq!(renewed.location(), "/account?done=feeds");
    assert_eq!(
        browser.get(&desk.app, &old).await.status,
        StatusCode::NOT_FOUND
    );
    let page = browser.get(&desk.app, "/account").await;
    let token = desk
        .store
        .accounts()
        .user(ann.id)
        .unwrap()
        .unwrap()
        .feed_token;
    assert_ne!(token, ann.feed_token);
    assert!(
        page.body
            .contains(&format!("/feeds/private/{token}/front.rss"))
    );
    assert!(page.body.contains("new addresses"), "{}", page.body);
}
