//! `/articles`: stored articles, filtered and paged, and one article with
//! its provenance, copy group, story and what the NLP stage read from it.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tribune_nlp::EnrichmentView;
use tribune_store::{ArticleFilter, StoredArticle};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::extract::{Path, Query};
use super::params::{PageRequest, Pagination, parse_since};
use super::serde_name;
use super::stories::outlet;
use crate::AppState;

/// The query of `GET /articles`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticlesQuery {
    /// Only articles taken from this polled source.
    source_id: Option<i64>,
    /// Only articles of this story.
    story_id: Option<i64>,
    /// Only articles that entered the news (unplaced ones: were fetched)
    /// since then: RFC 3339, a date or a span back from now (24h, 7d).
    since: Option<String>,
    /// Articles per page, 1 to 100 (default 20).
    limit: Option<usize>,
    /// Articles to skip.
    offset: Option<usize>,
}

/// The query of `GET /articles/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// `true`: read quotes, entities, times and events now if the article
    /// was stored without them; `false`: leave them out. Absent: the
    /// stored ones, if any.
    enrich: Option<bool>,
}

/// An article as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleJson {
    /// The store's id for it.
    pub id: i64,
    /// Its headline.
    pub title: Option<String>,
    /// Where it was read from: the source URL or, for local input, the
    /// file path.
    pub url: String,
    /// Its canonical URL, if the page gave one.
    pub canonical_url: Option<String>,
    /// The site's name, if the page gave one.
    pub site_name: Option<String>,
    /// The outlet: the site's name, else the host.
    pub outlet: String,
    /// Its authors.
    pub authors: Vec<String>,
    /// Its publication date, when known (never guessed).
    pub published: Option<NaiveDate>,
    /// Its language code.
    pub language: Option<String>,
    /// When it was fetched or read.
    pub fetched_at: DateTime<Utc>,
    /// The polled source it came from, if any.
    pub source_id: Option<i64>,
    /// Its story, once placed.
    pub story_id: Option<i64>,
    /// Its copy group, once placed.
    pub copy_group_id: Option<i64>,
}

/// A page of articles, the most recently stored first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    /// The articles.
    pub articles: Vec<ArticleJson>,
    /// Where this page sits.
    #[serde(flatten)]
    pub page: Pagination,
}

/// Republication and credits, as the article states them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvenanceJson {
    /// The outlet it says first published it.
    pub original_publisher: Option<String>,
    /// The original's headline, if given.
    pub original_title: Option<String>,
    /// Contributing reporters.
    pub contributors: Vec<String>,
    /// News agencies credited.
    pub agencies: Vec<String>,
    /// The outlet republishing it.
    pub republisher: Option<String>,
    /// The byline as written.
    pub byline: Option<String>,
}

/// One member of a copy group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMemberJson {
    /// The article's id.
    pub id: i64,
    /// Where it came from.
    pub url: String,
    /// Its outlet.
    pub outlet: String,
    /// Whether it is the group's original.
    pub original: bool,
}

/// The copy group an article belongs to: the same text elsewhere.
#[derive(Debug, Serialize, ToSchema)]
pub struct CopyGroupRef {
    /// The group's id.
    pub id: i64,
    /// The original's article id, when known.
    pub original_id: Option<i64>,
    /// Whether this article is the original.
    pub is_original: bool,
    /// Every member, this article included.
    pub members: Vec<GroupMemberJson>,
}

/// The story an article belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryRef {
    /// The story's id.
    pub id: i64,
    /// Its headline.
    pub label: String,
    /// Its page in the reader.
    pub url: String,
}

/// One article in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleDetail {
    /// What the listing shows.
    #[serde(flatten)]
    pub article: ArticleJson,
    /// The body, paragraphs separated by a blank line.
    pub text: String,
    /// Republication and credits.
    pub provenance: ProvenanceJson,
    /// Its copy group, once placed.
    pub copy_group: Option<CopyGroupRef>,
    /// Its story, once placed.
    pub story: Option<StoryRef>,
    /// Quotes, entities, times and events (see the `enrich` parameter).
    pub enrichment: Option<EnrichmentJson>,
}

/// What the NLP stage read from an article.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrichmentJson {
    /// Quotations.
    pub quotes: Vec<QuoteJson>,
    /// People, organisations, places and others.
    pub entities: Vec<EntityJson>,
    /// Time expressions, resolved against the publication date.
    pub times: Vec<TimeJson>,
    /// Who did what to whom, where and when.
    pub events: Vec<EventJson>,
}

/// A quotation.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteJson {
    /// `direct`, `mixed` or `indirect`.
    pub kind: String,
    /// What was said.
    pub text: String,
    /// The attributing verb.
    pub cue: Option<String>,
    /// The words that name the speaker.
    pub source: Option<String>,
    /// The speaker's name, when resolved.
    pub speaker: Option<String>,
    /// Byte offset of the quote in `text`.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
}

/// An entity.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityJson {
    /// Its fullest name.
    pub name: String,
    /// `person`, `organization`, `place`, ...
    pub kind: String,
    /// Roles and titles ("special envoy").
    pub roles: Vec<String>,
    /// The distinct words that mention it.
    pub mentions: Vec<String>,
}

/// A time expression.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimeJson {
    /// The words.
    pub text: String,
    /// Its TIMEX3 value, when resolved.
    pub value: Option<String>,
    /// How precise it is, when resolved.
    pub granularity: Option<String>,
    /// The first day it covers.
    pub start: Option<NaiveDate>,
    /// The last day it covers.
    pub end: Option<NaiveDate>,
}

