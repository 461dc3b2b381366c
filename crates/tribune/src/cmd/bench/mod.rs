//! `tribune bench`: each stage measured on real data, beside a reference
//! tool where there is one. Benchmarks print figures; tests assert
//! behaviour.

mod dedup;
mod enrich;
mod entities;
mod extract;
mod ingest;
mod placement;
mod poll;
mod push;
mod quotes;
mod search;
mod serve;
mod stories;
mod time;

use std::process::ExitCode;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use tribune_model::Article;

/// A small deterministic generator (xorshift), so every run builds the
/// same store and asks the same queries.
pub(super) struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Measure a stage on labelled data.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    stage: Stage,
}

#[derive(Debug, clap::Subcommand)]
enum Stage {
    /// Main-content and metadata extraction on scrapinghub and WCXB.
    Extract(extract::ExtractArgs),
    /// Bulk ingest (read, extract, store, index) of the extraction pages
    /// as files and as a WARC, at 1x and Nx, with peak memory.
    Ingest(ingest::IngestArgs),
    /// Syndication detection on copies made from real articles.
    Dedup(dedup::DedupArgs),
    /// Online story clustering on ECB+, in random orders.
    Stories(stories::StoriesArgs),
    /// Speed of syndication and story placement as the index grows to 1M.
    Placement(placement::PlacementArgs),
    /// Search latency over a store of synthetic articles made of real text.
    Search(search::SearchArgs),
    /// The reader under load: front, story and article pages served by the
    /// real router over 100,000 placed articles, with a load generator in
    /// the same process.
    Serve(serve::ServeArgs),
    /// One polling cycle over many feeds on a local server, then a second
    /// that should cost one 304 per feed.
    Poll(poll::PollArgs),
    /// Webhook fan-out: 10,000 deliveries from a `tribune serve` child to
    /// a receiver failing 20% of requests, the child killed and restarted
    /// mid-way.
    Push(push::PushArgs),
    /// Quotation attribution on PolNeAR (source, cue, content).
    Quotes(quotes::QuotesArgs),
    /// Named entities on CoNLL-2003 (PER, ORG, LOC, MISC).
    Entities(entities::EntitiesArgs),
    /// Time expressions on TempEval-3 and the GUM news dates.
    Time(time::TimeArgs),
    /// Speed of the whole NLP stage (entities, quotes, times, events) per
    /// article, step by step.
    Enrich(enrich::EnrichArgs),
}

/// The page files of the extraction sets under `data` (`scrapinghub/html`
/// and `wcxb/html`), sorted: what several benchmarks are made of.
fn page_paths(data: &Path) -> Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for set in ["scrapinghub", "wcxb"] {
        let dir = data.join(set).join("html");
        for entry in std::fs::read_dir(&dir).with_context(|| {
            format!(
                "cannot list {}; pass the folder holding scrapinghub/ and wcxb/",
                dir.display()
            )
        })? {
            paths.push(entry?.path());
        }
    }
    paths.sort();
    Ok(paths)
}

/// The article of every extraction page, extracted on all cores (pages
/// that cannot be read are left out).
fn page_articles(data: &Path) -> Result<Vec<Article>> {
    Ok(page_paths(data)?
        .par_iter()
        .filter_map(|path| tribune_extract::extract(&crate::input::read_file(path).ok()?).ok())
        .collect())
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.stage {
        Stage::Extract(args) => extract::run(args)?,
        Stage::Ingest(args) => ingest::run(args)?,
        Stage::Search(args) => search::run(args)?,
        Stage::Serve(args) => serve::run(args)?,
        Stage::Dedup(args) => dedup::run(args)?,
        Stage::Stories(args) => stories::run(args)?,
        Stage::Placement(args) => placement::run(args)?,
        Stage::Poll(args) => poll::run(args)?,
        Stage::Push(args) => push::run(args)?,
        Stage::Quotes(args) => quotes::run(args)?,
        Stage::Entities(args) => entities::run(args)?,
        Stage::Time(args) => time::run(args)?,
        Stage::Enrich(args) => enrich::run(args)?,
    }
    Ok(ExitCode::SUCCESS)
}
