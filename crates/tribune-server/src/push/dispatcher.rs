//! The dispatcher: turns new articles into deliveries, sends the due ones
//! (at most `concurrency` at once, the fetcher's per-host limit applying
//! too), records every attempt, and retries failures with back-off until
//! a dead letter.
//!
//! Delivery is at-least-once: a delivery is leased before it is sent and
//! recorded after, so one in flight when the process dies is sent again
//! once its lease runs out. Receivers drop repeats by `X-Tribune-Delivery`.
//!
//! The loop wakes when poked (the poller pokes it after storing articles),
//! else looks for news every `scan_every`, and sleeps until the next
//! delivery is due. Stopping stops the leasing, lets the sends in flight
//! finish (up to `stop_grace`) and records them.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tribune_ingest::fetch::{FetchError, Fetcher};
use tribune_store::{Attempt, AttemptNext, Delivery, Store};

use super::events::{self, Built, EventConfig};
use super::retry::RetryPolicy;
use super::sign;

/// How the dispatcher behaves.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// Sends in flight at once, over all sinks.
    pub concurrency: usize,
    /// How long a leased delivery is kept from being leased again: longer
    /// than a send can take (the fetcher's timeout), so only a delivery
    /// whose process died is sent twice.
    pub lease: Duration,
    /// Back-off and dead letters.
    pub retry: RetryPolicy,
    /// How often to look for news when nobody pokes.
    pub scan_every: Duration,
    /// How long stopping waits for sends in flight.
    pub stop_grace: Duration,
    /// How news becomes events.
    pub events: EventConfig,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        DispatchConfig {
            concurrency: 32,
            lease: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            scan_every: Duration::from_secs(2),
            stop_grace: Duration::from_secs(15),
            events: EventConfig::default(),
        }
    }
}

/// Why the dispatcher could not do a round.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] tribune_store::Error),
    /// A worker task died.
    #[error("a push task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// What a round of sending did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    /// Attempts made.
    pub attempts: usize,
    /// Of those, taken by the receiver.
    pub delivered: usize,
    /// Of those, given up (dead letters).
    pub dead: usize,
}

/// Sends deliveries; cheap to clone.
#[derive(Clone)]
pub struct Dispatcher {
    store: Arc<dyn Store>,
    fetcher: Fetcher,
    config: Arc<DispatchConfig>,
    wake: Arc<Notify>,
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    Delivered,
    Retry,
    Dead,
}

impl Dispatcher {
    /// A dispatcher over `store`, posting with `fetcher` (whose address
    /// guard applies to every webhook URL).
    pub fn new(store: Arc<dyn Store>, fetcher: Fetcher, config: DispatchConfig) -> Dispatcher {
        Dispatcher {
            store,
            fetcher,
            config: Arc::new(config),
            wake: Arc::new(Notify::new()),
        }
    }

    /// A handle that makes [`run`](Self::run) look for news now (poke it
    /// after storing articles).
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Turns the news after the push cursor into queued deliveries.
    pub async fn build_events(&self) -> Result<Built, DispatchError> {
        let store = Arc::clone(&self.store);
        let config = self.config.events.clone();
        Ok(tokio::task::spawn_blocking(move || events::build(&*store, &config)).await??)
    }

    /// One round without the loop: builds events, then leases and sends
    /// up to `concurrency` due deliveries and records them.
    pub async fn run_once(&self) -> Result<Sent, DispatchError> {
        self.build_events().await?;
        let leased = self.lease(self.config.concurrency.max(1)).await?;
        let mut sent = Sent::default();
        let mut tasks = JoinSet::new();
        for delivery in leased {
            tasks.spawn(self.clone().attempt(delivery));
        }
        while let Some(ended) = tasks.join_next().await {
            count(&mut sent, ended?);
        }
        Ok(sent)
    }

