//! The active stories and how a new article finds its own: TF-IDF vectors
//! (IDF learnt online from every article seen), each story the sum of its
//! articles' unit vectors, and an inverted index from the rarer terms to
//! the stories holding them, so that only stories sharing something
//! distinctive with the article are scored.

use rustc_hash::FxHashMap as HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::features::{Anchors, Features};

/// How a story index decides.
#[derive(Debug, Clone)]
pub struct StoryConfig {
    /// An article joins the most similar active story if the cosine
    /// similarity reaches this; otherwise it starts a story.
    pub threshold: f32,
    /// A story that gained nothing for this long is no longer joined.
    pub window: Duration,
    /// Terms of an article used to look up candidate stories (its
    /// highest-weighted ones).
    pub lookup_terms: usize,
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            threshold: 0.17,
            window: Duration::days(3),
            lookup_terms: 24,
        }
    }
}

/// Terms whose document frequency is kept before the table is halved.
const MAX_TERMS: usize = 1_000_000;

/// Terms kept of an article's vector, the heaviest.
const VECTOR_TERMS: usize = 150;

/// Candidate stories scored in full per article.
const SCORED: usize = 16;

#[derive(Debug, Clone, Default)]
struct Story {
    /// Sum of the members' unit vectors.
    centroid: HashMap<u64, f32>,
    /// Squared norm of the centroid.
    norm_squared: f32,
    last_seen: DateTime<Utc>,
    /// How many members had each anchor, per facet (who, year).
    anchors: [Vec<(u64, u32)>; FACETS],
    /// The names and dates its members hold.
    named: rustc_hash::FxHashSet<u64>,
}

impl Story {
    /// The anchor most members had, per facet.
    fn main_anchor(&self, facet: usize) -> Option<u64> {
        self.anchors[facet]
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|a| a.0)
    }
}

/// Anchor facets: who, when.
const FACETS: usize = 2;

fn facets(anchors: &Anchors) -> [Option<u64>; FACETS] {
    [anchors.who, anchors.year]
}

/// What a similarity is multiplied by when the article's main person or
/// year is not the story's, and neither names the other's. Another person
/// is a strong hint of another event but names get misread and reports
/// lead with different people, so it weighs but does not decide; two
/// different years of full dates (the event's, most often) decide.
const CONFLICT: [f32; FACETS] = [0.5, 0.0];

/// An article's TF-IDF vector against one index.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighed {
    vector: Vec<(u64, f32)>,
    anchors: Anchors,
    /// The names and dates it holds, sorted.
    named: Vec<u64>,
}

/// The active stories.
#[derive(Debug, Clone)]
pub struct StoryIndex {
    config: StoryConfig,
    /// Articles each term appeared in, over all articles seen.
    document_frequency: HashMap<u64, u32>,
    documents: u32,
    stories: HashMap<i64, Story>,
    /// Term → stories whose centroid holds it.
    postings: HashMap<u64, Vec<i64>>,
}

impl StoryIndex {
    /// An empty index.
    pub fn new(config: StoryConfig) -> Self {
        StoryIndex {
            config,
            document_frequency: HashMap::default(),
            documents: 0,
            stories: HashMap::default(),
            postings: HashMap::default(),
        }
    }

    /// How many stories are active.
    pub fn len(&self) -> usize {
        self.stories.len()
    }

    /// Whether no story is active.
    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// IDF as if the article being weighed were already counted (`extra`
    /// is 1 before it is added, 0 after), so that a word seen for the first
    /// time weighs the same when looking up and when adding.
    fn idf(&self, term: u64, extra: u32) -> f32 {
        let df = self.document_frequency.get(&term).copied().unwrap_or(0) + extra;
        let n = self.documents + extra;
        // Sharper than the usual ln(N/df): rare names carry the event.
        ((1.0 + n as f32) / (0.5 + df as f32))
            .ln()
            .max(0.0)
            .powf(1.5)
    }

