//! The dispatcher against receivers on 127.0.0.1 (taking, always failing,
//! refused by the guard), and the webhook API and page through the router.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::watch;
use tower::ServiceExt;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_store::{DeliveryStatus, EventKind, Follow, SinkKind, SqliteStore, Store};

use super::events::tests::{put, sink, user};
use super::{DispatchConfig, Dispatcher, RetryPolicy, sign};
use crate::AppState;
use crate::secrets::secret_hash;

/// What a receiver was sent: (event key, body, whether it verified).
type Received = Arc<Mutex<Vec<(String, Value, bool)>>>;

#[derive(Clone)]
struct Receiver {
    answer: StatusCode,
    received: Received,
}

async fn take(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let timestamp: i64 = header(sign::TIMESTAMP_HEADER).parse().unwrap_or(0);
    let verified = sign::verify(
        "s3cret",
        timestamp,
        &body,
        &header(sign::SIGNATURE_HEADER),
        chrono::Utc::now().timestamp(),
    )
    .is_ok()
        && header(sign::EVENT_HEADER) == "story.article";
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    receiver
        .received
        .lock()
        .unwrap()
        .push((header(sign::DELIVERY_HEADER), value, verified));
    receiver.answer
}

async fn receiver(answer: StatusCode) -> (SocketAddr, Received) {
    let received = Received::default();
    let app = Router::new()
        .route("/hook", post(take))
        .with_state(Receiver {
            answer,
            received: Arc::clone(&received),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, received)
}

/// A store with one user following a story with a webhook at `url`, and
/// one new article in that story: one delivery to make.
fn one_delivery(url: &str) -> (Arc<SqliteStore>, i64, i64) {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let ann = user(&*store, "ann");
    sink(
        &*store,
        ann,
        url,
        SinkKind::Webhook,
        &[EventKind::FollowedStory],
    );
    let (_, story) = put(
        &*store,
        "Quake hits coast",
        "An earthquake struck.",
        None,
        false,
    );
    store
        .subscriptions()
        .follow(ann, &Follow::Story(story))
        .unwrap();
    put(
        &*store,
        "Quake: villages reached",
        "Rescue teams arrived.",
        Some(story),
        false,
    );
    (store, ann, story)
}

fn fetcher(allowed: Option<SocketAddr>) -> Fetcher {
    Fetcher::new(&FetchConfig {
        timeout: Duration::from_secs(5),
        allowed_hosts: allowed.iter().map(ToString::to_string).collect(),
        ..FetchConfig::default()
    })
    .unwrap()
}

fn quick(attempts: u32) -> DispatchConfig {
    DispatchConfig {
        retry: RetryPolicy {
            // Times are kept to the second: a wait this short is due at once.
            first: Duration::from_millis(1),
            max: Duration::from_millis(1),
            attempts,
        },
        scan_every: Duration::from_millis(50),
        ..DispatchConfig::default()
    }
}

#[tokio::test]
async fn a_delivery_is_signed_and_recorded() {
    let (addr, received) = receiver(StatusCode::NO_CONTENT).await;
    let (store, ann, _) = one_delivery(&format!("http://{addr}/hook"));
    let dispatcher = Dispatcher::new(store.clone(), fetcher(Some(addr)), quick(3));
    let sent = dispatcher.run_once().await.unwrap();
    assert_eq!((sent.attempts, sent.delivered), (1, 1));
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let (key, body, verified) = &received[0];
    assert!(verified, "the signature must verify");
    assert!(key.starts_with("story.article:"));
    assert_eq!(body["id"], key.as_str());
    let log = store.push().deliveries(ann, None, 10).unwrap();
    assert_eq!(log[0].status, DeliveryStatus::Delivered);
    assert_eq!((log[0].attempts, log[0].last_status), (1, Some(204)));
    assert!(log[0].delivered_at.is_some());
    assert_eq!(
        dispatcher.run_once().await.unwrap().attempts,
        0,
        "nothing left"
    );
}

#[tokio::test]
async fn failures_are_retried_then_dead() {
    let (addr, received) = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    let (store, ann, _) = one_delivery(&format!("http://{addr}/hook"));
    let dispatcher = Dispatcher::new(store.clone(), fetcher(Some(addr)), quick(3));
    let mut dead = 0;
    for round in 1..=3 {
        let sent = dispatcher.run_once().await.unwrap();
        assert_eq!(sent.attempts, 1, "round {round}");
        dead += sent.dead;
        let log = store.push().deliveries(ann, None, 10).unwrap();
        assert_eq!(log[0].attempts, round);
        assert_eq!(log[0].last_status, Some(500));
        assert!(
            log[0]
                .last_error
                .as_deref()
                .unwrap_or("")
                .contains("answered 500"),
            "{:?}",
            log[0].last_error
        );
        let expected = if round < 3 {
            DeliveryStatus::Pending
        } else {
            DeliveryStatus::Dead
        };
        assert_eq!(log[0].status, expected, "round {round}");
    }
    assert_eq!(dead, 1);
    assert_eq!(
        received.lock().unwrap().len(),
        3,
        "the same delivery three times"
    );
    let keys: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.0.clone())
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] == w[1]),
        "one key on every retry"
    );
    assert_eq!(
        dispatcher.run_once().await.unwrap().attempts,
        0,
        "dead letters rest"
    );
    let counts = store.push().delivery_counts().unwrap();
    assert!(counts.contains(&(DeliveryStatus::Dead, 1)), "{counts:?}");
}

