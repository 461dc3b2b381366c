//! `tribune bench dedup`: syndication detection on copies made from real
//! articles, with the hard negatives that matter: different articles about
//! the same event.
//!
//! Sources are the ECB+ articles (`../shared/bench/stories`) and the
//! extraction pages' article text (`../shared/bench/extract`). Every source
//! with at least 60 words gets one copy made the way aggregators make them:
//!
//! 1. a new title (the opening words of one of its paragraphs);
//! 2. one paragraph dropped, or one taken from another article inserted
//!    (one or the other, at random; dropping only from three paragraphs up);
//! 3. one to three chrome lines before the text ("Manage your account",
//!    "Skip to main content", ...) and one to three after ("This article
//!    originally appeared on ...", "Follow us on our WhatsApp channel", ...);
//! 4. about 2% of words edited: a third replaced by a word from another
//!    article, a third deleted, a third followed by an inserted word.
//!
//! Sources and copies are fed in one random order; each is either linked as
//! a copy of something seen before or starts a copy group. Pairs are scored
//! against the truth: a source and its copy belong together. ECB+ holds
//! several articles per event, so its pairs are hard negatives, except
//! where ECB+ itself holds syndicated copies (the same agency story on two
//! sites): two ECB+ articles of one event whose word 5-shingle sets have an
//! exact Jaccard similarity of 0.3 or more (the issue's own definition of a
//! copy) are one truth group.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;
use tribune_dedup::{LshIndex, fingerprint};

use super::Rng;

/// The options of `tribune bench dedup`.
#[derive(Debug, clap::Args)]
pub struct DedupArgs {
    /// The ECB+ file.
    #[arg(long, default_value = "../shared/bench/stories/ecbplus-dev.jsonl")]
    stories: PathBuf,
    /// The folder holding `scrapinghub/` and `wcxb/`.
    #[arg(long, default_value = "../shared/bench/extract")]
    pages: PathBuf,
    /// The random seed for copies and order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// One source article.
struct Source {
    /// The event it reports, for ECB+ articles.
    event: Option<String>,
    paragraphs: Vec<String>,
}

const CHROME_BEFORE: &[&str] = &[
    "Manage your account",
    "Skip to main content",
    "Advertisement",
    "Sign in to continue reading",
    "Listen to this article",
    "Breaking news alerts: sign up",
];
const CHROME_AFTER: &[&str] = &[
    "This article originally appeared on the wire service.",
    "Follow us on our WhatsApp channel here",
    "The publisher is not responsible for this news, news data and content.",
    "Share this story on social media",
    "Read more stories like this in our app",
    "Copyright 2025. All rights reserved.",
];

fn load_stories(path: &std::path::Path) -> Result<Vec<Source>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}; pass --stories", path.display()))?;
    let mut sources = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let doc: serde_json::Value = serde_json::from_str(line)?;
        let body = doc["text"].as_str().unwrap_or_default();
        sources.push(Source {
            event: doc["story"].as_str().map(str::to_string),
            paragraphs: body
                .lines()
                .map(str::to_string)
                .filter(|l| !l.trim().is_empty())
                .collect(),
        });
    }
    Ok(sources)
}

fn load_pages(dir: &std::path::Path) -> Result<Vec<Source>> {
    Ok(super::page_articles(dir)?
        .into_iter()
        .map(|article| Source {
            event: None,
            paragraphs: article.text.split("\n\n").map(str::to_string).collect(),
        })
        .collect())
}

fn words(paragraphs: &[String]) -> usize {
    paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum()
}

