//! End to end: sources added, imported and exported through the real
//! binary, polled from a feed server this test runs on 127.0.0.1, searched,
//! and a polling daemon stopped with SIGTERM.

mod util;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use util::server::{Hits, NewsSite, serve_app};
use util::{TestDir, spawn, tribune};

fn story(n: usize) -> String {
    (0..5)
        .map(|i| {
            format!(
                "<p>Rescue teams in valley {n} reached the last villages cut off by the \
                 landslide on day {i}, officials said, as rain eased and roads reopened.</p>"
            )
        })
        .collect()
}

/// Valley News with three articles, its feed answering 304 to a request
/// that sends its ETag back.
fn valley_news() -> (SocketAddr, Arc<Hits>) {
    NewsSite {
        name: "Valley News",
        articles: (1..=3)
            .map(|n| (format!("Landslide update {n}"), story(n)))
            .collect(),
        etag: true,
    }
    .start()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        "<rss version=\"2.0\"><channel><title>Slow</title></channel></rss>",
    )
        .into_response()
}

/// Feeds at `/slow/N` that take a second and a half to answer.
fn serve_slow() -> SocketAddr {
    serve_app(|_| Router::new().route("/slow/{n}", get(slow)))
}

#[test]
fn sources_are_discovered_polled_searched_and_exported() {
    let (addr, hits) = valley_news();
    let dir = TestDir::new("poll-e2e");
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    let allow = format!("--allow-host=127.0.0.1:{}", addr.port());

    // Without the exception the guard refuses the test server.
    let refused = tribune([
        "source",
        "add",
        &format!("http://{addr}/"),
        "--data-dir",
        data,
    ]);
    refused.assert_code(1);
    assert!(
        refused.stderr.contains("not a public address"),
        "{}",
        refused.stderr
    );

    // The site's address finds its feed.
    let added = tribune([
        "source",
        "add",
        &format!("http://{addr}/"),
        &allow,
        "--data-dir",
        data,
    ]);
    added.assert_code(0);
    assert!(
        added.stdout.contains("announces the feed"),
        "{}",
        added.stdout
    );
    assert!(
        added.stdout.contains("added source 1: Valley News"),
        "{}",
        added.stdout
    );
    let again = tribune([
        "source",
        "add",
        &format!("http://{addr}/feed.xml"),
        &allow,
        "--data-dir",
        data,
    ]);
    assert!(
        again.stdout.contains("already following it as source 1"),
        "{}",
        again.stdout
    );

    let polled = tribune(["poll", "--once", &allow, "--data-dir", data]);
    polled.assert_code(0);
    assert!(
        polled.stderr.contains("3 new articles"),
        "{}",
        polled.stderr
    );
    assert_eq!(hits.pages.load(Ordering::SeqCst), 3);

    let found = tribune([
        "search",
        "landslide",
        "--format",
        "json",
        "--data-dir",
        data,
    ]);
    found.assert_code(0);
    let results = found.json_lines();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| {
        r["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("http://{addr}/articles/"))
    }));

    // Polled again: one 304, no page fetched again.
    let repolled = tribune(["poll", "--once", "--all", &allow, "--data-dir", data]);
    assert!(
        repolled.stderr.contains("1 unchanged"),
        "{}",
        repolled.stderr
    );
    assert_eq!(hits.not_modified.load(Ordering::SeqCst), 1);
    assert_eq!(hits.pages.load(Ordering::SeqCst), 3);

    let listed = tribune(["source", "list", "--format", "json", "--data-dir", data]);
    let sources = listed.json_lines();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0]["status"], "ok");
    assert_eq!(sources[0]["articles"], 3);
    assert_eq!(sources[0]["last_status"], 304);

    // OPML round trip.
    let exported = tribune(["source", "export", "--data-dir", data]);
    assert!(
        exported
            .stdout
            .contains(&format!("xmlUrl=\"http://{addr}/feed.xml\"")),
        "{}",
        exported.stdout
    );
    let opml = dir.write("sources.opml", &exported.stdout);
    tribune(["source", "remove", "1", "--data-dir", data]).assert_code(0);
    let listed = tribune(["source", "list", "--format", "json", "--data-dir", data]);
    assert!(listed.json_lines().is_empty());
    let imported = tribune([
        "source",
        "import",
        opml.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert!(
        imported.stdout.contains("1 sources added"),
        "{}",
        imported.stdout
    );
    // Articles outlive their source's removal.
    let found = tribune([
        "search",
        "landslide",
        "--format",
        "json",
        "--data-dir",
        data,
    ]);
    assert_eq!(found.json_lines().len(), 3);

    // Polled without the exception, the failure shows in the list.
    tribune(["poll", "--once", "--data-dir", data]).assert_code(0);
    let listed = tribune(["source", "list", "--data-dir", data]);
    assert!(listed.stdout.contains("failing"), "{}", listed.stdout);
    assert!(
        listed.stdout.contains("not a public address"),
        "{}",
        listed.stdout
    );
}

#[test]
fn a_broken_opml_file_is_an_error_naming_it() {
    let dir = TestDir::new("opml-broken");
    let file = dir.write("bad.opml", "<opml><body><outline xmlUrl=\"x\"></body>");
    let out = tribune([
        "source",
        "import",
        file.to_str().unwrap(),
        "--data-dir",
        dir.join("data").to_str().unwrap(),
    ]);
    out.assert_code(2);
    assert!(out.stderr.contains("bad.opml"), "{}", out.stderr);
    assert!(out.stderr.contains("not well-formed"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn the_poller_stops_gracefully_on_sigterm() {
    let addr = serve_slow();
    let dir = TestDir::new("poll-sigterm");
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    let opml: String = (0..8)
        .map(|n| format!("<outline text=\"slow {n}\" xmlUrl=\"http://{addr}/slow/{n}\"/>"))
        .collect();
    let file = dir.write(
        "slow.opml",
        format!("<opml version=\"2.0\"><body>{opml}</body></opml>"),
    );
    tribune([
        "source",
        "import",
        file.to_str().unwrap(),
        "--data-dir",
        data,
    ])
    .assert_code(0);

    let allow = format!("--allow-host=127.0.0.1:{}", addr.port());
    let mut poller = spawn(
        ["poll", "--per-host", "2", "--data-dir", data, &allow],
        "error",
    );
    // Into the first cycle: two slow requests in flight.
    std::thread::sleep(Duration::from_millis(700));
    let (status, stderr) = poller.stop();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("stopped; everything fetched is stored"),
        "{stderr}"
    );
    // The two in flight finished and were recorded; the rest were not started.
    let listed = tribune(["source", "list", "--format", "json", "--data-dir", data]);
    let polled = listed
        .json_lines()
        .iter()
        .filter(|s| s["status"] == "ok")
        .count();
    assert!((1..8).contains(&polled), "{polled} sources polled");
}
