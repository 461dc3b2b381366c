//! The pages answered through the router, over an in-memory store filled
//! through the real pipeline (copy groups, stories, quotes).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_ingest::pipeline::Pipeline;
use tribune_model::Article;
use tribune_store::{NewSource, SqliteStore, Store};

use super::search::{SearchForm, build_query};
use super::{lead, outlet, web_url};
use crate::AppState;

fn body_text(story: &str) -> String {
    let mut text = format!(
        "Negotiators met in Geneva on Sunday to discuss a ceasefire in {story}, officials said. \
         The talks lasted six hours and ended without a deal.\n\
         \"We are making progress, but there is more work to do,\" said Steve Witkoff, the \
         special envoy, after the meeting.\n"
    );
    for i in 0..6 {
        text.push_str(&format!(
            "Paragraph {i} of the report on {story} describes the delegations, the venue by \
             the lake, the security around the hotel and the questions left open for the \
             next round of talks planned for later this month.\n"
        ));
    }
    text
}

fn article(title: &str, site: &str, url: &str, text: &str) -> Article {
    Article {
        title: Some(title.to_string()),
        text: text.to_string(),
        site_name: Some(site.to_string()),
        url: Some(url.to_string()),
        canonical_url: Some(url.to_string()),
        published: chrono::NaiveDate::from_ymd_opt(2025, 3, 16),
        ..Article::default()
    }
}

struct Desk {
    app: Router,
    store: Arc<SqliteStore>,
}

fn desk() -> Desk {
    let store = Arc::new(SqliteStore::open_in_memory().expect("an in-memory store"));
    let fetcher = Fetcher::new(&FetchConfig::default()).expect("a fetcher");
    let app = crate::router(AppState::new(store.clone() as Arc<dyn Store>, fetcher));
    Desk { app, store }
}

