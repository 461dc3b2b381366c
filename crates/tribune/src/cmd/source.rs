//! `tribune source`: the list of feeds and pages Tribune polls.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use tribune_ingest::fetch::{Fetcher, normalize_url};
use tribune_ingest::{discover, opml, schedule};
use tribune_store::{NewSource, SqliteStore, Store};

use super::DataDir;
use crate::fetching::FetchArgs;

/// The options of `tribune source`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    #[command(flatten)]
    data: DataDir,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Follow feeds (or sites: the feed a page announces is found)
    ///
    /// Each URL is fetched once to check it: a feed is added with its title;
    /// a web page that announces a feed adds that feed; a page without one
    /// is polled as a page. The same URL is never added twice.
    Add {
        /// Feed or site URLs.
        #[arg(required = true, value_name = "URL")]
        urls: Vec<String>,
        /// A name for the source (default: the feed's own title).
        #[arg(long)]
        title: Option<String>,
        /// A folder or category.
        #[arg(long)]
        category: Option<String>,
        /// Add the URL as given, without fetching it.
        #[arg(long)]
        no_discover: bool,
        #[command(flatten)]
        fetch: FetchArgs,
    },
    /// List the sources with their status, last and next poll
    List {
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Stop following sources, by id or URL (their articles stay)
    Remove {
        /// Source ids (from `tribune source list`) or URLs.
        #[arg(required = true, value_name = "ID|URL")]
        sources: Vec<String>,
    },
    /// Add every feed of an OPML file (`-` for standard input)
    Import {
        /// The OPML file, as exported by any feed reader.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Write the sources as OPML (to standard output by default)
    Export {
        /// Write to this file instead.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// Output formats of `tribune source list`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// A table.
    Text,
    /// One JSON object per source, one per line.
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let store = args.data.open()?;
    match args.action {
        Action::Add {
            urls,
            title,
            category,
            no_discover,
            fetch,
        } => add(&store, &urls, title, category, no_discover, &fetch),
        Action::List { format } => list(&store, format),
        Action::Remove { sources } => remove(&store, &sources),
        Action::Import { file } => import(&store, &file),
        Action::Export { output } => export(&store, output),
    }
}

fn add(
    store: &SqliteStore,
    urls: &[String],
    title: Option<String>,
    category: Option<String>,
    no_discover: bool,
    fetch: &FetchArgs,
) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the HTTP runtime")?;
    let fetcher = Fetcher::new(&fetch.config(Duration::from_secs(20)))?;
    let mut failed = false;
    for given in urls {
        let url = &check_url(given)?;
        let mut source = NewSource {
            url: url.clone(),
            title: title.clone(),
            site_url: None,
            category: category.clone(),
        };
        if !no_discover {
            match runtime.block_on(discover::find_feed(&fetcher, url)) {
                Ok(found) => {
                    if found.url != *url {
                        println!("{url}: the page announces the feed {}", found.url);
                    } else if !found.is_feed {
                        println!("{url}: no feed here; the page itself will be polled");
                    }
                    source.url = found.url;
                    source.title = source.title.or(found.title);
                    source.site_url = found.site_url;
                }
                Err(err) => {
                    eprintln!(
                        "tribune: {err:#}\n  (add it anyway with --no-discover, or check the URL)"
                    );
                    failed = true;
                    continue;
                }
            }
        }
        let (stored, added) = store.add_source(&source)?;
        let name = stored.title.as_deref().unwrap_or(&stored.url);
        if added {
            println!("added source {}: {name}", stored.id);
        } else {
            println!("already following it as source {}: {name}", stored.id);
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The URL in the form sources are stored in, or why it cannot be one.
fn check_url(url: &str) -> Result<String> {
    normalize_url(url).with_context(|| {
        format!(
            "`{url}` cannot be a source; give the feed's full address, e.g. https://example.com/rss"
        )
    })
}

/// One line of `tribune source list --format json`.
#[derive(Serialize)]
struct SourceLine<'a> {
    id: i64,
    url: &'a str,
    title: Option<&'a str>,
    site_url: Option<&'a str>,
    category: Option<&'a str>,
    status: &'static str,
    articles: i64,
    error_count: i64,
    last_error: Option<&'a str>,
    last_status: Option<u16>,
    polled_at: Option<DateTime<Utc>>,
    succeeded_at: Option<DateTime<Utc>>,
    next_poll_at: DateTime<Utc>,
    interval_secs: i64,
}

fn list(store: &SqliteStore, format: Format) -> Result<ExitCode> {
    let sources = store.sources()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            for s in &sources {
                let line = SourceLine {
                    id: s.id,
                    url: &s.url,
                    title: s.title.as_deref(),
                    site_url: s.site_url.as_deref(),
                    category: s.category.as_deref(),
                    status: schedule::status(s),
                    articles: s.article_count,
                    error_count: s.error_count,
                    last_error: s.last_error.as_deref(),
                    last_status: s.last_status,
                    polled_at: s.polled_at,
                    succeeded_at: s.succeeded_at,
                    next_poll_at: s.next_poll_at,
                    interval_secs: s.interval_secs,
                };
                serde_json::to_writer(&mut out, &line)?;
                writeln!(out)?;
            }
        }
        Format::Text => {
            if sources.is_empty() {
                eprintln!(
                    "no sources yet; add one with `tribune source add URL` or import an OPML file"
                );
            } else {
                writeln!(
                    out,
                    "{:>4}  {:<7}  {:>8}  {:<16}  {:<16}  SOURCE",
                    "ID", "STATUS", "ARTICLES", "LAST POLL", "NEXT POLL"
                )?;
            }
            let now = Utc::now();
            for s in &sources {
                let name = match &s.title {
                    Some(title) => format!("{title} <{}>", s.url),
                    None => s.url.clone(),
                };
                writeln!(
                    out,
                    "{:>4}  {:<7}  {:>8}  {:<16}  {:<16}  {name}",
                    s.id,
                    schedule::status(s),
                    s.article_count,
                    s.polled_at
                        .map(|t| ago(now, t))
                        .unwrap_or_else(|| "never".into()),
                    if s.next_poll_at <= now {
                        "due".to_string()
                    } else {
                        s.next_poll_at.format("%Y-%m-%d %H:%M").to_string()
                    },
                )?;
                if let Some(error) = &s.last_error {
                    writeln!(
                        out,
                        "{:>6}last error ({} in a row): {error}",
                        "", s.error_count
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn ago(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let minutes = (now - then).num_minutes().max(0);
    match minutes {
        0 => "just now".into(),
        m if m < 120 => format!("{m} min ago"),
        m if m < 48 * 60 => format!("{} h ago", m / 60),
        m => format!("{} days ago", m / (24 * 60)),
    }
}

fn remove(store: &SqliteStore, given: &[String]) -> Result<ExitCode> {
    let mut missing = false;
    for which in given {
        let source = match which.parse::<i64>() {
            Ok(id) => store.source(id)?,
            Err(_) => store.source_by_url(which)?,
        };
        match source {
            Some(source) => {
                store.remove_source(source.id)?;
                println!(
                    "removed source {}: {} ({} articles kept)",
                    source.id,
                    source.title.as_deref().unwrap_or(&source.url),
                    source.article_count
                );
            }
            None => {
                eprintln!("tribune: no source {which}; see `tribune source list`");
                missing = true;
            }
        }
    }
    Ok(if missing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn import(store: &SqliteStore, file: &PathBuf) -> Result<ExitCode> {
    let label = file.display().to_string();
    let mut bytes = Vec::new();
    if label == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(file).with_context(|| format!("cannot read {label}"))?;
    }
    let feeds = opml::parse(&bytes).with_context(|| format!("cannot import {label}"))?;
    let (mut added, mut present, mut skipped) = (0, 0, 0);
    for feed in feeds {
        let url = match check_url(&feed.url) {
            Ok(url) => url,
            Err(err) => {
                eprintln!("tribune: {label}: skipped: {err:#}");
                skipped += 1;
                continue;
            }
        };
        let (_, new) = store.add_source(&NewSource {
            url,
            title: feed.title,
            site_url: feed.site_url,
            category: feed.category,
        })?;
        if new {
            added += 1;
        } else {
            present += 1;
        }
    }
    println!("{added} sources added, {present} already followed, {skipped} skipped");
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn export(store: &SqliteStore, output: Option<PathBuf>) -> Result<ExitCode> {
    let feeds: Vec<opml::OpmlFeed> = store
        .sources()?
        .into_iter()
        .map(|s| opml::OpmlFeed {
            url: s.url,
            title: s.title,
            site_url: s.site_url,
            category: s.category,
        })
        .collect();
    let document = opml::write("Tribune sources", &feeds);
    match output {
        Some(path) => std::fs::write(&path, document)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().write_all(document.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
