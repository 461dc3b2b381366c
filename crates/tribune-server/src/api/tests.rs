//! The API end to end, over an in-memory store.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use tower::ServiceExt;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_model::{Article, Provenance};
use tribune_store::{NewArticle, NewSource, Placement, SqliteStore, Store, StoryChoice};

use crate::AppState;

fn at(hour: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2025, 3, 16)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .map(|t| t.and_utc())
        .unwrap()
}

fn article(title: &str, text: &str, site: Option<&str>) -> Article {
    Article {
        title: Some(title.to_string()),
        text: text.to_string(),
        authors: vec!["Jane Doe".into()],
        published: NaiveDate::from_ymd_opt(2025, 3, 16),
        site_name: site.map(str::to_string),
        language: Some("en".into()),
        provenance: Provenance {
            original_publisher: Some("Wire Agency".into()),
            ..Provenance::default()
        },
        ..Article::default()
    }
}

/// What the fixture stored.
struct Fixture {
    store: Arc<SqliteStore>,
    source: i64,
    /// The wire story's original, its copy, and the other story's article.
    original: i64,
    copy: i64,
    other: i64,
    /// An article never placed in a story.
    loose: i64,
    wire_story: i64,
    other_story: i64,
}

fn fixture() -> Fixture {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let (source, _) = store
        .add_source(&NewSource {
            url: "https://wire.example/rss".into(),
            title: Some("Wire".into()),
            ..NewSource::default()
        })
        .unwrap();
    let put = |a: &Article, origin: &str, copy_of: &[i64], story: StoryChoice<'_>, hour: u32| {
        store
            .put_article(
                &NewArticle::new(a, origin)
                    .from_source(source.id)
                    .placed(Placement {
                        fingerprint: &[1],
                        copy_of,
                        story,
                        seen_at: at(hour),
                    }),
            )
            .unwrap()
            .id()
    };
    let storm = "Foreign Minister Anna Berg met special envoy John Smith in Paris on Monday.\n\n\
                 \"We will rebuild the harbour after the storm,\" Berg said.";
    let original = put(
        &article("Storm hits coast", storm, Some("Wire Agency")),
        "https://wire.example/storm",
        &[],
        StoryChoice::Start {
            label: "Storm hits coast",
        },
        8,
    );
    let copy = put(
        &article("Storm hits the coast", &format!("{storm} More."), None),
        "https://www.daily.example/news/storm",
        &[original],
        StoryChoice::Start { label: "ignored" },
        9,
    );
    let other = put(
        &article(
            "Council votes on budget",
            "The council voted on the budget.",
            None,
        ),
        "https://city.example/council",
        &[],
        StoryChoice::Start {
            label: "Council votes on budget",
        },
        10,
    );
    let loose_article = article("Unplaced note", "A note about the harbour.", None);
    let loose = store
        .put_article(&NewArticle::new(&loose_article, "notes/harbour.txt"))
        .unwrap()
        .id();
    store.flush().unwrap();
    let wire_story = store.article(original).unwrap().unwrap().story_id.unwrap();
    let other_story = store.article(other).unwrap().unwrap().story_id.unwrap();
    Fixture {
        store,
        source: source.id,
        original,
        copy,
        other,
        loose,
        wire_story,
        other_story,
    }
}

fn app_with(store: Arc<SqliteStore>, config: &FetchConfig) -> Router {
    let state = AppState::new(store, Fetcher::new(config).unwrap());
    Router::new()
        .nest("/api/v1", super::routes())
        .with_state(state)
}

fn app(fixture: &Fixture) -> Router {
    app_with(Arc::clone(&fixture.store), &FetchConfig::default())
}

async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    body: Option<&str>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let request = request
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes))
        })
    };
    (status, headers, json)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, _, json) = send(app, Method::GET, uri, None).await;
    (status, json)
}

/// Asserts the one error body, with its status and code.
fn assert_error(json: &Value, status: StatusCode, code: &str) {
    assert_eq!(json["error"]["status"], status.as_u16(), "{json}");
    assert_eq!(json["error"]["code"], code, "{json}");
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{json}"
    );
}

