//! Polling: each due source fetched (conditionally), its new entries taken
//! (the feed's own text when it carries the article, else the linked page),
//! extracted, stored once, and the source's next poll scheduled.
//!
//! Everything a poll learns is written to the store as it happens, so a
//! poller stopped at any point (a signal, a crash) resumes where it was: an
//! entry is marked taken only after its article is stored, and storing an
//! article twice adds nothing.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::sync::{Notify, Semaphore, watch};
use tribune_model::{Article, ContentKind, Document};
use tribune_store::{EntryOutcome, PollRecord, Put, Source, Store};

use crate::feed::{self, Entry, Feed};
use crate::fetch::{FetchError, Fetched, Fetcher, Request, Response};
use crate::pipeline::Pipeline;
use crate::schedule::{self, Asked};

/// How a poller divides its work.
#[derive(Debug, Clone)]
pub struct PollConfig {
    /// Sources fetched at once (each host still gets at most its own
    /// limit, set on the [`Fetcher`]).
    pub sources_at_once: usize,
    /// Entries of one source taken at once.
    pub entries_at_once: usize,
    /// Extractions running at once (CPU-bound).
    pub extractions_at_once: usize,
    /// An entry that failed this often is not tried again.
    pub entry_attempts: u32,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            sources_at_once: 64,
            entries_at_once: 8,
            extractions_at_once: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            entry_attempts: 3,
        }
    }
}

/// What one source's poll came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceOutcome {
    /// 304: unchanged since the last poll.
    NotModified,
    /// Read: how many entries gave new articles, repeats, and failures.
    Read {
        /// New articles stored.
        new: u64,
        /// Entries whose article was already stored.
        duplicate: u64,
        /// Entries that failed (retried on later polls).
        failed: u64,
    },
    /// The source itself failed.
    Failed(String),
}

/// Totals over one polling cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CycleReport {
    /// Sources polled.
    pub sources: u64,
    /// Of those, unchanged (304).
    pub not_modified: u64,
    /// Of those, failed.
    pub failed_sources: u64,
    /// New articles stored.
    pub new_articles: u64,
    /// Entries already stored.
    pub duplicates: u64,
    /// Entries that failed.
    pub failed_entries: u64,
}

impl std::fmt::Display for CycleReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} sources polled ({} unchanged, {} failed): {} new articles, {} duplicate, {} entries failed",
            self.sources,
            self.not_modified,
            self.failed_sources,
            self.new_articles,
            self.duplicates,
            self.failed_entries,
        )
    }
}

impl CycleReport {
    fn add(&mut self, outcome: &SourceOutcome) {
        self.sources += 1;
        match outcome {
            SourceOutcome::NotModified => self.not_modified += 1,
            SourceOutcome::Read {
                new,
                duplicate,
                failed,
            } => {
                self.new_articles += new;
                self.duplicates += duplicate;
                self.failed_entries += failed;
            }
            SourceOutcome::Failed(_) => self.failed_sources += 1,
        }
    }
}

/// Why polling as a whole failed (a single source failing is not that).
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] tribune_store::Error),
    /// A worker task died.
    #[error("a polling task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Polls sources into a store.
#[derive(Clone)]
pub struct Poller {
    store: Arc<dyn Store>,
    pipeline: Arc<Pipeline>,
    fetcher: Fetcher,
    config: PollConfig,
    cpu: Arc<Semaphore>,
    wake: Arc<Notify>,
}

impl Poller {
    /// A poller storing through `pipeline`, fetching with `fetcher`.
    pub fn new(pipeline: Arc<Pipeline>, fetcher: Fetcher, config: PollConfig) -> Self {
        let store = pipeline.store_handle();
        let cpu = Arc::new(Semaphore::new(config.extractions_at_once.max(1)));
        Poller {
            store,
            pipeline,
            fetcher,
            config,
            cpu,
            wake: Arc::new(Notify::new()),
        }
    }

