//! The poller against a real HTTP server on 127.0.0.1, spawned here: feeds
//! and pages with validators and 304s, 429 and 503 with Retry-After,
//! redirects (one to a private address), slow responses, gzip, broken XML
//! and a wrong charset. The fetch guard stays on; only the test server's
//! own host:port is excepted.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_ingest::pipeline::Pipeline;
use tribune_ingest::poll::{PollConfig, Poller, SourceOutcome};
use tribune_ingest::schedule;
use tribune_store::{NewSource, SqliteStore, Store};

#[derive(Default)]
struct Server {
    /// Requests per path.
    hits: Mutex<HashMap<String, usize>>,
    /// Conditional requests that got a 304.
    not_modified: AtomicUsize,
    /// Which version of /feed.xml is served.
    version: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    port: AtomicUsize,
}

impl Server {
    fn hit(&self, path: &str) {
        *self
            .hits
            .lock()
            .unwrap()
            .entry(path.to_string())
            .or_default() += 1;
    }
    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

fn paragraph(n: usize) -> String {
    format!(
        "<p>Officials in the river town number {n} said on Monday that the flood barriers \
         had held through the night, while engineers checked the older sections of the wall \
         for damage and residents waited to return to their homes.</p>"
    )
}

fn item(n: usize, full: bool) -> String {
    let content = if full {
        format!(
            "<content:encoded><![CDATA[{}]]></content:encoded>",
            (0..6).map(|i| paragraph(n * 10 + i)).collect::<String>()
        )
    } else {
        String::new()
    };
    format!(
        "<item><title>Story {n}</title><link>http://{{HOST}}/articles/{n}</link>\
         <guid>story-{n}</guid><pubDate>Sun, 16 Mar 2025 1{}:00:00 GMT</pubDate>\
         <description>Teaser of story {n}.</description>{content}</item>",
        n % 10
    )
}

fn rss(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\
         <title>Test Wire</title><link>http://{{HOST}}/</link>{items}</channel></rss>"
    )
}

async fn feed(State(s): State<Arc<Server>>, headers: HeaderMap) -> Response {
    s.hit("/feed.xml");
    let version = s.version.load(Ordering::SeqCst);
    let etag = format!("\"v{version}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.to_str().unwrap_or("") == etag)
    {
        s.not_modified.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut items = item(1, true) + &item(2, false) + &item(3, false);
    if version > 1 {
        items += &item(4, false);
    }
    if version > 2 {
        // An entry whose page is gone fails alone.
        items += &item(404, false);
    }
    let host = format!("127.0.0.1:{}", s.port.load(Ordering::SeqCst));
    (
        [
            (
                header::CONTENT_TYPE,
                "application/rss+xml; charset=utf-8".to_string(),
            ),
            (header::ETAG, etag),
            (
                header::LAST_MODIFIED,
                "Sun, 16 Mar 2025 12:00:00 GMT".to_string(),
            ),
        ],
        rss(&items).replace("{HOST}", &host),
    )
        .into_response()
}

async fn article(State(s): State<Arc<Server>>, Path(n): Path<usize>) -> Response {
    s.hit(&format!("/articles/{n}"));
    if n == 404 {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let body = (0..6).map(|i| paragraph(n * 10 + i)).collect::<String>();
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<html><head><title>Story {n} | Test Wire</title></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
             <article><h1>Story {n}</h1><p class=\"byline\">By Jane Doe</p>{body}</article>\
             <footer>Copyright Test Wire</footer></body></html>"
        ),
    )
        .into_response()
}

async fn limited(State(s): State<Arc<Server>>) -> Response {
    s.hit("/limited.xml");
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, "3600")],
    )
        .into_response()
}

async fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "Fri, 01 Jan 2100 00:00:00 GMT")],
    )
        .into_response()
}

async fn moved() -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, "/feed.xml")],
    )
        .into_response()
}

async fn to_private() -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, "http://10.0.0.1/feed.xml")],
    )
        .into_response()
}