fn ids(json: &Value, key: &str) -> Vec<i64> {
    json[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {json}"))
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn stories_are_listed_most_recent_first_in_pages() {
    let f = fixture();
    let app = app(&f);
    let (status, json) = get(&app, "/api/v1/stories").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&json, "stories"), [f.other_story, f.wire_story]);
    assert_eq!(json["limit"], 20);
    assert_eq!(json["next_offset"], Value::Null);
    let wire = &json["stories"][1];
    assert_eq!(wire["label"], "Storm hits coast");
    assert_eq!(wire["article_count"], 2);
    assert_eq!(wire["source_count"], 2);
    assert_eq!(
        wire["sources"],
        serde_json::json!(["Wire Agency", "daily.example"])
    );
    assert_eq!(wire["url"], format!("/stories/{}", f.wire_story));
    assert_eq!(wire["first_seen"], "2025-03-16T08:00:00Z");
    assert_eq!(wire["last_seen"], "2025-03-16T09:00:00Z");

    let (_, first) = get(&app, "/api/v1/stories?limit=1").await;
    assert_eq!(ids(&first, "stories"), [f.other_story]);
    assert_eq!(first["next_offset"], 1);
    let (_, second) = get(&app, "/api/v1/stories?limit=1&offset=1").await;
    assert_eq!(ids(&second, "stories"), [f.wire_story]);
    assert_eq!(second["next_offset"], Value::Null);

    let (_, since) = get(&app, "/api/v1/stories?since=2025-03-16T09:30:00Z").await;
    assert_eq!(ids(&since, "stories"), [f.other_story]);
    let (_, later) = get(&app, "/api/v1/stories?since=2025-03-17").await;
    assert!(ids(&later, "stories").is_empty());
    // Spans count back from now, long after the fixture's news.
    let (status, recent) = get(&app, "/api/v1/stories?since=24h").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids(&recent, "stories").is_empty());
}

#[tokio::test]
async fn a_story_shows_its_copy_groups_and_timeline() {
    let f = fixture();
    let app = app(&f);
    let (status, json) = get(&app, &format!("/api/v1/stories/{}", f.wire_story)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["id"], f.wire_story);
    assert_eq!(json["label"], "Storm hits coast");
    assert_eq!(ids(&json, "articles"), [f.original, f.copy]);
    let groups = json["copy_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["original"]["id"], f.original);
    assert_eq!(groups[0]["original"]["outlet"], "Wire Agency");
    assert_eq!(groups[0]["copies"][0]["id"], f.copy);
    assert_eq!(groups[0]["copies"][0]["outlet"], "daily.example");
    assert_eq!(groups[0]["copies"][0]["original"], false);

    let (status, timeline) = get(&app, &format!("/api/v1/stories/{}/timeline", f.wire_story)).await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    assert_eq!(timeline["story"], f.wire_story);
    let entries = timeline["entries"].as_array().unwrap();
    assert!(!entries.is_empty(), "{timeline}");
    // The copy reports the same events: merged, not repeated.
    assert!(
        entries
            .iter()
            .all(|e| e["article"] == f.original && e["also_in"] == serde_json::json!([f.copy])),
        "{timeline}"
    );
    assert!(
        entries
            .iter()
            .all(|e| e["kind"].is_string() && e["dated_by"].is_string())
    );
}

#[tokio::test]
async fn missing_and_malformed_ids_are_json_errors() {
    let f = fixture();
    let app = app(&f);
    for uri in [
        "/api/v1/stories/9999",
        "/api/v1/stories/9999/timeline",
        "/api/v1/articles/9999",
        "/api/v1/sources/9999",
    ] {
        let (status, json) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_error(&json, StatusCode::NOT_FOUND, "not_found");
    }
    let (_, json) = get(&app, "/api/v1/stories/9999").await;
    assert_eq!(json["error"]["message"], "no story 9999");
    for uri in [
        "/api/v1/stories/abc",
        "/api/v1/articles/1.5",
        "/api/v1/sources/x",
    ] {
        let (status, json) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_error(&json, StatusCode::BAD_REQUEST, "bad_request");
    }
}

#[tokio::test]
async fn bad_query_parameters_are_json_400s() {
    let f = fixture();
    let app = app(&f);
    for uri in [
        "/api/v1/stories?limit=0",
        "/api/v1/stories?limit=101",
        "/api/v1/stories?limit=ten",
        "/api/v1/stories?offset=-1",
        "/api/v1/stories?since=yesterday",
        "/api/v1/articles?source_id=abc",
        "/api/v1/articles?since=3x",
        "/api/v1/articles/1?enrich=maybe",
        "/api/v1/search",
        "/api/v1/search?q=%20",
        "/api/v1/search?q=storm&offset=5000",
        "/api/v1/sources?limit=1000",
    ] {
        let (status, json) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {json}");
        assert_error(&json, StatusCode::BAD_REQUEST, "bad_request");
    }
}

#[tokio::test]
async fn articles_filter_by_source_story_and_time_in_pages() {
    let f = fixture();
    let app = app(&f);
    let (status, all) = get(&app, "/api/v1/articles").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ids(&all, "articles"),
        [f.loose, f.other, f.copy, f.original]
    );
    assert_eq!(all["articles"][3]["outlet"], "Wire Agency");
    assert_eq!(all["articles"][3]["published"], "2025-03-16");
    assert_eq!(all["articles"][0]["outlet"], "local file");
    assert!(
        all["articles"][0].get("text").is_none(),
        "listings leave text out"
    );

    let (_, page) = get(&app, "/api/v1/articles?limit=2&offset=1").await;
    assert_eq!(ids(&page, "articles"), [f.other, f.copy]);
    assert_eq!(page["next_offset"], 3);
    let (_, last) = get(&app, "/api/v1/articles?limit=2&offset=2").await;
    assert_eq!(last["next_offset"], Value::Null);

    let (_, from_source) = get(&app, &format!("/api/v1/articles?source_id={}", f.source)).await;
    assert_eq!(ids(&from_source, "articles"), [f.other, f.copy, f.original]);
    let (_, of_story) = get(&app, &format!("/api/v1/articles?story_id={}", f.wire_story)).await;
    assert_eq!(ids(&of_story, "articles"), [f.copy, f.original]);
    let (_, both) = get(
        &app,
        &format!(
            "/api/v1/articles?story_id={}&source_id={}&since=2025-03-16T08:30:00Z",
            f.wire_story, f.source
        ),
    )
    .await;
    assert_eq!(ids(&both, "articles"), [f.copy]);
}