    /// A handle that wakes [`Poller::run`] from its sleep between cycles,
    /// so that a source added meanwhile (due at once) is polled now rather
    /// than after the wait. A wake during a cycle starts the next one as
    /// soon as it ends.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// One cycle: polls every source due now (every source, if `all`),
    /// `sources_at_once` at a time, and makes what was stored searchable.
    /// Stops starting sources once `stop` turns true; those in flight finish.
    pub async fn poll_cycle(
        &self,
        all: bool,
        stop: &watch::Receiver<bool>,
        mut progress: impl FnMut(&Source, &SourceOutcome),
    ) -> Result<CycleReport, PollError> {
        let store = Arc::clone(&self.store);
        let sources = blocking(move || {
            if all {
                store.sources()
            } else {
                store.due_sources(Utc::now(), usize::MAX)
            }
        })
        .await??;
        let mut report = CycleReport::default();
        // Searchable within a second of arrival, however long the cycle.
        let flusher = tokio::spawn(flush_every_second(Arc::clone(&self.store)));
        let mut outcomes = futures_util::stream::iter(sources)
            .take_while(|_| std::future::ready(!*stop.borrow()))
            .map(|source| async move {
                let outcome = self
                    .poll_source_unless(&source, stopped(stop.clone()))
                    .await;
                (source, outcome)
            })
            .buffer_unordered(self.config.sources_at_once.max(1));
        while let Some((source, outcome)) = outcomes.next().await {
            // `None`: stopped while it waited for its host.
            if let Some(outcome) = outcome? {
                report.add(&outcome);
                progress(&source, &outcome);
            }
        }
        flusher.abort();
        let store = Arc::clone(&self.store);
        blocking(move || store.flush()).await??;
        Ok(report)
    }

