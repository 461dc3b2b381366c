//! Every feed in every format, over an in-memory store holding text that
//! breaks careless XML: parsed back with feed-rs, read with quick-xml's
//! reader, and its links checked.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use tower::ServiceExt;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_model::Article;
use tribune_store::{NewArticle, NewSource, Placement, SqliteStore, Store, StoryChoice};

use super::*;

/// Text that XML, HTML and JSON writers each get wrong in their own way:
/// markup, entities, both quotes, non-ASCII, an emoji, and a control
/// character that XML 1.0 cannot carry even escaped.
const TRICKY: &str = "Tom & Jerry <b>\"say\"</b> 'hi' \u{2014} Z\u{fc}rich \u{1f389} ]]> \u{7}!";
/// What of [`TRICKY`] survives: everything but the control character.
const TRICKY_CLEAN: &str = "Tom & Jerry <b>\"say\"</b> 'hi' \u{2014} Z\u{fc}rich \u{1f389} ]]> !";

const ORIGINAL_URL: &str = "https://agency.example/news/1?a=1&b=2";
const COPY_URL: &str = "https://mirror.example/copied";

struct Fixture {
    store: Arc<SqliteStore>,
    story: i64,
    source: i64,
    original: i64,
    local: i64,
}

fn at(hour: u32) -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(2025, 3, 16)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .map(|t| t.and_utc())
        .expect("a valid time")
}

fn article(title: &str, text: &str, canonical: Option<&str>, site: &str) -> Article {
    Article {
        title: Some(title.to_owned()),
        text: text.to_owned(),
        canonical_url: canonical.map(str::to_owned),
        site_name: Some(site.to_owned()),
        authors: vec![format!("Jane \u{201c}JD\u{201d} D\u{f6}e & <Co>")],
        published: chrono::NaiveDate::from_ymd_opt(2025, 3, 16),
        ..Article::default()
    }
}

fn fixture() -> Fixture {
    let store = Arc::new(SqliteStore::open_in_memory().expect("a store"));
    let (source, _) = store
        .add_source(&NewSource {
            url: "https://agency.example/feed".into(),
            title: Some(format!("Agency {TRICKY}")),
            ..NewSource::default()
        })
        .expect("a source");
    let put = |article: &Article, origin: &str, copy_of: &[i64], story, hour| {
        store
            .put_article(
                &NewArticle::new(article, origin)
                    .from_source(source.id)
                    .placed(Placement {
                        fingerprint: &[],
                        copy_of,
                        story,
                        seen_at: at(hour),
                    }),
            )
            .expect("stored")
            .id()
    };
    let first = article(
        &format!("Storm {TRICKY}"),
        &format!("A storm hit the coast. {TRICKY}\n\nSecond paragraph."),
        Some(ORIGINAL_URL),
        "Agency & Sons",
    );
    let label = format!("Storm {TRICKY}");
    let original = put(
        &first,
        ORIGINAL_URL,
        &[],
        StoryChoice::Start { label: &label },
        8,
    );
    let story = store
        .article(original)
        .ok()
        .flatten()
        .and_then(|a| a.story_id)
        .expect("placed");
    let copy = article(
        "Storm hits coast, mirrored",
        "A storm hit the coast, mirrored.",
        Some(COPY_URL),
        "Mirror",
    );
    put(&copy, COPY_URL, &[original], StoryChoice::Join(story), 9);
    let saved = article(
        "Follow-up from a saved page",
        "The clean-up began.",
        None,
        "Local",
    );
    let local = put(
        &saved,
        "/srv/saved/follow-up.html",
        &[],
        StoryChoice::Join(story),
        10,
    );
    store.flush().expect("flushed");
    Fixture {
        store,
        story,
        source: source.id,
        original,
        local,
    }
}

fn app(store: Arc<SqliteStore>) -> Router {
    let fetcher = Fetcher::new(&FetchConfig::default()).expect("a fetcher");
    routes().with_state(AppState::new(store, fetcher))
}