    /// Runs until `stop` turns true, then finishes the sends in flight
    /// (for at most `stop_grace`) and returns what it sent.
    pub async fn run(&self, mut stop: watch::Receiver<bool>) -> Sent {
        // This process is the store's one sender: whatever is still leased
        // was in flight when the last one died, and goes out again now
        // rather than when its lease runs out.
        let store = Arc::clone(&self.store);
        match tokio::task::spawn_blocking(move || store.push().release_leases(Utc::now())).await {
            Ok(Ok(0)) => {}
            Ok(Ok(released)) => {
                tracing::info!(
                    released,
                    "resending deliveries left in flight by the last run"
                );
            }
            Ok(Err(error)) => tracing::warn!(%error, "cannot release the last run's leases"),
            Err(error) => tracing::warn!(%error, "cannot release the last run's leases"),
        }
        let concurrency = self.config.concurrency.max(1);
        let mut sent = Sent::default();
        let mut in_flight: JoinSet<Ended> = JoinSet::new();
        let mut look_for_news = true;
        let mut next_scan = Instant::now();
        loop {
            if *stop.borrow() {
                break;
            }
            if look_for_news || Instant::now() >= next_scan {
                look_for_news = false;
                next_scan = Instant::now() + self.config.scan_every;
                if let Err(error) = self.build_events().await {
                    tracing::warn!(%error, "cannot turn news into deliveries; trying again soon");
                }
            }
            // Lease in batches (half the slots free at least), not one
            // query per finished send.
            let free = concurrency - in_flight.len();
            if free >= concurrency.div_ceil(2) {
                match self.lease(free).await {
                    Ok(leased) => {
                        for delivery in leased {
                            in_flight.spawn(self.clone().attempt(delivery));
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "cannot lease deliveries; trying again soon");
                    }
                }
            }
            let wait = if in_flight.is_empty() {
                self.idle_wait(next_scan).await
            } else {
                next_scan.saturating_duration_since(Instant::now())
            };
            tokio::select! {
                Some(ended) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Ok(ended) = ended {
                        count(&mut sent, ended);
                    }
                }
                () = tokio::time::sleep(wait) => {}
                () = self.wake.notified() => look_for_news = true,
                _ = stop.changed() => {}
            }
        }
        let waiting = in_flight.len();
        if waiting > 0 {
            tracing::info!(waiting, "stopping push: finishing the deliveries in flight");
        }
        let finish = async {
            while let Some(ended) = in_flight.join_next().await {
                if let Ok(ended) = ended {
                    count(&mut sent, ended);
                }
            }
        };
        if tokio::time::timeout(self.config.stop_grace, finish)
            .await
            .is_err()
        {
            // Dropping the set aborts the sends; their leases run out and
            // they are sent again after the restart.
            tracing::warn!("push deliveries still in flight at the stop are sent after a restart");
        }
        sent
    }

    /// How long to sleep with nothing in flight: until the next delivery is
    /// due or the next look for news, whichever is first.
    async fn idle_wait(&self, next_scan: Instant) -> Duration {
        let until_scan = next_scan.saturating_duration_since(Instant::now());
        let store = Arc::clone(&self.store);
        let due = tokio::task::spawn_blocking(move || store.push().next_delivery_due()).await;
        match due {
            Ok(Ok(Some(at))) => (at - Utc::now())
                .to_std()
                .unwrap_or_default()
                .min(until_scan),
            Ok(Ok(None)) => until_scan,
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot read when the next delivery is due");
                until_scan
            }
            Err(error) => {
                tracing::warn!(%error, "a push task failed");
                until_scan
            }
        }
    }

    async fn lease(&self, limit: usize) -> Result<Vec<Delivery>, DispatchError> {
        let store = Arc::clone(&self.store);
        let lease = chrono::Duration::from_std(self.config.lease)
            .unwrap_or_else(|_| chrono::Duration::seconds(60));
        Ok(tokio::task::spawn_blocking(move || {
            let now = Utc::now();
            store.push().lease_deliveries(now, now + lease, limit)
        })
        .await??)
    }

    /// Sends one delivery, signed, and records the attempt.
    async fn attempt(self, delivery: Delivery) -> Ended {
        let body = delivery.payload.clone().into_bytes();
        let headers = sign::headers(
            &delivery.webhook.secret,
            Utc::now().timestamp(),
            delivery.event.as_str(),
            &delivery.event_key,
            &body,
        );
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let result = self
            .fetcher
            .post(&delivery.webhook.url, &headers, body)
            .await;
        let made = delivery.attempts.saturating_add(1);
        let (status, error, asked) = match result {
            Ok(posted) if posted.is_success() => (Some(posted.status), None, None),
            Ok(posted) => {
                let mut said = format!("the receiver answered {}", posted.status);
                if (300..400).contains(&posted.status) {
                    said.push_str(" (redirects are not followed for deliveries)");
                } else if !posted.body.is_empty() {
                    let start: String = posted.body.chars().take(200).collect();
                    said.push_str(&format!(": {start}"));
                }
                (Some(posted.status), Some(said), posted.retry_after)
            }
            Err(error) => (
                status_of(&error),
                Some(error.to_string()),
                error.retry_after(),
            ),
        };
        let (next, ended) = match &error {
            None => (AttemptNext::Delivered, Ended::Delivered),
            Some(_) => match self.config.retry.next(made, rand::random::<f64>(), asked) {
                Some(wait) => {
                    let wait = chrono::Duration::from_std(wait)
                        .unwrap_or_else(|_| chrono::Duration::hours(1));
                    (AttemptNext::RetryAt(Utc::now() + wait), Ended::Retry)
                }
                None => (AttemptNext::Dead, Ended::Dead),
            },
        };
        match (&error, ended) {
            (Some(error), Ended::Dead) => tracing::warn!(
                delivery = delivery.id, webhook = delivery.webhook.id, attempts = made, %error,
                "delivery given up (dead letter)"
            ),
            (Some(error), _) => tracing::debug!(
                delivery = delivery.id, webhook = delivery.webhook.id, attempts = made, %error,
                "delivery failed; will retry"
            ),
            (None, _) => tracing::debug!(delivery = delivery.id, "delivered"),
        }
        let attempt = Attempt {
            at: Utc::now(),
            status,
            error,
            next,
        };
        let store = Arc::clone(&self.store);
        let id = delivery.id;
        match tokio::task::spawn_blocking(move || store.push().record_attempt(id, &attempt)).await {
            Ok(Ok(())) => {}
            // Unrecorded, the delivery stays leased and is tried again
            // when the lease runs out: at-least-once still holds.
            Ok(Err(error)) => {
                tracing::warn!(delivery = id, %error, "cannot record a delivery attempt")
            }
            Err(error) => tracing::warn!(delivery = id, %error, "a push task failed"),
        }
        ended
    }
}

fn count(sent: &mut Sent, ended: Ended) {
    sent.attempts += 1;
    match ended {
        Ended::Delivered => sent.delivered += 1,
        Ended::Dead => sent.dead += 1,
        Ended::Retry => {}
    }
}

fn status_of(error: &FetchError) -> Option<u16> {
    match error {
        FetchError::Status { status, .. } => Some(*status),
        _ => None,
    }
}
