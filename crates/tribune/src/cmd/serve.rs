//! `tribune serve`: the reader in a browser, with the poller running
//! behind it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::watch;
use tribune_ingest::fetch::Fetcher;
use tribune_ingest::pipeline::Pipeline;
use tribune_ingest::poll::{PollConfig, Poller};
use tribune_server::AppState;
use tribune_store::{SqliteStore, Store};

use crate::fetching::FetchArgs;

/// The options of `tribune serve`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on.
    #[arg(long, env = "TRIBUNE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Serve only: do not poll the sources.
    #[arg(long)]
    no_poll: bool,
    #[command(flatten)]
    fetch: FetchArgs,
    /// Where Tribune keeps its database.
    #[arg(long, env = "TRIBUNE_DATA_DIR", default_value = "tribune-data")]
    data_dir: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode> {
    std::fs::create_dir_all(&args.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            args.data_dir.display()
        )
    })?;
    let store =
        Arc::new(SqliteStore::open(&args.data_dir).with_context(|| {
            format!("cannot open the data directory {}", args.data_dir.display())
        })?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let fetcher = Fetcher::new(&args.fetch.config(Duration::from_secs(20)))?;
    runtime.block_on(async {
        let (stop_tx, stop) = watch::channel(false);
        tokio::spawn(crate::cmd::poll::stop_on_signal(stop_tx));
        let poller = if args.no_poll {
            None
        } else {
            let pipeline = Arc::new(Pipeline::open(store.clone())?);
            let poller = Poller::new(pipeline, fetcher.clone(), PollConfig::default());
            let stop = stop.clone();
            Some(tokio::spawn(async move {
                let result = poller
                    .run(
                        stop,
                        |report| tracing::info!("{report}"),
                        crate::cmd::poll::log_outcome,
                    )
                    .await;
                if let Err(err) = result {
                    tracing::error!(error = %err, "the poller stopped");
                }
            }))
        };
        let state = AppState::new(store.clone() as Arc<dyn Store>, fetcher);
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}; is another server running there? pick another with --listen", args.listen))?;
        eprintln!("Tribune is serving http://{}/ (Ctrl-C to stop)", listener.local_addr()?);
        let mut shutdown = stop.clone();
        axum::serve(listener, tribune_server::router(state))
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stopped| *stopped).await;
            })
            .await
            .context("the server failed")?;
        if let Some(poller) = poller {
            let _ = poller.await;
        }
        store.flush()?;
        eprintln!("stopped; everything fetched is stored");
        Ok(ExitCode::SUCCESS)
    })
}