async fn get(app: &Router, uri: &str) -> Response {
    let request = Request::get(uri)
        .header("host", "news.example.org")
        .header("x-forwarded-proto", "https")
        .body(Body::empty())
        .expect("a request");
    app.clone().oneshot(request).await.expect("an answer")
}

async fn body(response: Response) -> Vec<u8> {
    axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body")
        .to_vec()
}

/// Reads the whole document with quick-xml's reader, which checks that
/// it is well formed (end names, entities, attributes).
fn assert_well_formed(xml: &[u8]) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::GeneralRef(reference)) => {
                let predefined = matches!(&*reference, "amp" | "lt" | "gt" | "quot" | "apos");
                let character = reference.resolve_char_ref().ok().flatten().is_some();
                assert!(predefined || character, "unknown entity {reference:?}");
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(err) => panic!(
                "not well formed at {}: {err}\n{}",
                reader.error_position(),
                String::from_utf8_lossy(xml)
            ),
        }
        buf.clear();
    }
    assert_eq!(depth, 0, "unclosed elements");
}

/// Fetches `path` in every format, checks the answer and parses it.
async fn every_format(app: &Router, path: &str) -> Vec<(Format, feed_rs::model::Feed)> {
    let mut feeds = Vec::new();
    for format in Format::ALL {
        let uri = path.replace("{ext}", format.extension());
        let response = get(app, &uri).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let content_type = response.headers()[CONTENT_TYPE].to_str().expect("ASCII");
        assert_eq!(content_type, format.content_type(), "{uri}");
        assert!(response.headers().contains_key(ETAG));
        let bytes = body(response).await;
        match format {
            Format::Json => {
                let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
                assert_eq!(value["version"], "https://jsonfeed.org/version/1.1");
                let items = value["items"].as_array().expect("items");
                assert!(items.iter().all(|item| item["id"].is_string()));
            }
            Format::Rss | Format::Atom => assert_well_formed(&bytes),
        }
        let parsed = feed_rs::parser::parse(bytes.as_slice())
            .unwrap_or_else(|err| panic!("{uri}: {err}\n{}", String::from_utf8_lossy(&bytes)));
        let expected = match format {
            Format::Rss => feed_rs::model::FeedType::RSS2,
            Format::Atom => feed_rs::model::FeedType::Atom,
            Format::Json => feed_rs::model::FeedType::JSON,
        };
        assert_eq!(parsed.feed_type, expected, "{uri}");
        feeds.push((format, parsed));
    }
    feeds
}

fn title(entry: &feed_rs::model::Entry) -> &str {
    entry.title.as_ref().map_or("", |t| t.content.as_str())
}

fn first_link(entry: &feed_rs::model::Entry) -> &str {
    entry.links.first().map_or("", |l| l.href.as_str())
}

#[tokio::test]
async fn the_front_page_links_each_story_and_its_original() {
    let fixture = fixture();
    let app = app(fixture.store.clone());
    let story_page = format!("https://news.example.org/stories/{}", fixture.story);
    for (format, feed) in every_format(&app, "/feed.{ext}").await {
        assert_eq!(feed.entries.len(), 1, "{format:?}");
        let entry = &feed.entries[0];
        assert_eq!(title(entry), format!("Storm {TRICKY_CLEAN}"), "{format:?}");
        assert_eq!(first_link(entry), ORIGINAL_URL, "{format:?}");
        assert_eq!(entry.id, story_page, "{format:?}");
        assert!(entry.updated.is_some() || entry.published.is_some());
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_default();
        assert!(content.contains(&story_page), "{format:?}: {content}");
        assert!(content.contains("3 articles from 3 outlets"), "{content}");
    }
}

