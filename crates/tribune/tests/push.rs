//! End to end: webhook deliveries made and sent by the real `tribune
//! serve`, to a receiver this test runs on 127.0.0.1. The receiver first
//! refuses everything; the server is killed with SIGKILL while the
//! deliveries wait for their retry, and the queue in the store is found
//! intact; restarted, with the receiver taking deliveries now, the server
//! delivers each of them, and stops cleanly on SIGTERM.

mod util;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tribune_model::Article;
use tribune_server::push::sign;
use tribune_store::{
    DeliveryStatus, EventKind, Follow, NewArticle, NewUser, NewWebhook, Placement, SinkKind,
    SqliteStore, Store, StoryChoice,
};
use util::TestDir;
use util::server::{Server, serve_app, start_with};

const SECRET: &str = "e2e-secret";

#[derive(Default)]
struct Receiver {
    accepting: AtomicBool,
    requests: AtomicUsize,
    /// Event keys taken, with whether their signature verified.
    taken: Mutex<Vec<(String, bool)>>,
}

async fn hook(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    receiver.requests.fetch_add(1, Ordering::SeqCst);
    if !receiver.accepting.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let verified = sign::verify(
        SECRET,
        header(sign::TIMESTAMP_HEADER).parse().unwrap_or(0),
        &body,
        &header(sign::SIGNATURE_HEADER),
        chrono::Utc::now().timestamp(),
    )
    .is_ok();
    receiver
        .taken
        .lock()
        .unwrap()
        .push((header(sign::DELIVERY_HEADER), verified));
    StatusCode::OK
}

/// Starts the receiver on a thread of its own.
fn start_receiver() -> (SocketAddr, Arc<Receiver>) {
    let receiver = Arc::new(Receiver::default());
    let state = Arc::clone(&receiver);
    let addr = serve_app(|_| Router::new().route("/hook", post(hook)).with_state(state));
    (addr, receiver)
}

/// A user following a story with a webhook, and three new articles in it.
fn build_store(data: &Path, receiver: SocketAddr) -> usize {
    let store = SqliteStore::open(data).unwrap();
    let user = store
        .accounts()
        .create_user(&NewUser {
            name: "ann",
            password_hash: "!",
            is_admin: false,
            feed_token: "ann-feed",
            invite_hash: None,
        })
        .unwrap()
        .unwrap();
    store
        .push()
        .create_webhook(
            user.id,
            &NewWebhook {
                url: &format!("http://{receiver}/hook"),
                secret: SECRET,
                kind: SinkKind::Webhook,
                events: &[EventKind::FollowedStory],
            },
        )
        .unwrap();
    let mut story = None;
    for n in 0..4 {
        let article = Article {
            title: Some(format!("Landslide in the valley, update {n}")),
            text: format!("Rescue teams reached village {n} on Sunday, officials said."),
            ..Article::default()
        };
        let origin = format!("https://news.example/{n}");
        let label = article.title.clone().unwrap();
        let put = store
            .put_article(&NewArticle::new(&article, &origin).placed(Placement {
                fingerprint: &[],
                copy_of: &[],
                story: match story {
                    Some(id) => StoryChoice::Join(id),
                    None => StoryChoice::Start { label: &label },
                },
                seen_at: chrono::Utc::now(),
            }))
            .unwrap();
        if story.is_none() {
            let (_, id) = store.placement(put.id()).unwrap().unwrap();
            assert!(
                store
                    .subscriptions()
                    .follow(user.id, &Follow::Story(id))
                    .unwrap()
            );
            story = Some(id);
        }
    }
    store.flush().unwrap();
    3
}

fn serve(data: &Path, receiver: SocketAddr) -> Server {
    start_with(
        data,
        &[
            "--no-poll",
            &format!("--allow-host={receiver}"),
            // Retries a second apart (times are kept to the second), never
            // given up in this test, leases short enough to wait for.
            "--push-retry-ms=1000",
            "--push-retry-max-ms=1000",
            "--push-max-attempts=1000",
            "--push-lease-ms=2000",
        ],
    )
}

/// Waits a minute at most for `count` to reach `expected`.
fn wait_until(server: &mut Server, what: &str, expected: usize, count: impl Fn() -> usize) {
    server.wait_for(what, Duration::from_secs(60), || {
        let count = count();
        if count >= expected {
            Ok(())
        } else {
            Err(format!("{count} of {expected}"))
        }
    });
}

#[cfg(unix)]
#[test]
fn deliveries_survive_a_kill_and_are_sent_after_the_restart() {
    let dir = TestDir::new("push-restart");
    let data = dir.join("data");
    let (addr, receiver) = start_receiver();
    let expected = build_store(&data, addr);

    // The receiver refuses: every delivery is tried and fails at least once.
    let mut server = serve(&data, addr);
    wait_until(&mut server, "first attempts", expected, || {
        receiver.requests.load(Ordering::SeqCst)
    });
    // Recording an attempt follows its answer by a few milliseconds.
    std::thread::sleep(Duration::from_millis(500));
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    // The queue is in the store: all pending, with the failure logged.
    {
        let store = SqliteStore::open(&data).unwrap();
        let user = store.accounts().users().unwrap()[0].id;
        let log = store.push().deliveries(user, None, 10).unwrap();
        assert_eq!(log.len(), expected, "{log:?}");
        for delivery in &log {
            assert_eq!(delivery.status, DeliveryStatus::Pending, "{delivery:?}");
            assert!(delivery.attempts >= 1, "{delivery:?}");
            assert_eq!(delivery.last_status, Some(503));
        }
    }
    assert!(receiver.taken.lock().unwrap().is_empty());

    // Restarted, with the receiver taking deliveries now.
    receiver.accepting.store(true, Ordering::SeqCst);
    let mut server = serve(&data, addr);
    let unique = || {
        receiver
            .taken
            .lock()
            .unwrap()
            .iter()
            .map(|(key, _)| key.clone())
            .collect::<HashSet<_>>()
            .len()
    };
    wait_until(&mut server, "delivery of every event", expected, unique);
    let (status, log) = server.stop();
    assert!(
        status.success(),
        "tribune serve exited with {status}: {log}"
    );

    let taken = receiver.taken.lock().unwrap().clone();
    assert!(taken.iter().all(|(_, verified)| *verified), "{taken:?}");
    assert!(
        taken
            .iter()
            .all(|(key, _)| key.starts_with("story.article:"))
    );
    let store = SqliteStore::open(&data).unwrap();
    let counts = store.push().delivery_counts().unwrap();
    assert!(
        counts.contains(&(DeliveryStatus::Delivered, expected as u64)),
        "{counts:?}"
    );
    assert!(
        !counts
            .iter()
            .any(|(status, n)| *status != DeliveryStatus::Delivered && *n > 0),
        "{counts:?}"
    );
}