async fn to_localhost(State(s): State<Arc<Server>>) -> Response {
    let port = s.port.load(Ordering::SeqCst);
    let target = format!("http://localhost:{port}/feed.xml");
    (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "too late".into_response()
}

async fn gzipped(State(s): State<Arc<Server>>) -> Response {
    use std::io::Write;
    let host = format!("127.0.0.1:{}", s.port.load(Ordering::SeqCst));
    let body = rss(&item(5, true)).replace("{HOST}", &host);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body.as_bytes()).unwrap();
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml"),
            (header::CONTENT_ENCODING, "gzip"),
        ],
        encoder.finish().unwrap(),
    )
        .into_response()
}

async fn broken() -> Response {
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Half</title><item><title>x</ti",
    )
        .into_response()
}

async fn latin1(State(s): State<Arc<Server>>) -> Response {
    let host = format!("127.0.0.1:{}", s.port.load(Ordering::SeqCst));
    let xml = rss(&item(6, true))
        .replace("{HOST}", &host)
        .replace("encoding=\"utf-8\"", "encoding=\"ISO-8859-1\"")
        .replace("Test Wire", "Caf\u{e9} Wire");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&xml);
    (
        // The header lies: the bytes are Latin-1.
        [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
        bytes.into_owned(),
    )
        .into_response()
}

/// A slow-ish feed that records how many requests overlap.
async fn busy(State(s): State<Arc<Server>>, Path(_n): Path<usize>) -> Response {
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        rss("").replace("{HOST}", "example.com"),
    )
        .into_response()
}

async fn spawn_server() -> (Arc<Server>, SocketAddr) {
    let state = Arc::new(Server {
        version: AtomicUsize::new(1),
        ..Server::default()
    });
    let app = Router::new()
        .route("/feed.xml", get(feed))
        .route("/articles/{n}", get(article))
        .route("/limited.xml", get(limited))
        .route("/unavailable.xml", get(unavailable))
        .route("/moved.xml", get(moved))
        .route("/to-private.xml", get(to_private))
        .route("/to-localhost.xml", get(to_localhost))
        .route("/slow.xml", get(slow))
        .route("/gzip.xml", get(gzipped))
        .route("/broken.xml", get(broken))
        .route("/latin1.xml", get(latin1))
        .route("/busy/{n}", get(busy))
        .route("/big.xml", get(|| async { "x".repeat(2 << 20) }))
        .with_state(Arc::clone(&state));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    state.port.store(addr.port() as usize, Ordering::SeqCst);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (state, addr)
}

struct Setup {
    server: Arc<Server>,
    addr: SocketAddr,
    store: Arc<SqliteStore>,
    poller: Poller,
}

async fn setup() -> Setup {
    let (server, addr) = spawn_server().await;
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let fetcher = Fetcher::new(&FetchConfig {
        timeout: Duration::from_secs(1),
        max_bytes: 1 << 20,
        allowed_hosts: vec![addr.to_string()],
        ..FetchConfig::default()
    })
    .unwrap();
    let pipeline = Arc::new(Pipeline::open(store.clone()).unwrap());
    let poller = Poller::new(pipeline, fetcher, PollConfig::default());
    Setup {
        server,
        addr,
        store,
        poller,
    }
}

impl Setup {
    fn add(&self, path: &str) -> tribune_store::Source {
        self.store
            .add_source(&NewSource {
                url: format!("http://{}{path}", self.addr),
                ..NewSource::default()
            })
            .unwrap()
            .0
    }

    fn reload(&self, source: &tribune_store::Source) -> tribune_store::Source {
        self.store.source(source.id).unwrap().unwrap()
    }

    async fn poll(&self, source: &tribune_store::Source) -> SourceOutcome {
        self.poller.poll_source(&self.reload(source)).await.unwrap()
    }
}

