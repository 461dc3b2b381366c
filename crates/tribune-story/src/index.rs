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
            threshold: 0.15,
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
    /// How many articles it holds.
    members: u32,
}

impl Story {
    /// The anchor most members had, per facet, with how many had it.
    fn main_anchor(&self, facet: usize) -> Option<(u64, u32)> {
        self.anchors[facet]
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .copied()
    }
}

/// Anchor facets: who, when.
const FACETS: usize = 2;

fn facets(anchors: &Anchors) -> [Option<u64>; FACETS] {
    [anchors.who, anchors.year]
}

/// What a similarity is multiplied by when the article's main person or
/// year is not the story's, and neither names the other's. Another person
/// is a hint of another event but names get misread and reports lead with
/// different people, so it weighs but does not decide (with the one-sided
/// year rule below doing part of its work, a milder weight keeps more
/// reports of one event together); two different years of full dates (the
/// event's, most often) decide.
const CONFLICT: [f32; FACETS] = [0.7, 0.0];

/// What a similarity is multiplied by when only one side has the anchor
/// and the other never names it: a report dated to a year that none of
/// the story's members mentions, or an undated report that never mentions
/// the year a dated story happened in. Two events of one kind (two
/// earthquakes on one island, two arrests of one team's players) are most
/// often years apart, and a report of the same event usually names the
/// year somewhere (a date, a "2013" in passing) when it is dated at all.
/// Weaker than a conflict, since a report can leave the date out; and a
/// story holds its year against an undated report only when at least
/// half its members are dated to it. A main person missing on one side
/// says nothing: names are often left out.
const ONE_SIDED: [f32; FACETS] = [1.0, 0.5];

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
        let idf = ((1.0 + n as f32) / (0.5 + df as f32)).ln().max(0.0);
        // idf^1.5, without the general power function's cost.
        idf * idf.sqrt()
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
                let named_by_story = |anchor: u64| story.named.contains(&anchor);
                let named_by_article = |anchor: u64| weighed.named.binary_search(&anchor).is_ok();
                for facet in 0..FACETS {
                    similarity *= match (article[facet], story.main_anchor(facet)) {
                        (Some(mine), Some((theirs, _)))
                            if mine != theirs
                                && !named_by_story(mine)
                                && !named_by_article(theirs) =>
                        {
                            CONFLICT[facet]
                        }
                        (Some(mine), None) if !named_by_story(mine) => ONE_SIDED[facet],
                        // Only a story mostly of articles with the anchor
                        // holds it against an article without: one dated
                        // member among undated ones says little.
                        (None, Some((theirs, had)))
                            if 2 * had >= story.members && !named_by_article(theirs) =>
                        {
                            ONE_SIDED[facet]
                        }
                        _ => 1.0,
                    };
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
        story.members += 1;
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

    /// An index that has seen other news, so that the reports' terms are
    /// distinctive, and holds story 1: `members` undated reports (or dated
    /// to `year`) of one event.
    fn index_with(members: usize, year: Option<u64>) -> (StoryIndex, DateTime<Utc>) {
        let now = Utc::now();
        let mut index = StoryIndex::new(StoryConfig::default());
        for id in 0..5 {
            let other = Features {
                terms: vec![(100 + id, 1.0)],
                ..Features::default()
            };
            index.add(100 + id as i64, &other, now);
        }
        for _ in 0..members {
            index.add(1, &dated(year, &[]), now);
        }
        (index, now)
    }

    /// A report of the same kind of event, dated to `year` (or undated),
    /// mentioning the years `mentions`.
    fn dated(year: Option<u64>, mentions: &[u64]) -> Features {
        let mut named: Vec<u64> = year.iter().chain(mentions).copied().collect();
        named.sort_unstable();
        named.dedup();
        Features {
            terms: vec![(1, 1.0), (2, 2.0), (3, 1.0), (4, 1.0)],
            anchors: Anchors { who: None, year },
            named,
        }
    }

    fn similarity(index: &StoryIndex, report: &Features, now: DateTime<Utc>) -> f32 {
        let mut loose = index.clone();
        loose.config.threshold = 0.0;
        loose.best(report, now).map_or(0.0, |(_, s)| s)
    }

    #[test]
    fn a_date_only_one_side_has_weighs_unless_the_other_names_its_year() {
        // Undated reports of one earthquake; a report dated 2013 that none
        // of them mentions is likely the other earthquake.
        let (index, now) = index_with(3, None);
        let undated = similarity(&index, &dated(None, &[]), now);
        let other_year = similarity(&index, &dated(Some(2013), &[]), now);
        assert!((other_year - undated * ONE_SIDED[1]).abs() < 1e-4);
        // A story member naming 2013 in passing lifts the doubt.
        let mut index = index;
        index.add(1, &dated(None, &[2013]), now);
        let undated = similarity(&index, &dated(None, &[]), now);
        let named = similarity(&index, &dated(Some(2013), &[]), now);
        assert!((named - undated).abs() < 1e-4);

        // The other way round: a story dated 2008, an undated report.
        let (index, now) = index_with(3, Some(2008));
        let same = similarity(&index, &dated(Some(2008), &[]), now);
        let silent = similarity(&index, &dated(None, &[]), now);
        let naming = similarity(&index, &dated(None, &[2008]), now);
        assert!((silent - same * ONE_SIDED[1]).abs() < 1e-4);
        assert!((naming - same).abs() < 1e-4);
        // A report dated to another year it never names is vetoed.
        assert_eq!(similarity(&index, &dated(Some(2013), &[2011]), now), 0.0);
        // One dated member among undated ones does not date the story.
        let (mut index, now) = index_with(1, Some(2008));
        index.add(1, &dated(None, &[]), now);
        index.add(1, &dated(None, &[]), now);
        let same = similarity(&index, &dated(Some(2008), &[]), now);
        let silent = similarity(&index, &dated(None, &[]), now);
        assert!(silent > same * ONE_SIDED[1] + 0.01, "{silent} {same}");
    }

    #[test]
    fn sibling_events_dated_on_one_side_only_stay_apart() {
        // Story 1: a weakly similar undated report of the first event; a
        // report of the second event, dated, matches it only weakly and,
        // penalised, starts its own story, which its siblings then join.
        let (mut index, now) = index_with(1, None);
        let mut second = dated(Some(2013), &[]);
        second.terms = vec![(1, 1.0), (2, 1.0), (5, 2.0), (6, 1.0), (7, 1.0)];
        let raw = {
            let mut undated = second.clone();
            undated.anchors.year = None;
            undated.named.clear();
            similarity(&index, &undated, now)
        };
        assert!(raw >= index.config.threshold, "{raw}");
        assert_eq!(index.best(&second, now), None);
        index.add(2, &second, now);
        assert_eq!(index.best(&second, now).map(|(story, _)| story), Some(2));
        // The first event's next report still finds its own story.
        assert_eq!(
            index.best(&dated(None, &[]), now).map(|(story, _)| story),
            Some(1)
        );
    }
}
