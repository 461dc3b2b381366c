//! `tribune bench push`: webhook fan-out under failure. A store is built
//! with U users, each with one webhook and following S stories, and S×A
//! new articles in those stories (U×S×A deliveries: 100×10×10 = 10,000 by
//! default). A real `tribune serve` child process then does everything
//! else: its events stage turns the articles into queued deliveries and
//! its dispatcher sends them to a receiver in this process on 127.0.0.1,
//! which verifies every signature and answers 500 to a random 20 % of
//! requests. Mid-way the child is killed with SIGKILL (no chance to
//! finish anything) and started again; the run ends when the receiver
//! holds every (webhook, event key) pair, and the child is then stopped
//! with SIGTERM and the store's counts read.
//!
//! Delivery is at-least-once, so repeats are allowed (the ones in flight
//! at the kill) and counted; a lost delivery or a dead letter is a
//! failure.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use tribune_model::Article;
use tribune_server::push::sign;
use tribune_store::{
    DeliveryStatus, EventKind, Follow, NewArticle, NewUser, NewWebhook, Placement, SinkKind,
    SqliteStore, Store, StoryChoice,
};

use super::Rng;

/// The options of `tribune bench push`.
#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// Users, each with one webhook.
    #[arg(long, default_value_t = 100)]
    users: usize,
    /// Stories every user follows.
    #[arg(long, default_value_t = 10)]
    stories: usize,
    /// New articles in each story after the one that starts it.
    #[arg(long, default_value_t = 10)]
    updates: usize,
    /// The share of requests the receiver fails with a 500.
    #[arg(long, default_value_t = 0.2)]
    fail_rate: f64,
    /// Kill the server with SIGKILL once this share of deliveries arrived
    /// (and start it again); 0 for no restart.
    #[arg(long, default_value_t = 0.5)]
    restart_at: f64,
    /// The server's per-host limit (all webhooks are on one host here).
    #[arg(long, default_value_t = 4)]
    per_host: u16,
    /// Attempts before a delivery is given up.
    #[arg(long, default_value_t = 12)]
    max_attempts: u32,
    /// The wait after a first failure, in ms (doubling after each).
    #[arg(long, default_value_t = 250)]
    retry_ms: u64,
    /// The longest wait between attempts, in ms.
    #[arg(long, default_value_t = 2_000)]
    retry_max_ms: u64,
    /// The lease of a delivery being sent, in ms (the server's default):
    /// a restarted server resends what was in flight at once, so this
    /// matters only to a second sender.
    #[arg(long, default_value_t = 60_000)]
    lease_ms: u64,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
}

/// What the receiver saw.
struct Receiver {
    /// Webhook number → secret.
    secrets: HashMap<usize, String>,
    fail_rate: f64,
    rng: Mutex<Rng>,
    /// (webhook number, event key) pairs taken.
    seen: Mutex<HashSet<(usize, String)>>,
    requests: AtomicUsize,
    failed: AtomicUsize,
    unique: AtomicUsize,
    duplicates: AtomicUsize,
    bad_signatures: AtomicUsize,
}

