//! `/me/articles` and `/me/front`: the user's stream of articles with
//! their read and starred marks, changing the marks, and the personal
//! front page of stories.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tribune_store::{StateChange, StreamQuery};
use utoipa::{IntoParams, ToSchema};

use super::super::articles::{ArticleJson, article_json};
use super::super::error::{ApiError, ErrorBody};
use super::super::extract::{Json, Path, Query};
use super::super::params::{MAX_LIMIT, PageRequest, Pagination};
use super::super::stories::{StoryJson, story_json};
use super::ApiUser;
use crate::AppState;

/// The query of `GET /me/articles`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamParams {
    /// `true`: only articles the user has not read.
    unread: Option<bool>,
    /// `true`: only articles the user starred.
    starred: Option<bool>,
    /// `true`: every article, not only those of followed sources.
    all: Option<bool>,
    /// Only articles of this source (followed or not).
    source_id: Option<i64>,
    /// Continue after this article id (the `next_after` of the last page).
    after: Option<i64>,
    /// `true`: oldest first.
    oldest_first: Option<bool>,
    /// Articles per page, 1 to 100 (default 20).
    limit: Option<usize>,
}

/// An article with the user's marks.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamArticleJson {
    /// The article.
    #[serde(flatten)]
    pub article: ArticleJson,
    /// Read by the user.
    pub read: bool,
    /// Starred by the user.
    pub starred: bool,
}

/// A page of the user's stream, newest first unless asked otherwise.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamPage {
    /// The articles.
    pub articles: Vec<StreamArticleJson>,
    /// The `after` of the next page; absent on the last page.
    pub next_after: Option<i64>,
}

/// The user's marks on one article.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleStateJson {
    /// The article.
    pub article_id: i64,
    /// Read.
    pub read: bool,
    /// Starred.
    pub starred: bool,
}

/// The body of `PUT /me/articles/{id}/state`: the marks to set; one left
/// out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkBody {
    /// Set or clear "read".
    pub read: Option<bool>,
    /// Set or clear "starred".
    pub starred: Option<bool>,
}

/// The user's articles: those of the sources they follow (or all), with
/// their marks.
#[utoipa::path(
    get,
    path = "/api/v1/me/articles",
    tag = "me",
    security(("bearer" = [])),
    params(StreamParams),
    responses(
        (status = 200, description = "A page of articles", body = StreamPage),
        (status = 400, description = "A bad parameter", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn stream(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(params): Query<StreamParams>,
) -> Result<axum::Json<StreamPage>, ApiError> {
    let page = PageRequest::new(params.limit, None)?;
    let query = StreamQuery {
        followed_sources_only: !params.all.unwrap_or(false),
        source_id: params.source_id,
        unread_only: params.unread.unwrap_or(false),
        starred_only: params.starred.unwrap_or(false),
        after: params.after,
        oldest_first: params.oldest_first.unwrap_or(false),
        limit: page.fetch(),
        ..StreamQuery::default()
    };
    let id = user.user.id;
    let mut rows = state
        .blocking(move |store| Ok(store.subscriptions().stream(id, &query)?))
        .await?;
    let more = rows.len() > page.limit;
    rows.truncate(page.limit);
    let next_after = if more {
        rows.last().map(|row| row.article.id)
    } else {
        None
    };
    Ok(axum::Json(StreamPage {
        articles: rows
            .iter()
            .map(|row| StreamArticleJson {
                article: article_json(&row.article),
                read: row.state.read,
                starred: row.state.starred,
            })
            .collect(),
        next_after,
    }))
}

/// The user's marks on an article (never another user's).
#[utoipa::path(
    get,
    path = "/api/v1/me/articles/{id}/state",
    tag = "me",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The article's id")),
    responses(
        (status = 200, description = "The marks", body = ArticleStateJson),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
pub async fn state(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(article): Path<i64>,
) -> Result<axum::Json<ArticleStateJson>, ApiError> {
    let id = user.user.id;
    let marks = state
        .blocking(move |store| {
            if store.article(article)?.is_none() {
                return Ok(None);
            }
            Ok(store
                .subscriptions()
                .states(id, &[article])?
                .remove(&article))
        })
        .await?;
    match marks {
        Some(marks) => Ok(axum::Json(ArticleStateJson {
            article_id: article,
            read: marks.read,
            starred: marks.starred,
        })),
        None => Err(no_article(article)),
    }
}

fn no_article(id: i64) -> ApiError {
    ApiError::not_found(format!("no article {id}"))
}

/// Sets or clears the user's read and starred marks on an article.
#[utoipa::path(
    put,
    path = "/api/v1/me/articles/{id}/state",
    tag = "me",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The article's id")),
    request_body = MarkBody,
    responses(
        (status = 200, description = "The marks now", body = ArticleStateJson),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
pub async fn mark(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(article): Path<i64>,
    Json(body): Json<MarkBody>,
) -> Result<axum::Json<ArticleStateJson>, ApiError> {
    let id = user.user.id;
    let change = StateChange {
        read: body.read,
        starred: body.starred,
    };
    let marks = state
        .blocking(move |store| {
            let subscriptions = store.subscriptions();
            if subscriptions.mark(id, &[article], change)? == 0 {
                return Ok(None);
            }
            Ok(subscriptions.states(id, &[article])?.remove(&article))
        })
        .await?;
    match marks {
        Some(marks) => Ok(axum::Json(ArticleStateJson {
            article_id: article,
            read: marks.read,
            starred: marks.starred,
        })),
        None => Err(no_article(article)),
    }
}

/// The query of `GET /me/front`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FrontParams {
    /// Stories per page, 1 to 100 (default 20).
    limit: Option<usize>,
    /// Stories to skip.
    offset: Option<usize>,
}

/// The user's front page.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrontPage {
    /// The stories.
    pub stories: Vec<StoryJson>,
    /// Where this page sits.
    #[serde(flatten)]
    pub page: Pagination,
}

/// The user's front page: stories holding an article of a followed source,
/// or followed outright, the most recently active first.
#[utoipa::path(
    get,
    path = "/api/v1/me/front",
    tag = "me",
    security(("bearer" = [])),
    params(FrontParams),
    responses(
        (status = 200, description = "A page of stories", body = FrontPage),
        (status = 400, description = "A bad parameter", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn front(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(params): Query<FrontParams>,
) -> Result<axum::Json<FrontPage>, ApiError> {
    let page = PageRequest::new(params.limit, params.offset)?;
    // Deep offsets are cut: a front page is read from the top.
    let offset = page.offset.min(MAX_LIMIT * 100);
    let id = user.user.id;
    let front = state
        .blocking(move |store| {
            let mut stories = store
                .subscriptions()
                .personal_stories(id, page.fetch(), offset)?;
            let page = page.finish(&mut stories);
            let ids: Vec<i64> = stories.iter().map(|s| s.id).collect();
            let mut articles = store.stories_articles(&ids)?;
            let stories = stories
                .into_iter()
                .map(|story| {
                    let members = articles.remove(&story.id).unwrap_or_default();
                    story_json(story, &members)
                })
                .collect();
            Ok(FrontPage { stories, page })
        })
        .await?;
    Ok(axum::Json(front))
}
