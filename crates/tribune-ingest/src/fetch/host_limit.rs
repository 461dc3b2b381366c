//! At most N requests in flight per host, however many tasks want one:
//! the politeness every feed reader owes a publisher's server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone)]
pub(crate) struct HostLimits {
    per_host: usize,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl HostLimits {
    pub fn new(per_host: usize) -> Self {
        HostLimits {
            per_host,
            hosts: Arc::default(),
        }
    }

    /// Waits for a slot on `host`; the slot is freed when the permit drops.
    pub async fn acquire(&self, host: &str) -> OwnedSemaphorePermit {
        let semaphore = {
            let mut hosts = self
                .hosts
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(
                hosts
                    .entry(host.to_ascii_lowercase())
                    .or_insert_with(|| Arc::new(Semaphore::new(self.per_host))),
            )
        };
        semaphore
            .acquire_owned()
            .await
            .expect("host semaphores are never closed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_host_gets_at_most_its_share() {
        let limits = HostLimits::new(2);
        let a = limits.acquire("news.example").await;
        let _b = limits.acquire("NEWS.example").await;
        let third = tokio::time::timeout(
            std::time::Duration::from_millis(50),
            limits.acquire("news.example"),
        )
        .await;
        assert!(third.is_err(), "a third request must wait");
        // Another host is not held up.
        let _other = limits.acquire("other.example").await;
        drop(a);
        let third = tokio::time::timeout(
            std::time::Duration::from_millis(50),
            limits.acquire("news.example"),
        )
        .await;
        assert!(third.is_ok());
    }
}