async fn hook(
    State(receiver): State<Arc<Receiver>>,
    UrlPath(sink): UrlPath<usize>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    receiver.requests.fetch_add(1, Ordering::Relaxed);
    let roll = {
        let mut rng = receiver
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (rng.next() % 1_000_000) as f64 / 1_000_000.0
    };
    if roll < receiver.fail_rate {
        receiver.failed.fetch_add(1, Ordering::Relaxed);
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let timestamp: i64 = header(sign::TIMESTAMP_HEADER).parse().unwrap_or(0);
    let verified = receiver.secrets.get(&sink).is_some_and(|secret| {
        sign::verify(
            secret,
            timestamp,
            &body,
            &header(sign::SIGNATURE_HEADER),
            Utc::now().timestamp(),
        )
        .is_ok()
    });
    let key = header(sign::DELIVERY_HEADER);
    if !verified || key.is_empty() {
        receiver.bad_signatures.fetch_add(1, Ordering::Relaxed);
        return StatusCode::UNAUTHORIZED;
    }
    let new = receiver
        .seen
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert((sink, key));
    if new {
        receiver.unique.fetch_add(1, Ordering::Relaxed);
    } else {
        receiver.duplicates.fetch_add(1, Ordering::Relaxed);
    }
    StatusCode::OK
}

/// Builds the store: users with a webhook each, following every story;
/// the stories' first articles, then the updates, one story after another.
fn build(dir: &Path, args: &PushArgs, receiver: SocketAddr) -> Result<HashMap<usize, String>> {
    let store = SqliteStore::open(dir)?;
    let article = |title: String, n: usize| Article {
        text: format!(
            "{title}. Rescue teams reached village {n} on Monday as the river fell, \
             officials said, and roads to the valley reopened in the afternoon."
        ),
        title: Some(title),
        canonical_url: Some(format!("https://news.example/{n}")),
        ..Article::default()
    };
    let mut stories = Vec::with_capacity(args.stories);
    let mut n = 0;
    for s in 0..args.stories {
        n += 1;
        let first = article(format!("Flood in valley {s}"), n);
        let origin = format!("https://news.example/{n}");
        let put = store.put_article(&NewArticle::new(&first, &origin).placed(Placement {
            fingerprint: &[],
            copy_of: &[],
            story: StoryChoice::Start {
                label: first.title.as_deref().unwrap_or(""),
            },
            seen_at: Utc::now(),
        }))?;
        let (_, story) = store
            .placement(put.id())?
            .context("a story's first article was not placed")?;
        stories.push(story);
    }
    let mut secrets = HashMap::new();
    let events = [EventKind::FollowedStory];
    for u in 0..args.users {
        let name = format!("bench-user-{u}");
        let token = format!("bench-feed-token-{u}");
        let user = store
            .accounts()
            .create_user(&NewUser {
                name: &name,
                password_hash: "!",
                is_admin: false,
                feed_token: &token,
                invite_hash: None,
            })?
            .map_err(|refusal| anyhow::anyhow!("cannot create {name}: {refusal:?}"))?;
        let secret = format!("bench-secret-{u}-{}", std::process::id());
        store.push().create_webhook(
            user.id,
            &NewWebhook {
                url: &format!("http://{receiver}/hook/{u}"),
                secret: &secret,
                kind: SinkKind::Webhook,
                events: &events,
            },
        )?;
        secrets.insert(u, secret);
        for &story in &stories {
            store
                .subscriptions()
                .follow(user.id, &Follow::Story(story))?;
        }
    }
    for k in 0..args.updates {
        for (s, &story) in stories.iter().enumerate() {
            n += 1;
            let update = article(format!("Flood in valley {s}: update {k}"), n);
            let origin = format!("https://news.example/{n}");
            store.put_article(&NewArticle::new(&update, &origin).placed(Placement {
                fingerprint: &[],
                copy_of: &[],
                story: StoryChoice::Join(story),
                seen_at: Utc::now(),
            }))?;
        }
    }
    store.flush()?;
    Ok(secrets)
}

/// Starts `tribune serve` on the data directory, pushing to `receiver`.
fn serve(dir: &Path, receiver: SocketAddr, args: &PushArgs, log: &Path) -> Result<Child> {
    let exe = std::env::current_exe().context("cannot find the tribune binary")?;
    let log = File::options()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("cannot write {}", log.display()))?;
    Command::new(exe)
        .arg("serve")
        .arg("--no-poll")
        .arg("--data-dir")
        .arg(dir)
        .args(["--listen", "127.0.0.1:0"])
        .args(["--allow-host", &receiver.to_string()])
        .args(["--per-host", &args.per_host.to_string()])
        .args(["--push-retry-ms", &args.retry_ms.to_string()])
        .args(["--push-retry-max-ms", &args.retry_max_ms.to_string()])
        .args(["--push-max-attempts", &args.max_attempts.to_string()])
        .args(["--push-lease-ms", &args.lease_ms.to_string()])
        .env("TRIBUNE_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("cannot start tribune serve")
}

/// Waits until `done`, checking the child is alive; false on timeout.
fn wait_for(child: &mut Child, deadline: Instant, done: impl Fn() -> bool) -> Result<bool> {
    while !done() {
        if let Some(status) = child.try_wait()? {
            bail!("tribune serve exited early ({status})");
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(true)
}

pub fn run(args: PushArgs) -> Result<()> {
    let total = args.users * args.stories * args.updates;
    if total == 0 {
        bail!("nothing to deliver: users, stories and updates must all be above 0");
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("tribune-bench-push-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let log = dir.join("serve.log");
    let data = dir.join("data");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let secrets = build(&data, &args, addr)?;
    let receiver = Arc::new(Receiver {
        secrets,
        fail_rate: args.fail_rate,
        rng: Mutex::new(Rng(0x9e37_79b9_7f4a_7c15)),
        seen: Mutex::default(),
        requests: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        unique: AtomicUsize::new(0),
        duplicates: AtomicUsize::new(0),
        bad_signatures: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/hook/{sink}", post(hook))
        .with_state(Arc::clone(&receiver));
    runtime.spawn(async move { axum::serve(listener, app).await });
    println!(
        "{} users x 1 webhook, each following {} stories that get {} new articles each: \
         {total} deliveries, made by the events stage of a `tribune serve` child",
        args.users, args.stories, args.updates
    );
    println!(
        "receiver on {addr} answers 500 to {:.0}% of requests at random and checks every signature; \
         per-host limit {}, retries from {} ms doubling to {} ms, dead after {} attempts, lease {} ms",
        args.fail_rate * 100.0,
        args.per_host,
        args.retry_ms,
        args.retry_max_ms,
        args.max_attempts,
        args.lease_ms
    );
    let unique = || receiver.unique.load(Ordering::Relaxed);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.timeout);
    let mut child = serve(&data, addr, &args, &log)?;
    let mut killed = None;
    if args.restart_at > 0.0 {
        let at = ((total as f64 * args.restart_at) as usize).clamp(1, total);
        if !wait_for(&mut child, deadline, || unique() >= at)? {
            let _ = child.kill();
            bail!("timed out before the restart; see {}", log.display());
        }
        // SIGKILL: nothing in flight is finished or recorded.
        child.kill().context("cannot kill tribune serve")?;
        child.wait()?;
        killed = Some((
            start.elapsed(),
            unique(),
            receiver.requests.load(Ordering::Relaxed),
        ));
        child = serve(&data, addr, &args, &log)?;
    }
    let all = wait_for(&mut child, deadline, || unique() >= total)?;
    let wall = start.elapsed();
    // SIGTERM: the graceful stop, finishing what is in flight.
    let stop_started = Instant::now();
    // SAFETY: kill(2) on our own child's pid has no memory effects.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let status = child.wait()?;
    let stopped_in = stop_started.elapsed();
    runtime.shutdown_timeout(Duration::from_secs(1));

    let store = SqliteStore::open(&data)?;
    let counts: HashMap<DeliveryStatus, u64> =
        store.push().delivery_counts()?.into_iter().collect();
    let count = |status| counts.get(&status).copied().unwrap_or(0);
    let mut most_attempts = 0;
    let mut attempts = 0u64;
    for user in store.accounts().users()? {
        for delivery in store.push().deliveries(user.id, None, usize::MAX)? {
            most_attempts = most_attempts.max(delivery.attempts);
            attempts += u64::from(delivery.attempts);
        }
    }
    drop(store);

    let secs = wall.as_secs_f64();
    println!();
    println!("{:<34} {:>10}", "measure", "value");
    println!("{:<34} {:>9.2}s", "wall time to all delivered", secs);
    if let Some((at, got, requests)) = killed {
        println!(
            "{:<34} {:>9.2}s  ({got} delivered, {requests} requests before)",
            "SIGKILL and restart at",
            at.as_secs_f64()
        );
    }
    println!(
        "{:<34} {:>10.0}",
        "deliveries per second",
        total as f64 / secs
    );
    println!(
        "{:<34} {:>10}",
        "requests received",
        receiver.requests.load(Ordering::Relaxed)
    );
    println!(
        "{:<34} {:>10}",
        "  answered 500 (random failures)",
        receiver.failed.load(Ordering::Relaxed)
    );
    println!(
        "{:<34} {:>4} / {total}",
        "unique deliveries received",
        unique()
    );
    println!("{:<34} {:>10}", "lost", total.saturating_sub(unique()));
    println!(
        "{:<34} {:>10}",
        "duplicates received",
        receiver.duplicates.load(Ordering::Relaxed)
    );
    println!(
        "{:<34} {:>10}",
        "bad signatures",
        receiver.bad_signatures.load(Ordering::Relaxed)
    );
    println!(
        "{:<34} {:>10}",
        "store: delivered",
        count(DeliveryStatus::Delivered)
    );
    println!(
        "{:<34} {:>10}",
        "store: pending",
        count(DeliveryStatus::Pending)
    );
    println!(
        "{:<34} {:>10}",
        "store: dead letters",
        count(DeliveryStatus::Dead)
    );
    println!(
        "{:<34} {:>10}",
        "attempts recorded (most for one)",
        format!("{attempts} ({most_attempts})")
    );
    println!(
        "{:<34} {:>9.2}s  ({status})",
        "graceful stop (SIGTERM) took",
        stopped_in.as_secs_f64()
    );
    if !all {
        bail!(
            "timed out after {} s with {} of {total} delivered; see {}",
            args.timeout,
            unique(),
            log.display()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
