//! `tribune bench`: each stage measured on real data, beside a reference
//! tool where there is one. Benchmarks print figures; tests assert
//! behaviour.

mod extract;
mod ingest;
mod poll;
mod search;

use std::process::ExitCode;

use anyhow::Result;

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
    /// Search latency over a store of synthetic articles made of real text.
    Search(search::SearchArgs),
    /// One polling cycle over many feeds on a local server, then a second
    /// that should cost one 304 per feed.
    Poll(poll::PollArgs),
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.stage {
        Stage::Extract(args) => extract::run(args)?,
        Stage::Ingest(args) => ingest::run(args)?,
        Stage::Search(args) => search::run(args)?,
        Stage::Poll(args) => poll::run(args)?,
    }
    Ok(ExitCode::SUCCESS)
}