#[tokio::test]
async fn a_feed_is_read_once_then_costs_one_304() {
    let t = setup().await;
    let source = t.add("/feed.xml");
    let outcome = t.poll(&source).await;
    assert_eq!(
        outcome,
        SourceOutcome::Read {
            new: 3,
            duplicate: 0,
            failed: 0
        }
    );
    // Story 1 carries its text in the feed; 2 and 3 are teasers whose pages
    // were fetched.
    assert_eq!(t.server.hits("/articles/1"), 0);
    assert_eq!(t.server.hits("/articles/2"), 1);
    assert_eq!(t.server.hits("/articles/3"), 1);
    let polled = t.reload(&source);
    assert_eq!(polled.etag.as_deref(), Some("\"v1\""));
    assert_eq!(polled.title.as_deref(), Some("Test Wire"));
    assert_eq!(polled.article_count, 3);
    assert!(polled.next_poll_at > chrono::Utc::now());

    assert_eq!(t.poll(&source).await, SourceOutcome::NotModified);
    assert_eq!(t.server.not_modified.load(Ordering::SeqCst), 1);
    assert_eq!(t.server.hits("/feed.xml"), 2);

    // A new version: only the new entry's page is fetched.
    t.server.version.store(2, Ordering::SeqCst);
    let outcome = t.poll(&source).await;
    assert_eq!(
        outcome,
        SourceOutcome::Read {
            new: 1,
            duplicate: 0,
            failed: 0
        }
    );
    assert_eq!(t.server.hits("/articles/2"), 1);
    assert_eq!(t.server.hits("/articles/4"), 1);
    assert_eq!(t.store.count_articles().unwrap(), 4);

    // A broken entry fails alone, and is retried on the next poll.
    t.server.version.store(3, Ordering::SeqCst);
    let outcome = t.poll(&source).await;
    assert_eq!(
        outcome,
        SourceOutcome::Read {
            new: 0,
            duplicate: 0,
            failed: 1
        }
    );
    assert_eq!(t.reload(&source).error_count, 0, "the feed itself is fine");
    t.server.version.store(4, Ordering::SeqCst);
    let outcome = t.poll(&source).await;
    assert_eq!(
        outcome,
        SourceOutcome::Read {
            new: 0,
            duplicate: 0,
            failed: 1
        }
    );
    assert_eq!(t.server.hits("/articles/404"), 2);

    // What was stored carries the feed's metadata and its origin.
    t.store.flush().unwrap();
    let hits = t.store.search("\"Story 2\"", 5).unwrap();
    let stored = t.store.article(hits[0].id).unwrap().unwrap();
    assert_eq!(stored.origin, format!("http://{}/articles/2", t.addr));
    assert_eq!(stored.source_id, Some(source.id));
    assert_eq!(
        stored.published.map(|d| d.to_string()).as_deref(),
        Some("2025-03-16")
    );
    assert!(stored.text.contains("flood barriers"));
    assert!(!stored.text.contains("Copyright Test Wire"));
}

#[tokio::test]
async fn rate_limits_and_outages_are_honoured() {
    let t = setup().await;
    let limited = t.add("/limited.xml");
    let outcome = t.poll(&limited).await;
    assert!(
        matches!(&outcome, SourceOutcome::Failed(e) if e.contains("429")),
        "{outcome:?}"
    );
    let after = t.reload(&limited);
    assert_eq!(after.error_count, 1);
    assert_eq!(after.last_status, Some(429));
    let wait = after.next_poll_at - chrono::Utc::now();
    assert!(
        wait > chrono::Duration::minutes(59),
        "Retry-After: 3600 was not honoured: {wait}"
    );

    let down = t.add("/unavailable.xml");
    t.poll(&down).await;
    let wait = t.reload(&down).next_poll_at - chrono::Utc::now();
    // A date far off is capped at the longest interval.
    assert!(
        wait > chrono::Duration::hours(23) && wait <= chrono::Duration::hours(24),
        "{wait}"
    );
}

