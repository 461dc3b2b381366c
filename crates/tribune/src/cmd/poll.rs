//! `tribune poll`: the scheduler, run until stopped (or for one cycle).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::sync::watch;
use tribune_ingest::fetch::Fetcher;
use tribune_ingest::pipeline::Pipeline;
use tribune_ingest::poll::{CycleReport, PollConfig, Poller, SourceOutcome};
use tribune_store::{SqliteStore, Store};

use crate::fetching::FetchArgs;
use crate::progress;

/// The options of `tribune poll`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Poll the sources that are due once, then exit (for cron).
    #[arg(long)]
    once: bool,
    /// With --once: poll every source, due or not.
    #[arg(long, requires = "once")]
    all: bool,
    /// Sources fetched at once, across hosts.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    sources_at_once: u16,
    /// The most one response may take, in seconds.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    #[command(flatten)]
    fetch: FetchArgs,
    /// Where Tribune keeps its database.
    #[arg(long, env = "TRIBUNE_DATA_DIR", default_value = "tribune-data")]
    data_dir: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let store =
        Arc::new(SqliteStore::open(&args.data_dir).with_context(|| {
            format!("cannot open the data directory {}", args.data_dir.display())
        })?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let fetcher = Fetcher::new(&args.fetch.config(Duration::from_secs(args.timeout)))?;
    let pipeline = Arc::new(Pipeline::open(store.clone())?);
    let poller = Poller::new(
        pipeline,
        fetcher,
        PollConfig {
            sources_at_once: usize::from(args.sources_at_once),
            ..PollConfig::default()
        },
    );
    runtime.block_on(async {
        let (stop_tx, stop) = watch::channel(false);
        tokio::spawn(stop_on_signal(stop_tx));
        if args.once {
            once(&poller, &*store, args.all, &stop).await
        } else {
            if store.sources()?.is_empty() {
                eprintln!(
                    "tribune: no sources yet; add some with `tribune source add URL` \
                     (polling anyway, new sources are picked up within a minute)"
                );
            }
            eprintln!("polling; press Ctrl-C to stop");
            poller
                .run(
                    stop,
                    |report| eprintln!("{}", summary(report, None)),
                    log_outcome,
                )
                .await?;
            eprintln!("stopped; everything fetched is stored");
            Ok(ExitCode::SUCCESS)
        }
    })
}

async fn once(
    poller: &Poller,
    store: &dyn Store,
    all: bool,
    stop: &watch::Receiver<bool>,
) -> Result<ExitCode> {
    let due = if all {
        store.sources()?.len()
    } else {
        store.due_sources(chrono::Utc::now(), usize::MAX)?.len()
    };
    let bar = progress::bar(due as u64);
    let start = Instant::now();
    let report = poller
        .poll_cycle(all, stop, |source, outcome| {
            if let SourceOutcome::Failed(error) = outcome {
                bar.suspend(|| eprintln!("tribune: source {}: {error}", source.id));
            }
            bar.inc(1);
        })
        .await?;
    bar.finish_and_clear();
    eprintln!("{}", summary(&report, Some(start.elapsed())));
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn log_outcome(source: &tribune_store::Source, outcome: &SourceOutcome) {
    match outcome {
        SourceOutcome::Failed(error) => tracing::warn!(source = source.id, %error, "poll failed"),
        SourceOutcome::Read { new, .. } if *new > 0 => {
            tracing::info!(source = source.id, new, "new articles")
        }
        _ => {}
    }
}

fn summary(report: &CycleReport, took: Option<Duration>) -> String {
    let mut line = report.to_string();
    if let Some(took) = took {
        line.push_str(&format!(" in {:.1} s", took.as_secs_f64()));
    }
    line
}

/// The first SIGINT or SIGTERM stops new work and lets in-flight work
/// finish; a second one quits at once.
pub(crate) async fn stop_on_signal(stop: watch::Sender<bool>) {
    let mut signals = 0;
    loop {
        wait_for_signal().await;
        signals += 1;
        if signals == 1 {
            eprintln!("stopping: finishing the sources in flight (signal again to quit now)");
            let _ = stop.send(true);
        } else {
            std::process::exit(130);
        }
    }
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
