//! The `/me` endpoints through the whole router: tokens, follows, saved
//! searches, marks and streams; one user's ids never reach another's
//! state; sessions must send their CSRF token to write.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;
use tribune_store::{Follow, NewSource, Store};

use crate::accounts::SESSION_COOKIE;
use crate::accounts::testing::{Answer, Browser, api, desk, send};

const PASSWORD: &str = "correct horse battery";

async fn call(
    app: &axum::Router,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Answer {
    send(app, api(method, path, Some(token), body)).await
}

fn code(answer: &Answer) -> Value {
    answer.json()["error"]["code"].clone()
}

#[tokio::test]
async fn api_tokens_are_made_listed_and_revoked() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    let first = desk.token(&ann);
    let app = &desk.app;
    let me = call(app, Method::GET, "/api/v1/me", &first, None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["name"], "ann");
    assert_eq!(me.json()["is_admin"], true, "the first account");

    let made = call(
        app,
        Method::POST,
        "/api/v1/me/tokens",
        &first,
        Some(r#"{"name":"reader app"}"#),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let secret = made.json()["secret"].as_str().unwrap().to_string();
    let id = made.json()["id"].as_i64().unwrap();
    let listed = call(app, Method::GET, "/api/v1/me/tokens", &secret, None).await;
    assert_eq!(listed.status, StatusCode::OK);
    let tokens = listed.json()["tokens"].as_array().unwrap().clone();
    assert_eq!(tokens.len(), 2);
    // Listed without secrets, and the new one has been used once now.
    assert!(!listed.body.contains(&secret));
    assert!(
        tokens
            .iter()
            .any(|t| t["name"] == "reader app" && !t["last_used_at"].is_null())
    );

    let path = format!("/api/v1/me/tokens/{id}");
    let revoked = call(app, Method::DELETE, &path, &first, None).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let refused = call(app, Method::GET, "/api/v1/me", &secret, None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&refused), "unauthorized");
    let again = call(app, Method::DELETE, &path, &first, None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    // Bad names.
    for body in [r#"{"name":""}"#, r#"{"name":"a\u0000b"}"#] {
        let bad = call(app, Method::POST, "/api/v1/me/tokens", &first, Some(body)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{body}");
    }
    let unknown = call(
        app,
        Method::POST,
        "/api/v1/me/tokens",
        &first,
        Some(r#"{"name":"x","user_id":2}"#),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    // No credentials at all.
    let anonymous = send(app, api(Method::GET, "/api/v1/me/tokens", None, None)).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&anonymous), "unauthorized");
}

#[tokio::test]
async fn one_users_ids_never_reach_another_users_state() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    let bob = desk.user("bob", PASSWORD, false);
    let (a, b) = (desk.token(&ann), desk.token(&bob));
    let app = &desk.app;
    let source = desk
        .store
        .add_source(&NewSource {
            url: "https://news.example/rss".into(),
            ..Default::default()
        })
        .unwrap()
        .0;
    let article = desk.article("Talks resume in Geneva");

    // Ann's things.
    let saved = call(
        app,
        Method::POST,
        "/api/v1/me/saved-searches",
        &a,
        Some(r#"{"name":"Talks","query":"talks"}"#),
    )
    .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    let search = saved.json()["id"].as_i64().unwrap();
    let made = call(
        app,
        Method::POST,
        "/api/v1/me/tokens",
        &a,
        Some(r#"{"name":"second"}"#),
    )
    .await;
    let token = made.json()["id"].as_i64().unwrap();
    let body = format!(r#"{{"kind":"source","id":{}}}"#, source.id);
    let followed = call(app, Method::POST, "/api/v1/me/follows", &a, Some(&body)).await;
    assert_eq!(followed.status, StatusCode::CREATED, "{}", followed.body);
    let again = call(app, Method::POST, "/api/v1/me/follows", &a, Some(&body)).await;
    assert_eq!(again.status, StatusCode::OK);
    let followed = call(
        app,
        Method::POST,
        "/api/v1/me/follows",
        &a,
        Some(r#"{"kind":"entity","name":"Steve Witkoff"}"#),
    )
    .await;
    assert_eq!(followed.status, StatusCode::CREATED);
    let state_path = format!("/api/v1/me/articles/{article}/state");
    let marked = call(
        app,
        Method::PUT,
        &state_path,
        &a,
        Some(r#"{"read":true,"starred":true}"#),
    )
    .await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_eq!(marked.json()["starred"], true);

    // Every endpoint taking an id, as Bob: 404s, and nothing changes.
    let search_path = format!("/api/v1/me/saved-searches/{search}");
    let token_path = format!("/api/v1/me/tokens/{token}");
    let source_path = format!("/api/v1/me/follows/source/{}", source.id);
    for (method, path) in [
        (Method::GET, search_path.as_str()),
        (Method::DELETE, search_path.as_str()),
        (Method::DELETE, token_path.as_str()),
        (Method::DELETE, source_path.as_str()),
        (Method::DELETE, "/api/v1/me/follows/entity/Steve%20Witkoff"),
    ] {
        let answer = call(app, method.clone(), path, &b, None).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            answer.body
        );
        assert_eq!(code(&answer), "not_found");
    }
    // Bob's view of the article is his own: unmarked; his marks are his.
    let state = call(app, Method::GET, &state_path, &b, None).await;
    assert_eq!(state.status, StatusCode::OK);
    assert_eq!(state.json()["read"], false);
    assert_eq!(state.json()["starred"], false);
    let marked = call(
        app,
        Method::PUT,
        &state_path,
        &b,
        Some(r#"{"starred":false,"read":false}"#),
    )
    .await;
    assert_eq!(marked.status, StatusCode::OK);
    let listings = [
        "/api/v1/me/saved-searches",
        "/api/v1/me/tokens",
        "/api/v1/me/follows",
        "/api/v1/me/articles?starred=true&all=true",
    ];
    for path in listings {
        let answer = call(app, Method::GET, path, &b, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(
            !answer.body.contains("Talks") && !answer.body.contains("second"),
            "{path}: {}",
            answer.body
        );
    }
    let bobs_tokens = call(app, Method::GET, "/api/v1/me/tokens", &b, None).await;
    assert_eq!(bobs_tokens.json()["tokens"].as_array().unwrap().len(), 1);
    // Ann's are all as she left them.
    let state = call(app, Method::GET, &state_path, &a, None).await;
    assert_eq!(state.json()["read"], true);
    assert_eq!(state.json()["starred"], true);
    assert_eq!(
        call(app, Method::GET, &search_path, &a, None).await.status,
        StatusCode::OK
    );
    assert_eq!(desk.store.accounts().api_tokens(ann.id).unwrap().len(), 2);
    let follows = desk.store.subscriptions().follows(ann.id).unwrap();
    assert!(
        follows
            .iter()
            .any(|f| f.follow == Follow::Source(source.id))
    );
    assert!(
        follows
            .iter()
            .any(|f| f.follow == Follow::Entity("Steve Witkoff".into()))
    );
    // And she can delete hers.
    for path in [
        search_path.as_str(),
        token_path.as_str(),
        source_path.as_str(),
    ] {
        let answer = call(app, Method::DELETE, path, &a, None).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{path}");
    }
    // Ids that do not exist at all, or are not ids.
    let missing = call(
        app,
        Method::PUT,
        "/api/v1/me/articles/99999/state",
        &a,
        Some(r#"{"read":true}"#),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let missing = call(
        app,
        Method::GET,
        "/api/v1/me/articles/99999/state",
        &a,
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let missing = call(
        app,
        Method::POST,
        "/api/v1/me/follows",
        &a,
        Some(r#"{"kind":"story","id":99999}"#),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = call(
        app,
        Method::DELETE,
        "/api/v1/me/saved-searches/abc",
        &a,
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = call(app, Method::DELETE, "/api/v1/me/follows/user/1", &a, None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_stream_filters_by_marks_and_the_front_page_by_follows() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    let token = desk.token(&ann);
    let app = &desk.app;
    let ids: Vec<i64> = ["One story", "Two story", "Three story"]
        .iter()
        .map(|t| desk.article(t))
        .collect();
    let all = call(
        app,
        Method::GET,
        "/api/v1/me/articles?all=true",
        &token,
        None,
    )
    .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(all.json()["articles"].as_array().unwrap().len(), 3);
    // Nothing followed: the default stream is empty.
    let followed = call(app, Method::GET, "/api/v1/me/articles", &token, None).await;
    assert_eq!(followed.json()["articles"].as_array().unwrap().len(), 0);

    let read = format!("/api/v1/me/articles/{}/state", ids[0]);
    call(app, Method::PUT, &read, &token, Some(r#"{"read":true}"#)).await;
    let starred = format!("/api/v1/me/articles/{}/state", ids[1]);
    call(
        app,
        Method::PUT,
        &starred,
        &token,
        Some(r#"{"starred":true}"#),
    )
    .await;
    let unread = call(
        app,
        Method::GET,
        "/api/v1/me/articles?all=true&unread=true",
        &token,
        None,
    )
    .await;
    let unread: Vec<i64> = unread.json()["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert!(!unread.contains(&ids[0]) && unread.len() == 2, "{unread:?}");
    let stars = call(
        app,
        Method::GET,
        "/api/v1/me/articles?all=true&starred=true",
        &token,
        None,
    )
    .await;
    let stars = stars.json()["articles"].as_array().unwrap().clone();
    assert_eq!(stars.len(), 1);
    assert_eq!(stars[0]["id"], ids[1]);
    assert_eq!(stars[0]["starred"], true);
    // Pages continue after the last id.
    let first = call(
        app,
        Method::GET,
        "/api/v1/me/articles?all=true&limit=2",
        &token,
        None,
    )
    .await;
    let after = first.json()["next_after"].as_i64().expect("a next page");
    let rest = call(
        app,
        Method::GET,
        &format!("/api/v1/me/articles?all=true&limit=2&after={after}"),
        &token,
        None,
    )
    .await;
    assert_eq!(rest.json()["articles"].as_array().unwrap().len(), 1);
    assert!(rest.json()["next_after"].is_null());
    let bad = call(
        app,
        Method::GET,
        "/api/v1/me/articles?limit=0",
        &token,
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let front = call(app, Method::GET, "/api/v1/me/front", &token, None).await;
    assert_eq!(front.status, StatusCode::OK, "{}", front.body);
    assert_eq!(front.json()["stories"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_session_writes_through_the_api_only_with_its_csrf_token() {
    let desk = desk();
    desk.user("ann", PASSWORD, false);
    let mut ann = Browser::new();
    ann.login(&desk.app, "ann", PASSWORD).await;
    let csrf = ann.csrf(&desk.app).await;
    let cookie = format!("{SESSION_COOKIE}={}", ann.session().unwrap());
    let request = |csrf: Option<&str>| {
        let mut builder = Request::post("/api/v1/me/saved-searches")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(csrf) = csrf {
            builder = builder.header("x-csrf-token", csrf);
        }
        builder
            .body(Body::from(r#"{"name":"Talks","query":"talks"}"#))
            .unwrap()
    };
    let refused = send(&desk.app, request(None)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(code(&refused), "forbidden");
    let refused = send(&desk.app, request(Some("0000"))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let saved = send(&desk.app, request(Some(&csrf))).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    // Reading needs no token.
    let read = Request::get("/api/v1/me/saved-searches")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let read = send(&desk.app, read).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Talks"));
}

#[tokio::test]
async fn hostile_text_through_the_api_is_kept_verbatim_or_refused() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    let token = desk.token(&ann);
    let app = &desk.app;
    for text in ["'; DROP TABLE users; --", "<script>alert(1)</script>"] {
        let body = serde_json::json!({"name": text, "query": "talks"}).to_string();
        let saved = call(
            app,
            Method::POST,
            "/api/v1/me/saved-searches",
            &token,
            Some(&body),
        )
        .await;
        assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
        assert_eq!(saved.json()["name"], text);
        let body = serde_json::json!({"name": "q", "query": text}).to_string();
        let saved = call(
            app,
            Method::POST,
            "/api/v1/me/saved-searches",
            &token,
            Some(&body),
        )
        .await;
        assert!(
            matches!(saved.status, StatusCode::CREATED | StatusCode::BAD_REQUEST),
            "{}",
            saved.body
        );
        if saved.status == StatusCode::CREATED {
            assert_eq!(saved.json()["query"], text);
        }
        let body = serde_json::json!({"name": text}).to_string();
        let made = call(app, Method::POST, "/api/v1/me/tokens", &token, Some(&body)).await;
        assert_eq!(made.status, StatusCode::CREATED);
        assert_eq!(made.json()["name"], text);
        let body = serde_json::json!({"kind": "entity", "name": text}).to_string();
        let followed = call(app, Method::POST, "/api/v1/me/follows", &token, Some(&body)).await;
        assert_eq!(followed.status, StatusCode::CREATED);
    }
    // JSON answers are JSON: nothing is interpreted, and the store is whole.
    let listed = call(app, Method::GET, "/api/v1/me/follows", &token, None).await;
    assert!(listed.body.contains("DROP TABLE"));
    assert_eq!(desk.users(), 1);
}

#[tokio::test]
async fn the_openapi_document_describes_the_me_endpoints() {
    let desk = desk();
    let doc = send(
        &desk.app,
        api(Method::GET, "/api/v1/openapi.json", None, None),
    )
    .await;
    let json = doc.json();
    let paths = json["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/v1/me", &["get"][..]),
        ("/api/v1/me/follows", &["get", "post"]),
        ("/api/v1/me/follows/{kind}/{target}", &["delete"]),
        ("/api/v1/me/saved-searches", &["get", "post"]),
        ("/api/v1/me/saved-searches/{id}", &["get", "delete"]),
        ("/api/v1/me/articles", &["get"]),
        ("/api/v1/me/articles/{id}/state", &["get", "put"]),
        ("/api/v1/me/front", &["get"]),
        ("/api/v1/me/tokens", &["get", "post"]),
        ("/api/v1/me/tokens/{id}", &["delete"]),
    ] {
        for method in methods {
            assert!(paths[path][method].is_object(), "{path} {method}");
        }
    }
    assert!(
        json["components"]["securitySchemes"]["bearer"].is_object(),
        "{json}"
    );
}

#[tokio::test]
async fn a_sources_title_and_category_are_bounded_plain_and_shown_escaped() {
    let desk = desk();
    let ann = desk.user("ann", PASSWORD, false);
    let token = desk.token(&ann);
    let app = &desk.app;
    let img = "\"><img src=x onerror=alert(1)>";
    let long = "t".repeat(301);
    for (title, category) in [
        (long.as_str(), "World"),
        ("News", long.as_str()),
        ("News\u{0}", "World"),
        ("News", "World\nnews"),
    ] {
        let body = serde_json::json!({
            "url": "https://news.example/rss",
            "title": title,
            "category": category,
            "discover": false,
        })
        .to_string();
        let answer = call(app, Method::POST, "/api/v1/sources", &token, Some(&body)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
        assert_eq!(code(&answer), "bad_request");
    }
    assert!(desk.store.sources().unwrap().is_empty(), "nothing stored");
    // Markup is kept as given, and every page shows it escaped.
    let body = serde_json::json!({
        "url": "https://news.example/rss",
        "title": img,
        "category": "'; DROP TABLE sources; --",
        "discover": false,
    })
    .to_string();
    let answer = call(app, Method::POST, "/api/v1/sources", &token, Some(&body)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.json()["title"], img);
    assert_eq!(answer.json()["category"], "'; DROP TABLE sources; --");
    let page = send(app, Request::get("/sources").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<img src=x"), "{}", page.body);
    assert!(page.body.contains("&lt;img src=x") || page.body.contains("&#60;img src=x"));
    assert_eq!(desk.users(), 1);
}
