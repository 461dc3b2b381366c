//! Placing new articles: each is checked against what is stored (exact
//! duplicate, syndicated copy), given a story, and stored with both
//! verdicts in one transaction. Every way into Tribune (`ingest`, `poll`)
//! stores through here.
//!
//! The indexes that make this fast (fingerprints by LSH, active stories)
//! live in memory and are rebuilt from the store on start, from the
//! articles of the active window; the verdicts themselves are stored, so a
//! restart keeps every copy group and story as it was.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use tribune_dedup::{Evidence, Fingerprint, LshIndex, choose_original, fingerprint};
use tribune_model::Article;
use tribune_nlp::Enrichment;
use tribune_store::{NewArticle, Placement, Put, Store, StoryChoice};
use tribune_story::{StoryConfig, StoryIndex, features, features_enriched};

/// How far back from the newest stored article the in-memory indexes
/// reach: copies of older articles start new groups.
pub const ACTIVE_WINDOW_DAYS: i64 = 14;

/// Placements between two eviction passes (each costs a pass over the
/// indexes).
const EVICT_EVERY: usize = 10_000;

/// Copy groups one article may join at most.
const MAX_COPIES: usize = 3;

/// Articles read per batch when rebuilding.
const REBUILD_BATCH: usize = 2_000;

struct Indexes {
    copies: LshIndex,
    stories: StoryIndex,
    /// When each indexed article entered the news (Unix seconds), to evict
    /// it once it leaves the window.
    seen: HashMap<i64, i64>,
    /// The newest of those: the window ends there.
    newest: DateTime<Utc>,
    /// Placements since the last eviction pass.
    since_expiry: usize,
}

impl Indexes {
    fn insert(&mut self, id: i64, fp: &Fingerprint, seen_at: DateTime<Utc>) {
        self.copies.insert(id, fp);
        self.seen.insert(id, seen_at.timestamp());
        self.newest = self.newest.max(seen_at);
    }

    /// Forgets what left the active window, so memory follows the window
    /// and not the archive.
    fn evict(&mut self) {
        let back = |days: Duration| self.newest.checked_sub_signed(days).unwrap_or(self.newest);
        let horizon = back(Duration::days(ACTIVE_WINDOW_DAYS)).timestamp();
        if self.seen.values().all(|&t| t >= horizon) {
            return;
        }
        self.seen.retain(|_, t| *t >= horizon);
        let seen = &self.seen;
        self.copies.retain(|id| seen.contains_key(&id));
        self.stories.expire(back(StoryConfig::default().window));
    }
}

/// Stores articles with their syndication and story verdicts.
pub struct Pipeline {
    store: Arc<dyn Store>,
    indexes: Mutex<Indexes>,
}

/// The pure work of placing an article, which can run on any thread.
#[derive(Debug, Clone)]
pub struct Prepared {
    fingerprint: Fingerprint,
    features: tribune_story::Features,
    label: String,
    enrichment: Option<Enrichment>,
}

impl Prepared {
    /// Fingerprints the article, weighs its features and reads its quotes,
    /// entities, times and events.
    pub fn of(article: &Article) -> Prepared {
        let enrichment = tribune_nlp::enrich(&article.text, article.published);
        Prepared {
            fingerprint: fingerprint(&article.text),
            features: features_enriched(article.title.as_deref(), &article.text, &enrichment),
            label: label(article),
            enrichment: Some(enrichment),
        }
    }

    /// Like [`of`](Self::of) but without the NLP stage, for bulk loads
    /// that enrich later (`tribune enrich`).
    pub fn without_enrichment(article: &Article) -> Prepared {
        Prepared {
            fingerprint: fingerprint(&article.text),
            features: features(article.title.as_deref(), &article.text),
            label: label(article),
            enrichment: None,
        }
    }
}

/// Where a stored article went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// The store's answer: new, or an exact duplicate of a stored article.
    pub put: Put,
    /// Whether it is a copy of an article already stored (a syndicated
    /// copy, not an exact duplicate).
    pub copy: bool,
}

impl Pipeline {
    /// A pipeline over `store`, its indexes rebuilt from the articles of
    /// the active window.
    pub fn open(store: Arc<dyn Store>) -> tribune_store::Result<Pipeline> {
        let mut indexes = Indexes {
            copies: LshIndex::new(),
            stories: StoryIndex::new(StoryConfig::default()),
            seen: HashMap::new(),
            newest: DateTime::<Utc>::MIN_UTC,
            since_expiry: 0,
        };
        // The window ends at the newest stored news, not at the wall clock:
        // an archive loaded today is as "active" as the day it was written.
        let newest = store.newest_seen()?.unwrap_or_else(Utc::now);
        let since = newest - Duration::days(ACTIVE_WINDOW_DAYS);
        let mut after = 0;
        loop {
            let batch = store.indexed_articles(after, since, REBUILD_BATCH)?;
            let Some(last) = batch.last().map(|a| a.id) else {
                break;
            };
            for article in &batch {
                if let Some(fp) = Fingerprint::from_bytes(&article.fingerprint) {
                    indexes.insert(article.id, &fp, article.seen_at);
                }
                if let Some(story) = article.story {
                    let features = features(article.title.as_deref(), &article.text);
                    indexes.stories.add(story, &features, article.seen_at);
                }
            }
            after = last;
        }
        if !indexes.copies.is_empty() {
            tracing::info!(
                articles = indexes.copies.len(),
                stories = indexes.stories.len(),
                "syndication and story indexes rebuilt"
            );
        }
        Ok(Pipeline {
            store,
            indexes: Mutex::new(indexes),
        })
    }

