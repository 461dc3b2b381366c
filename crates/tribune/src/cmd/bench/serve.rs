//! `tribune bench serve`: the reader's throughput and latency under load.
//! The real router runs in-process on 127.0.0.1 over a store of synthetic
//! articles placed in stories and copy groups by the real pipeline, and a
//! load generator in this process keeps N keep-alive connections busy for
//! T seconds per page.
//!
//! Articles are made of real words (the extraction pages' text, so word
//! frequencies are those of news) about events, as in `bench placement`:
//! each event has its own names, which its articles repeat, and its own
//! headline; most events draw a handful of articles, and one running
//! story at a time draws one article in six for about two days, so there
//! are big stories too. One article in five is a copy of a recent one
//! from another outlet (a paragraph dropped, chrome added, so that no two are
//! the same text). Articles are a
//! minute apart, so the front page's three-day window holds some 4,000.
//! Every article is derived from its number alone, so an interrupted build
//! resumes where it stopped.
//!
//! The load generator is a minimal HTTP/1.1 client (keep-alive, one
//! request in flight per connection) on one thread of its own: it shares
//! the machine's cores with the server, so figures are a floor.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use rayon::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_ingest::pipeline::{Pipeline, Prepared};
use tribune_model::Article;
use tribune_server::AppState;
use tribune_store::{SqliteStore, Store};

use super::Rng;
use super::search::{Pool, pool};
use crate::progress;

/// The options of `tribune bench serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The folder holding `scrapinghub/` and `wcxb/`.
    #[arg(long, default_value = "../shared/bench/extract")]
    data: PathBuf,
    /// How many articles the store holds.
    #[arg(long, default_value_t = 100_000)]
    articles: usize,
    /// Keep the store here and reuse it on the next run (default: a
    /// temporary directory, removed afterwards).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Connections kept busy at once.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds of measured load per page.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Seconds of unmeasured load per page before measuring.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Different stories asked for (the most recent ones, the biggest
    /// among the recent included).
    #[arg(long, default_value_t = 300)]
    stories: usize,
}

/// Articles prepared at once on every core before the writer stores them.
const BATCH: usize = 2_000;
/// One article in this many belongs to the running big story.
const BIG_EVERY: usize = 6;
/// Articles (minutes) a big story runs for.
const BIG_SPAN: usize = 3_000;
/// Outlets the articles come from.
const OUTLETS: usize = 200;

/// The words and headlines articles are made of.
struct Text {
    vocabulary: Vec<String>,
    titles: Vec<String>,
}

