//! Locality-sensitive hashing over MinHash signatures: the signature is
//! cut into bands, and two articles become candidates when any band is
//! equal. Looking up an article costs one probe per band, however many
//! articles are indexed.
//!
//! Memory is compact and proportional to what is indexed: per band a map
//! from the band's hash to the newest article holding it, and a chain to
//! the next older one; signatures sit in one flat vector. Removing articles
//! (those that left the active window) rebuilds the index from the kept
//! ones.

use rustc_hash::FxHashMap as HashMap;

use crate::fingerprint::{Fingerprint, SIGNATURE_LEN, Similarity};

/// Bands the signature is cut into.
const BANDS: usize = 42;
/// Signature values per band. With 42 bands of 3, a pair of texts sharing
/// 35% of their shingles becomes a candidate 84% of the time, 50%: 99.6%;
/// unrelated texts (under 5%) almost never.
const ROWS: usize = 3;
/// Longest chain walked per band: a band value shared by very many
/// articles (boilerplate) says little, and must not make lookups slow.
const CHAIN_LIMIT: usize = 64;
const NONE: u32 = u32::MAX;
/// Candidates compared in full per lookup, those sharing the most bands.
const COMPARED: usize = 32;

/// An index of fingerprints by article id.
#[derive(Debug, Clone)]
pub struct LshIndex {
    ids: Vec<i64>,
    shingles: Vec<u32>,
    signatures: Vec<u32>,
    heads: Vec<HashMap<u32, u32>>,
    next: Vec<Vec<u32>>,
}

impl Default for LshIndex {
    fn default() -> Self {
        Self::new()
    }
}

fn band_key(signature: &[u32], band: usize) -> u32 {
    let mut hash = 0x9e37_79b9_7f4a_7c15u64 ^ band as u64;
    for &value in &signature[band * ROWS..(band + 1) * ROWS] {
        hash = (hash ^ u64::from(value)).wrapping_mul(0x0000_0100_0000_01b3);
        hash ^= hash >> 29;
    }
    (hash ^ (hash >> 32)) as u32
}

impl LshIndex {
    /// An empty index.
    pub fn new() -> Self {
        LshIndex {
            ids: Vec::new(),
            shingles: Vec::new(),
            signatures: Vec::new(),
            heads: vec![HashMap::default(); BANDS],
            next: vec![Vec::new(); BANDS],
        }
    }

    /// How many articles are indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Indexes an article's fingerprint (empty fingerprints are skipped:
    /// texts that short are matched by their exact hash alone).
    pub fn insert(&mut self, id: i64, fingerprint: &Fingerprint) {
        if fingerprint.is_empty() {
            return;
        }
        let Ok(slot) = u32::try_from(self.ids.len()) else {
            return;
        };
        self.ids.push(id);
        self.shingles.push(fingerprint.shingles);
        self.signatures.extend_from_slice(&fingerprint.signature);
        for band in 0..BANDS {
            let key = band_key(&fingerprint.signature, band);
            let previous = self.heads[band].insert(key, slot).unwrap_or(NONE);
            self.next[band].push(previous);
        }
    }

    fn stored(&self, slot: usize) -> Fingerprint {
        Fingerprint {
            signature: self.signatures[slot * SIGNATURE_LEN..(slot + 1) * SIGNATURE_LEN].to_vec(),
            shingles: self.shingles[slot],
        }
    }

