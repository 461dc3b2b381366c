//! `tribune bench poll`: one polling cycle over many feeds served by a
//! local server in this process, at a per-host limit, then a second cycle
//! in which every unchanged feed should cost exactly one 304.
//!
//! Each feed lists ten entries: half carry their article (as
//! `content:encoded`), half are teasers whose page (a real page from the
//! extraction set) is fetched and extracted, as with most news feeds.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_ingest::pipeline::Pipeline;
use tribune_ingest::poll::{PollConfig, Poller};
use tribune_store::{NewSource, SqliteStore, Store};

use super::search::{Pool, pool};

/// The options of `tribune bench poll`.
#[derive(Debug, clap::Args)]
pub struct PollArgs {
    /// The folder holding `scrapinghub/` and `wcxb/` (pages and text).
    #[arg(long, default_value = "../shared/bench/extract")]
    data: PathBuf,
    /// How many feeds.
    #[arg(long, default_value_t = 1_000)]
    feeds: usize,
    /// Requests at once to one host (all feeds are on one host here).
    #[arg(long, default_value_t = 4)]
    per_host: usize,
}

const ENTRIES: usize = 10;

#[derive(Default)]
struct Counters {
    requests: AtomicUsize,
    not_modified: AtomicUsize,
    pages: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

struct Site {
    counters: Counters,
    pages: Vec<Vec<u8>>,
    paragraphs: Vec<String>,
    host: String,
}

/// Counts a request as in flight until dropped.
struct InFlight<'a>(&'a Counters);

impl<'a> InFlight<'a> {
    fn new(counters: &'a Counters) -> Self {
        counters.requests.fetch_add(1, Ordering::SeqCst);
        let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        counters.most_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(counters)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn feed(
    State(site): State<Arc<Site>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let _counted = InFlight::new(&site.counters);
    let n: usize = name.trim_end_matches(".xml").parse().unwrap_or(0);
    let etag = format!("\"feed-{n}-v1\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        site.counters.not_modified.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut items = String::new();
    for k in 0..ENTRIES {
        let content = if k % 2 == 0 {
            let body: String = (0..6)
                .map(|i| {
                    let p = &site.paragraphs[(n * 31 + k * 7 + i) % site.paragraphs.len()];
                    format!("<p>{}</p>", xml_escape(p))
                })
                .collect();
            format!("<content:encoded><![CDATA[{body}]]></content:encoded>")
        } else {
            String::new()
        };
        items.push_str(&format!(
            "<item><title>Feed {n} story {k}</title><link>http://{host}/page/{n}/{k}</link>\
             <guid>feed-{n}-story-{k}</guid><pubDate>Mon, 17 Mar 2025 {k:02}:00:00 GMT</pubDate>\
             <description>Teaser of story {k}.</description>{content}</item>",
            host = site.host
        ));
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "application/rss+xml; charset=utf-8".to_string(),
            ),
            (header::ETAG, etag),
        ],
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" \
             xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\
             <title>Feed {n}</title><link>http://{}/</link>{items}</channel></rss>",
            site.host
        ),
    )
        .into_response()
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn page(State(site): State<Arc<Site>>, Path((n, k)): Path<(usize, usize)>) -> Response {
    let _counted = InFlight::new(&site.counters);
    site.counters.pages.fetch_add(1, Ordering::SeqCst);
    let html = site.pages[(n * ENTRIES + k) % site.pages.len()].clone();
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn load_pages(data: &std::path::Path) -> Result<Vec<Vec<u8>>> {
    super::page_paths(data)?
        .iter()
        .map(|p| crate::input::read_file(p).map(|d| d.bytes))
        .collect()
}

pub fn run(args: PollArgs) -> Result<()> {
    let Pool { paragraphs, .. } = pool(&args.data)?;
    let pages = load_pages(&args.data)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let site = Arc::new(Site {
            counters: Counters::default(),
            pages,
            paragraphs,
            host: addr.to_string(),
        });
        let app = Router::new()
            .route("/feed/{name}", get(feed))
            .route("/page/{n}/{k}", get(page))
            .with_state(Arc::clone(&site));
        tokio::spawn(async move { axum::serve(listener, app).await });

        let dir = std::env::temp_dir().join(format!("tribune-bench-poll-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Arc::new(SqliteStore::open(&dir)?);
        for n in 0..args.feeds {
            store.add_source(&NewSource {
                url: format!("http://{addr}/feed/{n}.xml"),
                ..NewSource::default()
            })?;
        }
        let fetcher = Fetcher::new(&FetchConfig {
            per_host: args.per_host,
            allowed_hosts: vec![addr.to_string()],
            ..FetchConfig::default()
        })?;
        let pipeline = Arc::new(Pipeline::open(store.clone())?);
        let poller = Poller::new(pipeline, fetcher, PollConfig::default());
        let (_stop_tx, stop) = watch::channel(false);
        println!(
            "{} feeds x {ENTRIES} entries (half full text, half teasers with a real page to fetch) \
             on one local host, per-host limit {}",
            args.feeds, args.per_host
        );
        for (label, all) in [("first cycle", false), ("second cycle", true)] {
            let before = (
                site.counters.requests.load(Ordering::SeqCst),
                site.counters.not_modified.load(Ordering::SeqCst),
                site.counters.pages.load(Ordering::SeqCst),
            );
            let start = Instant::now();
            let report = poller.poll_cycle(all, &stop, |_, _| {}).await?;
            let took: Duration = start.elapsed();
            println!(
                "{label}: {:.1} s; {report}; {} requests ({} answered 304, {} pages); at most {} at once",
                took.as_secs_f64(),
                site.counters.requests.load(Ordering::SeqCst) - before.0,
                site.counters.not_modified.load(Ordering::SeqCst) - before.1,
                site.counters.pages.load(Ordering::SeqCst) - before.2,
                site.counters.most_in_flight.load(Ordering::SeqCst),
            );
        }
        drop(poller);
        drop(store);
        std::fs::remove_dir_all(&dir).ok();
        anyhow::Ok(())
    })
}
