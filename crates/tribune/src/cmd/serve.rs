//! `tribune serve`: the reader in a browser, with the poller and the push
//! dispatcher (webhooks and channels) running behind it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::watch;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_ingest::pipeline::Pipeline;
use tribune_ingest::poll::{PollConfig, Poller};
use tribune_server::AppState;
use tribune_server::config::{self, FetchLayer, PushLayer, PushSettings, Settings};
use tribune_server::push::{DispatchConfig, Dispatcher, EventConfig, RetryPolicy};
use tribune_store::{SqliteStore, Store};

/// The options of `tribune serve`; its help text is on the subcommand.
/// Each option can also be set in `tribune.toml` or a `TRIBUNE_*`
/// variable (see `tribune_server::config`); flags win over both.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read settings from this TOML file [default: tribune.toml in the
    /// data directory, if there] [env: TRIBUNE_CONFIG]
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// The address to listen on [default: 127.0.0.1:8080] [env: TRIBUNE_LISTEN]
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// The reader's public URL, for the absolute links of feeds (e.g.
    /// `https://news.example.org`); without it, each request's Host header
    /// is used [env: TRIBUNE_BASE_URL]
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Serve only: do not poll the sources [env: TRIBUNE_POLL=false]
    #[arg(long)]
    no_poll: bool,
    /// Allow fetching from loopback, private and link-local addresses
    /// (refused by default, so that a feed URL cannot reach inside the
    /// network) [env: TRIBUNE_ALLOW_PRIVATE_ADDRESSES]
    #[arg(long)]
    allow_private_addresses: bool,
    /// Allow one HOST:PORT even when private addresses are refused (a
    /// local feed bridge); repeatable [env: TRIBUNE_ALLOW_HOSTS,
    /// comma-separated]
    #[arg(long = "allow-host", value_name = "HOST:PORT")]
    allowed_hosts: Vec<String>,
    /// At most this many requests at once to one host [default: 4]
    /// [env: TRIBUNE_PER_HOST]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    per_host: Option<u16>,
    /// Where Tribune keeps its database [default: tribune-data]
    /// [env: TRIBUNE_DATA_DIR]
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Do not send webhook and channel deliveries (they stay queued)
    /// [env: TRIBUNE_PUSH=false]
    #[arg(long)]
    no_push: bool,
    #[command(flatten)]
    push: PushTuning,
}

/// Push timings, for tests and benchmarks that cannot wait minutes for a
/// retry; hidden from the help.
#[derive(Debug, clap::Args)]
struct PushTuning {
    /// The wait after a delivery's first failure, doubling after each
    /// further one [default: 10 s]
    #[arg(long, hide = true, value_name = "MS")]
    push_retry_ms: Option<u64>,
    /// The longest wait between attempts [default: 1 h]
    #[arg(long, hide = true, value_name = "MS")]
    push_retry_max_ms: Option<u64>,
    /// Attempts before a delivery is given up [default: 10]
    #[arg(long, hide = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    push_max_attempts: Option<u32>,
    /// How long a delivery being sent is kept from other senders; one in
    /// flight when the process dies is sent again after it [default: 60 s]
    #[arg(long, hide = true, value_name = "MS")]
    push_lease_ms: Option<u64>,
}

impl PushTuning {
    /// The dispatcher's settings: these flags (in milliseconds, for tests
    /// and benchmarks) over the configuration's `[push]` table over the
    /// dispatcher's defaults.
    fn config(&self, base_url: Option<String>, settings: &PushSettings) -> DispatchConfig {
        let defaults = RetryPolicy::default();
        let ms = Duration::from_millis;
        let mut config = DispatchConfig {
            retry: RetryPolicy {
                first: self
                    .push_retry_ms
                    .map(ms)
                    .or(settings.first_retry)
                    .unwrap_or(defaults.first),
                max: self
                    .push_retry_max_ms
                    .map(ms)
                    .or(settings.max_retry)
                    .unwrap_or(defaults.max),
                attempts: self
                    .push_max_attempts
                    .or(settings.max_attempts)
                    .unwrap_or(defaults.attempts),
            },
            events: EventConfig {
                base_url,
                ..EventConfig::default()
            },
            ..DispatchConfig::default()
        };
        if let Some(lease) = self.push_lease_ms.map(ms).or(settings.lease) {
            config.lease = lease;
        }
        config
    }
}