/// An event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    /// `consult`, `statement`, `agree`, `demand`, `reject`, ...
    pub kind: String,
    /// `happened`, `expected` or `proposed`.
    pub modality: String,
    /// The word that names it.
    pub trigger: String,
    /// Who did it.
    pub actors: Vec<String>,
    /// To or with whom.
    pub targets: Vec<String>,
    /// Where.
    pub place: Option<String>,
    /// When, in the article's words.
    pub time: Option<String>,
    /// When, resolved: the first day.
    pub start: Option<NaiveDate>,
    /// When, resolved: the last day.
    pub end: Option<NaiveDate>,
    /// The sentence or quote it was read from.
    pub evidence: String,
}

impl From<EnrichmentView> for EnrichmentJson {
    fn from(view: EnrichmentView) -> Self {
        EnrichmentJson {
            quotes: view
                .quotes
                .into_iter()
                .map(|q| QuoteJson {
                    kind: serde_name(&q.kind),
                    text: q.text,
                    cue: q.cue,
                    source: q.source,
                    speaker: q.speaker,
                    start: q.start,
                    end: q.end,
                })
                .collect(),
            entities: view
                .entities
                .into_iter()
                .map(|e| EntityJson {
                    name: e.name,
                    kind: serde_name(&e.kind),
                    roles: e.roles,
                    mentions: e.mentions,
                })
                .collect(),
            times: view
                .times
                .into_iter()
                .map(|t| TimeJson {
                    text: t.text,
                    value: t.value,
                    granularity: t.granularity.as_ref().map(serde_name),
                    start: t.start,
                    end: t.end,
                })
                .collect(),
            events: view
                .events
                .into_iter()
                .map(|e| EventJson {
                    kind: serde_name(&e.kind),
                    modality: serde_name(&e.modality),
                    trigger: e.trigger,
                    actors: e.actors,
                    targets: e.targets,
                    place: e.place,
                    time: e.time,
                    start: e.start,
                    end: e.end,
                    evidence: e.evidence,
                })
                .collect(),
        }
    }
}

pub(super) fn article_json(a: &StoredArticle) -> ArticleJson {
    ArticleJson {
        id: a.id,
        title: a.title.clone(),
        url: a.origin.clone(),
        canonical_url: a.canonical_url.clone(),
        site_name: a.site_name.clone(),
        outlet: outlet(a.site_name.as_deref(), &a.origin),
        authors: a.authors.clone(),
        published: a.published,
        language: a.language.clone(),
        fetched_at: a.fetched_at,
        source_id: a.source_id,
        story_id: a.story_id,
        copy_group_id: a.copy_group_id,
    }
}

/// Stored articles, the most recently stored first.
#[utoipa::path(
    get,
    path = "/api/v1/articles",
    tag = "articles",
    params(ArticlesQuery),
    responses(
        (status = 200, description = "A page of articles", body = ArticleList),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<ArticlesQuery>,
) -> Result<Json<ArticleList>, ApiError> {
    let page = PageRequest::new(query.limit, query.offset)?;
    let filter = ArticleFilter {
        source_id: query.source_id,
        story_id: query.story_id,
        since: parse_since(query.since.as_deref(), Utc::now())?,
    };
    let mut articles = state
        .blocking(move |store| Ok(store.list_articles(&filter, page.fetch(), page.offset)?))
        .await?;
    let page = page.finish(&mut articles);
    Ok(Json(ArticleList {
        articles: articles.iter().map(article_json).collect(),
        page,
    }))
}

/// One article with its provenance, copy group, story and enrichment.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{id}",
    tag = "articles",
    params(("id" = i64, Path, description = "The article's id"), ArticleQuery),
    responses(
        (status = 200, description = "The article", body = ArticleDetail),
        (status = 400, description = "A bad parameter", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<ArticleQuery>,
) -> Result<Json<ArticleDetail>, ApiError> {
    let found = state
        .blocking(move |store| {
            let Some(article) = store.article(id)? else {
                return Ok(None);
            };
            let copy_group = match article.copy_group_id {
                Some(group) => {
                    let original_id = store.original_of(group)?;
                    let members = store
                        .copy_group(group)?
                        .into_iter()
                        .map(|m| GroupMemberJson {
                            outlet: outlet(m.site_name.as_deref(), &m.origin),
                            original: Some(m.id) == original_id,
                            id: m.id,
                            url: m.origin,
                        })
                        .collect();
                    Some(CopyGroupRef {
                        id: group,
                        original_id,
                        is_original: original_id == Some(article.id),
                        members,
                    })
                }
                None => None,
            };
            let story = match article.story_id {
                Some(story) => store.story(story)?.map(|s| StoryRef {
                    url: format!("/stories/{}", s.id),
                    id: s.id,
                    label: s.label,
                }),
                None => None,
            };
            let enrichment = match (query.enrich, &article.enrichment) {
                (Some(false), _) => None,
                (_, Some(stored)) => Some(stored.view(&article.text).into()),
                // Reading an article is CPU work: only when asked for.
                (Some(true), None) => Some(
                    tribune_nlp::enrich(&article.text, article.published)
                        .view(&article.text)
                        .into(),
                ),
                (None, None) => None,
            };
            Ok(Some(ArticleDetail {
                article: article_json(&article),
                provenance: ProvenanceJson {
                    original_publisher: article.provenance.original_publisher,
                    original_title: article.provenance.original_title,
                    contributors: article.provenance.contributors,
                    agencies: article.provenance.agencies,
                    republisher: article.provenance.republisher,
                    byline: article.provenance.byline,
                },
                text: article.text,
                copy_group,
                story,
                enrichment,
            }))
        })
        .await?;
    found
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no article {id}")))
}
