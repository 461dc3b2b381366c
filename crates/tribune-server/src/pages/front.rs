//! `/`: the front page, the active stories ranked by how recent and how
//! widely covered they are; on an empty data directory, how to start.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use tribune_store::{Store, StoryArticle, StorySummary};

use super::cache::{Made, PageKey};
use super::{PageResult, keepable, lead, machine_time, outlet, page, plural, when};
use crate::{AppState, Error};

/// Stories looked at for the front page, the most recently active first.
const CANDIDATES: usize = 120;
/// Stories shown.
const SHOWN: usize = 30;
/// How far back from the newest news a story still counts as active.
const ACTIVE_DAYS: i64 = 3;

/// A few major public news feeds, offered as one-click starters on an
/// empty desk.
pub(crate) const STARTERS: &[(&str, &str)] = &[
    ("BBC News", "https://feeds.bbci.co.uk/news/rss.xml"),
    ("NPR News", "https://feeds.npr.org/1001/rss.xml"),
    (
        "The Guardian: World",
        "https://www.theguardian.com/world/rss",
    ),
    ("Al Jazeera", "https://www.aljazeera.com/xml/rss/all.xml"),
    ("Deutsche Welle", "https://rss.dw.com/rdf/rss-en-all"),
    (
        "The New York Times",
        "https://rss.nytimes.com/services/xml/rss/nyt/HomePage.xml",
    ),
];

/// One story on the front page.
pub(crate) struct FrontStory {
    pub id: i64,
    pub headline: String,
    pub articles: String,
    pub outlets: String,
    /// The first few outlets' names.
    pub outlet_names: String,
    pub first_seen: String,
    pub first_seen_iso: String,
    pub last_seen: String,
    pub last_seen_iso: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    title: String,
    stories: Vec<FrontStory>,
    /// No stories: whether any source is followed yet.
    has_sources: bool,
    starters: Vec<(&'static str, &'static str)>,
}

pub(crate) async fn front(State(state): State<AppState>) -> PageResult {
    state
        .page_cache()
        .page(PageKey::Front, || async {
            let (stories, has_sources) = state.blocking(front_stories).await?;
            let front = FrontPage {
                title: "Tribune".into(),
                stories,
                has_sources,
                starters: STARTERS.to_vec(),
            };
            // An empty desk is not kept: it is cheap, and must show a
            // source followed a moment ago.
            Ok(if front.stories.is_empty() {
                Made::Once(page(StatusCode::OK, &front))
            } else {
                keepable(&front)
            })
        })
        .await
}

fn front_stories(store: &dyn Store) -> Result<(Vec<FrontStory>, bool), Error> {
    // The "now" of the stored news: an archive's stories stay active.
    let now = store.newest_seen()?.unwrap_or_else(Utc::now);
    let candidates = store.stories(Some(now - Duration::days(ACTIVE_DAYS)), CANDIDATES)?;
    if candidates.is_empty() {
        let has_sources = !store.sources()?.is_empty();
        // Older news than the active window is still news to show.
        let older = store.stories(None, SHOWN)?;
        if older.is_empty() {
            return Ok((Vec::new(), has_sources));
        }
        return Ok((rank(store, older, now)?, has_sources));
    }
    Ok((rank(store, candidates, now)?, true))
}

fn rank(
    store: &dyn Store,
    candidates: Vec<StorySummary>,
    now: chrono::DateTime<Utc>,
) -> Result<Vec<FrontStory>, Error> {
    // One read for every candidate's articles, not one per candidate.
    let ids: Vec<i64> = candidates.iter().map(|s| s.id).collect();
    let mut by_story = store.stories_articles(&ids)?;
    let mut ranked = Vec::with_capacity(candidates.len());
    for story in candidates {
        let articles = by_story.remove(&story.id).unwrap_or_default();
        let outlets: BTreeSet<String> = articles
            .iter()
            .map(|a| outlet(a.site_name.as_deref(), &a.origin))
            .collect();
        let hours = (now - story.last_seen).num_minutes().max(0) as f64 / 60.0;
        // Breadth counts outlets first (copies add a little), and halves
        // about every half day of quiet.
        let extra = (story.article_count as f64 - outlets.len() as f64).max(0.0);
        let breadth = outlets.len() as f64 + 0.25 * extra;
        let score = breadth / (1.0 + hours / 12.0).powf(1.5);
        let mut names: Vec<&str> = outlets.iter().map(String::as_str).take(4).collect();
        if outlets.len() > names.len() {
            names.push("…");
        }
        ranked.push((score, story, articles, outlets.len(), names.join(", ")));
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.truncate(SHOWN);
    let mut shown = Vec::with_capacity(ranked.len());
    for (_, story, articles, outlets, outlet_names) in ranked {
        let summary = match lead_article(&articles) {
            Some(id) => store
                .article(id)?
                .map(|a| lead(&a.text, 2, 320))
                .unwrap_or_default(),
            None => String::new(),
        };
        shown.push(FrontStory {
            id: story.id,
            headline: story.label.clone(),
            articles: plural(story.article_count.max(0) as usize, "article"),
            outlets: plural(outlets, "outlet"),
            outlet_names,
            first_seen: when(story.first_seen),
            first_seen_iso: machine_time(story.first_seen),
            last_seen: when(story.last_seen),
            last_seen_iso: machine_time(story.last_seen),
            summary,
        });
    }
    Ok(shown)
}

/// The article a story's summary is read from: the original of its
/// earliest copy group, else its earliest article.
fn lead_article(articles: &[StoryArticle]) -> Option<i64> {
    let first = articles.iter().min_by_key(|a| a.seen_at)?;
    articles
        .iter()
        .find(|a| a.copy_group == first.copy_group && a.is_original)
        .or(Some(first))
        .map(|a| a.id)
}
