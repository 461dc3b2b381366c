//! The REST API under `/api/v1`: stories, articles, search and sources as
//! JSON, described by an OpenAPI 3 document at `/api/v1/openapi.json`.
//!
//! Every failure, whether a handler's, a rejected parameter, an unknown
//! route or a wrong method, answers with one body:
//! `{"error": {"status": 404, "code": "not_found", "message": "..."}}`.
//! Listings take `limit` (1 to 100, default 20) and `offset`, and say
//! where the next page starts (`next_offset`, absent on the last page).
//! The shapes follow the CLI's `--format json` output.
//!
//! Reading is open to all. `/me` is the signed-in user's own state (see
//! [`me`]); once the instance has accounts, adding a source needs a
//! signed-in user and removing one an admin.

mod articles;
mod error;
mod extract;
pub mod me;
mod params;
mod search;
mod sources;
mod stories;

#[cfg(test)]
mod tests;

use axum::Json;
use axum::Router;
use axum::routing::get;
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use error::{ApiError, ErrorBody, ErrorDetail};

use crate::AppState;

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tribune API",
        description = "Stories, articles, search and sources of a Tribune news desk.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        stories::list,
        stories::show,
        stories::timeline_of,
        articles::list,
        articles::show,
        search::search,
        sources::list,
        sources::show,
        sources::add,
        sources::remove,
        me::me,
        me::follows::list,
        me::follows::add,
        me::follows::remove,
        me::searches::list,
        me::searches::add,
        me::searches::show,
        me::searches::remove,
        me::articles::stream,
        me::articles::state,
        me::articles::mark,
        me::articles::front,
        me::tokens::list,
        me::tokens::add,
        me::tokens::revoke,
        openapi,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags(
        (name = "stories", description = "Stories: articles about one event, with their copies"),
        (name = "articles", description = "Stored articles"),
        (name = "search", description = "Full-text search"),
        (name = "sources", description = "The feeds and pages Tribune polls"),
        (name = "me", description = "The signed-in user's follows, saved searches, marks, front page and API tokens"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the `/me` endpoints name: an API token
/// made on the account page or through `POST /api/v1/me/tokens`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The routes of the API, to be nested under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stories", get(stories::list))
        .route("/stories/{id}", get(stories::show))
        .route("/stories/{id}/timeline", get(stories::timeline_of))
        .route("/articles", get(articles::list))
        .route("/articles/{id}", get(articles::show))
        .route("/search", get(search::search))
        .route("/sources", get(sources::list).post(sources::add))
        .route("/sources/{id}", get(sources::show).delete(sources::remove))
        .merge(me::routes())
        .route("/openapi.json", get(openapi))
        .fallback(error::unknown_route)
        .layer(axum::middleware::map_response(error::json_errors))
}

/// This API's OpenAPI 3 document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The name serde gives an enum value (`"statement"`, `"happened"`): the
/// NLP types' own spelling, so the API says what the CLI's JSON says.
fn serde_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