#[tokio::test]
async fn an_article_shows_provenance_group_story_and_enrichment() {
    let f = fixture();
    let app = app(&f);
    let (status, json) = get(&app, &format!("/api/v1/articles/{}", f.copy)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["id"], f.copy);
    assert_eq!(json["title"], "Storm hits the coast");
    assert_eq!(json["url"], "https://www.daily.example/news/storm");
    assert!(
        json["text"]
            .as_str()
            .unwrap()
            .starts_with("Foreign Minister Anna Berg met")
    );
    assert_eq!(json["authors"], serde_json::json!(["Jane Doe"]));
    assert_eq!(json["language"], "en");
    assert_eq!(json["provenance"]["original_publisher"], "Wire Agency");
    assert_eq!(json["copy_group"]["original_id"], f.original);
    assert_eq!(json["copy_group"]["is_original"], false);
    assert_eq!(ids(&json["copy_group"], "members"), [f.original, f.copy]);
    assert_eq!(json["story"]["id"], f.wire_story);
    assert_eq!(json["story"]["url"], format!("/stories/{}", f.wire_story));
    // Stored without enrichment: none unless asked for.
    assert_eq!(json["enrichment"], Value::Null);

    let (_, enriched) = get(&app, &format!("/api/v1/articles/{}?enrich=true", f.copy)).await;
    let enrichment = &enriched["enrichment"];
    for key in ["quotes", "entities", "times", "events"] {
        assert!(enrichment[key].is_array(), "{key}: {enrichment}");
    }
    let quotes = enrichment["quotes"].as_array().unwrap();
    assert!(
        quotes.iter().any(|q| q["text"]
            .as_str()
            .is_some_and(|t| t.contains("rebuild the harbour"))),
        "{enrichment}"
    );
    assert!(
        enrichment["times"]
            .as_array()
            .is_some_and(|t| !t.is_empty()),
        "{enrichment}"
    );

    let (_, loose) = get(&app, &format!("/api/v1/articles/{}?enrich=false", f.loose)).await;
    assert_eq!(loose["story"], Value::Null);
    assert_eq!(loose["copy_group"], Value::Null);
    assert_eq!(loose["enrichment"], Value::Null);
}