    /// Polls until `stop` turns true: a cycle whenever a source is due,
    /// sleeping in between. In-flight work finishes before it returns.
    pub async fn run(
        &self,
        mut stop: watch::Receiver<bool>,
        mut on_cycle: impl FnMut(&CycleReport),
        mut progress: impl FnMut(&Source, &SourceOutcome),
    ) -> Result<(), PollError> {
        loop {
            if *stop.borrow() {
                return Ok(());
            }
            let report = self.poll_cycle(false, &stop, &mut progress).await?;
            if report.sources > 0 {
                on_cycle(&report);
            }
            let store = Arc::clone(&self.store);
            let next = blocking(move || store.next_due()).await??;
            // With no source yet, look again in a minute (one may be added).
            let wait = next
                .map(|at| (at - Utc::now()).to_std().unwrap_or_default())
                .unwrap_or(Duration::from_secs(60))
                .clamp(Duration::from_secs(1), Duration::from_secs(60));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
                _ = self.wake.notified() => {}
            }
        }
    }

    /// Polls one source and records what it found.
    pub async fn poll_source(&self, source: &Source) -> Result<SourceOutcome, PollError> {
        match self
            .poll_source_unless(source, std::future::pending())
            .await?
        {
            Some(outcome) => Ok(outcome),
            None => unreachable!("a pending future never completes"),
        }
    }

    /// Polls one source unless `cancelled` completes while it still waits
    /// for a slot on its host (`None`: not polled, nothing recorded).
    async fn poll_source_unless(
        &self,
        source: &Source,
        cancelled: impl std::future::Future<Output = ()>,
    ) -> Result<Option<SourceOutcome>, PollError> {
        let now = Utc::now();
        let request = Request {
            url: &source.url,
            etag: source.etag.as_deref(),
            last_modified: source.last_modified.as_deref(),
        };
        let Some(fetched) = self.fetcher.fetch_unless(request, cancelled).await else {
            return Ok(None);
        };
        let (outcome, record) = match fetched {
            Err(error) => self.failed(
                source,
                now,
                &error.to_string(),
                status_of(&error),
                error.retry_after(),
            ),
            Ok(Response::NotModified { caching, etag }) => {
                // Nothing new to measure the posting rate by: keep the
                // interval, unless it was a back-off.
                let previous = if source.error_count == 0 {
                    Duration::from_secs(source.interval_secs.max(0) as u64)
                } else {
                    schedule::MIN_INTERVAL
                };
                let interval = schedule::after_success(
                    previous,
                    Asked {
                        ttl: None,
                        max_age: caching.max_age,
                    },
                );
                let record = PollRecord {
                    polled_at: now,
                    succeeded: true,
                    status: Some(304),
                    etag,
                    next_poll_at: now + to_chrono(interval),
                    interval_secs: interval.as_secs() as i64,
                    ..PollRecord::default()
                };
                (SourceOutcome::NotModified, record)
            }
            Ok(Response::Fresh(fetched)) => {
                match feed::parse(&fetched.body, fetched.content_type.as_deref(), &fetched.url) {
                    Ok(feed) => self.read_feed(source, now, &fetched, feed).await?,
                    Err(_) if looks_like_html(&fetched) => {
                        self.read_page(source, now, fetched).await?
                    }
                    Err(error) => {
                        self.failed(source, now, &error.to_string(), Some(fetched.status), None)
                    }
                }
            }
        };
        let store = Arc::clone(&self.store);
        let id = source.id;
        blocking(move || store.record_poll(id, &record)).await??;
        if let SourceOutcome::Failed(error) = &outcome {
            let failures = source.error_count + 1;
            if schedule::is_broken(failures) {
                tracing::warn!(source = %source.url, failures, %error, "source is broken");
            } else {
                tracing::info!(source = %source.url, failures, %error, "poll failed");
            }
        }
        Ok(Some(outcome))
    }

    fn failed(
        &self,
        source: &Source,
        now: DateTime<Utc>,
        error: &str,
        status: Option<u16>,
        retry_after: Option<Duration>,
    ) -> (SourceOutcome, PollRecord) {
        let failures = source.error_count + 1;
        let interval = schedule::after_failure(failures, retry_after);
        let record = PollRecord {
            polled_at: now,
            succeeded: false,
            status,
            next_poll_at: now + to_chrono(interval),
            interval_secs: interval.as_secs() as i64,
            error_count: failures,
            error: Some(error.to_string()),
            ..PollRecord::default()
        };
        (SourceOutcome::Failed(error.to_string()), record)
    }

    async fn read_feed(
        &self,
        source: &Source,
        now: DateTime<Utc>,
        fetched: &Fetched,
        feed: Feed,
    ) -> Result<(SourceOutcome, PollRecord), PollError> {
        let published: Vec<DateTime<Utc>> =
            feed.entries.iter().filter_map(|e| e.published).collect();
        let keys: Vec<String> = feed.entries.iter().map(|e| e.key.clone()).collect();
        let store = Arc::clone(&self.store);
        let id = source.id;
        let known: HashMap<String, EntryOutcome> = blocking(move || {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            store.entry_outcomes(id, &keys)
        })
        .await??;
        let attempts = self.config.entry_attempts;
        let todo = feed
            .entries
            .into_iter()
            .filter_map(|entry| match known.get(&entry.key) {
                None => Some((entry, 0)),
                Some(EntryOutcome::Failed(n)) if *n < attempts => Some((entry, *n)),
                Some(_) => None,
            });
        let (mut new, mut duplicate, mut failed) = (0, 0, 0);
        let mut taken = futures_util::stream::iter(todo)
            .map(|(entry, tried)| self.take_entry(source, entry, tried))
            .buffer_unordered(self.config.entries_at_once.max(1));
        while let Some(result) = taken.next().await {
            match result? {
                Ok(Put::New(_)) => new += 1,
                Ok(Put::Duplicate(_)) => duplicate += 1,
                Err(()) => failed += 1,
            }
        }
        let interval = schedule::after_success(
            schedule::posting_interval(&published, now),
            Asked {
                ttl: feed.ttl,
                max_age: fetched.caching.max_age,
            },
        );
        let record = PollRecord {
            polled_at: now,
            succeeded: true,
            status: Some(fetched.status),
            etag: fetched.etag.clone(),
            last_modified: fetched.last_modified.clone(),
            title: feed.title,
            site_url: feed.site_url,
            next_poll_at: now + to_chrono(interval),
            interval_secs: interval.as_secs() as i64,
            ..PollRecord::default()
        };
        Ok((
            SourceOutcome::Read {
                new,
                duplicate,
                failed,
            },
            record,
        ))
    }

    /// A source that is a web page rather than a feed: the page is the
    /// article (stored again only when its text changes).
    async fn read_page(
        &self,
        source: &Source,
        now: DateTime<Utc>,
        fetched: Fetched,
    ) -> Result<(SourceOutcome, PollRecord), PollError> {
        let status = fetched.status;
        let (etag, last_modified, caching) = (
            fetched.etag.clone(),
            fetched.last_modified.clone(),
            fetched.caching,
        );
        let document = fetched.into_document();
        let origin = document.url.clone().unwrap_or_else(|| source.url.clone());
        let document = Taken::Page(document);
        let stored = self
            .extract_and_store(source.id, document, None, origin)
            .await?;
        let outcome = match stored {
            Ok(Put::New(_)) => SourceOutcome::Read {
                new: 1,
                duplicate: 0,
                failed: 0,
            },
            Ok(Put::Duplicate(_)) => SourceOutcome::Read {
                new: 0,
                duplicate: 1,
                failed: 0,
            },
            Err(error) => return Ok(self.failed(source, now, &error, Some(status), None)),
        };
        let interval = schedule::after_success(
            Duration::from_secs(3_600),
            Asked {
                ttl: None,
                max_age: caching.max_age,
            },
        );
        Ok((
            outcome,
            PollRecord {
                polled_at: now,
                succeeded: true,
                status: Some(status),
                etag,
                last_modified,
                next_poll_at: now + to_chrono(interval),
                interval_secs: interval.as_secs() as i64,
                ..PollRecord::default()
            },
        ))
    }

    /// Takes one entry: its article from the feed's own text or from the
    /// linked page, stored, and the entry marked.
    async fn take_entry(
        &self,
        source: &Source,
        entry: Entry,
        tried: u32,
    ) -> Result<Result<Put, ()>, PollError> {
        let result = self.entry_article(source, &entry).await?;
        let outcome = match &result {
            Ok(put) => EntryOutcome::Stored(put.id()),
            Err(error) => {
                tracing::info!(source = %source.url, entry = %entry.key, %error, "entry failed");
                EntryOutcome::Failed(tried + 1)
            }
        };
        let store = Arc::clone(&self.store);
        let id = source.id;
        let key = entry.key.clone();
        blocking(move || store.record_entry(id, &key, outcome)).await??;
        Ok(result.map_err(|_| ()))
    }

    async fn entry_article(
        &self,
        source: &Source,
        entry: &Entry,
    ) -> Result<Result<Put, String>, PollError> {
        let origin = entry
            .link
            .clone()
            .unwrap_or_else(|| format!("{}#{}", source.url, entry.key));
        let document = if let Some(html) = entry.full_text() {
            fragment(html, entry)
        } else if let Some(link) = &entry.link {
            match self.fetcher.fetch(Request::get(link)).await {
                Ok(Response::Fresh(fetched)) => Taken::Page(fetched.into_document()),
                Ok(Response::NotModified { .. }) => {
                    return Ok(Err(format!("{link}: 304 to an unconditional request")));
                }
                // The page is gone or refused: the feed's teaser is better
                // than nothing, but only once the retries are spent.
                Err(error) => match entry.any_text() {
                    Some(text)
                        if matches!(
                            error,
                            FetchError::Status {
                                status: 404 | 410,
                                ..
                            }
                        ) =>
                    {
                        fragment(text, entry)
                    }
                    _ => return Ok(Err(error.to_string())),
                },
            }
        } else if let Some(text) = entry.any_text() {
            fragment(text, entry)
        } else {
            return Ok(Err(format!(
                "entry {} has neither a link nor any text",
                entry.key
            )));
        };
        self.extract_and_store(source.id, document, Some(entry), origin)
            .await
    }

    /// Extracts on the blocking pool (at most `extractions_at_once` at a
    /// time), fills gaps from the feed entry, and stores.
    async fn extract_and_store(
        &self,
        source_id: i64,
        taken: Taken,
        entry: Option<&Entry>,
        origin: String,
    ) -> Result<Result<Put, String>, PollError> {
        let _cpu = self
            .cpu
            .acquire()
            .await
            .expect("the CPU semaphore is never closed");
        let pipeline = Arc::clone(&self.pipeline);
        let entry = entry.cloned();
        let from_fragment = matches!(taken, Taken::Fragment(_));
        let (Taken::Page(mut document) | Taken::Fragment(mut document)) = taken;
        if let Some(date) = entry.as_ref().and_then(|e| e.published) {
            document.date_hint = Some(date.date_naive());
        }
        document.fetched_at = Some(Utc::now());
        let result = blocking(move || {
            let mut article = match tribune_extract::extract(&document) {
                Ok(article) => article,
                Err(error) => return Ok(Err(format!("{origin}: {error}"))),
            };
            if let Some(entry) = &entry {
                fill_from_entry(&mut article, entry, from_fragment);
                if article.text.trim().is_empty()
                    && let Some(text) = entry.any_text()
                    && let Taken::Fragment(teaser) = fragment(text, entry)
                    && let Ok(teaser) = tribune_extract::extract(&teaser)
                {
                    article.text = teaser.text;
                    article.blocks = teaser.blocks;
                }
            }
            if article.text.trim().is_empty() {
                return Ok(Err(format!("{origin}: no article text found")));
            }
            pipeline
                .store(&article, &origin, Some(source_id))
                .map(|placed| Ok(placed.put))
        })
        .await??;
        Ok(result)
    }
}

