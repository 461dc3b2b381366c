//! Log-in rate limiting, in memory: after [`MAX_FAILURES`] failed log-ins
//! within [`WINDOW`] from one client address, or for one account name,
//! further attempts are refused with 429 until the oldest failure leaves
//! the window. Counting per name stops a password being guessed from many
//! addresses; counting per address stops one client trying many names.
//!
//! The counts are lost on restart, which costs an attacker a restart of
//! the server per ten guesses: acceptable. Memory is bounded: at most
//! [`MAX_KEYS`] keys are kept, the stalest dropped first.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Failures allowed within the window.
pub const MAX_FAILURES: usize = 10;

/// The window failures are counted in.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Keys (addresses and names) kept at most.
const MAX_KEYS: usize = 100_000;

/// What failures are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    /// A name, lower-cased (names are compared without ASCII case).
    Name(String),
}

/// Failed log-ins by client address and by name.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl LoginLimiter {
    fn failures(&self) -> MutexGuard<'_, HashMap<Key, VecDeque<Instant>>> {
        // The map is never left half-changed: a panic elsewhere under the
        // lock leaves it usable.
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn keys(address: Option<IpAddr>, name: &str) -> Vec<Key> {
        let mut keys = vec![Key::Name(name.trim().to_ascii_lowercase())];
        keys.extend(address.map(Key::Address));
        keys
    }

    /// `None` if an attempt from `address` for `name` may go ahead, else
    /// how long until one may.
    pub fn check(&self, address: Option<IpAddr>, name: &str) -> Option<Duration> {
        self.check_at(address, name, Instant::now())
    }

    fn check_at(&self, address: Option<IpAddr>, name: &str, now: Instant) -> Option<Duration> {
        let mut failures = self.failures();
        Self::keys(address, name)
            .into_iter()
            .filter_map(|key| {
                let times = failures.get_mut(&key)?;
                forget_old(times, now);
                (times.len() >= MAX_FAILURES)
                    .then(|| {
                        times
                            .front()
                            .map(|first| WINDOW.saturating_sub(now - *first))
                    })
                    .flatten()
            })
            .max()
    }

    /// Counts a failed attempt.
    pub fn failed(&self, address: Option<IpAddr>, name: &str) {
        self.failed_at(address, name, Instant::now());
    }

    fn failed_at(&self, address: Option<IpAddr>, name: &str, now: Instant) {
        let mut failures = self.failures();
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                forget_old(times, now);
                !times.is_empty()
            });
            if failures.len() >= MAX_KEYS {
                // Everyone is failing at once (a flood of made-up names):
                // forgetting is better than growing without end.
                failures.clear();
            }
        }
        for key in Self::keys(address, name) {
            let times = failures.entry(key).or_default();
            forget_old(times, now);
            times.push_back(now);
            // No more than needed to refuse is ever kept per key.
            while times.len() > MAX_FAILURES {
                times.pop_front();
            }
        }
    }

    /// Forgets the failures for `name` after a successful log-in (the
    /// address's stay: one account's success says nothing of others).
    pub fn succeeded(&self, name: &str) {
        self.failures()
            .remove(&Key::Name(name.trim().to_ascii_lowercase()));
    }
}

fn forget_old(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|first| now.saturating_duration_since(*first) >= WINDOW)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_close_the_door_for_the_window() {
        let limiter = LoginLimiter::default();
        let here: Option<IpAddr> = "192.0.2.1".parse().ok();
        let there: Option<IpAddr> = "192.0.2.2".parse().ok();
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert_eq!(limiter.check_at(here, "ann", start), None);
            limiter.failed_at(here, "ann", start);
        }
        // The name is closed from anywhere, the address for any name.
        assert!(limiter.check_at(here, "ann", start).is_some());
        assert!(limiter.check_at(there, "ANN", start).is_some());
        assert!(limiter.check_at(here, "bob", start).is_some());
        assert_eq!(limiter.check_at(there, "bob", start), None);
        // A success forgets the name, not the address.
        let later = start + Duration::from_secs(1);
        limiter.succeeded("ann");
        assert_eq!(limiter.check_at(there, "ann", later), None);
        assert!(limiter.check_at(here, "carl", later).is_some());
        // The window passes.
        assert_eq!(limiter.check_at(here, "carl", start + WINDOW), None);
    }
}
