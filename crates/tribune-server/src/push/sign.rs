//! Signing deliveries, so a receiver can tell a delivery came from this
//! Tribune and was not replayed long after.
//!
//! Every delivery (webhook or channel) is POSTed with these headers:
//!
//! - `X-Tribune-Timestamp`: when it was sent, in Unix seconds;
//! - `X-Tribune-Signature`: `sha256=` and the lower-case hex HMAC-SHA256,
//!   keyed with the webhook's secret, of the timestamp, a dot, and the raw
//!   body (`"{timestamp}.{body}"`);
//! - `X-Tribune-Event`: the event's kind (`story.article`,
//!   `saved_search.story`, `entity.quote`);
//! - `X-Tribune-Delivery`: the event key, the same on every attempt: a
//!   receiver drops a key it has seen (delivery is at-least-once, so a
//!   retry after a lost answer repeats it).
//!
//! The timestamp is signed with the body, so an old delivery cannot be
//! replayed under a new time. To verify, a receiver:
//!
//! 1. reads the raw body bytes (before any JSON parsing);
//! 2. computes `HMAC-SHA256(secret, timestamp + "." + body)` in hex;
//! 3. compares it with the header's value after `sha256=` in constant
//!    time;
//! 4. refuses a timestamp more than five minutes from its own clock.
//!
//! In Python:
//!
//! ```text
//! expected = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
//! ok = hmac.compare_digest("sha256=" + expected, signature) and abs(time.time() - int(ts)) < 300
//! ```

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header naming when a delivery was signed (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "X-Tribune-Timestamp";
/// The header carrying `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-Tribune-Signature";
/// The header naming the event's kind.
pub const EVENT_HEADER: &str = "X-Tribune-Event";
/// The header carrying the event key (the same on every retry).
pub const DELIVERY_HEADER: &str = "X-Tribune-Delivery";

/// How far a timestamp may be from the verifier's clock.
pub const TOLERANCE_SECS: i64 = 300;

/// The value of [`SIGNATURE_HEADER`] for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Why a delivery does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// The signature header is not `sha256=<hex>`.
    #[error("the signature is not of the form sha256=<hex>")]
    Malformed,
    /// The signature does not match the body, timestamp and secret.
    #[error("the signature does not match")]
    Mismatch,
    /// The timestamp is too far from now (a replay, or a wrong clock).
    #[error("the timestamp is more than {TOLERANCE_SECS} s from now")]
    Stale,
}

/// Checks a delivery as a receiver would: the signature matches (compared
/// in constant time) and the timestamp is within [`TOLERANCE_SECS`] of
/// `now` (Unix seconds).
pub fn verify(
    secret: &str,
    timestamp: i64,
    body: &[u8],
    signature_header: &str,
    now: i64,
) -> Result<(), Invalid> {
    let hex_part = signature_header
        .trim()
        .strip_prefix("sha256=")
        .ok_or(Invalid::Malformed)?;
    let given = hex::decode(hex_part).map_err(|_| Invalid::Malformed)?;
    mac(secret, timestamp, body)
        .verify_slice(&given)
        .map_err(|_| Invalid::Mismatch)?;
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(Invalid::Stale);
    }
    Ok(())
}

/// The headers of one delivery: content type, timestamp, signature, event
/// and delivery key.
pub fn headers(
    secret: &str,
    timestamp: i64,
    event: &str,
    event_key: &str,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", "application/json".to_string()),
        (TIMESTAMP_HEADER, timestamp.to_string()),
        (SIGNATURE_HEADER, signature(secret, timestamp, body)),
        (EVENT_HEADER, event.to_string()),
        (DELIVERY_HEADER, event_key.to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_0123456789";
    const BODY: &[u8] = br#"{"event":"story.article","id":"story.article:12:345"}"#;

    /// Computed independently with Python's standard library:
    ///
    /// ```text
    /// hmac.new(b"whsec_test_0123456789",
    ///          b'1710000000.{"event":"story.article","id":"story.article:12:345"}',
    ///          hashlib.sha256).hexdigest()
    /// ```
    const EXPECTED: &str = "cd3603195f05a16f274a5a40955717119d2b61186e53abeb4e22b7736f0e19e9";

    #[test]
    fn matches_a_vector_computed_elsewhere() {
        assert_eq!(
            signature(SECRET, 1_710_000_000, BODY),
            format!("sha256={EXPECTED}")
        );
    }

    #[test]
    fn verifies_only_the_signed_body_time_and_secret() {
        let ts = 1_710_000_000;
        let sig = signature(SECRET, ts, BODY);
        assert_eq!(verify(SECRET, ts, BODY, &sig, ts + 10), Ok(()));
        assert_eq!(
            verify(SECRET, ts, b"{}", &sig, ts),
            Err(Invalid::Mismatch),
            "another body"
        );
        assert_eq!(
            verify(SECRET, ts + 1, BODY, &sig, ts),
            Err(Invalid::Mismatch),
            "another timestamp"
        );
        assert_eq!(
            verify("another secret", ts, BODY, &sig, ts),
            Err(Invalid::Mismatch)
        );
        assert_eq!(
            verify(SECRET, ts, BODY, &sig, ts + TOLERANCE_SECS + 1),
            Err(Invalid::Stale)
        );
        assert_eq!(
            verify(SECRET, ts, BODY, EXPECTED, ts),
            Err(Invalid::Malformed),
            "no sha256= prefix"
        );
        assert_eq!(
            verify(SECRET, ts, BODY, "sha256=zz", ts),
            Err(Invalid::Malformed)
        );
    }

    #[test]
    fn headers_carry_time_signature_event_and_key() {
        let headers = headers(
            SECRET,
            1_710_000_000,
            "story.article",
            "story.article:12:345",
            BODY,
        );
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get(TIMESTAMP_HEADER), Some("1710000000"));
        assert_eq!(get(SIGNATURE_HEADER).map(|s| &s[7..]), Some(EXPECTED));
        assert_eq!(get(EVENT_HEADER), Some("story.article"));
        assert_eq!(get(DELIVERY_HEADER), Some("story.article:12:345"));
    }
}
