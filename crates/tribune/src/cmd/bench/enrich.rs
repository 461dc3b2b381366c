//! `tribune bench enrich`: the speed of the whole NLP stage (sentences,
//! entities, quotes, times, events) on real article text, one core, with
//! the time each step takes.
//!
//! The articles are those of the extraction pages (`../shared/bench/extract`)
//! with at least 100 words; figures are given per article of the set and
//! per 800-word article (the "typical article"), scaling the rate
//! by the set's mean word count, since every step is linear in the text.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use tribune_nlp::{entities, events, quotes, text, time};

/// The options of `tribune bench enrich`.
#[derive(Debug, clap::Args)]
pub struct EnrichArgs {
    /// The folder holding `scrapinghub/` and `wcxb/`.
    #[arg(long, default_value = "../shared/bench/extract")]
    data: PathBuf,
    /// How many times to run over the set (the best run is reported).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
}

pub fn run(args: EnrichArgs) -> Result<()> {
    let articles: Vec<(String, Option<chrono::NaiveDate>)> = super::page_articles(&args.data)?
        .into_iter()
        .filter(|a| a.text.split_whitespace().count() >= 100)
        .map(|a| (a.text, a.published))
        .collect();
    if articles.is_empty() {
        bail!(
            "no article of 100 words or more under {}",
            args.data.display()
        );
    }
    let words: usize = articles
        .iter()
        .map(|(t, _)| t.split_whitespace().count())
        .sum();
    let mean_words = words as f64 / articles.len() as f64;
    let mut best: Option<[Duration; 5]> = None;
    let mut counts = [0usize; 4];
    for _ in 0..args.rounds.max(1) {
        let mut spent = [Duration::ZERO; 5];
        counts = [0; 4];
        for (body, published) in &articles {
            let clock = Instant::now();
            let sentences = text::sentences(body);
            let t1 = Instant::now();
            let found = entities::find(body, &sentences);
            let t2 = Instant::now();
            let said = quotes::find(body, &sentences, &found);
            let t3 = Instant::now();
            let times = time::find(body, &sentences, *published);
            let t4 = Instant::now();
            let happened = events::find(body, &sentences, &found, &said, &times);
            let t5 = Instant::now();
            for (slot, d) in spent
                .iter_mut()
                .zip([t1 - clock, t2 - t1, t3 - t2, t4 - t3, t5 - t4])
            {
                *slot += d;
            }
            counts[0] += found.len();
            counts[1] += said.len();
            counts[2] += times.len();
            counts[3] += happened.len();
        }
        let total = |s: &[Duration; 5]| s.iter().sum::<Duration>();
        if best.as_ref().is_none_or(|b| total(&spent) < total(b)) {
            best = Some(spent);
        }
    }
    let Some(spent) = best else {
        bail!("no round ran");
    };
    let total: Duration = spent.iter().sum();
    let n = articles.len() as f64;
    let per_article_ms = total.as_secs_f64() * 1000.0 / n;
    println!(
        "tribune bench enrich — {} articles, {:.0} words each on average, one core, best of {}",
        articles.len(),
        mean_words,
        args.rounds.max(1)
    );
    println!();
    println!("step        ms/article   share");
    for (name, d) in ["sentences", "entities", "quotes", "times", "events"]
        .iter()
        .zip(spent)
    {
        println!(
            "{name:<10} {:>10.3} {:>6.1}%",
            d.as_secs_f64() * 1000.0 / n,
            100.0 * d.as_secs_f64() / total.as_secs_f64().max(f64::EPSILON)
        );
    }
    println!("{:<10} {per_article_ms:>10.3}", "total");
    println!();
    let rate = n / total.as_secs_f64().max(f64::EPSILON);
    println!("{rate:.0} articles/s per core on this set");
    println!(
        "{:.0} articles/s per core for an 800-word article (target 200)",
        rate * mean_words / 800.0
    );
    println!(
        "found per article: {:.1} entities, {:.1} quotes, {:.1} times, {:.1} events",
        counts[0] as f64 / n,
        counts[1] as f64 / n,
        counts[2] as f64 / n,
        counts[3] as f64 / n
    );
    Ok(())
}