/// A syndicated copy of `source`, made as described in the module docs.
fn copy_of(source: &Source, others: &[Source], rng: &mut Rng) -> Vec<String> {
    let mut paragraphs = source.paragraphs.clone();
    // 1. The new title leads the text as pages print it.
    let title_from = &paragraphs[rng.below(paragraphs.len())];
    let title: String = title_from
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ");
    // 2. A paragraph dropped or added.
    if paragraphs.len() >= 3 && rng.below(2) == 0 {
        paragraphs.remove(rng.below(paragraphs.len()));
    } else {
        // From an article of four paragraphs or more, so that the copy
        // does not swallow a whole short article.
        let other = loop {
            let candidate = &others[rng.below(others.len())];
            if candidate.paragraphs.len() >= 4 {
                break candidate;
            }
        };
        let extra = other.paragraphs[rng.below(other.paragraphs.len())].clone();
        let at = rng.below(paragraphs.len() + 1);
        paragraphs.insert(at, extra);
    }
    // 4. About 2% of words edited.
    let vocabulary = &others[rng.below(others.len())].paragraphs;
    let edited: Vec<String> = paragraphs
        .iter()
        .map(|p| {
            let mut out: Vec<String> = Vec::new();
            for word in p.split_whitespace() {
                if rng.below(50) != 0 {
                    out.push(word.to_string());
                    continue;
                }
                let replacement = vocabulary[rng.below(vocabulary.len())]
                    .split_whitespace()
                    .next()
                    .unwrap_or("the")
                    .to_string();
                match rng.below(3) {
                    0 => out.push(replacement),
                    1 => {}
                    _ => {
                        out.push(word.to_string());
                        out.push(replacement);
                    }
                }
            }
            out.join(" ")
        })
        .collect();
    // 3. Chrome before and after.
    let mut copy = vec![title];
    for _ in 0..1 + rng.below(3) {
        copy.push(CHROME_BEFORE[rng.below(CHROME_BEFORE.len())].to_string());
    }
    copy.extend(edited);
    for _ in 0..1 + rng.below(3) {
        copy.push(CHROME_AFTER[rng.below(CHROME_AFTER.len())].to_string());
    }
    copy
}

