//! `/stories`: stories with their outlets and copy groups, and their
//! timelines. The shapes follow `tribune stories --format json`.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tribune_store::{StoryArticle, StorySummary};

pub(super) use tribune_store::outlet;
use tribune_story::{TimelineArticle, TimelineEntry, timeline};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use super::params::{PageRequest, Pagination, parse_since};
use super::serde_name;
use crate::AppState;

/// The query of `GET /stories`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoriesQuery {
    /// Only stories active since then: RFC 3339, a date (2025-03-16) or a
    /// span back from now (90m, 24h, 7d).
    since: Option<String>,
    /// Stories per page, 1 to 100 (default 20).
    limit: Option<usize>,
    /// Stories to skip.
    offset: Option<usize>,
}

/// A story as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryJson {
    /// The story's id.
    pub id: i64,
    /// Its representative headline.
    pub label: String,
    /// When its first article entered the news.
    pub first_seen: DateTime<Utc>,
    /// When its latest article did.
    pub last_seen: DateTime<Utc>,
    /// How many articles it holds, copies included.
    pub article_count: i64,
    /// How many outlets reported it.
    pub source_count: usize,
    /// The outlets (site names, else hosts), sorted.
    pub sources: Vec<String>,
    /// Its page in the reader.
    pub url: String,
}

/// One article of a story.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryArticleJson {
    /// The article's id.
    pub id: i64,
    /// Its headline.
    pub title: Option<String>,
    /// The source URL or, for local input, the file path.
    pub url: String,
    /// Its outlet: the site's name, else its host.
    pub outlet: String,
    /// Its copy group.
    pub copy_group: i64,
    /// Whether it is its group's original.
    pub original: bool,
    /// When it entered the news.
    pub seen_at: DateTime<Utc>,
}

/// A copy group: one text, its original and its republications.
#[derive(Debug, Serialize, ToSchema)]
pub struct CopyGroupJson {
    /// The group's id.
    pub id: i64,
    /// The original, when it is stored.
    pub original: Option<StoryArticleJson>,
    /// The copies.
    pub copies: Vec<StoryArticleJson>,
}

/// A page of stories, the most recently active first.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryList {
    /// The stories.
    pub stories: Vec<StoryJson>,
    /// Where this page sits.
    #[serde(flatten)]
    pub page: Pagination,
}

/// One story with its articles, by copy group.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryDetail {
    /// The story.
    #[serde(flatten)]
    pub story: StoryJson,
    /// Its articles, by copy group, each group in order of arrival.
    pub articles: Vec<StoryArticleJson>,
    /// Its copy groups.
    pub copy_groups: Vec<CopyGroupJson>,
}

/// A story's events in date order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Timeline {
    /// The story's id.
    pub story: i64,
    /// Its headline.
    pub label: String,
    /// The entries, dated ones first in date order.
    pub entries: Vec<TimelineEntryJson>,
}

/// One event of a timeline, reported by one or more articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntryJson {
    /// The first day it happened (or is expected).
    pub start: Option<NaiveDate>,
    /// The last day.
    pub end: Option<NaiveDate>,
    /// Where the date comes from: `text`, `publication` or `undated`.
    pub dated_by: String,
    /// What kind of event: `consult`, `statement`, `agree`, `demand`, ...
    pub kind: String,
    /// `happened`, `expected` or `proposed`.
    pub modality: String,
    /// Who.
    pub actors: Vec<String>,
    /// To or with whom.
    pub targets: Vec<String>,
    /// Where.
    pub place: Option<String>,
    /// The words that date it, when the text does.
    pub when: Option<String>,
    /// The quote or clause that supports it.
    pub evidence: String,
    /// The article it was first read from.
    pub article: i64,
    /// Other articles that report it.
    pub also_in: Vec<i64>,
}

impl From<TimelineEntry> for TimelineEntryJson {
    fn from(entry: TimelineEntry) -> Self {
        TimelineEntryJson {
            start: entry.start,
            end: entry.end,
            dated_by: serde_name(&entry.dated_by),
            kind: serde_name(&entry.kind),
            modality: serde_name(&entry.modality),
            actors: entry.actors,
            targets: entry.targets,
            place: entry.place,
            when: entry.when,
            evidence: entry.evidence,
            article: entry.article,
            also_in: entry.also_in,
        }
    }
}

fn article_json(a: &StoryArticle) -> StoryArticleJson {
    StoryArticleJson {
        id: a.id,
        title: a.title.clone(),
        url: a.origin.clone(),
        outlet: outlet(a.site_name.as_deref(), &a.origin),
        copy_group: a.copy_group,
        original: a.is_original,
        seen_at: a.seen_at,
    }
}