/// A desk with one story covered by USA TODAY (original), republished by
/// EMEA Tribune, and a second, unrelated story.
fn filled() -> (Desk, Vec<i64>) {
    let desk = desk();
    let pipeline = Pipeline::open(desk.store.clone() as Arc<dyn Store>).expect("a pipeline");
    let text = body_text("the Black Sea");
    let mut original = article(
        "Envoy says <talks> go on",
        "USA TODAY",
        "https://www.usatoday.com/story/talks",
        &text,
    );
    original.authors = vec!["Jane Doe".into()];
    let mut copy = article(
        "Ceasefire talks continue in Geneva",
        "EMEA Tribune",
        "https://emeatribune.example/talks",
        &text,
    );
    copy.provenance.original_publisher = Some("USA TODAY".into());
    copy.provenance.original_title = Some("Envoy says <talks> go on".into());
    copy.provenance.agencies = vec!["Reuters".into()];
    let other = article(
        "Harvest festival draws record crowds",
        "Valley News",
        "file:///tmp/valley.html",
        &"Farmers brought pumpkins and apples to the square as the harvest festival opened. \
          Visitors queued for cider and music played into the night.\n"
            .repeat(4),
    );
    let mut ids = Vec::new();
    for (a, origin) in [
        (&original, "https://www.usatoday.com/story/talks"),
        (&copy, "https://emeatribune.example/talks"),
        (&other, "/tmp/valley.html"),
    ] {
        ids.push(pipeline.store(a, origin, None).expect("stored").put.id());
    }
    desk.store.flush().expect("flushed");
    (desk, ids)
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = app.clone().oneshot(request).await.expect("an answer");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

async fn get(app: &Router, uri: &str) -> (StatusCode, HeaderMap, String) {
    send(
        app,
        Request::get(uri).body(Body::empty()).expect("a request"),
    )
    .await
}

async fn post_form(app: &Router, uri: &str, form: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .expect("a request");
    send(app, request).await
}

fn location(headers: &HeaderMap) -> &str {
    headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_empty_desk_explains_how_to_start() {
    let desk = desk();
    let (status, headers, html) = get(&desk.app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.contains("Welcome to Tribune"), "{html}");
    assert!(html.contains(r#"action="/sources""#));
    assert!(html.contains("https://feeds.bbci.co.uk/news/rss.xml"));
    assert!(html.contains(r#"action="/sources/import""#));
    assert!(html.contains(r#"href="/static/tribune.css""#));

    let (status, headers, css) = get(&desk.app, "/static/tribune.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.contains("--ink"));
}

#[tokio::test]
async fn the_front_page_lists_stories_with_their_breadth_and_lead() {
    let (desk, ids) = filled();
    let (status, _, html) = get(&desk.app, "/").await;
    assert_eq!(status, StatusCode::OK);
    // The label is escaped, never markup.
    assert!(
        html.contains("Envoy says &#60;talks&#62; go on")
            || html.contains("Envoy says &lt;talks&gt; go on"),
        "{html}"
    );
    assert!(!html.contains("<talks>"));
    assert!(html.contains("2 articles from 2 outlets"), "{html}");
    assert!(
        html.contains("Negotiators met in Geneva on Sunday"),
        "{html}"
    );
    assert!(html.contains("Harvest festival draws record crowds"));
    // The two-outlet story ranks above the single-outlet one.
    let talks = html.find("go on").unwrap();
    let harvest = html.find("Harvest festival").unwrap();
    assert!(talks < harvest);
    let story = desk.store.placement(ids[0]).unwrap().unwrap().1;
    assert!(html.contains(&format!("href=\"/stories/{story}\"")));
}

#[tokio::test]
async fn a_story_shows_copy_groups_quotes_and_timeline() {
    let (desk, ids) = filled();
    let story = desk.store.placement(ids[0]).unwrap().unwrap().1;
    let (status, _, html) = get(&desk.app, &format!("/stories/{story}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("USA TODAY"), "{html}");
    assert!(html.contains("republished by EMEA Tribune"), "{html}");
    assert!(html.contains(&format!("/articles/{}", ids[0])));
    assert!(html.contains(&format!("/articles/{}", ids[1])));
    assert!(html.contains("Who said what"), "{html}");
    assert!(html.contains("Witkoff"), "{html}");
    assert!(html.contains("We are making progress"), "{html}");
    // The copy repeats the quote: it is shown once, with the other article.
    let quotes = &html[html.find("Who said what").unwrap()..];
    let quotes = &quotes[..quotes.find("id=\"timeline\"").unwrap_or(quotes.len())];
    assert_eq!(
        quotes.matches("We are making progress").count(),
        1,
        "{html}"
    );
    assert!(quotes.contains("and in 1 other article"), "{html}");
    assert!(html.contains("<h2 id=\"timeline\">Timeline</h2>"), "{html}");
}

#[tokio::test]
async fn an_article_shows_text_provenance_and_copies() {
    let (desk, ids) = filled();
    let (status, _, html) = get(&desk.app, &format!("/articles/{}", ids[1])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<p>Negotiators met in Geneva"), "{html}");
    assert!(html.contains("Originally published by"));
    assert!(html.contains("Reuters"));
    assert!(
        html.contains(r#"href="https://emeatribune.example/talks""#),
        "{html}"
    );
    assert!(html.contains(&format!("/articles/{}", ids[0])));
    assert!(html.contains("(original)"));

    // A file path is shown, never linked.
    let (_, _, html) = get(&desk.app, &format!("/articles/{}", ids[2])).await;
    assert!(html.contains("Source: /tmp/valley.html"), "{html}");
    assert!(!html.contains("href=\"/tmp/valley.html\""));
}

#[tokio::test]
async fn missing_things_are_html_404s() {
    let (desk, _) = filled();
    for uri in [
        "/stories/9999",
        "/articles/9999",
        "/stories/abc",
        "/no/such/page",
    ] {
        let (status, headers, html) = get(&desk.app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert!(html.contains("<h1>Not found</h1>"), "{uri}: {html}");
    }
}

#[tokio::test]
async fn search_builds_its_query_from_the_form() {
    let (desk, ids) = filled();
    let (status, _, html) = get(&desk.app, "/search?q=harvest+festival").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("/articles/{}", ids[2])), "{html}");
    assert!(html.contains("<h2>1 result</h2>"), "{html}");

    let (_, _, html) = get(&desk.app, "/search?q=geneva&source=emeatribune.example").await;
    assert!(html.contains(&format!("/articles/{}", ids[1])), "{html}");
    assert!(!html.contains(&format!("/articles/{}\"", ids[0])), "{html}");

    let (_, _, html) = get(&desk.app, "/search?q=geneva&from=2025-03-01&to=2025-03-31").await;
    assert!(html.contains(&format!("/articles/{}", ids[0])), "{html}");
    let (_, _, html) = get(&desk.app, "/search?q=geneva&from=2024-01-01&to=2024-01-31").await;
    assert!(html.contains("Nothing found"), "{html}");

    // Broken query syntax falls back to plain words rather than an error.
    let (status, _, html) = get(&desk.app, "/search?q=geneva+%22%5B").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("/articles/{}", ids[0])), "{html}");

    let (status, _, html) = get(&desk.app, "/search?q=x&from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("must be a date"));
    // What was typed comes back escaped.
    let (_, _, html) = get(&desk.app, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!html.contains("<script>"), "{html}");
}

#[test]
fn the_source_field_cannot_break_out_of_its_phrase() {
    let form = SearchForm {
        q: "talks".into(),
        source: "evil\" OR title:x \\".into(),
        from: "2025-03-01".into(),
        to: String::new(),
    };
    let query = build_query(&form).unwrap().unwrap();
    assert_eq!(
        query,
        "talks source:\"evil OR title:x\" published:[2025-03-01T00:00:00Z TO *]"
    );
    let backwards = SearchForm {
        q: "talks".into(),
        from: "2025-03-02".into(),
        to: "2025-03-01".into(),
        ..Default::default()
    };
    assert!(build_query(&backwards).is_err());
    assert_eq!(build_query(&SearchForm::default()), Ok(None));
}

#[tokio::test]
async fn sources_are_listed_removed_imported_and_exported() {
    let desk = desk();
    desk.store
        .add_source(&NewSource {
            url: "https://news.example/rss".into(),
            title: Some("Example <News>".into()),
            ..Default::default()
        })
        .unwrap();
    let (status, _, html) = get(&desk.app, "/sources").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Example &#60;News&#62;") || html.contains("Example &lt;News&gt;"),
        "{html}"
    );
    assert!(html.contains(">new<"), "{html}");

    // Not a URL: the page again, with the reason and the input kept.
    let (status, _, html) = post_form(&desk.app, "/sources", "url=not+a+url").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("is not a web address"), "{html}");
    assert!(html.contains(r#"value="not a url""#), "{html}");

    // The fetch guard refuses addresses inside the network.
    let (status, _, html) = post_form(
        &desk.app,
        "/sources",
        "url=http%3A%2F%2F127.0.0.1%3A9%2Ffeed",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Could not read"), "{html}");

    // A form from another site is refused.
    let request = Request::post("/sources/1/delete")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = send(&desk.app, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(desk.store.sources().unwrap().len(), 1);

    let (status, headers, _) = post_form(&desk.app, "/sources/1/delete", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/sources?removed=1");
    assert!(desk.store.sources().unwrap().is_empty());
    let (_, _, html) = get(&desk.app, "/sources?removed=1").await;
    assert!(html.contains("Source removed"));
    let (status, _, _) = post_form(&desk.app, "/sources/1/delete", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // OPML pasted into the form.
    let opml = "<opml version=\"2.0\"><body>\
                <outline text=\"One\" xmlUrl=\"https://one.example/feed\"/>\
                <outline text=\"Bad\" xmlUrl=\"ftp://bad.example/feed\"/>\
                </body></opml>";
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"opml\"\r\n\r\n{opml}\r\n\
         --{boundary}--\r\n"
    );
    let request = Request::post("/sources/import")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, headers, _) = send(&desk.app, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&headers),
        "/sources?imported=1&present=0&skipped=1"
    );
    let (_, _, html) = get(&desk.app, location(&headers)).await;
    assert!(html.contains("1 source added"), "{html}");
    assert!(html.contains("https://one.example/feed"));

    let (status, headers, opml) = get(&desk.app, "/sources.opml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("opml")
    );
    assert!(opml.contains("https://one.example/feed"), "{opml}");
}

#[test]
fn helpers_read_outlets_links_and_leads() {
    assert_eq!(outlet(None, "https://www.bbc.co.uk/news/1"), "bbc.co.uk");
    assert_eq!(outlet(Some(" USA TODAY "), "x"), "USA TODAY");
    assert_eq!(outlet(None, "/tmp/a.html"), "local file");
    assert_eq!(web_url("javascript:alert(1)"), None);
    assert_eq!(web_url("/tmp/a.html"), None);
    assert!(web_url("https://example.com/a").is_some());
    let text = "First sentence here. Second one follows. Third is left out.";
    assert_eq!(
        lead(text, 2, 300),
        "First sentence here. Second one follows."
    );
    let long = "word ".repeat(200);
    let cut = lead(&long, 2, 50);
    assert!(cut.ends_with('…') && cut.chars().count() <= 51, "{cut}");
}