    /// Indexed articles sharing a band with `fingerprint`, with their
    /// similarity to it, most similar first. Only the candidates sharing
    /// the most bands are compared in full, so a lookup costs the same
    /// however many near-identical articles (templated pages) are indexed.
    pub fn similar(&self, fingerprint: &Fingerprint) -> Vec<(i64, Similarity)> {
        if fingerprint.is_empty() {
            return Vec::new();
        }
        let mut slots: Vec<u32> = Vec::new();
        for band in 0..BANDS {
            let key = band_key(&fingerprint.signature, band);
            let mut slot = self.heads[band].get(&key).copied().unwrap_or(NONE);
            let mut walked = 0;
            while slot != NONE && walked < CHAIN_LIMIT {
                slots.push(slot);
                slot = self.next[band][slot as usize];
                walked += 1;
            }
        }
        slots.sort_unstable();
        // (bands shared, slot): more shared bands, more alike.
        let mut hits: Vec<(usize, u32)> = Vec::new();
        for run in slots.chunk_by(|a, b| a == b) {
            hits.push((run.len(), run[0]));
        }
        if hits.len() > COMPARED {
            hits.select_nth_unstable_by(COMPARED - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            hits.truncate(COMPARED);
        }
        let mut found: Vec<(i64, Similarity)> = hits
            .into_iter()
            .map(|(_, slot)| {
                let slot = slot as usize;
                let signature = &self.signatures[slot * SIGNATURE_LEN..(slot + 1) * SIGNATURE_LEN];
                (
                    self.ids[slot],
                    fingerprint.compare_signature(signature, self.shingles[slot]),
                )
            })
            .collect();
        found.sort_by(|a, b| {
            b.1.containment
                .total_cmp(&a.1.containment)
                .then(a.0.cmp(&b.0))
        });
        found
    }

    /// The ids of indexed articles sharing a band with `fingerprint`, most
    /// similar first.
    pub fn candidates(&self, fingerprint: &Fingerprint) -> Vec<i64> {
        self.similar(fingerprint)
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    /// The most similar indexed article that `fingerprint` is a copy of.
    pub fn copy_of(&self, fingerprint: &Fingerprint) -> Option<(i64, Similarity)> {
        self.copies_of(fingerprint).into_iter().next()
    }

    /// Every indexed article that `fingerprint` is a copy of, most similar
    /// first: a new copy may join copy groups that were apart until now.
    pub fn copies_of(&self, fingerprint: &Fingerprint) -> Vec<(i64, Similarity)> {
        self.similar(fingerprint)
            .into_iter()
            .filter(|(_, similarity)| crate::is_copy(similarity))
            .collect()
    }

    /// Keeps only the articles `keep` says to (those still in the active
    /// window), rebuilding the index.
    pub fn retain(&mut self, mut keep: impl FnMut(i64) -> bool) {
        let old = std::mem::take(self);
        for slot in 0..old.ids.len() {
            if keep(old.ids[slot]) {
                self.insert(old.ids[slot], &old.stored(slot));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint;

    fn text(n: usize) -> String {
        format!(
            "Report number {n}: the council of town {n} met on day {n} and voted {n} to {} \
             on the plan for a new bridge over river {n}, which will cost {n} million and open \
             in year {n}, said mayor {n} after the session ended late at night.",
            n + 1
        )
    }

    #[test]
    fn copies_are_found_and_others_are_not() {
        let mut index = LshIndex::new();
        for n in 0..200 {
            index.insert(n as i64, &fingerprint(&text(n)));
        }
        assert_eq!(index.len(), 200);
        let copy = format!("Subscribe now! {} Share this story.", text(42));
        let (id, similarity) = index.copy_of(&fingerprint(&copy)).unwrap();
        assert_eq!(id, 42);
        assert!(similarity.containment > 0.8);
        let fresh = "A completely different story about a football match that ended in \
                     a draw after extra time, with both goalkeepers praised by the coaches.";
        assert!(index.copy_of(&fingerprint(fresh)).is_none());
    }

    #[test]
    fn retain_drops_what_left_the_window() {
        let mut index = LshIndex::new();
        for n in 0..50 {
            index.insert(n as i64, &fingerprint(&text(n)));
        }
        index.retain(|id| id >= 25);
        assert_eq!(index.len(), 25);
        assert!(index.copy_of(&fingerprint(&text(10))).is_none());
        assert_eq!(
            index.copy_of(&fingerprint(&text(30))).map(|(id, _)| id),
            Some(30)
        );
    }
}