pub(super) fn story_json(story: StorySummary, articles: &[StoryArticle]) -> StoryJson {
    let mut sources: Vec<String> = articles
        .iter()
        .map(|a| outlet(a.site_name.as_deref(), &a.origin))
        .collect();
    sources.sort();
    sources.dedup();
    StoryJson {
        url: format!("/stories/{}", story.id),
        id: story.id,
        label: story.label,
        first_seen: story.first_seen,
        last_seen: story.last_seen,
        article_count: story.article_count,
        source_count: sources.len(),
        sources,
    }
}

fn copy_groups(articles: &[StoryArticle]) -> Vec<CopyGroupJson> {
    tribune_store::copy_groups(articles)
        .into_iter()
        .map(|group| CopyGroupJson {
            id: group.id,
            original: group.original.map(article_json),
            copies: group.copies.into_iter().map(article_json).collect(),
        })
        .collect()
}

/// Stories, the most recently active first.
#[utoipa::path(
    get,
    path = "/api/v1/stories",
    tag = "stories",
    params(StoriesQuery),
    responses(
        (status = 200, description = "A page of stories", body = StoryList),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<StoriesQuery>,
) -> Result<Json<StoryList>, ApiError> {
    let page = PageRequest::new(query.limit, query.offset)?;
    let since = parse_since(query.since.as_deref(), Utc::now())?;
    let list = state
        .blocking(move |store| {
            let mut stories = store.stories_page(since, page.fetch(), page.offset)?;
            let page = page.finish(&mut stories);
            let mut listed = Vec::with_capacity(stories.len());
            for story in stories {
                let articles = store.story_articles(story.id)?;
                listed.push(story_json(story, &articles));
            }
            Ok(StoryList {
                stories: listed,
                page,
            })
        })
        .await?;
    Ok(Json(list))
}

/// One story with its articles and copy groups.
#[utoipa::path(
    get,
    path = "/api/v1/stories/{id}",
    tag = "stories",
    params(("id" = i64, Path, description = "The story's id")),
    responses(
        (status = 200, description = "The story", body = StoryDetail),
        (status = 400, description = "A malformed id", body = ErrorBody),
        (status = 404, description = "No such story", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<StoryDetail>, ApiError> {
    let found = state
        .blocking(move |store| {
            let Some(story) = store.story(id)? else {
                return Ok(None);
            };
            Ok(Some((story, store.story_articles(id)?)))
        })
        .await?;
    let (story, articles) = found.ok_or_else(|| no_story(id))?;
    Ok(Json(StoryDetail {
        articles: articles.iter().map(article_json).collect(),
        copy_groups: copy_groups(&articles),
        story: story_json(story, &articles),
    }))
}

/// A story's timeline: its articles' events, dated and merged.
#[utoipa::path(
    get,
    path = "/api/v1/stories/{id}/timeline",
    tag = "stories",
    params(("id" = i64, Path, description = "The story's id")),
    responses(
        (status = 200, description = "The timeline", body = Timeline),
        (status = 400, description = "A malformed id", body = ErrorBody),
        (status = 404, description = "No such story", body = ErrorBody),
    )
)]
pub async fn timeline_of(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Timeline>, ApiError> {
    let found = state
        .blocking(move |store| {
            let Some(story) = store.story(id)? else {
                return Ok(None);
            };
            let mut stored = Vec::new();
            for member in store.story_articles(id)? {
                stored.extend(store.article(member.id)?);
            }
            // Articles stored before the NLP stage existed are read now, on
            // the blocking pool with the rest: it is CPU work.
            let enrichments: Vec<tribune_nlp::Enrichment> = stored
                .iter()
                .map(|article| {
                    article
                        .enrichment
                        .clone()
                        .unwrap_or_else(|| tribune_nlp::enrich(&article.text, article.published))
                })
                .collect();
            let inputs: Vec<TimelineArticle<'_>> = stored
                .iter()
                .zip(&enrichments)
                .map(|(article, enrichment)| TimelineArticle {
                    id: article.id,
                    published: article.published,
                    text: &article.text,
                    enrichment,
                })
                .collect();
            Ok(Some(Timeline {
                story: story.id,
                label: story.label,
                entries: timeline(&inputs).into_iter().map(Into::into).collect(),
            }))
        })
        .await?;
    found.map(Json).ok_or_else(|| no_story(id))
}

fn no_story(id: i64) -> ApiError {
    ApiError::not_found(format!("no story {id}"))
}
