//! The command-line options every fetching command shares, and a blocking
//! face on the async fetcher for the commands that read inputs on rayon's
//! threads (`extract`, `ingest`).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use tribune_ingest::fetch::{FetchConfig, Fetcher, Request, Response};
use tribune_model::Document;

/// How URLs are fetched.
#[derive(Debug, Clone, clap::Args)]
pub struct FetchArgs {
    /// Allow fetching from loopback, private and link-local addresses
    /// (refused by default, so that a feed URL cannot reach inside the
    /// network).
    #[arg(long, env = "TRIBUNE_ALLOW_PRIVATE_ADDRESSES")]
    pub allow_private_addresses: bool,
    /// Allow one HOST:PORT even when private addresses are refused (a
    /// local feed bridge); repeatable, or comma-separated in the variable.
    #[arg(
        long = "allow-host",
        value_name = "HOST:PORT",
        env = "TRIBUNE_ALLOW_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,
    /// At most this many requests at once to one host.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub per_host: u16,
}

impl FetchArgs {
    /// The fetcher configuration, with a per-response time limit.
    pub fn config(&self, timeout: Duration) -> FetchConfig {
        FetchConfig {
            timeout,
            allow_private_addresses: self.allow_private_addresses,
            allowed_hosts: self.allowed_hosts.clone(),
            per_host: usize::from(self.per_host),
            ..FetchConfig::default()
        }
    }
}

/// The fetcher for inputs named on the command line: 10 s and 10 MiB per
/// page, redirects followed, the address guard on.
pub struct BlockingFetcher {
    runtime: tokio::runtime::Runtime,
    fetcher: Fetcher,
}

impl BlockingFetcher {
    pub fn new(args: &FetchArgs) -> Result<BlockingFetcher> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .context("cannot start the HTTP runtime")?;
        let fetcher = Fetcher::new(&args.config(Duration::from_secs(10)))?;
        Ok(BlockingFetcher { runtime, fetcher })
    }

    /// Fetches a page; callable from many threads at once.
    pub fn fetch(&self, url: &str) -> Result<Document> {
        let response = self
            .runtime
            .block_on(self.fetcher.fetch(Request::get(url)))?;
        let Response::Fresh(fetched) = response else {
            bail!("{url}: the server answered 304 to an unconditional request");
        };
        Ok(fetched.into_document())
    }
}