#[tokio::test]
async fn a_receiver_inside_the_network_is_refused_by_the_guard() {
    let (addr, received) = receiver(StatusCode::OK).await;
    let (store, ann, _) = one_delivery(&format!("http://{addr}/hook"));
    // No exception for the receiver: 127.0.0.1 is not a public address.
    let dispatcher = Dispatcher::new(store.clone(), fetcher(None), quick(5));
    let sent = dispatcher.run_once().await.unwrap();
    assert_eq!((sent.attempts, sent.delivered), (1, 0));
    assert!(received.lock().unwrap().is_empty());
    let log = store.push().deliveries(ann, None, 10).unwrap();
    assert_eq!(log[0].status, DeliveryStatus::Pending);
    assert_eq!(log[0].last_status, None);
    let error = log[0].last_error.clone().unwrap_or_default();
    assert!(error.contains("not a public address"), "{error}");
}

#[tokio::test]
async fn the_loop_delivers_news_and_stops_when_told() {
    let (addr, received) = receiver(StatusCode::OK).await;
    let (store, ann, story) = one_delivery(&format!("http://{addr}/hook"));
    let dispatcher = Dispatcher::new(store.clone(), fetcher(Some(addr)), quick(3));
    let waker = dispatcher.waker();
    let (stop_tx, stop) = watch::channel(false);
    let running = tokio::spawn(async move { dispatcher.run(stop).await });
    let wait_for = |n: usize| {
        let received = Arc::clone(&received);
        async move {
            for _ in 0..500 {
                if received.lock().unwrap().len() >= n {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            panic!("{n} deliveries did not arrive");
        }
    };
    wait_for(1).await;
    // News stored while it runs, and a poke, as the poller gives.
    put(
        &*store,
        "Quake: roads reopen",
        "The coast road reopened.",
        Some(story),
        false,
    );
    waker.notify_one();
    wait_for(2).await;
    stop_tx.send(true).unwrap();
    let sent = tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("the loop stops")
        .unwrap();
    assert_eq!(sent.delivered, 2);
    let log = store.push().deliveries(ann, None, 10).unwrap();
    assert!(
        log.iter().all(|d| d.status == DeliveryStatus::Delivered),
        "{log:?}"
    );
}

// --- the API and the page ---

struct Api {
    app: Router,
    store: Arc<SqliteStore>,
    ann: i64,
    ann_token: String,
    bob_token: String,
}

fn api() -> Api {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let ann = user(&*store, "ann");
    let bob = user(&*store, "bob");
    let token = |user: i64, secret: &str| {
        store
            .accounts()
            .create_api_token(user, "test", &secret_hash(secret))
            .unwrap();
        secret.to_string()
    };
    let ann_token = token(ann, "ann-token-0123456789");
    let bob_token = token(bob, "bob-token-0123456789");
    let state = AppState::new(store.clone() as Arc<dyn Store>, fetcher(None));
    Api {
        app: crate::router(state),
        store,
        ann,
        ann_token,
        bob_token,
    }
}

async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn webhooks_are_made_listed_and_deleted_by_their_owner_only() {
    let Api {
        app,
        store,
        ann,
        ann_token,
        bob_token,
    } = api();
    let ann_t = Some(ann_token.as_str());
    let bob_t = Some(bob_token.as_str());
    let base = "/api/v1/me/webhooks";
    let (status, body) = call(&app, Method::GET, base, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["status"], 401);

    let made = json!({"url": "https://hooks.example/tribune", "kind": "channel", "events": ["story.article"]});
    let (status, body) = call(&app, Method::POST, base, ann_t, Some(made)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().unwrap();
    let secret = body["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 64);
    assert_eq!(body["kind"], "channel");
    assert_eq!(body["events"], json!(["story.article"]));

    let (status, body) = call(&app, Method::GET, base, ann_t, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["webhooks"].as_array().unwrap().len(), 1);
    assert!(
        body["webhooks"][0].get("secret").is_none(),
        "the secret is shown once"
    );
    assert!(!body.to_string().contains(&secret));

    // Bob sees none of it, and cannot read, log or delete Ann's.
    let (_, body) = call(&app, Method::GET, base, bob_t, None).await;
    assert_eq!(body["webhooks"], json!([]));
    for (method, path) in [
        (Method::GET, format!("{base}/{id}")),
        (Method::GET, format!("{base}/{id}/deliveries")),
        (Method::DELETE, format!("{base}/{id}")),
    ] {
        let (status, body) = call(&app, method.clone(), &path, bob_t, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    assert_eq!(store.push().webhooks(ann).unwrap().len(), 1);

    let (status, body) = call(
        &app,
        Method::GET,
        &format!("{base}/{id}/deliveries"),
        ann_t,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["deliveries"], json!([]));
    let (status, _) = call(&app, Method::DELETE, &format!("{base}/{id}"), ann_t, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&app, Method::DELETE, &format!("{base}/{id}"), ann_t, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(&app, Method::GET, &format!("{base}/abc"), ann_t, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn bad_webhooks_are_refused_with_a_reason() {
    let Api {
        app,
        store,
        ann,
        ann_token,
        ..
    } = api();
    let t = Some(ann_token.as_str());
    let base = "/api/v1/me/webhooks";
    for (body, code) in [
        (json!({"url": "ftp://hooks.example/x"}), "invalid_url"),
        (json!({"url": "not a url"}), "invalid_url"),
        (json!({"url": "http://127.0.0.1:9/hook"}), "refused_address"),
        (
            json!({"url": "http://169.254.169.254/latest"}),
            "refused_address",
        ),
        (
            json!({"url": "https://hooks.example/", "kind": "carrier-pigeon"}),
            "bad_request",
        ),
        (
            json!({"url": "https://hooks.example/", "events": ["everything"]}),
            "bad_request",
        ),
        (
            json!({"url": "https://hooks.example/", "events": []}),
            "bad_request",
        ),
        (
            json!({"url": format!("https://hooks.example/{}", "a".repeat(3000))}),
            "invalid_url",
        ),
    ] {
        let (status, answer) = call(&app, Method::POST, base, t, Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} → {answer}");
        assert_eq!(answer["error"]["code"], code, "{body} → {answer}");
    }
    let (status, answer) = call(&app, Method::POST, base, t, Some(json!({"nope": 1}))).await;
    assert!(status.is_client_error(), "{answer}");
    assert_eq!(answer["error"]["status"], status.as_u16());
    let (status, answer) = call(&app, Method::PUT, base, t, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer["error"]["status"], 405);
    assert!(
        store.push().webhooks(ann).unwrap().is_empty(),
        "nothing stored"
    );
}

#[tokio::test]
async fn the_delivery_log_shows_attempts_and_dead_letters() {
    let (addr, _) = receiver(StatusCode::SERVICE_UNAVAILABLE).await;
    let Api {
        app,
        store,
        ann,
        ann_token,
        ..
    } = api();
    let hook = sink(
        &*store,
        ann,
        &format!("http://{addr}/hook"),
        SinkKind::Webhook,
        &[EventKind::FollowedStory],
    );
    let (_, story) = put(
        &*store,
        "Quake hits coast",
        "An earthquake struck.",
        None,
        false,
    );
    store
        .subscriptions()
        .follow(ann, &Follow::Story(story))
        .unwrap();
    put(
        &*store,
        "Quake: villages reached",
        "Rescue teams arrived.",
        Some(story),
        false,
    );
    let dispatcher = Dispatcher::new(store.clone(), fetcher(Some(addr)), quick(2));
    dispatcher.run_once().await.unwrap();
    dispatcher.run_once().await.unwrap();
    let path = format!("/api/v1/me/webhooks/{}/deliveries", hook.id);
    let (status, body) = call(&app, Method::GET, &path, Some(&ann_token), None).await;
    assert_eq!(status, StatusCode::OK);
    let log = &body["deliveries"][0];
    assert_eq!(log["status"], "dead");
    assert_eq!(log["attempts"], 2);
    assert_eq!(log["last_status"], 503);
    assert!(log["last_error"].as_str().unwrap().contains("answered 503"));

    // The page lists it too, as a dead letter.
    let request = Request::builder()
        .uri(format!("/account/webhooks?webhook={}", hook.id))
        .header(header::AUTHORIZATION, format!("Bearer {ann_token}"))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = String::from_utf8(
        axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(html.contains("dead letter"), "{html}");
    assert!(html.contains("answered 503"));
    assert!(html.contains(&format!("http://{addr}/hook")));
}

#[tokio::test]
async fn the_page_asks_visitors_to_sign_in_and_forms_need_their_token() {
    let Api {
        app, store, ann, ..
    } = api();
    let get = Request::builder()
        .uri("/account/webhooks")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(get).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );

    // A browser session: the form without its CSRF token is refused.
    let cookie_token = "session-token-0123456789";
    let csrf = "csrf-0123456789";
    store
        .accounts()
        .create_session(
            ann,
            &secret_hash(cookie_token),
            csrf,
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .unwrap();
    let form = |csrf: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/account/webhooks")
            .header(header::COOKIE, format!("tribune_session={cookie_token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={csrf}&url=https%3A%2F%2Fhooks.example%2Fx&kind=webhook&event_followed_story=on"
            )))
            .unwrap()
    };
    let response = app.clone().oneshot(form("wrong")).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(store.push().webhooks(ann).unwrap().is_empty());
    let response = app.clone().oneshot(form(csrf)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = String::from_utf8(
        axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    let made = store.push().webhooks(ann).unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].events, vec![EventKind::FollowedStory]);
    assert!(html.contains(&made[0].secret), "the secret is shown once");

    // Delete with the token: back to the page.
    let delete = Request::builder()
        .method(Method::POST)
        .uri(format!("/account/webhooks/{}/delete", made[0].id))
        .header(header::COOKIE, format!("tribune_session={cookie_token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}")))
        .unwrap();
    let response = app.clone().oneshot(delete).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(store.push().webhooks(ann).unwrap().is_empty());
}

/// A request of a browser signed in with the session `cookie`, carrying
/// `csrf` in `X-CSRF-Token` if given.
async fn as_session(
    app: &Router,
    method: Method,
    uri: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, format!("tribune_session={cookie}"));
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    let request = match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_session_changes_webhooks_through_the_api_only_with_its_csrf_token() {
    let Api {
        app, store, ann, ..
    } = api();
    let cookie = "session-token-for-the-api-0123456789";
    let csrf = "csrf-for-the-api-0123456789";
    store
        .accounts()
        .create_session(
            ann,
            &secret_hash(cookie),
            csrf,
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .unwrap();
    let base = "/api/v1/me/webhooks";
    let made = json!({"url": "https://hooks.example/tribune"});
    // A forged request carries the cookie but cannot know the token.
    for token in [None, Some("wrong"), Some("")] {
        let (status, body) =
            as_session(&app, Method::POST, base, cookie, token, Some(made.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{token:?}: {body}");
        assert_eq!(body["error"]["code"], "forbidden");
    }
    assert!(
        store.push().webhooks(ann).unwrap().is_empty(),
        "nothing stored"
    );
    let (status, body) = as_session(&app, Method::POST, base, cookie, Some(csrf), Some(made)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let path = format!("{base}/{}", body["id"]);
    // Reading needs no token.
    let (status, _) = as_session(&app, Method::GET, base, cookie, None, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = as_session(&app, Method::DELETE, &path, cookie, None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(store.push().webhooks(ann).unwrap().len(), 1, "not deleted");
    let (status, _) = as_session(&app, Method::DELETE, &path, cookie, Some(csrf), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(store.push().webhooks(ann).unwrap().is_empty());
}

#[tokio::test]
async fn oversized_webhook_bodies_are_refused_with_413() {
    let Api {
        app,
        store,
        ann,
        ann_token,
        ..
    } = api();
    let long = "x".repeat(20 * 1024);
    let body = json!({"url": format!("https://hooks.example/{long}")});
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/me/webhooks",
        Some(&ann_token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_eq!(answer["error"]["code"], "payload_too_large");
    // The page's form is held to the same limit.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/account/webhooks")
        .header(header::AUTHORIZATION, format!("Bearer {ann_token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "url=https%3A%2F%2Fhooks.example%2F{long}&event_followed_story=on"
        )))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        store.push().webhooks(ann).unwrap().is_empty(),
        "nothing stored"
    );
}

/// A page of the webhooks' pages, as the holder of `token`.
async fn page_as(app: &Router, method: Method, uri: &str, token: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_page_never_shows_or_deletes_another_users_webhook() {
    let Api {
        app,
        store,
        ann,
        bob_token,
        ..
    } = api();
    let hook = sink(
        &*store,
        ann,
        "https://hooks.example/anns-private-hook",
        SinkKind::Webhook,
        &[EventKind::FollowedStory],
    );
    let (status, html) = page_as(
        &app,
        Method::POST,
        &format!("/account/webhooks/{}/delete", hook.id),
        &bob_token,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{html}");
    for uri in [
        "/account/webhooks/abc/delete",
        "/account/webhooks/-1/delete",
    ] {
        let (status, _) = page_as(&app, Method::POST, uri, &bob_token).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    assert_eq!(store.push().webhooks(ann).unwrap().len(), 1, "not deleted");
    // Asking for Ann's log shows Bob his own (empty) page.
    let (status, html) = page_as(
        &app,
        Method::GET,
        &format!("/account/webhooks?webhook={}", hook.id),
        &bob_token,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("anns-private-hook"), "{html}");
    assert!(!html.contains(&hook.secret));
}

#[tokio::test]
async fn hostile_webhook_addresses_are_refused_or_kept_escaped() {
    let Api {
        app,
        store,
        ann,
        ann_token,
        ..
    } = api();
    let t = Some(ann_token.as_str());
    let base = "/api/v1/me/webhooks";
    for url in [
        "'; DROP TABLE users; --",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "https://hooks\u{0}.example/",
        "",
    ] {
        let (status, answer) = call(&app, Method::POST, base, t, Some(json!({"url": url}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url:?}: {answer}");
        assert_eq!(answer["error"]["code"], "invalid_url", "{url:?}: {answer}");
    }
    for kind in ["<script>alert(1)</script>", "webhook\u{0}"] {
        let body = json!({"url": "https://hooks.example/", "kind": kind});
        let (status, answer) = call(&app, Method::POST, base, t, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{kind:?}: {answer}");
        assert!(!answer.to_string().contains("<script>alert(1)</script>"));
    }
    assert!(
        store.push().webhooks(ann).unwrap().is_empty(),
        "nothing stored"
    );
    // Markup in a path is kept, encoded, and the page shows it escaped.
    let url = "https://hooks.example/\"><img src=x onerror=alert(1)>";
    let (status, answer) = call(&app, Method::POST, base, t, Some(json!({"url": url}))).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let (status, html) = page_as(&app, Method::GET, "/account/webhooks", &ann_token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("hooks.example"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    // The form reflects what was typed, escaped.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/account/webhooks")
        .header(header::AUTHORIZATION, format!("Bearer {ann_token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(
            "url=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&event_followed_story=on",
        ))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let html = String::from_utf8_lossy(&bytes);
    assert!(!html.contains("<img src=x"), "{html}");
    assert_eq!(store.push().webhooks(ann).unwrap().len(), 1);
}
