//! MinHash fingerprints of an article's text, made in one pass: every word
//! shingle is hashed once and falls into one of [`SIGNATURE_LEN`] bins,
//! which keep their smallest hash (one-permutation hashing); empty bins
//! borrow from another bin chosen by a fixed hash, so two texts' signatures
//! stay comparable bin by bin (densification). The share of equal bins
//! estimates the Jaccard similarity of the two shingle sets.

/// Bins in a signature.
pub const SIGNATURE_LEN: usize = 128;

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 3;

/// Words of a text fingerprinted: enough to tell any two news articles
/// apart, and a bound on the cost of very long ones.
pub const MAX_WORDS: usize = 1_500;

const BIN_BITS: u32 = SIGNATURE_LEN.trailing_zeros();
const EMPTY: u32 = u32::MAX;

/// The fingerprint of one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The MinHash signature: one value per bin.
    pub signature: Vec<u32>,
    /// How many shingles the text has (its size, for containment).
    pub shingles: u32,
}

/// How alike two fingerprinted texts are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Estimated Jaccard similarity of the two shingle sets.
    pub jaccard: f64,
    /// Estimated share of the smaller set found in the other.
    pub containment: f64,
}

/// SplitMix64's finaliser: spreads a 64-bit value over all bits.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The character starting at byte `at` of `text`, with its length in
/// bytes; ASCII, most of every text, without decoding.
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    let byte = *text.as_bytes().get(at)?;
    if byte.is_ascii() {
        return Some((char::from(byte), 1));
    }
    let c = text.get(at..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// Hashes of the text's words, lower-cased, in order, without allocating.
fn word_hashes(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        // Skip to the next word.
        loop {
            let (c, len) = char_at(text, at)?;
            if c.is_alphanumeric() {
                break;
            }
            at += len;
        }
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        while let Some((c, len)) = char_at(text, at) {
            if !c.is_alphanumeric() {
                break;
            }
            if c.is_ascii() {
                let lower = c.to_ascii_lowercase();
                hash = (hash ^ u64::from(lower)).wrapping_mul(0x0000_0100_0000_01b3);
            } else {
                for lower in c.to_lowercase() {
                    hash = (hash ^ u64::from(lower)).wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
            at += len;
        }
        Some(mix(hash))
    })
}

/// Fingerprints a text (title and body joined, or the body alone).
pub fn fingerprint(text: &str) -> Fingerprint {
    let mut signature = vec![EMPTY; SIGNATURE_LEN];
    let mut window = [0u64; SHINGLE_WORDS];
    let mut words = 0usize;
    let mut shingles = 0u32;
    for word in word_hashes(text).take(MAX_WORDS) {
        window[words % SHINGLE_WORDS] = word;
        words += 1;
        if words < SHINGLE_WORDS {
            continue;
        }
        // The shingle's hash depends on word order: fold the window from
        // its oldest word.
        let mut hash = 0u64;
        for i in 0..SHINGLE_WORDS {
            let word = window[(words + i) % SHINGLE_WORDS];
            hash = (hash.rotate_left(21) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
        let hash = mix(hash);
        let bin = (hash >> (64 - BIN_BITS)) as usize;
        let value = (hash >> 1) as u32;
        if value < signature[bin] {
            signature[bin] = value;
        }
        shingles = shingles.saturating_add(1);
    }
    densify(&mut signature);
    Fingerprint {
        signature,
        shingles,
    }
}

/// Fills each empty bin from a non-empty one picked by a hash of the bin
/// and the attempt, the same way for every text.
fn densify(signature: &mut [u32]) {
    if signature.iter().all(|&v| v == EMPTY) {
        return;
    }
    let filled: Vec<bool> = signature.iter().map(|&v| v != EMPTY).collect();
    for bin in 0..signature.len() {
        if filled[bin] {
            continue;
        }
        let mut attempt = 0u64;
        loop {
            attempt += 1;
            let probe = (mix((bin as u64) << 32 | attempt) >> (64 - BIN_BITS)) as usize;
            if filled[probe] {
                // Offset by the bin so that borrowed values differ from the
                // lender's own.
                signature[bin] = signature[probe].wrapping_add(bin as u32) | 1;
                break;
            }
        }
    }
}

impl Fingerprint {
    /// The fingerprint as bytes, for storage: the shingle count, then the
    /// signature, little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(4 + 4 * SIGNATURE_LEN);
        bytes.extend_from_slice(&self.shingles.to_le_bytes());
        for value in &self.signature {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        bytes
    }

    /// A fingerprint read back from [`to_bytes`](Self::to_bytes); `None` if
    /// the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Fingerprint> {
        if bytes.len() != 4 + 4 * SIGNATURE_LEN {
            return None;
        }
        let word = |i: usize| -> u32 {
            let mut four = [0u8; 4];
            four.copy_from_slice(&bytes[i * 4..i * 4 + 4]);
            u32::from_le_bytes(four)
        };
        Some(Fingerprint {
            shingles: word(0),
            signature: (1..=SIGNATURE_LEN).map(word).collect(),
        })
    }

    /// Whether the text was too short to have a single shingle.
    pub fn is_empty(&self) -> bool {
        self.shingles == 0
    }

    /// How alike this text is to another.
    pub fn compare(&self, other: &Fingerprint) -> Similarity {
        self.compare_signature(&other.signature, other.shingles)
    }

    /// How alike this text is to one with this signature and size.
    pub(crate) fn compare_signature(&self, signature: &[u32], shingles: u32) -> Similarity {
        if self.is_empty() || shingles == 0 {
            return Similarity {
                jaccard: 0.0,
                containment: 0.0,
            };
        }
        let equal = self
            .signature
            .iter()
            .zip(signature)
            .filter(|(a, b)| a == b)
            .count();
        let jaccard = equal as f64 / SIGNATURE_LEN as f64;
        // |A ∩ B| = J (|A| + |B|) / (1 + J); measured against the smaller.
        let (a, b) = (f64::from(self.shingles), f64::from(shingles));
        let intersection = jaccard * (a + b) / (1.0 + jaccard);
        Similarity {
            jaccard,
            containment: (intersection / a.min(b)).min(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "The storm reached the coast on Monday night, bringing winds of more \
        than 150 kilometres an hour and forcing thousands of families from their homes. \
        Officials said power had been cut to most of the region and that schools would stay \
        closed for the rest of the week while crews cleared fallen trees from the roads.";

    #[test]
    fn a_text_is_its_own_copy() {
        let f = fingerprint(TEXT);
        let s = f.compare(&f);
        assert_eq!(s.jaccard, 1.0);
        assert_eq!(s.containment, 1.0);
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let shouted = TEXT.to_uppercase().replace(',', " ;");
        assert_eq!(fingerprint(TEXT), fingerprint(&shouted));
    }

    #[test]
    fn a_trimmed_copy_is_contained() {
        let half = &TEXT[..TEXT.len() / 2];
        let s = fingerprint(TEXT).compare(&fingerprint(half));
        assert!(s.containment > 0.7, "{s:?}");
        assert!(s.jaccard < 0.8, "{s:?}");
    }

    #[test]
    fn different_texts_share_little() {
        let other = "The central bank left interest rates unchanged on Thursday, saying \
            inflation had eased but that wage growth remained too strong for a cut before \
            the summer, according to a statement released after the meeting in Frankfurt.";
        let s = fingerprint(TEXT).compare(&fingerprint(other));
        assert!(s.containment < 0.2, "{s:?}");
    }

    #[test]
    fn bytes_round_trip() {
        let f = fingerprint(TEXT);
        assert_eq!(Fingerprint::from_bytes(&f.to_bytes()), Some(f));
        assert_eq!(Fingerprint::from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn empty_and_tiny_texts() {
        assert!(fingerprint("").is_empty());
        assert!(fingerprint("two words").is_empty());
        assert_eq!(fingerprint("").compare(&fingerprint("")).containment, 0.0);
    }
}
