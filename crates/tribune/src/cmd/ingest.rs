//! `tribune ingest`: pages, text files and URLs extracted and stored, once.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;
use tribune_ingest::warc;
use tribune_model::{Article, Document};
use tribune_store::{NewArticle, Put, SqliteStore, Store};

use crate::fetching::{BlockingFetcher, FetchArgs};
use crate::input::{self, Source};
use crate::progress;

/// Extract each INPUT and store the article in the data directory.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, directories (read recursively), `-` (stdin) or http(s) URLs.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// Where Tribune keeps its database.
    #[arg(long, env = "TRIBUNE_DATA_DIR", default_value = "tribune-data")]
    data_dir: PathBuf,
    #[command(flatten)]
    fetch: FetchArgs,
}

/// Inputs are extracted a batch at a time on every core, then stored by one
/// writer, so memory stays flat however many inputs there are.
const BATCH: usize = 256;

#[derive(Default)]
struct Tally {
    new: u64,
    duplicate: u64,
    failed: u64,
}

/// One unit of work: a source to read, or a document already read out of
/// an archive.
enum Item<'a> {
    Source(&'a Source),
    Archived(String, Result<Document>),
}

/// Whether a file is a WARC archive, by its name.
fn is_warc(source: &Source) -> bool {
    matches!(source, Source::File(path) if path.file_name().is_some_and(|n| {
        let name = n.to_string_lossy().to_ascii_lowercase();
        name.ends_with(".warc") || name.ends_with(".warc.gz")
    }))
}

/// The work items of the sources, lazily: an archive is read record by
/// record as the batches need them, so memory stays flat.
fn items<'a>(sources: &'a [Source]) -> impl Iterator<Item = Item<'a>> + 'a {
    sources
        .iter()
        .flat_map(|source| -> Box<dyn Iterator<Item = Item<'a>> + 'a> {
            let Source::File(path) = source else {
                return Box::new(std::iter::once(Item::Source(source)));
            };
            if !is_warc(source) {
                return Box::new(std::iter::once(Item::Source(source)));
            }
            let label = path.display().to_string();
            match std::fs::File::open(path) {
                Ok(file) => {
                    Box::new(
                        warc::open(file)
                            .enumerate()
                            .map(move |(n, record)| match record {
                                Ok(document) => {
                                    let name = document
                                        .url
                                        .clone()
                                        .unwrap_or_else(|| format!("{label}#{}", n + 1));
                                    Item::Archived(name, Ok(document))
                                }
                                Err(err) => Item::Archived(
                                    format!("{label}#{}", n + 1),
                                    Err(anyhow::Error::new(err)),
                                ),
                            }),
                    )
                }
                Err(err) => Box::new(std::iter::once(Item::Archived(
                    label.clone(),
                    Err(anyhow::Error::new(err).context(format!("cannot open {label}"))),
                ))),
            }
        })
}

pub fn run(args: Args) -> Result<ExitCode> {
    let store = SqliteStore::open(&args.data_dir)
        .with_context(|| format!("cannot open the data directory {}", args.data_dir.display()))?;
    let sources = input::expand(&args.inputs)?;
    let fetcher = if sources.iter().any(|s| matches!(s, Source::Url(_))) {
        Some(BlockingFetcher::new(&args.fetch)?)
    } else {
        None
    };
    // With archives the number of documents is not known up front.
    let progress = if sources.iter().any(is_warc) {
        progress::counter("documents")
    } else {
        progress::bar(sources.len() as u64)
    };
    let start = Instant::now();
    let mut tally = Tally::default();
    let mut work = items(&sources).peekable();
    while work.peek().is_some() {
        let batch: Vec<Item<'_>> = work.by_ref().take(BATCH).collect();
        let extracted: Vec<(String, Result<Article>)> = batch
            .into_par_iter()
            .map(|item| match item {
                Item::Source(source) => (source.label(), extract_one(source, fetcher.as_ref())),
                Item::Archived(label, document) => {
                    let article = document.and_then(|doc| {
                        tribune_extract::extract(&doc).with_context(|| label.clone())
                    });
                    (label, article)
                }
            })
            .collect();
        for (label, result) in extracted {
            let outcome = result.and_then(|article| {
                store
                    .put_article(&NewArticle::new(&article, &label))
                    .with_context(|| format!("{label}: cannot store the article"))
            });
            match outcome {
                Ok(Put::New(_)) => tally.new += 1,
                Ok(Put::Duplicate(_)) => tally.duplicate += 1,
                Err(err) => {
                    tally.failed += 1;
                    progress.suspend(|| eprintln!("tribune: {err:#}"));
                }
            }
            progress.inc(1);
        }
        // Searchable batch by batch; what is stored is safe either way.
        store.flush()?;
    }
    progress.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let total = tally.new + tally.duplicate + tally.failed;
    eprintln!(
        "{} new, {} duplicate, {} failed in {:.1} s ({:.0} inputs/s); {} articles stored in {}",
        tally.new,
        tally.duplicate,
        tally.failed,
        seconds,
        total as f64 / seconds.max(1e-9),
        store.count_articles()?,
        args.data_dir.display(),
    );
    Ok(if tally.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn extract_one(source: &Source, fetcher: Option<&BlockingFetcher>) -> Result<Article> {
    let document = input::read(source, fetcher)?;
    tribune_extract::extract(&document).with_context(|| source.label())
}
