//! `tribune bench placement`: the speed of syndication detection and story
//! assignment (fingerprint, LSH lookup, story lookup, both inserts), on one
//! core, as the index grows from 10,000 to 1,000,000 articles.
//!
//! Articles are synthetic but made of real words: 300-700 words drawn from
//! the extraction pages' text (so word frequencies are those of news), in
//! paragraphs, about events: each event has its own dozen names, which its
//! articles repeat, and a new event starts every eighth article on
//! average, so stories have the sizes of real ones. One article in five is
//! a copy of a recent one (a paragraph dropped, chrome added). Each article
//! is stamped a minute after the previous one, so the story window (3 days)
//! and the copy window (14 days) move as they would over two years of a
//! busy desk; expired entries are evicted as the pipeline evicts them.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use tribune_dedup::{LshIndex, fingerprint};
use tribune_story::{StoryConfig, StoryIndex, features};

use super::Rng;
use super::search::{Pool, pool};

/// The options of `tribune bench placement`.
#[derive(Debug, clap::Args)]
pub struct PlacementArgs {
    /// The folder holding `scrapinghub/` and `wcxb/`.
    #[arg(long, default_value = "../shared/bench/extract")]
    data: PathBuf,
    /// How many articles in all.
    #[arg(long, default_value_t = 1_000_000)]
    articles: usize,
}

fn resident_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

pub fn run(args: PlacementArgs) -> Result<()> {
    let Pool {
        titles, paragraphs, ..
    } = pool(&args.data)?;
    // Every word of the real text, repeats kept: drawing from it follows
    // the words' real frequencies.
    let vocabulary: Vec<&str> = paragraphs
        .iter()
        .flat_map(|p| p.split_whitespace())
        .collect();
    let mut events: Vec<Vec<String>> = Vec::new();
    let mut rng = Rng(0xfeed_beef);
    let mut lsh = LshIndex::new();
    let mut stories = StoryIndex::new(StoryConfig::default());
    let start_time = Utc::now() - chrono::Duration::days(800);
    let copy_window = 14 * 24 * 60; // minutes = articles
    let mut recent_texts: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    let mut next_story = 0i64;
    let checkpoints = [10_000usize, 100_000, 300_000, 1_000_000];
    let mut batch_time = Duration::ZERO;
    let mut batch = 0usize;
    let (mut copies, mut joined) = (0usize, 0usize);
    println!(
        "one core; articles of 300-700 real words about events, one in five a copy; a minute apart (story window 3 days, copy window 14 days)"
    );
    println!(
        "{:>9}  {:>14}  {:>12}  {:>10}  {:>8}",
        "articles", "µs per article", "articles/s", "in LSH", "RSS MiB"
    );
    for n in 0..args.articles {
        let at = start_time + chrono::Duration::minutes(n as i64);
        let text = if n > 0 && rng.below(5) == 0 && !recent_texts.is_empty() {
            let original = &recent_texts[rng.below(recent_texts.len())];
            let mut parts: Vec<&str> = original.split("\n\n").collect();
            if parts.len() > 2 {
                parts.remove(rng.below(parts.len()));
            }
            format!(
                "Follow us on our WhatsApp channel here\n\n{}\n\nManage your account",
                parts.join("\n\n")
            )
        } else {
            if events.is_empty() || rng.below(8) == 0 {
                events.push(
                    (0..12)
                        .map(|_| format!("Name{}", rng.next() % 1_000_000_007))
                        .collect::<Vec<_>>(),
                );
            }
            let recent = events.len().min(50);
            let event = &events[events.len() - 1 - rng.below(recent)];
            let words = 300 + rng.below(400);
            let mut text = String::with_capacity(words * 7);
            for w in 0..words {
                if w > 0 && w % 60 == 0 {
                    text.push_str(".\n\n");
                } else if w > 0 {
                    text.push(' ');
                }
                if rng.below(15) == 0 {
                    text.push_str(&event[rng.below(event.len())]);
                } else {
                    text.push_str(vocabulary[rng.below(vocabulary.len())]);
                }
            }
            text
        };
        let title = &titles[rng.below(titles.len())];
        // The timed part: what the pipeline does per article, without the store.
        let started = Instant::now();
        let fp = fingerprint(&text);
        let f = features(Some(title), &text);
        let copy = lsh.copy_of(&fp);
        let weighed = stories.weigh(&f);
        let story = match copy {
            Some(_) => None,
            None => stories.best_weighed(&weighed, at).map(|(story, _)| story),
        };
        let story = story.unwrap_or_else(|| {
            next_story += 1;
            next_story
        });
        lsh.insert(n as i64, &fp);
        stories.add_weighed(story, &f, &weighed, at);
        batch_time += started.elapsed();
        copies += usize::from(copy.is_some());
        joined += usize::from(copy.is_none() && story != next_story);
        batch += 1;
        // Eviction, as the pipeline does it: every 10,000 articles.
        if n % 10_000 == 9_999 {
            let started = Instant::now();
            let cutoff = n.saturating_sub(copy_window) as i64;
            lsh.retain(|id| id >= cutoff);
            stories.expire(at - chrono::Duration::days(3));
            batch_time += started.elapsed();
        }
        recent_texts.push_back(text);
        if recent_texts.len() > 2_000 {
            recent_texts.pop_front();
        }
        if checkpoints.contains(&(n + 1)) {
            println!(
                "{:>9}  {:>14.1}  {:>12.0}  {:>10}  {:>8.0}",
                n + 1,
                batch_time.as_secs_f64() * 1e6 / batch as f64,
                batch as f64 / batch_time.as_secs_f64(),
                lsh.len(),
                resident_mib()
            );
            batch_time = Duration::ZERO;
            batch = 0;
        }
    }
    println!(
        "{copies} copies found, {joined} articles joined an existing story, {} stories active at the end",
        stories.len()
    );
    Ok(())
}
