//! `tribune extract`: pages, text files or URLs in; articles out.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::ValueEnum;
use rayon::prelude::*;
use tribune_model::Article;

use crate::fetching::{BlockingFetcher, FetchArgs};
use crate::input::{self, Source};
use crate::progress;
use crate::render;

/// Output formats of `tribune extract`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// One JSON object per input, one per line.
    Json,
    /// Title, blank line, body.
    Text,
    /// Title, metadata line, body with headings and lists.
    Markdown,
}

/// The options of `tribune extract`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, directories, `-` (stdin) or http(s) URLs.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// The URL the input was published at (resolves relative links and the
    /// canonical URL; dates in it count as the publication date).
    #[arg(long)]
    url: Option<String>,
    /// The publication date, used when the input states none (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// Also read quotes and their speakers, entities with roles, time
    /// expressions resolved against the publication date, and events
    /// (JSON gains `quotes`, `entities`, `times`, `events`).
    #[arg(long)]
    enrich: bool,
    #[command(flatten)]
    fetch: FetchArgs,
}

fn parse_date(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("`{value}` is not a date; write it as YYYY-MM-DD, e.g. 2025-03-16"))
}

/// Inputs are processed in batches so that output starts early and memory
/// stays bounded on large directories, while a batch runs on all cores.
const BATCH: usize = 64;

pub fn run(args: Args) -> Result<ExitCode> {
    let sources = input::expand(&args.inputs)?;
    let fetcher = if sources.iter().any(|s| matches!(s, Source::Url(_))) {
        Some(BlockingFetcher::new(&args.fetch)?)
    } else {
        None
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Drawn on standard error, and only when it is a terminal.
    let progress = if sources.len() > 1 {
        progress::bar(sources.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut failed = 0usize;
    let mut printed = 0usize;
    for batch in sources.chunks(BATCH) {
        let results: Vec<(String, Result<Extracted>)> = batch
            .par_iter()
            .map(|source| (source.label(), extract_one(source, fetcher.as_ref(), &args)))
            .collect();
        for (label, result) in results {
            if result.is_err() {
                failed += 1;
            } else if printed > 0 && !matches!(args.format, Format::Json) {
                // Articles for people are separated by a rule.
                writeln!(out, "\n---\n")?;
            }
            if result.is_ok() {
                printed += 1;
            }
            progress.suspend(|| print_one(&mut out, args.format, &label, result))?;
            progress.inc(1);
        }
        out.flush().context("cannot write output")?;
    }
    progress.finish_and_clear();
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// An article, and what `--enrich` read from it.
type Extracted = (Article, Option<tribune_nlp::EnrichmentView>);

fn extract_one(
    source: &Source,
    fetcher: Option<&BlockingFetcher>,
    args: &Args,
) -> Result<Extracted> {
    let mut document = input::read(source, fetcher)?;
    if let Some(url) = &args.url {
        document.url = Some(url.clone());
    }
    if let Some(date) = args.date {
        document.date_hint = Some(date);
    }
    let article = tribune_extract::extract(&document).with_context(|| source.label())?;
    let enrichment = args
        .enrich
        .then(|| tribune_nlp::enrich(&article.text, article.published).view(&article.text));
    Ok((article, enrichment))
}

fn print_one(
    out: &mut impl Write,
    format: Format,
    label: &str,
    result: Result<Extracted>,
) -> Result<()> {
    match (format, result) {
        (Format::Json, Ok((article, enrichment))) => {
            let mut json = render::ExtractJson::from_article(label, &article);
            json.enrichment = enrichment;
            serde_json::to_writer(&mut *out, &json)?;
            writeln!(out)?;
        }
        (Format::Json, Err(err)) => {
            eprintln!("tribune: {err:#}");
            serde_json::to_writer(
                &mut *out,
                &render::ExtractJson::from_error(label, format!("{err:#}")),
            )?;
            writeln!(out)?;
        }
        (Format::Text, Ok((article, enrichment))) => {
            write!(out, "{}", render::text(&article))?;
            if let Some(view) = enrichment {
                write!(out, "{}", render::enrichment(&view))?;
            }
        }
        (Format::Markdown, Ok((article, enrichment))) => {
            write!(out, "{}", render::markdown(&article))?;
            if let Some(view) = enrichment {
                write!(out, "{}", render::enrichment(&view))?;
            }
        }
        (_, Err(err)) => eprintln!("tribune: {err:#}"),
    }
    Ok(())
}