#[tokio::test]
async fn a_source_that_keeps_failing_is_marked_broken() {
    let t = setup().await;
    let broken = t.add("/broken.xml");
    for _ in 0..schedule::BROKEN_AFTER {
        let outcome = t.poll(&broken).await;
        assert!(
            matches!(&outcome, SourceOutcome::Failed(e) if e.contains("not a readable feed")),
            "{outcome:?}"
        );
    }
    let after = t.reload(&broken);
    assert!(schedule::is_broken(after.error_count));
    assert!(after.last_error.unwrap().contains("broken.xml"));
}

#[tokio::test]
async fn redirects_gzip_and_wrong_charsets() {
    let t = setup().await;
    let moved = t.add("/moved.xml");
    assert!(matches!(
        t.poll(&moved).await,
        SourceOutcome::Read { new: 3, .. }
    ));
    let gz = t.add("/gzip.xml");
    assert!(matches!(
        t.poll(&gz).await,
        SourceOutcome::Read { new: 1, .. }
    ));
    let latin = t.add("/latin1.xml");
    assert!(matches!(
        t.poll(&latin).await,
        SourceOutcome::Read { new: 1, .. }
    ));
    assert_eq!(t.reload(&latin).title.as_deref(), Some("Caf\u{e9} Wire"));
}

#[tokio::test]
async fn slow_and_huge_responses_are_cut_off() {
    let t = setup().await;
    let slow = t.add("/slow.xml");
    let outcome = t.poll(&slow).await;
    assert!(
        matches!(&outcome, SourceOutcome::Failed(e) if e.contains("time limit")),
        "{outcome:?}"
    );
    let big = t.add("/big.xml");
    let outcome = t.poll(&big).await;
    assert!(
        matches!(&outcome, SourceOutcome::Failed(e) if e.contains("larger than")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn redirects_inside_the_network_are_refused() {
    let t = setup().await;
    for path in ["/to-private.xml", "/to-localhost.xml"] {
        let source = t.add(path);
        let outcome = t.poll(&source).await;
        assert!(
            matches!(&outcome, SourceOutcome::Failed(e) if e.contains("not a public address")),
            "{path}: {outcome:?}"
        );
    }
    // The server never saw the redirected request.
    assert_eq!(t.server.hits("/feed.xml"), 0);
    // And with no exception, the test server itself is refused.
    let strict = Fetcher::new(&FetchConfig::default()).unwrap();
    let url = format!("http://{}/feed.xml", t.addr);
    let err = strict
        .fetch(tribune_ingest::fetch::Request::get(&url))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a public address"), "{err}");
}

#[tokio::test]
async fn a_cycle_keeps_going_past_bad_sources_and_limits_each_host() {
    let t = setup().await;
    for n in 0..12 {
        t.add(&format!("/busy/{n}"));
    }
    t.add("/broken.xml");
    t.add("/feed.xml");
    let (_stop_tx, stop) = watch::channel(false);
    let report = t.poller.poll_cycle(false, &stop, |_, _| {}).await.unwrap();
    assert_eq!(report.sources, 14);
    assert_eq!(report.failed_sources, 1);
    assert_eq!(report.new_articles, 3);
    let most = t.server.max_in_flight.load(Ordering::SeqCst);
    assert!(most <= 4, "{most} requests at once to one host");
    assert!(most >= 2, "requests were not concurrent at all");
    // Nothing is due right after.
    let report = t.poller.poll_cycle(false, &stop, |_, _| {}).await.unwrap();
    assert_eq!(report.sources, 0);
    // Searchable at the end of the cycle.
    assert_eq!(t.store.search("\"Story 3\"", 5).unwrap().len(), 1);
}

#[tokio::test]
async fn a_stopped_cycle_starts_nothing_new() {
    let t = setup().await;
    t.add("/feed.xml");
    let (stop_tx, stop) = watch::channel(false);
    stop_tx.send(true).unwrap();
    let report = t.poller.poll_cycle(false, &stop, |_, _| {}).await.unwrap();
    assert_eq!(report.sources, 0);
    assert_eq!(t.server.hits("/feed.xml"), 0);
}
