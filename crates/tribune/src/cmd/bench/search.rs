//! `tribune bench search`: query latency over a large store. The store is
//! filled with synthetic articles made of real text: paragraphs of the
//! extraction pages, recombined so that every article is different, with
//! real titles, bylines and a spread of dates. Queries are drawn from the
//! same text: single words, word pairs, phrases, and field filters.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use chrono::NaiveDate;
use tribune_model::Article;
use tribune_store::{NewArticle, SqliteStore, Store};

use super::Rng;
use crate::progress;

/// The options of `tribune bench search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The folder holding `scrapinghub/` and `wcxb/`.
    #[arg(long, default_value = "../shared/bench/extract")]
    data: PathBuf,
    /// How many articles the store holds.
    #[arg(long, default_value_t = 100_000)]
    articles: usize,
    /// How many queries to time.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Keep the store here and reuse it on the next run (default: a
    /// temporary directory, removed afterwards).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

/// The real text the synthetic articles are made of.
pub(super) struct Pool {
    pub titles: Vec<String>,
    pub authors: Vec<String>,
    pub paragraphs: Vec<String>,
}

pub(super) fn pool(data: &Path) -> Result<Pool> {
    let articles = super::page_articles(data)?;
    let mut pool = Pool {
        titles: Vec::new(),
        authors: Vec::new(),
        paragraphs: Vec::new(),
    };
    for article in articles {
        pool.titles.extend(article.title);
        pool.authors.extend(article.authors);
        pool.paragraphs.extend(
            article
                .text
                .split("\n\n")
                .filter(|p| p.split_whitespace().count() >= 12)
                .map(str::to_string),
        );
    }
    if pool.paragraphs.is_empty() || pool.titles.is_empty() {
        bail!("no text found under {}", data.display());
    }
    if pool.authors.is_empty() {
        pool.authors.push("Staff".into());
    }
    Ok(pool)
}

fn synthetic(pool: &Pool, n: usize) -> (Article, String) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let paragraphs: Vec<&str> = (0..4 + rng.below(7))
        .map(|_| pool.paragraphs[rng.below(pool.paragraphs.len())].as_str())
        .collect();
    let base = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
    let article = Article {
        title: Some(pool.titles[rng.below(pool.titles.len())].clone()),
        text: paragraphs.join("\n\n"),
        authors: vec![pool.authors[rng.below(pool.authors.len())].clone()],
        published: base.checked_add_days(chrono::Days::new(rng.below(6 * 365) as u64)),
        ..Article::default()
    };
    let origin = format!("https://site{}.bench.invalid/story/{n}", rng.below(200));
    (article, origin)
}

fn fill(store: &SqliteStore, pool: &Pool, target: usize) -> Result<()> {
    let have = store.count_articles()? as usize;
    if have >= target {
        return Ok(());
    }
    let bar = progress::bar((target - have) as u64);
    let start = Instant::now();
    for n in have..target {
        let (article, origin) = synthetic(pool, n);
        store.put_article(&NewArticle::new(&article, &origin))?;
        if n % 10_000 == 9_999 {
            store.flush()?;
        }
        bar.inc(1);
    }
    store.flush()?;
    bar.finish_and_clear();
    println!(
        "stored {} articles in {:.1} s ({:.0}/s, store and index only)",
        target - have,
        start.elapsed().as_secs_f64(),
        (target - have) as f64 / start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
        .collect()
}

/// Queries of the kinds people type: a word, two words, a phrase, and a
/// word narrowed by author, source or date.
fn queries(pool: &Pool, count: usize) -> Vec<String> {
    let mut rng = Rng(42);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let paragraph = words(&pool.paragraphs[rng.below(pool.paragraphs.len())]);
        if paragraph.len() < 4 {
            continue;
        }
        let at = rng.below(paragraph.len() - 2);
        let query = match rng.below(10) {
            0..=3 => paragraph[at].clone(),
            4..=6 => format!(
                "{} {}",
                paragraph[at],
                paragraph[rng.below(paragraph.len())]
            ),
            7 | 8 => format!("\"{} {}\"", paragraph[at], paragraph[at + 1]),
            _ => match rng.below(3) {
                0 => {
                    let author = &pool.authors[rng.below(pool.authors.len())];
                    match words(author).last() {
                        Some(surname) => format!("{} author:{surname}", paragraph[at]),
                        None => continue,
                    }
                }
                1 => format!("{} source:site{}", paragraph[at], rng.below(200)),
                _ => format!("{} published:[2024-01-01T00:00:00Z TO *]", paragraph[at]),
            },
        };
        out.push(query);
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn run(args: SearchArgs) -> Result<()> {
    let pool = pool(&args.data)?;
    let dir = args.data_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("tribune-bench-search-{}", std::process::id()))
    });
    let store = SqliteStore::open(&dir)?;
    fill(&store, &pool, args.articles)?;
    let stored = store.count_articles()?;
    let queries = queries(&pool, args.queries);
    // Warm the page cache and the index readers, as a running server is.
    for query in queries.iter().take(200) {
        store.search(query, 10)?;
    }
    let mut times = Vec::with_capacity(queries.len());
    let mut results = 0;
    let start = Instant::now();
    for query in &queries {
        let t = Instant::now();
        results += store.search(query, 10)?.len();
        times.push(t.elapsed());
    }
    let total = start.elapsed();
    times.sort();
    println!(
        "{} queries over {stored} articles, 10 results with snippets each (mean {:.1} returned), one thread:",
        queries.len(),
        results as f64 / queries.len() as f64
    );
    println!(
        "p50 {:.2} ms   p90 {:.2} ms   p99 {:.2} ms   max {:.2} ms   ({:.0} queries/s)",
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.90)),
        ms(percentile(&times, 0.99)),
        ms(percentile(&times, 1.0)),
        queries.len() as f64 / total.as_secs_f64()
    );
    drop(store);
    if args.data_dir.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    Ok(())
}
