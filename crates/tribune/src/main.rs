//! The `tribune` binary: command-line parsing and wiring. The work itself
//! lives in the library crates; each subcommand is a module of `cmd`.

mod cmd;
mod fetching;
mod input;
mod progress;
mod render;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Tribune: a self-hosted news desk in one binary.
///
/// Turns raw news (web pages, feeds, archives, pasted text) into clean,
/// attributed articles.
#[derive(Debug, Parser)]
#[command(name = "tribune", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log verbosity: error, warn, info, debug, trace (or RUST_LOG syntax).
    #[arg(long, global = true, env = "TRIBUNE_LOG", default_value = "warn")]
    log: String,
}

// The doc comments below are `--help` text, where URLs are plain text.
#[allow(rustdoc::bare_urls)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Extract the article from pages, text files or URLs (JSON lines by default)
    ///
    /// INPUT is an HTML or text file (`.gz` accepted), a directory (every file
    /// in it, recursively, in sorted order), `-` for standard input, or an
    /// http(s) URL (10 s timeout, 10 MiB cap, redirects followed). Each input
    /// gives one article: the headline, byline, dates, language and body
    /// without the site's chrome, and where the story first appeared.
    /// Inputs that fail are reported (in JSON, with an `error` field) and the
    /// rest still run; the exit code is then 1.
    ///
    /// Examples:
    ///   tribune extract page.html
    ///   tribune extract ./saved-pages/ --format markdown
    ///   curl -s https://example.com/a | tribune extract - --url https://example.com/a
    #[command(verbatim_doc_comment)]
    Extract(cmd::extract::Args),
    /// Extract and store articles: each article is kept once, however often
    /// it is ingested
    ///
    /// INPUT is a file, a directory (read recursively), `-` or an http(s) URL.
    /// Articles are keyed by canonical URL and by content, so re-running an
    /// ingest, or running it again after a crash, adds nothing twice. Prints
    /// how many inputs were new, duplicate and failed; the exit code is 1 if
    /// any failed.
    ///
    /// Examples:
    ///   tribune ingest ./saved-pages/
    ///   tribune ingest --data-dir /srv/tribune page.html story.txt
    #[command(verbatim_doc_comment)]
    Ingest(cmd::ingest::Args),
    /// Search the stored articles, best and most recent first
    ///
    /// All words must match; "quotes" match a phrase; fields narrow it:
    /// title:, source: (URL or file path), author:, and date ranges such as
    /// published:[2025-03-01T00:00:00Z TO *]. The exit code is 1 when
    /// nothing matched.
    ///
    /// Examples:
    ///   tribune search ceasefire talks
    ///   tribune search '"special envoy" author:hjelmgaard' --format json
    #[command(verbatim_doc_comment)]
    Search(cmd::search::Args),
    /// List the stories: each event with its articles and outlets, newest first
    ///
    /// Articles about one event form a story, found as they arrive; copies
    /// of one text (wire stories republished under other titles) form a copy
    /// group inside it, with its original.
    ///
    /// Examples:
    ///   tribune stories
    ///   tribune stories --since 24h --format json
    #[command(verbatim_doc_comment)]
    Stories(cmd::stories::ListArgs),
    /// Show one story with its copy groups, or its timeline of events
    ///
    /// Examples:
    ///   tribune story 12
    ///   tribune story 12 --format json
    ///   tribune story 12 --timeline        (events in date order, with their quotes)
    #[command(verbatim_doc_comment)]
    Story(cmd::stories::ShowArgs),
    /// Run the reader: web pages, a JSON API and feeds, with the poller behind it
    ///
    /// Open the address it prints in a browser, add sources (or import an
    /// OPML file), and stories appear as they are polled.
    ///
    /// Examples:
    ///   tribune serve
    ///   tribune serve --listen 0.0.0.0:8080 --data-dir /var/lib/tribune
    #[command(verbatim_doc_comment)]
    Serve(cmd::serve::Args),
    /// Read quotes, entities, times and events of stored articles that lack them
    ///
    /// `ingest` and `poll` read them as they store each article; this is for
    /// archives loaded with `ingest --no-enrich` and databases made before.
    /// Safe to interrupt and run again.
    ///
    /// Examples:
    ///   tribune enrich
    ///   tribune enrich --all               (again for every article)
    #[command(verbatim_doc_comment)]
    Enrich(cmd::enrich::Args),
    /// Manage the feeds and pages to poll: add, list, remove, import, export
    ///
    /// Examples:
    ///   tribune source add https://feeds.bbci.co.uk/news/world/rss.xml
    ///   tribune source add https://www.theguardian.com/world   (finds the feed)
    ///   tribune source import subscriptions.opml
    ///   tribune source list
    ///   tribune source export > tribune.opml
    #[command(verbatim_doc_comment)]
    Source(cmd::source::Args),
    /// Poll the sources and store new articles, until stopped
    ///
    /// Each source is polled as often as it posts (every 5 minutes to every
    /// 24 hours), with conditional requests (ETag, Last-Modified), honouring
    /// Cache-Control, RSS ttl and Retry-After, backing off when it fails, and
    /// at most --per-host requests at once to one host. Entries that carry
    /// only a teaser have their page fetched and extracted. Ctrl-C (or
    /// SIGTERM) stops it after the sources in flight; nothing stored is lost.
    /// A source failing 5 polls in a row shows as broken in `source list`.
    ///
    /// Loopback, private and link-local addresses are refused unless
    /// --allow-private-addresses or --allow-host HOST:PORT says otherwise.
    ///
    /// Examples:
    ///   tribune poll
    ///   tribune poll --once            (one pass over the due sources, for cron)
    ///   tribune poll --allow-host localhost:3000
    #[command(verbatim_doc_comment)]
    Poll(cmd::poll::Args),
    /// Manage accounts: add one (password on standard input), list them
    ///
    /// For setting up a server without a browser; accounts can also be made
    /// on its sign-up page (the first one is the administrator).
    ///
    /// Examples:
    ///   echo 'a long passphrase' | tribune user add ann --admin
    ///   tribune user list
    #[command(verbatim_doc_comment)]
    User(cmd::user::Args),
    /// Measure a pipeline stage on labelled data, beside a reference tool.
    Bench(cmd::bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(log_directives(&cli.log))
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(log_directives("warn"))),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Command::Extract(args) => cmd::extract::run(args),
        Command::Ingest(args) => cmd::ingest::run(args),
        Command::Search(args) => cmd::search::run(args),
        Command::Source(args) => cmd::source::run(args),
        Command::Stories(args) => cmd::stories::list(args),
        Command::Story(args) => cmd::stories::show(args),
        Command::Enrich(args) => cmd::enrich::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Poll(args) => cmd::poll::run(args),
        Command::User(args) => cmd::user::run(args),
        Command::Bench(args) => cmd::bench::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("tribune: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A bare level (`--log warn`) applies to Tribune's own crates; the parser
/// libraries stay at `error`, or html5ever alone writes a warning line per
/// misplaced table child ("foster parenting not implemented"), thousands on
/// some pages. Anything else is taken as `RUST_LOG` syntax, as given.
fn log_directives(log: &str) -> String {
    let level = log.trim();
    if level.eq_ignore_ascii_case("off") {
        "off".to_string()
    } else if ["error", "warn", "info", "debug", "trace"]
        .iter()
        .any(|known| level.eq_ignore_ascii_case(known))
    {
        format!(
            "error,tribune={level},tribune_extract={level},tribune_model={level},\
             tribune_ingest={level},tribune_store={level}"
        )
    } else {
        log.to_string()
    }
}

/// A closed pipe (`tribune extract ... | head`) is not a failure. The write
/// may have failed inside serde_json, which wraps the I/O error in its own.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|json| json.io_error_kind() == Some(BrokenPipe))
    })
}
