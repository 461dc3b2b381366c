//! `tribune enrich`: the NLP stage over stored articles that lack it
//! (ingested with `--no-enrich`, or stored before the stage existed).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;
use tribune_store::{SqliteStore, Store};

use crate::progress;

/// The options of `tribune enrich`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read every stored article again, not only those without enrichment
    /// (after an upgrade of the NLP stage).
    #[arg(long)]
    all: bool,
    /// Where Tribune keeps its database.
    #[arg(long, env = "TRIBUNE_DATA_DIR", default_value = "tribune-data")]
    data_dir: PathBuf,
}

/// Articles read and written per transaction: big enough to keep every
/// core busy, small enough that an interruption loses little.
const BATCH: usize = 256;

pub fn run(args: Args) -> Result<ExitCode> {
    let store = SqliteStore::open(&args.data_dir)
        .with_context(|| format!("cannot open the store in {}", args.data_dir.display()))?;
    let started = Instant::now();
    let counter = progress::counter("articles enriched");
    let mut after = 0;
    let mut done = 0u64;
    loop {
        let batch = store.articles_to_enrich(after, args.all, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let enriched: Vec<(i64, tribune_nlp::Enrichment)> = batch
            .par_iter()
            .map(|article| {
                (
                    article.id,
                    tribune_nlp::enrich(&article.text, article.published),
                )
            })
            .collect();
        let refs: Vec<(i64, &tribune_nlp::Enrichment)> =
            enriched.iter().map(|(id, e)| (*id, e)).collect();
        // Each batch is its own transaction: an interrupted run keeps what
        // it wrote, and the next run starts after it.
        store.set_enrichments(&refs)?;
        done += batch.len() as u64;
        counter.set_position(done);
    }
    counter.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let articles = if done == 1 { "article" } else { "articles" };
    println!(
        "{done} {articles} enriched in {seconds:.1} s ({:.0}/s); {} in {}",
        done as f64 / seconds.max(1e-9),
        if args.all {
            "all articles"
        } else {
            "the rest already were"
        },
        args.data_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