#[tokio::test]
async fn a_story_feed_lists_the_original_first_and_links_publications() {
    let fixture = fixture();
    let app = app(fixture.store.clone());
    let path = format!("/stories/{}/feed.{{ext}}", fixture.story);
    let local_page = format!("https://news.example.org/articles/{}", fixture.local);
    for (format, feed) in every_format(&app, &path).await {
        let links: Vec<&str> = feed.entries.iter().map(first_link).collect();
        assert_eq!(
            links,
            [ORIGINAL_URL, COPY_URL, local_page.as_str()],
            "{format:?}"
        );
        assert_eq!(
            feed.entries[0].id,
            format!("https://news.example.org/articles/{}", fixture.original)
        );
        assert_eq!(title(&feed.entries[0]), format!("Storm {TRICKY_CLEAN}"));
        let authors: Vec<&str> = feed.entries[0]
            .authors
            .iter()
            .filter_map(|a| a.name.as_deref())
            .collect();
        assert_eq!(
            authors,
            ["Jane \u{201c}JD\u{201d} D\u{f6}e & <Co>"],
            "{format:?}"
        );
        if format == Format::Atom {
            // The copy points back at the original it copies.
            let via = feed.entries[1]
                .links
                .iter()
                .find(|l| l.rel.as_deref() == Some("via"));
            assert_eq!(via.map(|l| l.href.as_str()), Some(ORIGINAL_URL));
        }
    }
}

#[tokio::test]
async fn a_source_feed_holds_its_latest_articles() {
    let fixture = fixture();
    let app = app(fixture.store.clone());
    let path = format!("/sources/{}/feed.{{ext}}?limit=2", fixture.source);
    for (format, feed) in every_format(&app, &path).await {
        let title = feed.title.as_ref().map(|t| t.content.as_str());
        assert_eq!(
            title,
            Some(format!("Tribune: Agency {TRICKY_CLEAN}").as_str())
        );
        let titles: Vec<&str> = feed.entries.iter().map(self::title).collect();
        assert_eq!(
            titles,
            ["Follow-up from a saved page", "Storm hits coast, mirrored"],
            "{format:?}"
        );
    }
}

#[tokio::test]
async fn a_search_feed_holds_the_matches() {
    let fixture = fixture();
    let app = app(fixture.store.clone());
    for (format, feed) in every_format(&app, "/search/feed.{ext}?q=storm+%26+coast").await {
        assert!(!feed.entries.is_empty(), "{format:?}");
        assert!(
            feed.entries.iter().any(|e| first_link(e) == ORIGINAL_URL),
            "{format:?}"
        );
    }
}

#[tokio::test]
async fn bad_requests_are_refused() {
    let fixture = fixture();
    let app = app(fixture.store.clone());
    assert_eq!(
        get(&app, "/stories/999/feed.rss").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/sources/999/feed.atom").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/stories/x/feed.json").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, "/search/feed.rss").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, "/search/feed.rss?q=%20").await.status(),
        StatusCode::BAD_REQUEST
    );
    let no_host = Request::get("/feed.rss")
        .body(Body::empty())
        .expect("a request");
    let response = app.clone().oneshot(no_host).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_unchanged_feed_answers_304() {
    let fixture = fixture();
    let app = app(fixture.store.clone());
    let first = get(&app, "/feed.atom").await;
    let etag = first.headers()[ETAG].clone();
    let request = Request::get("/feed.atom")
        .header("host", "news.example.org")
        .header("x-forwarded-proto", "https")
        .header("if-none-match", etag)
        .body(Body::empty())
        .expect("a request");
    let again = app.clone().oneshot(request).await.expect("an answer");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(body(again).await.is_empty());
}

#[tokio::test]
async fn a_configured_base_wins_over_the_host() {
    let fixture = fixture();
    let base = PublicBase::new("https://reader.example/tribune/").expect("a base");
    let app = app(fixture.store.clone()).layer(axum::Extension(base));
    let bytes = body(get(&app, "/feed.json").await).await;
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(
        value["feed_url"],
        "https://reader.example/tribune/feed.json"
    );
    assert_eq!(value["home_page_url"], "https://reader.example/tribune/");
    assert_eq!(
        value["items"][0]["id"],
        format!("https://reader.example/tribune/stories/{}", fixture.story)
    );
}

#[tokio::test]
async fn an_empty_store_still_gives_valid_feeds() {
    let app = app(Arc::new(SqliteStore::open_in_memory().expect("a store")));
    for (_, feed) in every_format(&app, "/feed.{ext}").await {
        assert!(feed.entries.is_empty());
    }
}