impl Args {
    /// What the flags set; an absent flag leaves the file's or the
    /// environment's value.
    fn settings(&self) -> Settings {
        Settings {
            listen: self.listen,
            data_dir: self.data_dir.clone(),
            base_url: self.base_url.clone(),
            poll: self.no_poll.then_some(false),
            fetch: FetchLayer {
                allow_private_addresses: self.allow_private_addresses.then_some(true),
                allowed_hosts: (!self.allowed_hosts.is_empty()).then(|| self.allowed_hosts.clone()),
                per_host: self.per_host,
            },
            push: PushLayer {
                enabled: self.no_push.then_some(false),
                ..PushLayer::default()
            },
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    // Only Tribune's variables, and only those that are text: the others
    // are no concern of the configuration.
    let env: HashMap<String, String> = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
        .filter(|(name, _)| name.starts_with("TRIBUNE_"))
        .collect();
    let config = config::load(args.settings(), args.config.as_deref(), &env, |path| {
        std::fs::read_to_string(path)
    })?;
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            config.data_dir.display()
        )
    })?;
    let store = Arc::new(SqliteStore::open(&config.data_dir).with_context(|| {
        format!(
            "cannot open the data directory {}",
            config.data_dir.display()
        )
    })?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let fetcher = Fetcher::new(&FetchConfig {
        timeout: Duration::from_secs(20),
        allow_private_addresses: config.fetch.allow_private_addresses,
        allowed_hosts: config.fetch.allowed_hosts.clone(),
        per_host: usize::from(config.fetch.per_host),
        ..FetchConfig::default()
    })?;
    let push_config = args.push.config(
        config
            .base_url
            .as_ref()
            .map(|base| base.as_str().to_string()),
        &config.push,
    );
    // Deliveries get a fetcher of their own: the same guard, but a send
    // must end well inside its lease, or it would be sent twice.
    let push_fetcher = Fetcher::new(&FetchConfig {
        timeout: Duration::from_secs(10).min(push_config.lease / 2),
        connect_timeout: Duration::from_secs(5).min(push_config.lease / 4),
        allow_private_addresses: config.fetch.allow_private_addresses,
        allowed_hosts: config.fetch.allowed_hosts.clone(),
        per_host: usize::from(config.fetch.per_host),
        ..FetchConfig::default()
    })?;
    runtime.block_on(async {
        let (stop_tx, stop) = watch::channel(false);
        tokio::spawn(crate::cmd::poll::stop_on_signal(stop_tx));
        let mut state = AppState::new(store.clone() as Arc<dyn Store>, fetcher.clone());
        let (push_waker, push) = if !config.push.enabled {
            (None, None)
        } else {
            let dispatcher = Dispatcher::new(
                store.clone() as Arc<dyn Store>,
                push_fetcher,
                push_config,
            );
            let waker = dispatcher.waker();
            let stop = stop.clone();
            let task = tokio::spawn(async move {
                let sent = dispatcher.run(stop).await;
                tracing::info!(
                    attempts = sent.attempts,
                    delivered = sent.delivered,
                    dead = sent.dead,
                    "push stopped"
                );
            });
            (Some(waker), Some(task))
        };
        let poller = if !config.poll {
            None
        } else {
            let pipeline = Arc::new(Pipeline::open(store.clone())?);
            let poller = Poller::new(pipeline, fetcher.clone(), PollConfig::default());
            state = state.with_poll_waker(poller.waker());
            let stop = stop.clone();
            Some(tokio::spawn(async move {
                let result = poller
                    .run(
                        stop,
                        |report| {
                            tracing::info!("{report}");
                            // New articles may be news someone asked to
                            // be told of: push looks now, not at its scan.
                            if report.new_articles > 0
                                && let Some(waker) = &push_waker
                            {
                                waker.notify_one();
                            }
                        },
                        crate::cmd::poll::log_outcome,
                    )
                    .await;
                if let Err(err) = result {
                    tracing::error!(error = %err, "the poller stopped");
                }
            }))
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}; is another server running there? pick another with --listen", config.listen))?;
        eprintln!("Tribune is serving http://{}/ (Ctrl-C to stop)", listener.local_addr()?);
        let mut shutdown = stop.clone();
        let mut app = tribune_server::router(state);
        if let Some(base) = config.base_url.clone() {
            app = app.layer(axum::Extension(base));
        }
        // The peer's address reaches handlers (log-in rate limits per
        // client address).
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stopped| *stopped).await;
            })
            .await
            .context("the server failed")?;
        if let Some(poller) = poller {
            let _ = poller.await;
        }
        if let Some(push) = push {
            // Finishes the deliveries in flight (a bounded wait).
            let _ = push.await;
        }
        store.flush()?;
        eprintln!("stopped; everything fetched is stored");
        Ok(ExitCode::SUCCESS)
    })
}