/// Where an article's document came from.
enum Taken {
    /// A fetched page, whose own metadata wins over the entry's.
    Page(Document),
    /// The feed entry's own HTML, whose title and byline come from the
    /// entry rather than from the markup.
    Fragment(Document),
}

/// A document of the HTML an entry carries, as if it were the page.
fn fragment(html: &str, entry: &Entry) -> Taken {
    let mut bytes = b"<html><body><article>".to_vec();
    bytes.extend_from_slice(html.as_bytes());
    bytes.extend_from_slice(b"</article></body></html>");
    let mut document = Document::new(bytes).with_kind(ContentKind::Html);
    if let Some(link) = &entry.link {
        document = document.with_url(link.clone());
    }
    Taken::Fragment(document)
}

/// The entry knows what a bare fragment cannot say; a fetched page's own
/// metadata wins, the entry fills its gaps.
fn fill_from_entry(article: &mut Article, entry: &Entry, from_fragment: bool) {
    if from_fragment || article.title.is_none() {
        article.title = entry.title.clone().or(article.title.take());
    }
    if (from_fragment || article.authors.is_empty()) && !entry.authors.is_empty() {
        article.authors = entry.authors.clone();
    }
    if article.published_at.is_none() {
        article.published_at = entry.published.map(|t| t.fixed_offset());
    }
    if article.published.is_none() {
        article.published = entry.published.map(|t| t.date_naive());
    }
    if article.url.is_none() {
        article.url = entry.link.clone();
    }
    if article.canonical_url.is_none() {
        article.canonical_url = entry.link.clone();
    }
}

fn looks_like_html(fetched: &Fetched) -> bool {
    if let Some(content_type) = &fetched.content_type {
        let content_type = content_type.to_ascii_lowercase();
        return content_type.contains("html");
    }
    let head =
        String::from_utf8_lossy(&fetched.body[..fetched.body.len().min(512)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

fn status_of(error: &FetchError) -> Option<u16> {
    match error {
        FetchError::Status { status, .. } => Some(*status),
        _ => None,
    }
}

fn to_chrono(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::days(1))
}

/// Commits the search index every second (a failure is logged; the
/// cycle's final flush reports it).
async fn flush_every_second(store: Arc<dyn Store>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let store = Arc::clone(&store);
        match blocking(move || store.flush()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "cannot make new articles searchable"),
            Err(error) => tracing::warn!(%error, "index flush task failed"),
        }
    }
}

/// Completes once `stop` turns true (never, if its sender is gone).
async fn stopped(mut stop: watch::Receiver<bool>) {
    if stop.wait_for(|stopped| *stopped).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Runs blocking work (SQLite, tantivy, extraction) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PollError> {
    Ok(tokio::task::spawn_blocking(work).await?)
}
