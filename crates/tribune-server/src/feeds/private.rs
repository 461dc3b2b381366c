//! Private outgoing feeds: a user's personal front page and saved searches,
//! for feed readers that cannot sign in.
//!
//! The URL itself is the credential: `/feeds/private/{feed_token}/…`, the
//! token being the user's random feed secret. Anything that does not open
//! a feed (an unknown token, another user's saved search, a malformed id)
//! answers the same 404, so the routes tell nothing about which tokens or
//! searches exist. Answers are marked `private` so shared caches do not
//! keep one user's feed.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use tribune_store::User;

use super::{FeedQuery, FeedRequest, Format, build};
use crate::{AppState, Error};

/// A feed token is 64 hex digits; anything much longer is not worth a
/// store lookup.
const MAX_TOKEN_LEN: usize = 128;

/// The private feeds' routes.
pub(super) fn routes() -> Router<AppState> {
    let mut router = Router::new().route(
        "/feeds/private/{token}/searches/{file}",
        get(|State(state), Path((token, file)), request, Query(query)| {
            saved_search(state, request, token, file, query)
        }),
    );
    for format in Format::ALL {
        let ext = format.extension();
        router = router.route(
            &format!("/feeds/private/{{token}}/front.{ext}"),
            get(move |State(state), Path(token), request, Query(query)| {
                front_page(state, request, token, query, format)
            }),
        );
    }
    router
}

async fn front_page(
    state: AppState,
    request: FeedRequest,
    token: String,
    query: FeedQuery,
    format: Format,
) -> Result<Response, Error> {
    let user = owner(&state, token).await?;
    let base = request.base.clone();
    let feed = state
        .blocking(move |store| build::personal_front_page(store, &base, &user, query.limit()))
        .await?;
    request.private().answer(feed, format)
}

/// `/feeds/private/{token}/searches/{id}.{ext}`: the file name carries both
/// the search and the format, so it is read here rather than by the router.
async fn saved_search(
    state: AppState,
    request: FeedRequest,
    token: String,
    file: String,
    query: FeedQuery,
) -> Result<Response, Error> {
    let (id, format) = parse_file(&file).ok_or_else(not_found)?;
    let user = owner(&state, token).await?;
    let base = request.base.clone();
    let feed = state
        .blocking(move |store| {
            let saved = store
                .subscriptions()
                .saved_search(user.id, id)?
                .ok_or_else(not_found)?;
            build::saved_search(store, &base, &saved, query.limit())
        })
        .await?;
    request.private().answer(feed, format)
}

/// The user whose feeds `token` opens.
async fn owner(state: &AppState, token: String) -> Result<User, Error> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(not_found());
    }
    let user = state
        .blocking(move |store| Ok(store.accounts().user_by_feed_token(&token)?))
        .await?;
    if user.is_none() {
        tracing::debug!("a private feed was asked for with an unknown token");
    }
    user.ok_or_else(not_found)
}

/// `12.atom` → (12, Atom).
fn parse_file(file: &str) -> Option<(i64, Format)> {
    let (id, ext) = file.rsplit_once('.')?;
    let format = Format::ALL.into_iter().find(|f| f.extension() == ext)?;
    let id = id.parse().ok().filter(|id: &i64| *id > 0)?;
    Some((id, format))
}