    /// The store it writes to.
    pub fn store_handle(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }

    fn indexes(&self) -> MutexGuard<'_, Indexes> {
        self.indexes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores `article` (read from `origin`, from polled source `source` if
    /// any), placed in its copy group and story.
    pub fn store(
        &self,
        article: &Article,
        origin: &str,
        source: Option<i64>,
    ) -> tribune_store::Result<Placed> {
        self.store_prepared(article, &Prepared::of(article), origin, source)
    }

    /// Like [`store`](Self::store), with the pure work done beforehand
    /// (on another thread, while the writer stores the previous article).
    pub fn store_prepared(
        &self,
        article: &Article,
        prepared: &Prepared,
        origin: &str,
        source: Option<i64>,
    ) -> tribune_store::Result<Placed> {
        // An exact duplicate is caught by the store itself, atomically;
        // the lookups below have no effect until then.
        let now = Utc::now();
        let seen_at = seen_at(article, now);
        let Prepared {
            fingerprint: fp,
            features: story_features,
            label,
            enrichment,
        } = prepared;
        // One placement at a time: two copies arriving together must not
        // both start a group.
        let mut indexes = self.indexes();
        // The closest few: a copy rarely joins more groups than that.
        let copies: Vec<i64> = indexes
            .copies
            .copies_of(fp)
            .into_iter()
            .take(MAX_COPIES)
            .map(|(id, _)| id)
            .collect();
        let weighed = indexes.stories.weigh(story_features);
        let story = match indexes.stories.best_weighed(&weighed, seen_at) {
            Some((story, _)) => StoryChoice::Join(story),
            None => StoryChoice::Start { label },
        };
        let bytes = fp.to_bytes();
        let mut new = NewArticle::new(article, origin).placed(Placement {
            fingerprint: &bytes,
            copy_of: &copies,
            story,
            seen_at,
        });
        new.fetched_at = now;
        new.source_id = source;
        new.enrichment = enrichment.as_ref();
        let put = self.store.put_article(&new)?;
        let Put::New(id) = put else {
            return Ok(Placed { put, copy: false });
        };
        indexes.insert(id, fp, seen_at);
        if let Some((group, story)) = self.store.placement(id)? {
            indexes
                .stories
                .add_weighed(story, story_features, &weighed, seen_at);
            if !copies.is_empty() {
                self.choose_original(group, id, &copies)?;
            }
        }
        indexes.since_expiry += 1;
        if indexes.since_expiry >= EVICT_EVERY {
            indexes.since_expiry = 0;
            indexes.evict();
        }
        Ok(Placed {
            put,
            copy: !copies.is_empty(),
        })
    }

    /// Re-decides a copy group's original after it gained `new`: among the
    /// original so far, the articles `new` copies (the originals of the
    /// groups it joined among them) and `new` itself, so the cost does not
    /// grow with the group.
    fn choose_original(&self, group: i64, new: i64, copies: &[i64]) -> tribune_store::Result<()> {
        let mut ids: Vec<i64> = self.store.original_of(group)?.into_iter().collect();
        ids.extend_from_slice(copies);
        ids.push(new);
        ids.sort_unstable();
        ids.dedup();
        let members = self.store.group_members(&ids)?;
        let hosts: Vec<Option<String>> = members.iter().map(|m| host(&m.origin)).collect();
        let canonical: Vec<Option<String>> = members
            .iter()
            .map(|m| m.canonical_url.as_deref().and_then(host))
            .collect();
        let evidence: Vec<Evidence<'_>> = members
            .iter()
            .enumerate()
            .map(|(i, m)| Evidence {
                id: m.id,
                site_name: m.site_name.as_deref(),
                host: hosts[i].as_deref(),
                canonical_host: canonical[i].as_deref(),
                original_publisher: m.original_publisher.as_deref(),
                agencies: &m.agencies,
                published: m.published,
                seen: m.seen_at,
            })
            .collect();
        if let Some(original) = evidence.get(choose_original(&evidence)) {
            self.store.set_original(group, original.id)?;
        }
        Ok(())
    }
}

/// When an article entered the news: its publication time if it has a
/// believable one, else now.
fn seen_at(article: &Article, now: DateTime<Utc>) -> DateTime<Utc> {
    let published = article
        .published_at
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            article
                .published
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .map(|t| t.and_utc())
        });
    match published {
        Some(t) if t <= now + Duration::hours(1) => t,
        _ => now,
    }
}

/// A story's label: the headline, or the opening of the text.
fn label(article: &Article) -> String {
    match article.title.as_deref().map(str::trim) {
        Some(title) if !title.is_empty() => title.to_string(),
        _ => {
            let words: Vec<&str> = article.text.split_whitespace().take(12).collect();
            words.join(" ")
        }
    }
}

/// The host of a URL, if it is one.
fn host(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
}