#[tokio::test]
async fn search_ranks_hits_in_pages() {
    let f = fixture();
    let app = app(&f);
    let (status, json) = get(&app, "/api/v1/search?q=storm").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["query"], "storm");
    let mut found = ids(&json, "hits");
    found.sort_unstable();
    assert_eq!(found, [f.original, f.copy]);
    let hit = &json["hits"][0];
    assert_eq!(hit["date"], "2025-03-16");
    assert!(
        hit["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    assert!(hit["snippet"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(hit["score"].as_f64().is_some_and(|s| s > 0.0));

    let (_, first) = get(&app, "/api/v1/search?q=storm&limit=1").await;
    let (_, second) = get(&app, "/api/v1/search?q=storm&limit=1&offset=1").await;
    assert_eq!(first["next_offset"], 1);
    assert_eq!(second["next_offset"], Value::Null);
    let mut paged = [ids(&first, "hits"), ids(&second, "hits")].concat();
    paged.sort_unstable();
    assert_eq!(paged, found);

    let (status, none) = get(&app, "/api/v1/search?q=volcano").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids(&none, "hits").is_empty());
}

#[tokio::test]
async fn sources_are_listed_added_and_removed() {
    let f = fixture();
    let app = app(&f);
    let (status, json) = get(&app, "/api/v1/sources").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&json, "sources"), [f.source]);
    assert_eq!(json["sources"][0]["status"], "new");
    assert_eq!(json["sources"][0]["articles"], 3);

    // Added as given: no fetch.
    let body = r#"{"url": "https://News.Example/rss#top", "title": "News", "discover": false}"#;
    let (status, headers, added) = send(&app, Method::POST, "/api/v1/sources", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["url"], "https://news.example/rss");
    assert_eq!(added["title"], "News");
    let id = added["id"].as_i64().unwrap();
    assert_eq!(
        headers.get(header::LOCATION).and_then(|v| v.to_str().ok()),
        Some(format!("/api/v1/sources/{id}").as_str())
    );
    // The same feed written another way is the same source.
    let again = r#"{"url": "https://news.example:443/rss"}"#;
    let (status, _, existing) = send(&app, Method::POST, "/api/v1/sources", Some(again)).await;
    assert_eq!(status, StatusCode::OK, "{existing}");
    assert_eq!(existing["id"], id);

    let (_, listed) = get(&app, "/api/v1/sources?limit=1&offset=1").await;
    assert_eq!(ids(&listed, "sources"), [id]);
    let (_, shown) = get(&app, &format!("/api/v1/sources/{id}")).await;
    assert_eq!(shown["url"], "https://news.example/rss");

    let uri = format!("/api/v1/sources/{id}");
    let (status, _, body) = send(&app, Method::DELETE, &uri, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(body, Value::Null);
    let (status, _, body) = send(&app, Method::DELETE, &uri, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn adding_a_source_validates_the_url_and_the_body() {
    let f = fixture();
    let app = app(&f);
    let post = |body: &'static str| {
        let app = app.clone();
        async move { send(&app, Method::POST, "/api/v1/sources", Some(body)).await }
    };
    for body in [
        r#"{"url": "not a url"}"#,
        r#"{"url": "ftp://files.example/feed"}"#,
        r#"{"url": "https://"}"#,
    ] {
        let (status, _, json) = post(body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {json}");
        assert_error(&json, StatusCode::BAD_REQUEST, "invalid_url");
    }
    // The fetch guard: nothing inside the network is fetched.
    for body in [
        r#"{"url": "http://127.0.0.1:9/feed"}"#,
        r#"{"url": "http://[::1]/feed"}"#,
        r#"{"url": "http://10.1.2.3/feed"}"#,
    ] {
        let (status, _, json) = post(body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {json}");
        assert_error(&json, StatusCode::BAD_REQUEST, "refused_address");
    }
    let (status, _, json) = post(r#"{"title": "no url"}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(
        &json,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable_entity",
    );
    let (status, _, json) = post(r#"{"url": "https://a.example/rss", "colour": 1}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    let (status, _, json) = post("{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&json, StatusCode::BAD_REQUEST, "bad_request");

    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/sources")
        .body(Body::from("url=https://a.example/rss"))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    assert_error(
        &json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    assert_eq!(f.store.sources().unwrap().len(), 1, "nothing was added");
}

const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour News</title><link>https://harbour.example/</link>
<item><title>Ferries return</title><link>https://harbour.example/ferries</link><guid>1</guid></item>
</channel></rss>"#;

#[tokio::test]
async fn adding_a_site_follows_the_feed_it_announces() {
    // A site on this machine, let through the guard by name and port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let page = format!(
        r#"<html><head><link rel="alternate" type="application/rss+xml" href="http://{address}/rss"></head></html>"#
    );
    let site = Router::new()
        .route(
            "/",
            axum::routing::get(move || async move { axum::response::Html(page) }),
        )
        .route(
            "/rss",
            axum::routing::get(|| async { ([(header::CONTENT_TYPE, "application/rss+xml")], RSS) }),
        );
    let server = tokio::spawn(async move { axum::serve(listener, site).await });

    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let config = FetchConfig {
        allowed_hosts: vec![address.to_string()],
        ..FetchConfig::default()
    };
    let app = app_with(Arc::clone(&store), &config);
    let body = format!(r#"{{"url": "http://{address}/", "category": "Local"}}"#);
    let (status, _, json) = send(&app, Method::POST, "/api/v1/sources", Some(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["url"], format!("http://{address}/rss"));
    assert_eq!(json["title"], "Harbour News");
    assert_eq!(json["category"], "Local");
    // The site again: its feed is already followed.
    let (status, _, again) = send(&app, Method::POST, "/api/v1/sources", Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], json["id"]);
    // A page that is not there is the far end's failure.
    let missing = format!(r#"{{"url": "http://{address}/gone"}}"#);
    let (status, _, json) = send(&app, Method::POST, "/api/v1/sources", Some(&missing)).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{json}");
    assert_error(&json, StatusCode::BAD_GATEWAY, "fetch_failed");
    server.abort();
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors() {
    let f = fixture();
    let app = app(&f);
    for uri in ["/api/v1/nothing", "/api/v1/stories/1/nothing", "/api/v1"] {
        let (status, json) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_error(&json, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, headers, json) = send(&app, Method::DELETE, "/api/v1/stories", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&json, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert!(headers.contains_key(header::ALLOW), "{headers:?}");
}

#[tokio::test]
async fn the_whole_reader_routes_unknown_api_paths_to_the_api_404() {
    let f = fixture();
    let state = AppState::new(
        Arc::clone(&f.store) as Arc<dyn Store>,
        Fetcher::new(&FetchConfig::default()).unwrap(),
    );
    let app = crate::router(state);
    let (status, json) = get(&app, "/api/v1/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&json, StatusCode::NOT_FOUND, "not_found");
    let (status, json) = get(&app, &format!("/api/v1/stories/{}", f.wire_story)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["id"], f.wire_story);
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let f = fixture();
    let app = app(&f);
    let (status, json) = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        json["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.")),
        "{json}"
    );
    let paths = json["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/v1/stories", &["get"][..]),
        ("/api/v1/stories/{id}", &["get"]),
        ("/api/v1/stories/{id}/timeline", &["get"]),
        ("/api/v1/articles", &["get"]),
        ("/api/v1/articles/{id}", &["get"]),
        ("/api/v1/search", &["get"]),
        ("/api/v1/sources", &["get", "post"]),
        ("/api/v1/sources/{id}", &["get", "delete"]),
        ("/api/v1/openapi.json", &["get"]),
    ] {
        for method in methods {
            assert!(paths[path][method].is_object(), "{path} {method}");
        }
    }
    let schemas = json["components"]["schemas"].as_object().unwrap();
    for schema in [
        "ErrorBody",
        "StoryList",
        "StoryDetail",
        "Timeline",
        "ArticleList",
        "ArticleDetail",
        "EnrichmentJson",
        "SearchResults",
        "SourceList",
        "SourceJson",
        "AddSource",
    ] {
        assert!(schemas.contains_key(schema), "{schema} missing");
    }
    let limit = paths["/api/v1/stories"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "limit");
    assert!(limit);
}
