//! `tribune search`: ranked articles from the data directory.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::ValueEnum;
use serde::Serialize;
use tribune_store::{SqliteStore, Store};

/// Output formats of `tribune search`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Title, date and source, then the snippet, per result.
    Text,
    /// One JSON object per result, one per line.
    Json,
}

/// The options of `tribune search`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query: words (all must match), "a phrase", title:word,
    /// source:host-or-path, author:name, published:[2025-01-01T00:00:00Z TO *].
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    /// How many results to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Where Tribune keeps its database.
    #[arg(long, env = "TRIBUNE_DATA_DIR", default_value = "tribune-data")]
    data_dir: PathBuf,
}

/// One line of `tribune search --format json`: the CLI's contract.
#[derive(Serialize)]
struct HitJson<'a> {
    id: i64,
    title: Option<&'a str>,
    /// The source URL or, for local input, the file path.
    url: &'a str,
    date: Option<String>,
    snippet: &'a str,
    score: f32,
}

pub fn run(args: Args) -> Result<ExitCode> {
    if !args.data_dir.join("tribune.db").exists() {
        anyhow::bail!(
            "no articles in {}: run `tribune ingest` first, or pass --data-dir",
            args.data_dir.display()
        );
    }
    let store = SqliteStore::open(&args.data_dir)?;
    let query = args.query.join(" ");
    let hits = store.search(&query, args.limit)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for hit in &hits {
        match args.format {
            Format::Json => {
                serde_json::to_writer(
                    &mut out,
                    &HitJson {
                        id: hit.id,
                        title: hit.title.as_deref(),
                        url: &hit.origin,
                        date: hit.published.map(|d| d.to_string()),
                        snippet: &hit.snippet,
                        score: hit.score,
                    },
                )?;
                writeln!(out)?;
            }
            Format::Text => {
                let date = hit.published.map(|d| format!("{d} · ")).unwrap_or_default();
                writeln!(
                    out,
                    "{}\n  {date}{}\n  {}\n",
                    hit.title.as_deref().unwrap_or("(untitled)"),
                    hit.origin,
                    hit.snippet
                )?;
            }
        }
    }
    out.flush().context("cannot write output")?;
    // grep's convention: 1 when nothing matched.
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
