//! `tribune bench stories`: online story clustering on ECB+
//! (`../shared/bench/stories/ecbplus-dev.jsonl`): documents fed one at a
//! time in random orders, each joining a story or starting one as it
//! arrives, scored by BCubed and pairwise F1 against the gold stories.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Utc;
use tribune_story::{StoryConfig, StoryIndex, features_enriched};

use super::Rng;

/// The options of `tribune bench stories`.
#[derive(Debug, clap::Args)]
pub struct StoriesArgs {
    /// The ECB+ file.
    #[arg(long, default_value = "../shared/bench/stories/ecbplus-dev.jsonl")]
    data: PathBuf,
    /// How many random orders to average over.
    #[arg(long, default_value_t = 5)]
    orders: u64,
    /// Override the joining threshold (for sensitivity runs).
    #[arg(long)]
    threshold: Option<f32>,
    /// Print, for the first order, every predicted story that mixes gold
    /// stories, with its members' gold stories and openings (for error
    /// analysis).
    #[arg(long)]
    explain: bool,
}

struct Doc {
    story: String,
    text: String,
    /// ECB+ gives no publication date: only absolute times resolve.
    enrichment: tribune_nlp::Enrichment,
}

#[derive(Default, Clone, Copy)]
struct Scores {
    bcubed_precision: f64,
    bcubed_recall: f64,
    pairwise_precision: f64,
    pairwise_recall: f64,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn score(gold: &[&str], predicted: &[i64]) -> Scores {
    let n = gold.len();
    let mut by_pred: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut by_gold: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut both: HashMap<(i64, &str), usize> = HashMap::new();
    for i in 0..n {
        by_pred.entry(predicted[i]).or_default().push(i);
        by_gold.entry(gold[i]).or_default().push(i);
        *both.entry((predicted[i], gold[i])).or_default() += 1;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for i in 0..n {
        let common = both[&(predicted[i], gold[i])] as f64;
        p += common / by_pred[&predicted[i]].len() as f64;
        r += common / by_gold[gold[i]].len() as f64;
    }
    let pairs = |sizes: &mut dyn Iterator<Item = usize>| -> f64 {
        sizes.map(|s| (s * s.saturating_sub(1) / 2) as f64).sum()
    };
    let correct = pairs(&mut both.values().copied());
    let predicted_pairs = pairs(&mut by_pred.values().map(Vec::len));
    let gold_pairs = pairs(&mut by_gold.values().map(Vec::len));
    Scores {
        bcubed_precision: p / n as f64,
        bcubed_recall: r / n as f64,
        pairwise_precision: if predicted_pairs == 0.0 {
            1.0
        } else {
            correct / predicted_pairs
        },
        pairwise_recall: correct / gold_pairs.max(1.0),
    }
}

pub fn run(args: StoriesArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.data)
        .with_context(|| format!("cannot read {}; pass --data", args.data.display()))?;
    let mut docs = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line)?;
        let text = value["text"].as_str().unwrap_or_default().to_string();
        docs.push(Doc {
            story: value["story"].as_str().unwrap_or_default().to_string(),
            enrichment: tribune_nlp::enrich(&text, None),
            text,
        });
    }
    let mut config = StoryConfig::default();
    if let Some(threshold) = args.threshold {
        config.threshold = threshold;
    }
    println!(
        "{} documents, {} gold stories; threshold {}; {} random orders",
        docs.len(),
        docs.iter()
            .map(|d| d.story.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len(),
        config.threshold,
        args.orders
    );
    let mut total = Scores::default();
    let mut seconds = 0.0;
    for seed in 0..args.orders {
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let mut rng = Rng(0x0dd5_eed0 ^ (seed + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut index = StoryIndex::new(config.clone());
        let now = Utc::now();
        let mut next_story = 0;
        let mut assigned = Vec::with_capacity(docs.len());
        let start = Instant::now();
        for &i in &order {
            // ECB+ titles are the first sentence, already in the text.
            let f = features_enriched(None, &docs[i].text, &docs[i].enrichment);
            let story = match index.best(&f, now) {
                Some((story, _)) => story,
                None => {
                    next_story += 1;
                    next_story
                }
            };
            index.add(story, &f, now);
            assigned.push(story);
        }
        seconds += start.elapsed().as_secs_f64();
        let gold: Vec<&str> = order.iter().map(|&i| docs[i].story.as_str()).collect();
        if args.explain && seed == 0 {
            explain(&docs, &order, &assigned);
        }
        let s = score(&gold, &assigned);
        println!(
            "order {seed}: BCubed P {:.3} R {:.3} F1 {:.3}; pairwise F1 {:.3}; {} stories",
            s.bcubed_precision,
            s.bcubed_recall,
            f1(s.bcubed_precision, s.bcubed_recall),
            f1(s.pairwise_precision, s.pairwise_recall),
            next_story
        );
        total.bcubed_precision += s.bcubed_precision;
        total.bcubed_recall += s.bcubed_recall;
        total.pairwise_precision += s.pairwise_precision;
        total.pairwise_recall += s.pairwise_recall;
    }
    let n = args.orders.max(1) as f64;
    println!(
        "mean: BCubed P {:.3} R {:.3} F1 {:.3}; pairwise F1 {:.3}; {:.1} µs per document",
        total.bcubed_precision / n,
        total.bcubed_recall / n,
        f1(total.bcubed_precision / n, total.bcubed_recall / n),
        f1(total.pairwise_precision / n, total.pairwise_recall / n),
        seconds * 1e6 / (n * docs.len() as f64)
    );
    Ok(())
}

/// Prints each predicted story holding more than one gold story: the gold
/// stories' sizes in it, and the opening of each member not of its
/// majority.
fn explain(docs: &[Doc], order: &[usize], assigned: &[i64]) {
    let mut members: HashMap<i64, Vec<usize>> = HashMap::new();
    for (&doc, &story) in order.iter().zip(assigned) {
        members.entry(story).or_default().push(doc);
    }
    let mut mixed: Vec<(i64, Vec<usize>)> = members
        .into_iter()
        .filter(|(_, docs_in)| {
            docs_in
                .iter()
                .any(|&d| docs[d].story != docs[docs_in[0]].story)
        })
        .collect();
    mixed.sort_by_key(|(id, _)| *id);
    for (id, docs_in) in mixed {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for &d in &docs_in {
            *counts.entry(docs[d].story.as_str()).or_default() += 1;
        }
        let majority = counts
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(story, _)| *story)
            .unwrap_or_default();
        let mut listed: Vec<_> = counts.into_iter().collect();
        listed.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        println!("story {id}: {listed:?}");
        for &d in docs_in.iter().filter(|&&d| docs[d].story != majority) {
            let opening: String = docs[d].text.chars().take(110).collect();
            println!("    {} | {}", docs[d].story, opening.replace('\n', " "));
        }
    }
}
