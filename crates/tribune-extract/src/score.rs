//! The metrics extraction is measured with, as the benchmark sets define
//! them, so that `tribune bench extract` scores Tribune and a reference tool
//! with the same code.

use std::collections::HashMap;

/// Precision and recall of one prediction against its truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionRecall {
    /// Share of the prediction found in the truth.
    pub precision: f64,
    /// Share of the truth found in the prediction.
    pub recall: f64,
}

impl PrecisionRecall {
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        f1(self.precision, self.recall)
    }
}

/// Harmonic mean; 0 when both are 0.
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// Runs of word characters (`\w+`, Unicode), case kept.
pub fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn multiset<T: std::hash::Hash + Eq>(items: impl Iterator<Item = T>) -> HashMap<T, usize> {
    let mut map = HashMap::new();
    for item in items {
        *map.entry(item).or_insert(0) += 1;
    }
    map
}

fn overlap<T: std::hash::Hash + Eq>(a: &HashMap<T, usize>, b: &HashMap<T, usize>) -> usize {
    a.iter()
        .map(|(k, n)| (*n).min(b.get(k).copied().unwrap_or(0)))
        .sum()
}

fn ratio(common: usize, total: usize, other_total: usize) -> f64 {
    match (total, other_total) {
        (0, 0) => 1.0,
        (0, _) => 0.0,
        _ => common as f64 / total as f64,
    }
}

/// The scrapinghub article-extraction-benchmark metric for one page:
/// multisets of overlapping 4-token shingles (texts shorter than 4 tokens
/// form one shingle), precision and recall of their intersection.
pub fn shingle_score(predicted: &str, truth: &str) -> PrecisionRecall {
    let shingles = |text: &str| {
        let t = tokens(text);
        if t.is_empty() {
            return HashMap::new();
        }
        if t.len() < 4 {
            return multiset(std::iter::once(t.join(" ")));
        }
        multiset(t.windows(4).map(|w| w.join(" ")))
    };
    bag_score(&shingles(predicted), &shingles(truth))
}

/// The WCXB metric for one page: multisets of lower-cased word tokens.
pub fn word_score(predicted: &str, truth: &str) -> PrecisionRecall {
    let words = |text: &str| multiset(tokens(text).into_iter().map(str::to_lowercase));
    bag_score(&words(predicted), &words(truth))
}

/// Precision and recall of two multisets' intersection.
fn bag_score<T: std::hash::Hash + Eq>(
    predicted: &HashMap<T, usize>,
    truth: &HashMap<T, usize>,
) -> PrecisionRecall {
    let (pn, gn): (usize, usize) = (predicted.values().sum(), truth.values().sum());
    let common = overlap(predicted, truth);
    PrecisionRecall {
        precision: ratio(common, pn, gn),
        recall: ratio(common, gn, pn),
    }
}

/// Exact match after folding case and whitespace.
pub fn same_field(predicted: &str, truth: &str) -> bool {
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    fold(predicted) == fold(truth)
}

/// Author lists compared as sets of names, whatever joins them
/// ("A and B", "A, B", "A; B"), after folding case and whitespace.
pub fn same_authors(predicted: &str, truth: &str) -> bool {
    let names = |s: &str| {
        let lower = s
            .to_lowercase()
            .replace(" and ", ";")
            .replace(['&', ','], ";");
        let mut names: Vec<String> = lower
            .split(';')
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names
    };
    names(predicted) == names(truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingles_overlap() {
        let s = shingle_score("a b c d e", "a b c d e");
        assert_eq!((s.precision, s.recall), (1.0, 1.0));
        let s = shingle_score("a b c d e f", "a b c d");
        assert_eq!(s.recall, 1.0);
        assert!((s.precision - 1.0 / 3.0).abs() < 1e-9);
        let s = shingle_score("", "");
        assert_eq!(s.f1(), 1.0);
        assert_eq!(shingle_score("", "x y").f1(), 0.0);
    }

    #[test]
    fn words_fold_case() {
        assert_eq!(word_score("The cat", "the CAT").f1(), 1.0);
        assert!(same_authors("Jane Doe and John Roe", "john roe, jane doe"));
        assert!(!same_authors("Jane Doe", "Jane Doe, John Roe"));
    }
}
