//! `tribune ingest`: pages, text files and URLs extracted and stored, once.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use tribune_ingest::pipeline::{Pipeline, Placed, Prepared};
use tribune_ingest::warc;
use tribune_model::{Article, Document};
use tribune_store::{Put, SqliteStore, Store};

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
    /// Skip the NLP stage (quotes, entities, times, events) to load an
    /// archive faster; `tribune enrich` reads them afterwards.
    #[arg(long)]
    no_enrich: bool,
    #[command(flatten)]
    fetch: FetchArgs,
}

/// Extracted articles waiting to be stored, at most.
const BATCH: usize = 128;

/// Extraction threads: one per core.
fn extractors() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// How often what was stored is made searchable.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Default)]
struct Tally {
    new: u64,
    /// New articles that are syndicated copies of stored ones.
    copies: u64,
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
fn items<'a>(sources: &'a [Source]) -> impl Iterator<Item = Item<'a>> + Send + 'a {
    sources
        .iter()
        .flat_map(|source| -> Box<dyn Iterator<Item = Item<'a>> + Send + 'a> {
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
    let store =
        Arc::new(SqliteStore::open(&args.data_dir).with_context(|| {
            format!("cannot open the data directory {}", args.data_dir.display())
        })?);
    let pipeline = Pipeline::open(store.clone())?;
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
    // Extraction (every core) and storing (one writer) overlap: a thread
    // extracts batch after batch into a bounded channel while this one
    // stores, so memory stays flat however many inputs there are.
    let (sender, receiver) =
        std::sync::mpsc::sync_channel::<(String, Result<(Article, Prepared)>)>(BATCH);
    let work = std::sync::Mutex::new(items(&sources));
    std::thread::scope(|scope| -> Result<()> {
        let fetcher = fetcher.as_ref();
        // One extractor per core, each taking the next input as soon as it
        // is free (no batch waits for its slowest page); the channel's bound
        // keeps memory flat. A send error means the writer stopped: stop too.
        let work = &work;
        let no_enrich = args.no_enrich;
        for _ in 0..extractors() {
            let sender = sender.clone();
            scope.spawn(move || {
                loop {
                    let next = work
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .next();
                    let Some(item) = next else { break };
                    let (label, article) = extract_item(item, fetcher);
                    let prepared = article.map(|a| {
                        let prepared = if no_enrich {
                            Prepared::without_enrichment(&a)
                        } else {
                            Prepared::of(&a)
                        };
                        (a, prepared)
                    });
                    if sender.send((label, prepared)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut flushed = Instant::now();
        for (label, result) in receiver {
            let outcome = match result {
                Ok((article, prepared)) => match pipeline
                    .store_prepared(&article, &prepared, &label, None)
                {
                    // Nothing can be stored while another process writes.
                    Err(err @ tribune_store::Error::Busy { .. }) => return Err(err.into()),
                    other => other.with_context(|| format!("{label}: cannot store the article")),
                },
                Err(err) => Err(err),
            };
            match outcome {
                Ok(Placed {
                    put: Put::New(_),
                    copy,
                }) => {
                    tally.new += 1;
                    tally.copies += u64::from(copy);
                }
                Ok(Placed {
                    put: Put::Duplicate(_),
                    ..
                }) => tally.duplicate += 1,
                Err(err) => {
                    tally.failed += 1;
                    progress.suspend(|| eprintln!("tribune: {err:#}"));
                }
            }
            progress.inc(1);
            // Searchable within a second; what is stored is safe either way.
            if flushed.elapsed() >= FLUSH_EVERY {
                store.flush()?;
                flushed = Instant::now();
            }
        }
        store.flush()?;
        Ok(())
    })?;
    progress.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let total = tally.new + tally.duplicate + tally.failed;
    eprintln!(
        "{} new, {} duplicate, {} failed in {:.1} s ({:.0} inputs/s); syndicated copies among the new: {}; {} articles stored in {}",
        tally.new,
        tally.duplicate,
        tally.failed,
        seconds,
        total as f64 / seconds.max(1e-9),
        tally.copies,
        store.count_articles()?,
        args.data_dir.display(),
    );
    Ok(if tally.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn extract_item(item: Item<'_>, fetcher: Option<&BlockingFetcher>) -> (String, Result<Article>) {
    match item {
        Item::Source(source) => (source.label(), extract_one(source, fetcher)),
        Item::Archived(label, document) => {
            let article = document
                .and_then(|doc| tribune_extract::extract(&doc).with_context(|| label.clone()));
            (label, article)
        }
    }
}

fn extract_one(source: &Source, fetcher: Option<&BlockingFetcher>) -> Result<Article> {
    let document = input::read(source, fetcher)?;
    tribune_extract::extract(&document).with_context(|| source.label())
}
