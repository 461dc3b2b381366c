//! The Google Reader API through its router, over an in-memory store with
//! two users: Ann follows the agency, Bob the gazette.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Utc};
use serde_json::Value;
use tower::ServiceExt;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_model::Article;
use tribune_store::{Follow, NewArticle, NewSource, NewUser, SqliteStore, Store, User};

use super::ids::long_item_id;
use crate::AppState;
use crate::secrets::{hash_password, new_secret};

const ANN_PASSWORD: &str = "ann's long password";
const BOB_PASSWORD: &str = "bob's long password";

/// Text a careless client would run as markup.
const HOSTILE: &str = "<script>alert('x')</script> & <img src=x onerror=alert(1)>";

struct Fixture {
    app: Router,
    store: Arc<SqliteStore>,
    ann: User,
    bob: User,
    agency: i64,
    gazette: i64,
    /// The agency's articles, oldest first.
    agency_articles: Vec<i64>,
    gazette_article: i64,
}

fn user(store: &SqliteStore, name: &str, password: &str) -> User {
    let hash = hash_password(password).expect("a hash");
    store
        .accounts()
        .create_user(&NewUser {
            name,
            password_hash: &hash,
            is_admin: false,
            feed_token: &new_secret(),
            invite_hash: None,
        })
        .expect("stored")
        .expect("not refused")
}

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_742_112_000 + minute * 60, 0).expect("a time")
}