/// An event: its names and its headline.
fn event(text: &Text, id: u64) -> (Vec<String>, String) {
    let mut rng = Rng(0x51ed_2701_a3c5_9b1d ^ (id + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let names = (0..12)
        .map(|_| format!("Name{}", rng.next() % 1_000_000_007))
        .collect();
    (names, text.titles[rng.below(text.titles.len())].clone())
}

fn article_rng(n: usize) -> Rng {
    Rng(0x2545_f491_4f6c_dd1d ^ (n as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// When article `n` was published: a minute after article `n - 1`.
fn published(n: usize) -> Option<DateTime<FixedOffset>> {
    let base = Utc.with_ymd_and_hms(2025, 1, 6, 0, 0, 0).single()?;
    Some((base + chrono::Duration::minutes(n as i64)).fixed_offset())
}

/// The original (not copied) text and headline of article `n`.
fn original(text: &Text, n: usize) -> (String, String) {
    let mut rng = article_rng(n);
    let event_id = if rng.below(BIG_EVERY) == 0 {
        // Big stories get ids of their own, above every small event's.
        (1 << 40) + (n / BIG_SPAN) as u64
    } else {
        // A new event about every eighth article; an article is about one
        // of the fifty most recent.
        ((n / 8) as u64).saturating_sub(rng.below(50) as u64)
    };
    let (names, headline) = event(text, event_id);
    let words = 300 + rng.below(400);
    let mut body = String::with_capacity(words * 7);
    for w in 0..words {
        if w > 0 && w % 60 == 0 {
            body.push_str(".\n\n");
        } else if w > 0 {
            body.push(' ');
        }
        if rng.below(15) == 0 {
            body.push_str(&names[rng.below(names.len())]);
        } else {
            body.push_str(&text.vocabulary[rng.below(text.vocabulary.len())]);
        }
    }
    body.push('.');
    (body, headline)
}

/// Article `n` and where it was read from.
fn synthetic(text: &Text, n: usize) -> (Article, String) {
    let mut rng = article_rng(n ^ 0x5555);
    let outlet = rng.below(OUTLETS);
    let (body, headline) = if n > 0 && rng.below(5) == 0 {
        let of = n - 1 - rng.below(n.min(300));
        let (body, headline) = original(text, of);
        let mut parts: Vec<&str> = body.split("\n\n").collect();
        if parts.len() > 2 {
            parts.remove(rng.below(parts.len()));
        }
        (
            format!(
                "Follow us on our WhatsApp channel here\n\n{}\n\nManage your account (ref. {n})",
                parts.join("\n\n")
            ),
            headline,
        )
    } else {
        original(text, n)
    };
    let article = Article {
        title: Some(headline),
        text: body,
        authors: vec![format!("Reporter {}", rng.below(1_000))],
        published_at: published(n),
        site_name: Some(format!("Outlet {outlet}")),
        ..Article::default()
    };
    (
        article,
        format!("https://site{outlet}.bench.invalid/news/{n}"),
    )
}

fn fill(store: &Arc<SqliteStore>, pool: &Pool, target: usize) -> Result<()> {
    let have = store.count_articles()? as usize;
    if have >= target {
        return Ok(());
    }
    let text = Text {
        vocabulary: pool
            .paragraphs
            .iter()
            .flat_map(|p| p.split_whitespace())
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
            .filter(|w| !w.is_empty())
            .collect(),
        titles: pool.titles.clone(),
    };
    if text.vocabulary.is_empty() {
        bail!("no words to make articles of");
    }
    let pipeline = Pipeline::open(Arc::clone(store) as Arc<dyn Store>)?;
    let bar = progress::bar((target - have) as u64);
    let start = Instant::now();
    let mut copies = 0;
    for from in (have..target).step_by(BATCH) {
        let batch: Vec<(Article, String, Prepared)> = (from..(from + BATCH).min(target))
            .into_par_iter()
            .map(|n| {
                let (article, origin) = synthetic(&text, n);
                // Enrichment (quotes, timeline) is left to `tribune
                // enrich`, as bulk loads do: it would make the build last
                // hours.
                let prepared = Prepared::without_enrichment(&article);
                (article, origin, prepared)
            })
            .collect();
        for (article, origin, prepared) in &batch {
            copies += usize::from(
                pipeline
                    .store_prepared(article, prepared, origin, None)?
                    .copy,
            );
            bar.inc(1);
        }
        store.flush()?;
    }
    bar.finish_and_clear();
    println!(
        "stored {} articles through the pipeline in {:.1} s ({copies} syndicated copies)",
        target - have,
        start.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// What one page's load found.
#[derive(Default)]
struct Tally {
    times: Vec<Duration>,
    errors: usize,
    bytes: usize,
}

/// Reads one response on `stream`: its status and body length. Only
/// `Content-Length` bodies are understood, which is what the reader sends.
async fn response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(u16, usize)> {
    buf.clear();
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut chunk = [0u8; 16 * 1024];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("the connection closed");
        }
        buf.extend_from_slice(&chunk[..read]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).context("a header is not text")?;
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status")?;
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .context("no Content-Length")?;
    let mut have = buf.len() - head_end;
    let mut chunk = vec![0u8; 64 * 1024];
    while have < length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("the connection closed mid-body");
        }
        have += read;
    }
    if have > length {
        bail!("more bytes than announced (pipelining is not used)");
    }
    Ok((status, length))
}

/// One connection asking for `paths` (in a random order) until `until`,
/// timing requests sent after `measure_from`.
async fn connection(
    addr: std::net::SocketAddr,
    paths: Arc<Vec<String>>,
    seed: u64,
    measure_from: Instant,
    until: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut rng = Rng(seed | 1);
    let mut buf = Vec::with_capacity(256 * 1024);
    let mut stream = None;
    while Instant::now() < until {
        let s = match stream.as_mut() {
            Some(s) => s,
            None => match TcpStream::connect(addr).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    stream.insert(s)
                }
                Err(_) => {
                    tally.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let path = &paths[rng.below(paths.len())];
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\n\r\n");
        let sent = Instant::now();
        let answer = match s.write_all(request.as_bytes()).await {
            Ok(()) => response(s, &mut buf).await,
            Err(err) => Err(err.into()),
        };
        let took = sent.elapsed();
        let measured = sent >= measure_from;
        match answer {
            Ok((200, bytes)) => {
                if measured {
                    tally.times.push(took);
                    tally.bytes += bytes;
                }
            }
            Ok(_) => tally.errors += usize::from(measured),
            Err(_) => {
                tally.errors += usize::from(measured);
                stream = None;
            }
        }
    }
    tally
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted
        .get(rank.min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

/// Drives one page and prints its line.
fn load(
    client: &tokio::runtime::Runtime,
    addr: std::net::SocketAddr,
    name: &str,
    paths: Vec<String>,
    args: &ServeArgs,
) -> Result<()> {
    if paths.is_empty() {
        println!("{name:<22} skipped: nothing to ask for");
        return Ok(());
    }
    let paths = Arc::new(paths);
    let tallies = client.block_on(async {
        let start = Instant::now();
        let measure_from = start + Duration::from_secs(args.warmup);
        let until = measure_from + Duration::from_secs(args.seconds);
        let tasks: Vec<_> = (0..args.connections)
            .map(|i| {
                tokio::spawn(connection(
                    addr,
                    Arc::clone(&paths),
                    0x1234_5678 + i as u64 * 7919,
                    measure_from,
                    until,
                ))
            })
            .collect();
        let mut tallies = Vec::with_capacity(tasks.len());
        for task in tasks {
            tallies.push(task.await?);
        }
        anyhow::Ok(tallies)
    })?;
    let mut times: Vec<Duration> = tallies
        .iter()
        .flat_map(|t| t.times.iter().copied())
        .collect();
    let errors: usize = tallies.iter().map(|t| t.errors).sum();
    let bytes: usize = tallies.iter().map(|t| t.bytes).sum();
    times.sort_unstable();
    println!(
        "{name:<22} {:>8.0} req/s   p50 {:>6.2} ms   p90 {:>6.2} ms   p99 {:>6.2} ms   max {:>7.2} ms   {:>6} errors   {:>4.0} KiB/page   ({} paths)",
        times.len() as f64 / args.seconds as f64,
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.90)),
        ms(percentile(&times, 0.99)),
        ms(percentile(&times, 1.0)),
        errors,
        bytes as f64 / times.len().max(1) as f64 / 1024.0,
        paths.len(),
    );
    Ok(())
}

/// The stories asked for: the most recent, the biggest among the recent
/// ones first, so that big stories are always in the mix.
fn story_ids(store: &dyn Store, count: usize) -> Result<(Vec<i64>, i64)> {
    let mut recent = store.stories_page(None, count.max(1) * 4, 0)?;
    recent.sort_by_key(|s| std::cmp::Reverse(s.article_count));
    let biggest = recent.first().map_or(0, |s| s.article_count);
    let mut chosen: Vec<i64> = recent.iter().take(count / 10).map(|s| s.id).collect();
    let mut rng = Rng(77);
    let rest: Vec<i64> = recent.iter().skip(count / 10).map(|s| s.id).collect();
    while chosen.len() < count && !rest.is_empty() && chosen.len() < recent.len() {
        let id = rest[rng.below(rest.len())];
        if !chosen.contains(&id) {
            chosen.push(id);
        }
    }
    Ok((chosen, biggest))
}

pub fn run(args: ServeArgs) -> Result<()> {
    let dir = args.data_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("tribune-bench-serve-{}", std::process::id()))
    });
    let store = Arc::new(SqliteStore::open(&dir)?);
    if (store.count_articles()? as usize) < args.articles {
        fill(&store, &pool(&args.data)?, args.articles)?;
    }
    let articles = store.count_articles()?;
    let (stories, biggest) = story_ids(&*store, args.stories)?;
    println!(
        "{articles} articles in {} stories; load on {} of them (the biggest holds {biggest} articles)",
        store.count_stories()?,
        stories.len(),
    );
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    // The load generator runs on a thread of its own, beside the server's
    // workers, as an outside tool would.
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the client's runtime")?;
    let fetcher = Fetcher::new(&FetchConfig::default())?;
    let state = AppState::new(Arc::clone(&store) as Arc<dyn Store>, fetcher);
    let listener = server.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    server.spawn(async move {
        if let Err(err) = axum::serve(listener, tribune_server::router(state)).await {
            eprintln!("the server failed: {err}");
        }
    });
    println!(
        "{} cores shared by the server ({} workers plus its blocking pool) and the load generator (one thread); \
         {} keep-alive connections, one request in flight each; {} s warm-up, then {} s measured per page",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.connections,
        args.warmup,
        args.seconds,
    );
    load(&client, addr, "GET /", vec!["/".into()], &args)?;
    let story_paths = stories.iter().map(|id| format!("/stories/{id}")).collect();
    load(&client, addr, "GET /stories/{id}", story_paths, &args)?;
    let mut rng = Rng(99);
    let article_paths = (0..1_000)
        .map(|_| format!("/articles/{}", 1 + rng.below(articles as usize)))
        .collect();
    load(&client, addr, "GET /articles/{id}", article_paths, &args)?;
    server.shutdown_timeout(Duration::from_secs(1));
    drop(store);
    if args.data_dir.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    Ok(())
}
