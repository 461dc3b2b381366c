//! When to try a failed delivery again, and when to give up.

use std::time::Duration;

/// Exponential back-off with jitter, capped, and a dead letter after a
/// number of attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; each further failure doubles it.
    pub first: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Attempts in all before a delivery is dead.
    pub attempts: u32,
}

impl Default for RetryPolicy {
    /// 10 s, 20 s, 40 s … capped at an hour; dead after 10 attempts
    /// (about 2.5 hours after the first).
    fn default() -> Self {
        RetryPolicy {
            first: Duration::from_secs(10),
            max: Duration::from_secs(3600),
            attempts: 10,
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `made` failed attempts, or
    /// `None` when the delivery is to be given up. `jitter` (0 to 1, drawn
    /// by the caller) spreads the wait over ±20 % so that deliveries that
    /// failed together (a receiver's outage) do not all come back at the
    /// same instant; `asked` is the receiver's `Retry-After`, honoured up
    /// to the cap.
    pub fn next(&self, made: u32, jitter: f64, asked: Option<Duration>) -> Option<Duration> {
        if made >= self.attempts.max(1) {
            return None;
        }
        let doublings = made.saturating_sub(1).min(30);
        let base = self
            .first
            .checked_mul(1 << doublings)
            .unwrap_or(self.max)
            .min(self.max);
        let spread = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
        let wait = base.mul_f64(spread).min(self.max);
        Some(asked.map_or(wait, |asked| wait.max(asked.min(self.max))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_then_gives_up() {
        let policy = RetryPolicy::default();
        let secs = |made| policy.next(made, 0.5, None).map(|d| d.as_secs());
        assert_eq!(secs(1), Some(10));
        assert_eq!(secs(2), Some(20));
        assert_eq!(secs(3), Some(40));
        assert_eq!(secs(9), Some(2560));
        assert_eq!(secs(10), None, "dead after the tenth");
        let capped = RetryPolicy {
            attempts: 100,
            ..policy
        };
        assert_eq!(capped.next(60, 1.0, None), Some(Duration::from_secs(3600)));
    }

    #[test]
    fn jitter_spreads_and_retry_after_is_honoured() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.next(1, 0.0, None), Some(Duration::from_secs(8)));
        assert_eq!(policy.next(1, 1.0, None), Some(Duration::from_secs(12)));
        assert_eq!(
            policy.next(1, 0.5, Some(Duration::from_secs(120))),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            policy.next(1, 0.5, Some(Duration::from_secs(86_400))),
            Some(Duration::from_secs(3600)),
            "capped"
        );
    }
}