fn fixture() -> Fixture {
    let store = Arc::new(SqliteStore::open_in_memory().expect("a store"));
    let ann = user(&store, "ann", ANN_PASSWORD);
    let bob = user(&store, "bob", BOB_PASSWORD);
    let source = |url: &str, title: &str, category: Option<&str>| {
        store
            .add_source(&NewSource {
                url: url.into(),
                title: Some(title.into()),
                site_url: Some("https://agency.example/".into()),
                category: category.map(str::to_owned),
            })
            .expect("a source")
            .0
            .id
    };
    let agency = source("https://agency.example/feed", "Agency", Some("World"));
    let gazette = source("https://gazette.example/feed", "Gazette", None);
    let put = |source: i64, n: i64, title: &str, text: &str| {
        let article = Article {
            title: Some(title.into()),
            text: text.into(),
            canonical_url: Some(format!("https://news.example/{source}/{n}")),
            authors: vec!["Jane Doe".into()],
            ..Article::default()
        };
        let origin = format!("https://news.example/{source}/{n}");
        let mut new = NewArticle::new(&article, &origin).from_source(source);
        new.fetched_at = at(n);
        store.put_article(&new).expect("stored").id()
    };
    let agency_articles = vec![
        put(
            agency,
            1,
            "Storm hits coast",
            &format!("A storm hit.\n{HOSTILE}"),
        ),
        put(agency, 2, "Roads reopen", "The roads reopened on Tuesday."),
        put(agency, 3, "Schools close", "Schools closed for the week."),
    ];
    let gazette_article = put(gazette, 4, "Council meets", "The council met.");
    store.flush().expect("flushed");
    let subscriptions = store.subscriptions();
    assert!(
        subscriptions
            .follow(ann.id, &Follow::Source(agency))
            .expect("followed")
    );
    assert!(
        subscriptions
            .follow(bob.id, &Follow::Source(gazette))
            .expect("followed")
    );
    let fetcher = Fetcher::new(&FetchConfig::default()).expect("a fetcher");
    let app = super::routes().with_state(AppState::new(store.clone(), fetcher));
    Fixture {
        app,
        store,
        ann,
        bob,
        agency,
        gazette,
        agency_articles,
        gazette_article,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

async fn call(app: &Router, method: &str, uri: &str, token: Option<&str>, form: &str) -> Answer {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "news.example.org");
    if let Some(token) = token {
        request = request.header("authorization", format!("GoogleLogin auth={token}"));
    }
    if method == "POST" {
        request = request.header("content-type", "application/x-www-form-urlencoded");
    }
    let request = request
        .body(Body::from(form.to_string()))
        .expect("a request");
    let response = app.clone().oneshot(request).await.expect("an answer");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, uri: &str, token: &str) -> Answer {
    call(app, "GET", uri, Some(token), "").await
}

async fn post(app: &Router, uri: &str, token: &str, form: &str) -> Answer {
    call(app, "POST", uri, Some(token), form).await
}

async fn login(app: &Router, name: &str, password: &str) -> String {
    let form = format!(
        "service=reader&Email={}&Passwd={}&source=test",
        urlencode(name),
        urlencode(password)
    );
    let answer = call(app, "POST", "/accounts/ClientLogin", None, &form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer
        .body
        .lines()
        .find_map(|line| line.strip_prefix("Auth="))
        .expect("an Auth line")
        .to_string()
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn item_titles(stream: &Value) -> Vec<String> {
    stream["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn client_login_hands_out_a_token_for_the_right_password_only() {
    let f = fixture();
    let form = format!("Email=ann&Passwd={}", urlencode(ANN_PASSWORD));
    let answer = call(&f.app, "POST", "/accounts/ClientLogin", None, &form).await;
    assert_eq!(answer.status, StatusCode::OK);
    let lines: Vec<&str> = answer.body.lines().collect();
    assert_eq!(lines.len(), 3, "{}", answer.body);
    assert!(lines[0].starts_with("SID=") && lines[1].starts_with("LSID="));
    let token = lines[2].strip_prefix("Auth=").expect("an Auth line");
    assert_eq!(token.len(), 64);

    // The token is an API token of Ann's, kept as a hash.
    let tokens = f.store.accounts().api_tokens(f.ann.id).expect("tokens");
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].name, "Google Reader");
    let info = get(&f.app, "/reader/api/0/user-info", token).await;
    assert_eq!(info.json()["userName"], "ann");

    // The query works too, and JSON on request.
    let uri = format!(
        "/accounts/ClientLogin?Email=ANN&Passwd={}&output=json",
        urlencode(ANN_PASSWORD)
    );
    let json = call(&f.app, "POST", &uri, None, "").await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    assert_eq!(json.json()["Auth"].as_str().map(str::len), Some(64));

    for form in [
        "Email=ann&Passwd=wrong".to_string(),
        format!("Email=nobody&Passwd={}", urlencode(ANN_PASSWORD)),
        format!("Email=bob&Passwd={}", urlencode(ANN_PASSWORD)),
        "Email=ann".to_string(),
        String::new(),
    ] {
        let refused = call(&f.app, "POST", "/accounts/ClientLogin", None, &form).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{form}");
        assert_eq!(refused.body, "Error=BadAuthentication\n");
    }
    // A refused log-in made no token.
    assert!(
        f.store
            .accounts()
            .api_tokens(f.bob.id)
            .expect("tokens")
            .is_empty()
    );
}

#[tokio::test]
async fn logging_in_again_and_again_keeps_a_few_tokens() {
    let f = fixture();
    for _ in 0..12 {
        login(&f.app, "bob", BOB_PASSWORD).await;
    }
    let tokens = f.store.accounts().api_tokens(f.bob.id).expect("tokens");
    assert_eq!(tokens.len(), 10);
}

#[tokio::test]
async fn every_call_needs_a_valid_token() {
    let f = fixture();
    let calls = [
        ("GET", "/reader/api/0/token"),
        ("GET", "/reader/api/0/user-info"),
        ("GET", "/reader/api/0/subscription/list?output=json"),
        ("POST", "/reader/api/0/subscription/edit"),
        ("POST", "/reader/api/0/subscription/quickadd"),
        ("GET", "/reader/api/0/tag/list"),
        ("GET", "/reader/api/0/unread-count"),
        ("GET", "/reader/api/0/stream/contents"),
        (
            "GET",
            "/reader/api/0/stream/contents/user/-/state/com.google/reading-list",
        ),
        ("GET", "/reader/api/0/stream/items/ids?s=feed/1"),
        ("POST", "/reader/api/0/stream/items/contents"),
        ("POST", "/reader/api/0/edit-tag"),
        ("POST", "/reader/api/0/mark-all-as-read"),
        ("GET", "/reader/atom/feed%2F1"),
        ("GET", "//reader/atom/feed%2F1"),
    ];
    for (method, uri) in calls {
        for token in [None, Some("not-a-token"), Some("")] {
            let answer = call(&f.app, method, uri, token, "i=1&s=feed/1&T=x").await;
            assert_eq!(
                answer.status,
                StatusCode::UNAUTHORIZED,
                "{method} {uri} {token:?}: {}",
                answer.body
            );
            assert_eq!(answer.headers["google-bad-token"], "true");
        }
    }
}

#[tokio::test]
async fn a_post_may_carry_its_token_as_t_and_any_action_token_is_accepted() {
    let f = fixture();
    let token = login(&f.app, "ann", ANN_PASSWORD).await;
    let action = get(&f.app, "/reader/api/0/token", &token).await;
    assert_eq!(action.status, StatusCode::OK);
    assert_eq!(action.body.len(), 57);
    let first = long_item_id(f.agency_articles[0]);
    // Miniflux-style: no header, the auth token as T.
    let form = format!("i={first}&a=user/-/state/com.google/read&T={token}");
    let answer = call(&f.app, "POST", "/reader/api/0/edit-tag", None, &form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body, "OK");
    // With the header, T is not checked (Reeder sends "x").
    let form = format!("i={first}&a=user/-/state/com.google/starred&T=x");
    assert_eq!(
        post(&f.app, "/reader/api/0/edit-tag", &token, &form)
            .await
            .body,
        "OK"
    );
    let states = f
        .store
        .subscriptions()
        .states(f.ann.id, &[f.agency_articles[0]])
        .expect("states");
    let state = states
        .get(&f.agency_articles[0])
        .copied()
        .unwrap_or_default();
    assert!(state.read && state.starred);
}

#[tokio::test]
async fn each_user_sees_only_their_subscriptions() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let bob = login(&f.app, "bob", BOB_PASSWORD).await;
    let list = get(&f.app, "/reader/api/0/subscription/list?output=json", &ann).await;
    let subscriptions = list.json()["subscriptions"].clone();
    assert_eq!(
        subscriptions.as_array().map(Vec::len),
        Some(1),
        "{}",
        list.body
    );
    assert_eq!(subscriptions[0]["id"], format!("feed/{}", f.agency));
    assert_eq!(subscriptions[0]["title"], "Agency");
    assert_eq!(subscriptions[0]["url"], "https://agency.example/feed");
    assert_eq!(
        subscriptions[0]["categories"][0]["id"],
        "user/-/label/World"
    );
    let list = get(&f.app, "/reader/api/0/subscription/list", &bob).await;
    let subscriptions = list.json()["subscriptions"].clone();
    assert_eq!(subscriptions.as_array().map(Vec::len), Some(1));
    assert_eq!(subscriptions[0]["id"], format!("feed/{}", f.gazette));

    // Bob's reading list holds the gazette only.
    let stream = get(
        &f.app,
        "/reader/api/0/stream/contents/user/-/state/com.google/reading-list",
        &bob,
    )
    .await;
    assert_eq!(item_titles(&stream.json()), ["Council meets"]);

    let tags = get(&f.app, "/reader/api/0/tag/list", &ann).await.json();
    let ids: Vec<&str> = tags["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["user/-/state/com.google/starred", "user/-/label/World"]
    );
    let tags = get(&f.app, "/reader/api/0/tag/list", &bob).await.json();
    assert_eq!(tags["tags"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn streams_page_newest_first_with_escaped_content() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let base = "/reader/api/0/stream/contents/user/-/state/com.google/reading-list";
    let first = get(&f.app, &format!("{base}?n=2"), &ann).await.json();
    assert_eq!(item_titles(&first), ["Schools close", "Roads reopen"]);
    let next = first["continuation"].as_str().expect("a continuation");
    let second = get(&f.app, &format!("{base}?n=2&c={next}"), &ann)
        .await
        .json();
    assert_eq!(item_titles(&second), ["Storm hits coast"]);
    assert!(second.get("continuation").is_none());

    let oldest = get(&f.app, &format!("{base}?r=o&n=1"), &ann).await.json();
    assert_eq!(item_titles(&oldest), ["Storm hits coast"]);
    let item = &oldest["items"][0];
    assert_eq!(item["id"], long_item_id(f.agency_articles[0]));
    assert_eq!(item["origin"]["streamId"], format!("feed/{}", f.agency));
    assert_eq!(item["origin"]["title"], "Agency");
    assert_eq!(
        item["canonical"][0]["href"],
        format!("https://news.example/{}/1", f.agency)
    );
    assert_eq!(item["author"], "Jane Doe");
    assert_eq!(item["timestampUsec"], at(1).timestamp_micros().to_string());
    let content = item["content"]["content"].as_str().expect("content");
    assert!(content.starts_with("<p>A storm hit.</p>"), "{content}");
    assert!(content.contains("&lt;script&gt;"), "{content}");
    assert!(
        !content.contains("<script") && !content.contains("<img"),
        "{content}"
    );
    let categories = item["categories"].as_array().expect("categories");
    assert!(
        categories
            .iter()
            .any(|c| c == "user/-/state/com.google/reading-list")
    );
    assert!(
        !categories
            .iter()
            .any(|c| c == "user/-/state/com.google/read")
    );

    // `s=` instead of the path; a feed by id and by URL; a label.
    let by_param = get(
        &f.app,
        &format!("/reader/api/0/stream/contents?s=feed/{}&n=1", f.agency),
        &ann,
    )
    .await
    .json();
    assert_eq!(item_titles(&by_param), ["Schools close"]);
    let by_url = get(
        &f.app,
        "/reader/api/0/stream/contents/feed/https%3A%2F%2Fagency.example%2Ffeed?n=1",
        &ann,
    )
    .await
    .json();
    assert_eq!(item_titles(&by_url), ["Schools close"]);
    let label = get(
        &f.app,
        "/reader/api/0/stream/contents/user/-/label/World",
        &ann,
    )
    .await
    .json();
    assert_eq!(item_titles(&label).len(), 3);
    // Times: only what came after minute 2.
    let since = get(
        &f.app,
        &format!("{base}?ot={}", at(2).timestamp() + 1),
        &ann,
    )
    .await
    .json();
    assert_eq!(item_titles(&since), ["Schools close"]);

    let missing = get(&f.app, "/reader/api/0/stream/contents/feed/999", &ann).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = get(&f.app, "/reader/api/0/stream/contents/nonsense", &ann).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn marks_are_each_users_own() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let bob = login(&f.app, "bob", BOB_PASSWORD).await;
    let storm = f.agency_articles[0];

    // Ann reads the storm (long id form).
    let form = format!(
        "i={}&a=user/-/state/com.google/read&T=x",
        long_item_id(storm)
    );
    assert_eq!(
        post(&f.app, "/reader/api/0/edit-tag", &ann, &form)
            .await
            .body,
        "OK"
    );
    let unread = get(
        &f.app,
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&xt=user/-/state/com.google/read&n=100",
        &ann,
    )
    .await
    .json();
    let ids: Vec<String> = unread["itemRefs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    let expected: Vec<String> = f.agency_articles[1..]
        .iter()
        .rev()
        .map(i64::to_string)
        .collect();
    assert_eq!(ids, expected);
    let read = get(
        &f.app,
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/read",
        &ann,
    )
    .await
    .json();
    assert_eq!(read["itemRefs"][0]["id"], storm.to_string());

    // Bob sees the same article unread, and his marks leave Ann's alone.
    let contents = post(
        &f.app,
        "/reader/api/0/stream/items/contents",
        &bob,
        &format!("i={storm}"),
    )
    .await
    .json();
    let categories = contents["items"][0]["categories"].clone();
    assert!(
        !categories
            .as_array()
            .expect("categories")
            .iter()
            .any(|c| c == "user/-/state/com.google/read"),
        "{categories}"
    );
    let form = format!("i={storm}&r=user/-/state/com.google/read");
    assert_eq!(
        post(&f.app, "/reader/api/0/edit-tag", &bob, &form)
            .await
            .body,
        "OK"
    );
    let form = format!("i={}&a=user/-/state/com.google/read", f.agency_articles[1]);
    assert_eq!(
        post(&f.app, "/reader/api/0/edit-tag", &bob, &form)
            .await
            .body,
        "OK"
    );
    let ann_states = f
        .store
        .subscriptions()
        .states(f.ann.id, &f.agency_articles)
        .expect("states");
    assert!(ann_states.get(&storm).is_some_and(|s| s.read));
    assert!(
        !ann_states
            .get(&f.agency_articles[1])
            .is_some_and(|s| s.read)
    );

    // Unread counts are per user.
    let counts = get(&f.app, "/reader/api/0/unread-count?output=json", &ann)
        .await
        .json();
    let count = |json: &Value, id: &str| {
        json["unreadcounts"]
            .as_array()
            .expect("counts")
            .iter()
            .find(|c| c["id"] == id)
            .and_then(|c| c["count"].as_u64())
    };
    assert_eq!(count(&counts, &format!("feed/{}", f.agency)), Some(2));
    assert_eq!(count(&counts, "user/-/label/World"), Some(2));
    assert_eq!(
        count(&counts, "user/-/state/com.google/reading-list"),
        Some(2)
    );
    let counts = get(&f.app, "/reader/api/0/unread-count", &bob).await.json();
    assert_eq!(
        count(&counts, "user/-/state/com.google/reading-list"),
        Some(1)
    );

    // Starring, and the starred stream.
    let form = format!("i={}&a=user/-/state/com.google/starred", f.gazette_article);
    assert_eq!(
        post(&f.app, "/reader/api/0/edit-tag", &bob, &form)
            .await
            .body,
        "OK"
    );
    let starred = get(
        &f.app,
        "/reader/api/0/stream/contents/user/-/state/com.google/starred",
        &bob,
    )
    .await
    .json();
    assert_eq!(item_titles(&starred), ["Council meets"]);
    let starred = get(
        &f.app,
        "/reader/api/0/stream/contents/user/-/state/com.google/starred",
        &ann,
    )
    .await
    .json();
    assert!(item_titles(&starred).is_empty());

    // Bad ids and contradictions are refused.
    for form in [
        "i=nope&a=user/-/state/com.google/read",
        "a=user/-/state/com.google/read",
        "i=1&a=user/-/state/com.google/read&a=user/-/state/com.google/kept-unread",
    ] {
        let answer = post(&f.app, "/reader/api/0/edit-tag", &ann, form).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{form}");
    }
}

#[tokio::test]
async fn mark_all_as_read_clears_a_feed() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let form = format!("s=feed/{}&ts={}", f.agency, at(2).timestamp_micros() + 1);
    let answer = post(&f.app, "/reader/api/0/mark-all-as-read", &ann, &form).await;
    assert_eq!(answer.body, "OK");
    let unread = get(
        &f.app,
        "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?xt=user/-/state/com.google/read",
        &ann,
    )
    .await
    .json();
    assert_eq!(item_titles(&unread), ["Schools close"]);
    let form = "s=user/-/label/World";
    assert_eq!(
        post(&f.app, "/reader/api/0/mark-all-as-read", &ann, form)
            .await
            .body,
        "OK"
    );
    let counts = get(&f.app, "/reader/api/0/unread-count", &ann).await.json();
    assert_eq!(counts["max"], 0);
    // Bob's are untouched.
    let bob = login(&f.app, "bob", BOB_PASSWORD).await;
    let counts = get(&f.app, "/reader/api/0/unread-count", &bob).await.json();
    assert_eq!(counts["max"], 1);
}

#[tokio::test]
async fn subscriptions_are_edited_by_stream_id() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let edit = |form: String| {
        let app = f.app.clone();
        let ann = ann.clone();
        async move { post(&app, "/reader/api/0/subscription/edit", &ann, &form).await }
    };
    let answer = edit(format!("ac=subscribe&s=feed/{}", f.gazette)).await;
    assert_eq!(answer.body, "OK");
    // A known source by its URL, written another way.
    let answer = edit("ac=unsubscribe&s=feed/HTTPS://Agency.example/feed".into()).await;
    assert_eq!(answer.body, "OK");
    let list = get(&f.app, "/reader/api/0/subscription/list", &ann)
        .await
        .json();
    assert_eq!(
        list["subscriptions"][0]["id"],
        format!("feed/{}", f.gazette)
    );
    assert_eq!(list["subscriptions"].as_array().map(Vec::len), Some(1));
    // Sources are shared: renaming is refused; an unknown action too.
    let refused = edit(format!("ac=edit&s=feed/{}&t=Mine", f.gazette)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let refused = edit(format!("ac=delete&s=feed/{}", f.gazette)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let missing = edit("ac=subscribe&s=feed/999".into()).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // A new URL is fetched through the guard: an address inside refused,
    // nothing stored.
    let sources_before = f.store.sources().expect("sources").len();
    let refused = edit("ac=subscribe&s=feed/http://127.0.0.1:9/feed.xml".into()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let refused = post(
        &f.app,
        "/reader/api/0/subscription/quickadd",
        &ann,
        "quickadd=http://169.254.169.254/latest",
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let refused = post(
        &f.app,
        "/reader/api/0/subscription/quickadd",
        &ann,
        "quickadd=javascript:alert(1)",
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_eq!(f.store.sources().expect("sources").len(), sources_before);
    // Bob's subscriptions did not move.
    let follows = f.store.subscriptions().follows(f.bob.id).expect("follows");
    assert_eq!(follows.len(), 1);
}

#[tokio::test]
async fn atom_streams_carry_ids_and_read_states_for_feedhq_clients() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let form = format!("i={}&a=user/-/state/com.google/read", f.agency_articles[0]);
    assert_eq!(
        post(&f.app, "/reader/api/0/edit-tag", &ann, &form)
            .await
            .body,
        "OK"
    );
    // newsboat asks with a doubled slash when its feedhq-url ends with one.
    for prefix in ["", "/"] {
        let uri = format!("{prefix}/reader/atom/feed%2F{}?n=20", f.agency);
        let answer = get(&f.app, &uri, &ann).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert!(!answer.body.contains("<script"), "{}", answer.body);
        let feed = feed_rs::parser::parse(answer.body.as_bytes()).expect("Atom");
        assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
        assert_eq!(feed.title.map(|t| t.content).as_deref(), Some("Agency"));
        let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
        let expected: Vec<String> = f
            .agency_articles
            .iter()
            .rev()
            .map(|id| long_item_id(*id))
            .collect();
        assert_eq!(ids, expected);
        let labels = |n: usize| -> Vec<String> {
            feed.entries[n]
                .categories
                .iter()
                .filter_map(|c| c.label.clone())
                .collect()
        };
        assert!(labels(2).contains(&"read".to_string()), "{:?}", labels(2));
        assert!(labels(0).contains(&"fresh".to_string()), "{:?}", labels(0));
    }
    let login = call(
        &f.app,
        "POST",
        "//accounts/ClientLogin",
        None,
        &format!("Email=ann&Passwd={}", urlencode(ANN_PASSWORD)),
    )
    .await;
    assert_eq!(login.status, StatusCode::OK);
}

#[tokio::test]
async fn items_are_fetched_by_id_in_either_form() {
    let f = fixture();
    let bob = login(&f.app, "bob", BOB_PASSWORD).await;
    let form = format!(
        "i={}&i={}&i=424242",
        long_item_id(f.agency_articles[2]),
        f.gazette_article
    );
    let answer = post(&f.app, "/reader/api/0/stream/items/contents", &bob, &form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        item_titles(&answer.json()),
        ["Schools close", "Council meets"]
    );
    let none = post(&f.app, "/reader/api/0/stream/items/contents", &bob, "").await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_oversized_form_is_refused_before_anything_is_read() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let form = format!(
        "i=1&a=user/-/state/com.google/read&pad={}",
        "x".repeat(2 << 20)
    );
    let answer = post(&f.app, "/reader/api/0/edit-tag", &ann, &form).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    let answer = call(&f.app, "POST", "/accounts/ClientLogin", None, &form).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[test]
fn the_routes_build_under_the_full_router() {
    let store = Arc::new(SqliteStore::open_in_memory().expect("a store"));
    let fetcher = Fetcher::new(&FetchConfig::default()).expect("a fetcher");
    let _ = crate::router(AppState::new(store, fetcher));
}

#[tokio::test]
async fn another_users_ids_reach_only_the_callers_own_state() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let bob = login(&f.app, "bob", BOB_PASSWORD).await;
    let council = f.gazette_article;
    let form = format!("i={council}&a=user/-/state/com.google/starred");
    assert_eq!(
        post(&f.app, "/reader/api/0/edit-tag", &bob, &form)
            .await
            .body,
        "OK"
    );
    // Ann naming Bob's user id in a stream gets her own streams.
    let bobs = |state: &str| format!("user/{}/state/com.google/{state}", f.bob.id);
    let starred = get(
        &f.app,
        &format!("/reader/api/0/stream/contents/{}", bobs("starred")),
        &ann,
    )
    .await;
    assert_eq!(starred.status, StatusCode::OK, "{}", starred.body);
    assert!(item_titles(&starred.json()).is_empty(), "{}", starred.body);
    let reading = get(
        &f.app,
        &format!(
            "/reader/api/0/stream/items/ids?s={}&n=100",
            urlencode(&bobs("reading-list"))
        ),
        &ann,
    )
    .await
    .json();
    let ids: Vec<i64> = reading["itemRefs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(|r| r["id"].as_str()?.parse().ok())
        .collect();
    assert!(!ids.contains(&council), "{ids:?}");
    // Ann's writes on Bob's feed and item change only Ann's state.
    for (uri, form) in [
        (
            "/reader/api/0/subscription/edit",
            format!("ac=unsubscribe&s=feed/{}", f.gazette),
        ),
        (
            "/reader/api/0/mark-all-as-read",
            format!("s=feed/{}", f.gazette),
        ),
        (
            "/reader/api/0/edit-tag",
            format!("i={council}&r=user/-/state/com.google/starred"),
        ),
        (
            "/reader/api/0/edit-tag",
            format!("i={council}&a={}", urlencode(&bobs("read"))),
        ),
    ] {
        let answer = post(&f.app, uri, &ann, &form).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{uri} {form}: {}",
            answer.body
        );
    }
    let follows = f.store.subscriptions().follows(f.bob.id).expect("follows");
    assert_eq!(follows.len(), 1, "Bob still follows the gazette");
    let state = f
        .store
        .subscriptions()
        .states(f.bob.id, &[council])
        .expect("states")[&council];
    assert!(state.starred && !state.read, "{state:?}");
    let counts = get(&f.app, "/reader/api/0/unread-count", &bob).await.json();
    assert_eq!(counts["max"], 1);
}

#[tokio::test]
async fn a_browser_session_opens_no_google_reader_call() {
    use crate::accounts::testing::{Browser, desk};
    let desk = desk();
    desk.user("ann", ANN_PASSWORD, false);
    let mut browser = Browser::new();
    browser.login(&desk.app, "ann", ANN_PASSWORD).await;
    let csrf = browser.csrf(&desk.app).await;
    let article = desk.article("Talks resume in Geneva");
    // The cookie, even with the session's CSRF token as `T`, is no
    // credential here: a forged form could carry the cookie.
    for (method, path, form) in [
        ("GET", "/reader/api/0/subscription/list", String::new()),
        ("GET", "/reader/api/0/token", String::new()),
        (
            "POST",
            "/reader/api/0/edit-tag",
            format!("i={article}&a=user/-/state/com.google/read&T={csrf}"),
        ),
        (
            "POST",
            "/reader/api/0/subscription/quickadd",
            format!("quickadd=https://news.example/feed&T={csrf}"),
        ),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header(
                "cookie",
                format!(
                    "{}={}",
                    crate::accounts::SESSION_COOKIE,
                    browser.session().expect("a session")
                ),
            )
            .body(Body::from(form))
            .expect("a request");
        let answer = crate::accounts::testing::send(&desk.app, request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let ann = desk
        .store
        .accounts()
        .credentials("ann")
        .expect("the store")
        .expect("ann")
        .user;
    let state = desk
        .store
        .subscriptions()
        .states(ann.id, &[article])
        .expect("states")[&article];
    assert!(!state.read);
}

#[tokio::test]
async fn hostile_params_are_refused_and_nothing_is_stored() {
    let f = fixture();
    let ann = login(&f.app, "ann", ANN_PASSWORD).await;
    let sources = f.store.sources().expect("sources").len();
    let long = "t".repeat(301);
    for (uri, form) in [
        // Titles and labels of new sources are bounded and plain.
        (
            "/reader/api/0/subscription/edit",
            format!("ac=subscribe&s=feed/{}&t={long}", f.gazette),
        ),
        (
            "/reader/api/0/subscription/edit",
            format!("ac=subscribe&s=feed/{}&t=Mine%00", f.gazette),
        ),
        (
            "/reader/api/0/subscription/edit",
            format!(
                "ac=subscribe&s=feed/{}&a=user/-/label/World%0Anews",
                f.gazette
            ),
        ),
        (
            "/reader/api/0/subscription/edit",
            format!("ac=subscribe&s=feed/{}&a=user/-/label/{long}", f.gazette),
        ),
        // Streams, items and URLs that are none.
        (
            "/reader/api/0/subscription/edit",
            "ac=subscribe&s=feed/';%20DROP%20TABLE%20users;%20--".to_string(),
        ),
        (
            "/reader/api/0/subscription/quickadd",
            format!("quickadd={}", urlencode(IMG)),
        ),
        (
            "/reader/api/0/edit-tag",
            format!("i={}&a=user/-/state/com.google/read", urlencode(HOSTILE)),
        ),
        (
            "/reader/api/0/edit-tag",
            "i=1%00&a=user/-/state/com.google/read".to_string(),
        ),
        (
            "/reader/api/0/mark-all-as-read",
            format!("s={}", urlencode(HOSTILE)),
        ),
        (
            "/reader/api/0/stream/items/contents",
            format!("i={}", "9".repeat(400)),
        ),
    ] {
        let answer = post(&f.app, uri, &ann, &form).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri} {form}: {}",
            answer.body
        );
        assert!(
            answer.headers["content-type"]
                .to_str()
                .is_ok_and(|t| t.starts_with("text/plain")),
            "{uri}: errors are plain text, never markup"
        );
    }
    let answer = get(
        &f.app,
        &format!("/reader/api/0/stream/items/ids?s={}", urlencode(HOSTILE)),
        &ann,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // Nothing moved.
    assert_eq!(f.store.sources().expect("sources").len(), sources);
    let follows = f.store.subscriptions().follows(f.ann.id).expect("follows");
    assert_eq!(follows.len(), 1);
    assert_eq!(follows[0].follow, Follow::Source(f.agency));
    let states = f
        .store
        .subscriptions()
        .states(f.ann.id, &[1])
        .expect("states");
    assert!(!states[&1].read);
    assert_eq!(f.store.accounts().count_users().expect("users"), 2);
}

/// Markup a careless page would run.
const IMG: &str = "\"><img src=x onerror=alert(1)>";
