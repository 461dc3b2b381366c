//! Tribune's reader over the store: server-rendered pages for people
//! ([`pages`]), a JSON API for programs ([`api`]), outgoing RSS, Atom and
//! JSON feeds ([`feeds`]), and the endpoints operators watch ([`ops`]).
//!
//! Handlers are thin: they parse the request, ask the [`Store`] through
//! [`AppState`], and render. The store is synchronous (SQLite), so every
//! store call runs on the blocking pool ([`AppState::blocking`]).
#![deny(missing_docs)]

pub mod accounts;
pub mod api;
pub mod body;
pub mod config;
mod error;
pub mod feeds;
pub mod greader;
pub mod ops;
pub mod pages;
pub mod push;
pub mod secrets;

use std::sync::Arc;

use axum::Router;
use tribune_ingest::fetch::Fetcher;
use tribune_store::Store;

pub use error::Error;

/// What every handler can reach: the store, and the guarded fetcher for
/// sources users add.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    fetcher: Fetcher,
    poll_waker: Option<Arc<tokio::sync::Notify>>,
    pages: Arc<pages::cache::PageCache>,
    login_limiter: Arc<accounts::LoginLimiter>,
}

impl AppState {
    /// State over `store`, fetching user-given URLs with `fetcher` (whose
    /// address policy is the fetch guard).
    pub fn new(store: Arc<dyn Store>, fetcher: Fetcher) -> AppState {
        AppState {
            store,
            fetcher,
            poll_waker: None,
            pages: Arc::default(),
            login_limiter: Arc::default(),
        }
    }

    /// The same state, waking the poller through `waker` when a source is
    /// added (see [`tribune_ingest::poll::Poller::waker`]), so new sources
    /// are read at once rather than at the poller's next cycle.
    pub fn with_poll_waker(mut self, waker: Arc<tokio::sync::Notify>) -> AppState {
        self.poll_waker = Some(waker);
        self
    }

    /// Asks the poller, if one runs, to look for due sources now.
    pub fn poll_soon(&self) {
        if let Some(waker) = &self.poll_waker {
            waker.notify_one();
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The rendered pages kept for a moment.
    pub(crate) fn page_cache(&self) -> &pages::cache::PageCache {
        &self.pages
    }

    /// The failed log-ins counted for rate limiting.
    pub(crate) fn login_limiter(&self) -> &accounts::LoginLimiter {
        &self.login_limiter
    }

    /// The guarded fetcher.
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// Runs `work` with the store on the blocking pool: SQLite calls block.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, Error> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || work(&*store))
            .await
            .map_err(|err| Error::Internal(format!("a store task failed: {err}")))?
    }
}

/// The largest request body any form or API call takes (OPML imports
/// excepted, see [`pages`]): nothing a person types is bigger, and a
/// bigger body is refused with 413 before it is read.
pub const BODY_LIMIT: usize = 1 << 20;

/// Every route of the reader.
pub fn router(state: AppState) -> Router {
    // Request metrics wrap the finished router, so every route is counted.
    ops::track(
        Router::new()
            .merge(pages::routes())
            .nest("/api/v1", api::routes())
            .merge(feeds::routes())
            .merge(ops::routes())
            .merge(accounts::routes())
            .merge(greader::routes())
            .merge(push::routes())
            .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(state),
    )
}