fn not_found() -> Error {
    Error::NotFound("No such feed.".into())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::header::CACHE_CONTROL;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;
    use tribune_ingest::fetch::{FetchConfig, Fetcher};
    use tribune_model::Article;
    use tribune_store::{
        Follow, NewArticle, NewSource, NewUser, Placement, SqliteStore, Store, StoryChoice,
    };

    use super::*;

    #[test]
    fn file_names_give_the_search_and_the_format() {
        assert_eq!(parse_file("12.atom"), Some((12, Format::Atom)));
        assert_eq!(parse_file("3.rss"), Some((3, Format::Rss)));
        assert_eq!(parse_file("3.json"), Some((3, Format::Json)));
        for bad in ["3", "3.xml", "x.rss", "-1.rss", "0.rss", ".rss", "1.2.rss"] {
            assert_eq!(parse_file(bad), None, "{bad}");
        }
    }

    struct Fixture {
        app: Router,
        ann: User,
        ann_search: i64,
        bob_search: i64,
    }

    fn fixture() -> Fixture {
        let store = Arc::new(SqliteStore::open_in_memory().expect("a store"));
        let user = |name: &str| {
            store
                .accounts()
                .create_user(&NewUser {
                    name,
                    password_hash: "not checked here",
                    is_admin: false,
                    feed_token: &crate::secrets::new_secret(),
                    invite_hash: None,
                })
                .expect("stored")
                .expect("not refused")
        };
        let (ann, bob) = (user("ann"), user("bob"));
        let (source, _) = store
            .add_source(&NewSource {
                url: "https://agency.example/feed".into(),
                ..NewSource::default()
            })
            .expect("a source");
        let article = Article {
            title: Some("Storm <b>hits</b> coast & more".into()),
            text: "A storm hit the coast on Monday.".into(),
            canonical_url: Some("https://agency.example/storm".into()),
            ..Article::default()
        };
        let put = NewArticle::new(&article, "https://agency.example/storm")
            .from_source(source.id)
            .placed(Placement {
                fingerprint: &[],
                copy_of: &[],
                story: StoryChoice::Start {
                    label: "Storm hits coast",
                },
                seen_at: chrono::Utc::now(),
            });
        store.put_article(&put).expect("stored");
        store.flush().expect("flushed");
        let subscriptions = store.subscriptions();
        subscriptions
            .follow(ann.id, &Follow::Source(source.id))
            .expect("followed");
        let ann_search = subscriptions
            .save_search(ann.id, "Storms", "storm")
            .expect("saved")
            .id;
        let bob_search = subscriptions
            .save_search(bob.id, "Bob's storms", "storm")
            .expect("saved")
            .id;
        let fetcher = Fetcher::new(&FetchConfig::default()).expect("a fetcher");
        let app = super::super::routes().with_state(AppState::new(store, fetcher));
        Fixture {
            app,
            ann,
            ann_search,
            bob_search,
        }
    }

    async fn get(app: &Router, uri: &str) -> (StatusCode, Option<String>, Vec<u8>) {
        let request = Request::get(uri)
            .header("host", "news.example.org")
            .body(Body::empty())
            .expect("a request");
        let response = app.clone().oneshot(request).await.expect("an answer");
        let status = response.status();
        let cache = response
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body")
            .to_vec();
        (status, cache, body)
    }

    #[tokio::test]
    async fn a_users_front_page_and_searches_are_feeds_behind_their_token() {
        let f = fixture();
        let token = &f.ann.feed_token;
        for format in Format::ALL {
            let ext = format.extension();
            for path in [
                format!("/feeds/private/{token}/front.{ext}"),
                format!("/feeds/private/{token}/searches/{}.{ext}", f.ann_search),
            ] {
                let (status, cache, body) = get(&f.app, &path).await;
                assert_eq!(status, StatusCode::OK, "{path}");
                assert_eq!(cache.as_deref(), Some("private, max-age=300"), "{path}");
                let feed = feed_rs::parser::parse(body.as_slice())
                    .unwrap_or_else(|err| panic!("{path}: {err}"));
                assert_eq!(feed.entries.len(), 1, "{path}");
                let title = feed.title.map(|t| t.content).unwrap_or_default();
                assert!(
                    title == "Tribune: ann's front page" || title == "Tribune: Storms",
                    "{path}: {title}"
                );
            }
        }
    }

    #[tokio::test]
    async fn wrong_tokens_and_other_users_searches_are_not_found() {
        let f = fixture();
        let token = &f.ann.feed_token;
        for path in [
            "/feeds/private/nope/front.rss".to_string(),
            format!("/feeds/private/{}/front.rss", "a".repeat(500)),
            format!("/feeds/private/{token}/searches/{}.rss", f.bob_search),
            format!("/feeds/private/{token}/searches/999.atom"),
            format!("/feeds/private/{token}/searches/{}.xml", f.ann_search),
            format!("/feeds/private/nope/searches/{}.json", f.ann_search),
        ] {
            let (status, _, _) = get(&f.app, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
    }
}