    /// The article's unit TF-IDF vector, its heaviest terms first.
    fn vector(&self, features: &Features, extra: u32) -> Vec<(u64, f32)> {
        let mut vector: Vec<(u64, f32)> = features
            .terms
            .iter()
            .map(|&(term, count)| (term, (1.0 + count.ln()) * self.idf(term, extra)))
            .collect();
        let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for entry in &mut vector {
                entry.1 /= norm;
            }
        }
        let heavier = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        // The tail of a long article's vector weighs little and costs a
        // lookup per term per candidate story.
        if vector.len() > VECTOR_TERMS {
            vector.select_nth_unstable_by(VECTOR_TERMS - 1, heavier);
            vector.truncate(VECTOR_TERMS);
        }
        // The heaviest terms first (in no particular order among them):
        // those look up the candidate stories.
        let lookup = self.config.lookup_terms.min(vector.len());
        if lookup > 0 && lookup < vector.len() {
            vector.select_nth_unstable_by(lookup - 1, heavier);
        }
        vector
    }

    /// The most similar active story at `at`, with its similarity, if it
    /// is similar enough to join.
    pub fn best(&self, features: &Features, at: DateTime<Utc>) -> Option<(i64, f32)> {
        self.best_weighed(&self.weigh(features), at)
    }

    /// An article's TF-IDF vector against this index, to look up and then
    /// add without weighing it twice.
    pub fn weigh(&self, features: &Features) -> Weighed {
        Weighed {
            vector: self.vector(features, 1),
            anchors: features.anchors,
            named: features.named.clone(),
        }
    }

    /// Like [`best`](Self::best), for an article already weighed.
    pub fn best_weighed(&self, weighed: &Weighed, at: DateTime<Utc>) -> Option<(i64, f32)> {
        let vector = &weighed.vector;
        let article = facets(&weighed.anchors);
        let horizon = at - self.config.window;
        // Stories sharing the most of the article's heaviest terms; only
        // those are scored in full.
        let mut shared: Vec<i64> = vector
            .iter()
            .take(self.config.lookup_terms)
            .filter_map(|(term, _)| self.postings.get(term))
            .flatten()
            .copied()
            .collect();
        shared.sort_unstable();
        let mut candidates: Vec<(usize, i64)> = shared
            .chunk_by(|a, b| a == b)
            .map(|run| (run.len(), run[0]))
            .collect();
        if candidates.len() > SCORED {
            candidates.select_nth_unstable_by(SCORED - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            candidates.truncate(SCORED);
        }
        let candidates: Vec<i64> = candidates.into_iter().map(|(_, id)| id).collect();
        candidates
            .into_iter()
            .filter_map(|id| {
                let story = self.stories.get(&id)?;
                if story.last_seen < horizon || story.norm_squared <= 0.0 {
                    return None;
                }
                let dot: f32 = vector
                    .iter()
                    .filter_map(|(term, w)| story.centroid.get(term).map(|c| c * w))
                    .sum();
                let mut similarity = dot / story.norm_squared.sqrt();
                for facet in 0..FACETS {
                    let (Some(mine), Some(theirs)) = (article[facet], story.main_anchor(facet))
                    else {
                        continue;
                    };
                    if mine != theirs
                        && !story.named.contains(&mine)
                        && weighed.named.binary_search(&theirs).is_err()
                    {
                        similarity *= CONFLICT[facet];
                    }
                }
                Some((id, similarity))
            })
            .filter(|(_, similarity)| *similarity >= self.config.threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
    }

    /// Adds an article to story `id` (creating it if new), and counts its
    /// terms toward the IDF.
    pub fn add(&mut self, id: i64, features: &Features, at: DateTime<Utc>) {
        let weighed = self.weigh(features);
        self.add_weighed(id, features, &weighed, at);
    }

    /// Like [`add`](Self::add), for an article weighed by
    /// [`weigh`](Self::weigh) since the last change to the index.
    pub fn add_weighed(
        &mut self,
        id: i64,
        features: &Features,
        weighed: &Weighed,
        at: DateTime<Utc>,
    ) {
        self.documents += 1;
        for (term, _) in &features.terms {
            *self.document_frequency.entry(*term).or_default() += 1;
        }
        let story = self.stories.entry(id).or_default();
        if at > story.last_seen {
            story.last_seen = at;
        }
        story.named.extend(weighed.named.iter().copied());
        for (facet, anchor) in facets(&weighed.anchors).into_iter().enumerate() {
            let Some(anchor) = anchor else { continue };
            match story.anchors[facet].iter_mut().find(|a| a.0 == anchor) {
                Some(seen) => seen.1 += 1,
                None => story.anchors[facet].push((anchor, 1)),
            }
        }
        for &(term, weight) in &weighed.vector {
            let value = story.centroid.entry(term).or_insert_with(|| {
                self.postings.entry(term).or_default().push(id);
                0.0
            });
            story.norm_squared += 2.0 * *value * weight + weight * weight;
            *value += weight;
        }
    }

    /// Forgets stories that gained nothing since `horizon`, so memory
    /// follows the active window. Document frequencies are halved once the
    /// table grows past its bound: names seen once long ago drop out, the
    /// ratios that make IDF stay.
    pub fn expire(&mut self, horizon: DateTime<Utc>) {
        if self.document_frequency.len() > MAX_TERMS {
            self.documents /= 2;
            self.document_frequency.retain(|_, df| {
                *df /= 2;
                *df > 0
            });
        }
        self.stories.retain(|_, story| story.last_seen >= horizon);
        let stories = &self.stories;
        self.postings.retain(|_, ids| {
            ids.retain(|id| stories.contains_key(id));
            !ids.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same report, said to be about `who` in `year`.
    fn report(who: u64, year: u64) -> Features {
        let mut named = vec![who, year];
        named.sort_unstable();
        Features {
            terms: vec![(1, 1.0), (2, 2.0), (3, 1.0)],
            anchors: Anchors {
                who: Some(who),
                year: Some(year),
            },
            named,
        }
    }

    #[test]
    fn another_year_is_another_event_and_another_person_weighs() {
        let now = Utc::now();
        let mut index = StoryIndex::new(StoryConfig::default());
        // Other news, so that the report's terms are distinctive.
        for id in 0..5 {
            let other = Features {
                terms: vec![(100 + id, 1.0)],
                ..Features::default()
            };
            index.add(100 + id as i64, &other, now);
        }
        index.add(1, &report(10, 2013), now);
        let same = index.best(&report(10, 2013), now);
        assert_eq!(same.map(|(story, _)| story), Some(1));
        assert_eq!(index.best(&report(10, 2009), now), None);
        let other_person = index.best(&report(11, 2013), now).map_or(0.0, |b| b.1);
        assert!(other_person < same.map_or(0.0, |b| b.1));
        // An article naming the story's year among others is no conflict.
        let mut both = report(10, 2009);
        both.named.push(2013);
        both.named.sort_unstable();
        assert_eq!(index.best(&both, now).map(|(story, _)| story), Some(1));
    }
}
