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
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
use util::{TRIBUNE, TestDir};

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
    let (tx, rx) = std::sync::mpsc::channel();
    let state = Arc::clone(&receiver);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = Router::new().route("/hook", post(hook)).with_state(state);
            axum::serve(listener, app).await.unwrap();
        });
    });
    (rx.recv().unwrap(), receiver)
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

fn serve(data: &Path, receiver: SocketAddr) -> Child {
    Command::new(TRIBUNE)
        .arg("serve")
        .arg("--no-poll")
        .arg("--data-dir")
        .arg(data)
        .args(["--listen", "127.0.0.1:0"])
        .args(["--allow-host", &receiver.to_string()])
        // Retries a second apart (times are kept to the second), never
        // given up in this test, leases short enough to wait for.
        .args(["--push-retry-ms", "1000", "--push-retry-max-ms", "1000"])
        .args(["--push-max-attempts", "1000", "--push-lease-ms", "2000"])
        .env("TRIBUNE_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start tribune serve")
}

fn wait_until(what: &str, child: &mut Child, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("tribune serve exited ({status}) while waiting for {what}");
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stop(child: &mut Child) -> std::process::ExitStatus {
    // SAFETY: kill(2) on our own child's pid has no memory effects.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "tribune serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn deliveries_survive_a_kill_and_are_sent_after_the_restart() {
    let dir = TestDir::new("push-restart");
    let data = dir.join("data");
    let (addr, receiver) = start_receiver();
    let expected = build_store(&data, addr);

    // The receiver refuses: every delivery is tried and fails at least once.
    let mut server = serve(&data, addr);
    wait_until("the first attempts", &mut server, || {
        receiver.requests.load(Ordering::SeqCst) >= expected
    });
    // Recording an attempt follows its answer by a few milliseconds.
    std::thread::sleep(Duration::from_millis(500));
    server.kill().unwrap();
    server.wait().unwrap();

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
    wait_until("every delivery", &mut server, || unique() >= expected);
    let status = stop(&mut server);
    assert!(status.success(), "tribune serve exited with {status}");

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