/// Pairs of items in the same group, by group sizes.
fn pairs(sizes: impl Iterator<Item = usize>) -> u64 {
    sizes.map(|n| (n * n.saturating_sub(1) / 2) as u64).sum()
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Exact word 5-shingle sets (hashed), for the truth.
fn shingles(paragraphs: &[String]) -> std::collections::HashSet<u64> {
    use std::hash::{Hash, Hasher};
    let words: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(5)
        .map(|w| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// Truth groups of the sources: each its own, except sources that are
/// already copies of each other (exact 5-shingle Jaccard >= 0.3: the same
/// agency story on two sites in ECB+, the same page twice in the extraction
/// sets). Returns the group of each source and how many pairs were joined.
fn truth_groups(sources: &[Source]) -> (Vec<usize>, usize) {
    let sets: Vec<_> = sources
        .par_iter()
        .map(|s| shingles(&s.paragraphs))
        .collect();
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        for &shingle in set {
            postings.entry(shingle).or_default().push(i as u32);
        }
    }
    let mut common: HashMap<(u32, u32), u32> = HashMap::new();
    for docs in postings.values().filter(|d| d.len() > 1 && d.len() < 200) {
        for (k, &a) in docs.iter().enumerate() {
            for &b in &docs[k + 1..] {
                *common.entry((a, b)).or_default() += 1;
            }
        }
    }
    let mut group: Vec<usize> = (0..sources.len()).collect();
    let mut joined = 0;
    for (&(a, b), &shared) in &common {
        let (a, b) = (a as usize, b as usize);
        let union = sets[a].len() + sets[b].len() - shared as usize;
        if f64::from(shared) / union as f64 >= 0.3 {
            let (ra, rb) = (find(&mut group, a), find(&mut group, b));
            if ra != rb {
                group[rb] = ra;
                joined += 1;
            }
        }
    }
    let roots = (0..sources.len()).map(|i| find(&mut group, i)).collect();
    (roots, joined)
}

pub fn run(args: DedupArgs) -> Result<()> {
    let mut sources = load_stories(&args.stories)?;
    let ecb = sources.len();
    sources.extend(load_pages(&args.pages)?);
    sources.retain(|s| words(&s.paragraphs) >= 60);
    let (truth_of, joined) = truth_groups(&sources);
    let mut rng = Rng(0x5eed ^ args.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    // Items: every source (truth group = its index) and one copy of each.
    let mut items: Vec<(usize, String)> = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        items.push((truth_of[i], source.paragraphs.join("\n\n")));
        items.push((
            truth_of[i],
            copy_of(source, &sources, &mut rng).join("\n\n"),
        ));
    }
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
    let start = Instant::now();
    let mut index = LshIndex::new();
    let mut parent: Vec<usize> = (0..items.len()).collect();
    // The best candidate's containment, for true and false links.
    let (mut right, mut wrong): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut right_jaccard: Vec<f64> = Vec::new();
    for (n, (truth, text)) in items.iter().enumerate() {
        let fp = fingerprint(text);
        if let Some((id, similarity)) = index.similar(&fp).into_iter().next() {
            if items[id as usize].0 == *truth {
                right.push(similarity.containment);
                right_jaccard.push(similarity.jaccard);
            } else {
                wrong.push(similarity.containment);
            }
        }
        // Linked to everything it is a copy of (which may join groups).
        for (id, _) in index.copies_of(&fp) {
            let (a, b) = (find(&mut parent, n), find(&mut parent, id as usize));
            if a != b {
                parent[a] = b;
            }
        }
        index.insert(n as i64, &fp);
    }
    let took = start.elapsed();
    // Pairwise scores.
    let mut predicted: HashMap<usize, usize> = HashMap::new();
    let mut truth: HashMap<usize, usize> = HashMap::new();
    let mut both: HashMap<(usize, usize), usize> = HashMap::new();
    for (n, (group, _)) in items.iter().enumerate() {
        let root = find(&mut parent, n);
        *predicted.entry(root).or_default() += 1;
        *truth.entry(*group).or_default() += 1;
        *both.entry((root, *group)).or_default() += 1;
    }
    let predicted_pairs = pairs(predicted.values().copied());
    let true_pairs = pairs(truth.values().copied());
    let correct = pairs(both.values().copied());
    let precision = if predicted_pairs == 0 {
        1.0
    } else {
        correct as f64 / predicted_pairs as f64
    };
    let recall = correct as f64 / true_pairs.max(1) as f64;
    // Hard negatives: pairs of different ECB+ articles about one event
    // that were put in one group.
    let mut hard_negatives = 0u64;
    let mut hard_pairs = 0u64;
    let mut by_event: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, (group, _)) in items.iter().enumerate() {
        if let Some(event) = sources[*group].event.as_deref() {
            by_event.entry(event).or_default().push(n);
        }
    }
    for members in by_event.values() {
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                if items[a].0 != items[b].0 {
                    hard_pairs += 1;
                    if find(&mut parent, a) == find(&mut parent, b) {
                        hard_negatives += 1;
                    }
                }
            }
        }
    }
    println!(
        "{} sources ({} ECB+ articles, {} extraction pages with 60+ words), one copy each, {} items in random order (seed {})",
        sources.len(),
        sources
            .iter()
            .filter(|s| s.event.is_some())
            .count()
            .min(ecb),
        sources.iter().filter(|s| s.event.is_none()).count(),
        items.len(),
        args.seed
    );
    println!(
        "{joined} pairs of sources are already copies of each other (5-shingle Jaccard >= 0.3) and count as one group"
    );
    let quantile = |v: &mut Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v.get(((v.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!(
        "best candidate's containment: true copies min {:.2} p1 {:.2} p5 {:.2}; others max {:.2} p99 {:.2} p95 {:.2} (threshold {}, and Jaccard {})",
        quantile(&mut right, 0.0),
        quantile(&mut right, 0.01),
        quantile(&mut right, 0.05),
        quantile(&mut wrong, 1.0),
        quantile(&mut wrong, 0.99),
        quantile(&mut wrong, 0.95),
        tribune_dedup::COPY_CONTAINMENT,
        tribune_dedup::COPY_JACCARD
    );
    println!(
        "true copies' Jaccard: min {:.2} p1 {:.2} p5 {:.2}",
        quantile(&mut right_jaccard, 0.0),
        quantile(&mut right_jaccard, 0.01),
        quantile(&mut right_jaccard, 0.05)
    );
    println!(
        "pairwise precision {precision:.4}  recall {recall:.4}  F1 {:.4}  ({correct} of {true_pairs} copy pairs found, {} wrong pairs)",
        2.0 * precision * recall / (precision + recall).max(1e-9),
        predicted_pairs - correct
    );
    println!(
        "hard negatives (different articles on one event): {hard_negatives} of {hard_pairs} pairs joined"
    );
    println!(
        "{:.1} µs per item for fingerprint, lookup and insert ({:.0} items/s, one thread)",
        took.as_secs_f64() * 1e6 / items.len() as f64,
        items.len() as f64 / took.as_secs_f64()
    );
    Ok(())
}
