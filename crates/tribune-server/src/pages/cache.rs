//! Rendered pages kept for a moment: the front page and story pages are
//! read far more often than the news changes, and each costs many store
//! reads and a render. A page is kept for [`TTL`] (one second) after it was
//! made, whatever happens to the store meanwhile: a reader may see a page
//! up to a second old, and nothing has to tell the cache about writes,
//! which come from the poller, from the pages themselves and from other
//! processes (`tribune ingest`, `tribune enrich`) alike.
//!
//! When a page is missing or too old, one request makes it and the others
//! asking for the same page wait for that one, so a busy page is made once
//! per second however many ask at that moment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;

use super::{PageError, PageResult, with_headers};

/// How long a made page is served as it is.
pub(crate) const TTL: Duration = Duration::from_secs(1);

/// Pages kept at most, in bytes of HTML: a crawler walking every story
/// must not make the cache grow with the archive.
const BUDGET: usize = 64 << 20;

/// Page locks kept before idle ones are dropped.
const MAKING_AT_MOST: usize = 1024;

/// Which page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PageKey {
    /// `/`.
    Front,
    /// `/stories/{id}`.
    Story(i64),
}

/// What making a page gave.
pub(crate) enum Made {
    /// An answer to keep: a 200 page's HTML.
    Keep(String),
    /// An answer to send this once (an empty desk, a page that failed to
    /// render): cheap or exceptional, and not to be repeated to others.
    Once(Response),
}

struct Kept {
    made: Instant,
    html: Bytes,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<PageKey, Kept>,
    /// The HTML bytes in `pages`.
    bytes: usize,
    /// One lock per page being made, so that only one request makes it.
    making: HashMap<PageKey, Arc<tokio::sync::Mutex<()>>>,
}

/// The rendered pages, shared by every handler through the state.
#[derive(Default)]
pub(crate) struct PageCache {
    inner: Mutex<Inner>,
}

impl PageCache {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        // Nothing is left half-done under this lock: a panic elsewhere
        // leaves the maps consistent.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn fresh(&self, key: PageKey) -> Option<Bytes> {
        self.inner()
            .pages
            .get(&key)
            .filter(|kept| kept.made.elapsed() < TTL)
            .map(|kept| kept.html.clone())
    }

    /// The page `key`, kept if fresh, else made by `make` (by this request
    /// or by another asking at the same time).
    pub(crate) async fn page<F, Fut>(&self, key: PageKey, make: F) -> PageResult
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Made, PageError>>,
    {
        if let Some(html) = self.fresh(key) {
            return Ok(with_headers(StatusCode::OK, html));
        }
        let lock = {
            let mut inner = self.inner();
            // Locks nobody holds or waits for are dropped (the count
            // includes the map's own reference), so that requests for
            // pages that do not exist leave nothing behind.
            if inner.making.len() > MAKING_AT_MOST {
                inner.making.retain(|_, lock| Arc::strong_count(lock) > 1);
            }
            Arc::clone(inner.making.entry(key).or_default())
        };
        let _making = lock.lock().await;
        // Whoever held the lock before may have just made it.
        if let Some(html) = self.fresh(key) {
            return Ok(with_headers(StatusCode::OK, html));
        }
        let html = match make().await? {
            Made::Keep(html) => Bytes::from(html),
            Made::Once(response) => return Ok(response),
        };
        self.keep(key, html.clone());
        Ok(with_headers(StatusCode::OK, html))
    }

    fn keep(&self, key: PageKey, html: Bytes) {
        let mut inner = self.inner();
        let inner = &mut *inner;
        let size = html.len();
        if let Some(old) = inner.pages.insert(
            key,
            Kept {
                made: Instant::now(),
                html,
            },
        ) {
            inner.bytes -= old.html.len();
        }
        inner.bytes += size;
        if inner.bytes > BUDGET {
            // Stale pages first; if fresh ones alone are over budget (many
            // different pages in one second), all but this one.
            inner
                .pages
                .retain(|k, kept| *k == key || kept.made.elapsed() < TTL);
            if inner.pages.values().map(|k| k.html.len()).sum::<usize>() > BUDGET {
                inner.pages.retain(|k, _| *k == key);
            }
            inner.bytes = inner.pages.values().map(|k| k.html.len()).sum();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(result: PageResult) -> String {
        let response = result.unwrap_or_else(|_| panic!("an error page"));
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        String::from_utf8(bytes.to_vec()).expect("text")
    }

    #[tokio::test]
    async fn a_page_is_made_once_per_ttl_and_others_are_kept_apart() {
        let cache = PageCache::default();
        let made = std::sync::atomic::AtomicUsize::new(0);
        let make = |text: &'static str| {
            made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move { Ok(Made::Keep(text.to_string())) }
        };
        assert_eq!(
            body(cache.page(PageKey::Front, || make("one")).await).await,
            "one"
        );
        assert_eq!(
            body(cache.page(PageKey::Front, || make("two")).await).await,
            "one"
        );
        assert_eq!(
            body(cache.page(PageKey::Story(1), || make("story")).await).await,
            "story"
        );
        assert_eq!(made.load(std::sync::atomic::Ordering::SeqCst), 2);
        // Once-only answers are never kept.
        let once = || async { Ok(Made::Once(with_headers(StatusCode::OK, "empty"))) };
        assert_eq!(
            body(cache.page(PageKey::Story(2), once).await).await,
            "empty"
        );
        assert_eq!(
            body(cache.page(PageKey::Story(2), || make("full")).await).await,
            "full"
        );
        tokio::time::sleep(TTL + Duration::from_millis(50)).await;
        assert_eq!(
            body(cache.page(PageKey::Front, || make("three")).await).await,
            "three"
        );
    }
}
