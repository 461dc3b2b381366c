//! The endpoints operators and orchestrators watch:
//!
//! - `GET /healthz`: 200 `ok` while the process serves (liveness).
//! - `GET /readyz`: 200 when the store answers a cheap query within
//!   [`READY_TIMEOUT`], 503 otherwise (readiness).
//! - `GET /metrics`: Prometheus text format: what the store holds, and,
//!   when the router is wrapped with [`track`], requests by route, method
//!   and status with a latency histogram by route.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};

use crate::AppState;

/// How long `/readyz` waits for the store: a store that takes longer is
/// not ready to serve pages either.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The media type of Prometheus' text exposition format.
const METRICS_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The routes of the operations endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Response {
    // An index lookup: it shows the database answers without scanning it.
    let check = state.blocking(|store| Ok(store.newest_seen()?));
    match tokio::time::timeout(READY_TIMEOUT, check).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready\n").into_response(),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "not ready: the store failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the store failed\n",
            )
                .into_response()
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the store did not answer in time\n",
        )
            .into_response(),
    }
}

/// What the store holds, read at each scrape.
struct StoreGauges {
    articles: u64,
    stories: u64,
    sources: usize,
    broken_sources: usize,
    newest_seen: Option<i64>,
}

async fn metrics(
    State(state): State<AppState>,
    requests: Option<Extension<Arc<RequestMetrics>>>,
) -> Response {
    let gauges = state
        .blocking(|store| {
            let sources = store.sources()?;
            Ok(StoreGauges {
                articles: store.count_articles()?,
                stories: store.count_stories()?,
                broken_sources: sources.iter().filter(|s| s.error_count > 0).count(),
                sources: sources.len(),
                newest_seen: store.newest_seen()?.map(|t| t.timestamp()),
            })
        })
        .await;
    let mut out = String::new();
    match gauges {
        Ok(gauges) => {
            write_store_gauges(&mut out, &gauges);
            gauge(
                &mut out,
                "tribune_store_up",
                "Whether the store answered.",
                1,
            );
        }
        Err(err) => {
            // The request metrics are still worth a scrape, and the failure
            // is itself the thing to alert on.
            tracing::warn!(error = %err, "metrics: the store failed");
            gauge(
                &mut out,
                "tribune_store_up",
                "Whether the store answered.",
                0,
            );
        }
    }
    if let Some(Extension(requests)) = requests {
        requests.write(&mut out);
    }
    (
        [(CONTENT_TYPE, HeaderValue::from_static(METRICS_TYPE))],
        out,
    )
        .into_response()
}

fn write_store_gauges(out: &mut String, gauges: &StoreGauges) {
    gauge(out, "tribune_articles", "Articles stored.", gauges.articles);
    gauge(
        out,
        "tribune_stories",
        "Stories holding articles.",
        gauges.stories,
    );
    gauge(out, "tribune_sources", "Sources polled.", gauges.sources);
    gauge(
        out,
        "tribune_sources_broken",
        "Sources whose last poll failed.",
        gauges.broken_sources,
    );
    if let Some(seen) = gauges.newest_seen {
        gauge(
            out,
            "tribune_newest_article_seen_timestamp_seconds",
            "When the newest stored article entered the news (Unix time).",
            seen,
        );
    }
}

fn gauge(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
    );
}

/// Wraps `router` so that every request is counted and timed by route,
/// and `/metrics` (from [`routes`]) reports them. Apply it to the whole
/// router, after the routes are merged: a route added later is not seen.
pub fn track<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let metrics = Arc::new(RequestMetrics::default());
    router.layer(axum::middleware::from_fn_with_state(metrics, record))
}

async fn record(
    State(metrics): State<Arc<RequestMetrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    // The route's template, not the path: `/stories/{id}` is one series,
    // not one per story; paths that match no route share one.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = method_label(request.method());
    request.extensions_mut().insert(Arc::clone(&metrics));
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.observe(method, route, response.status(), started.elapsed());
    response
}

/// A method as a label; any other method is "OTHER", so that clients
/// cannot invent series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Upper bounds of the latency buckets, in seconds: from a cached feed to a
/// slow search.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Request counts and latencies, kept since the process started.
#[derive(Debug, Default)]
pub struct RequestMetrics {
    inner: Mutex<Recorded>,
}

#[derive(Debug, Default)]
struct Recorded {
    /// Requests by (route, method, status).
    requests: BTreeMap<(String, &'static str, u16), u64>,
    /// Latencies by route.
    latency: BTreeMap<String, Histogram>,
}

#[derive(Debug, Default)]
struct Histogram {
    /// Observations at or under each bound of [`BUCKETS`] (not cumulative).
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl RequestMetrics {
    fn observe(&self, method: &'static str, route: String, status: StatusCode, took: Duration) {
        // A panic elsewhere while holding the lock leaves counts that are
        // still counts.
        let mut recorded = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *recorded
            .requests
            .entry((route.clone(), method, status.as_u16()))
            .or_default() += 1;
        let histogram = recorded.latency.entry(route).or_default();
        let seconds = took.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            histogram.buckets[bucket] += 1;
        }
        histogram.sum += seconds;
        histogram.count += 1;
    }

    /// Appends the metrics in Prometheus text format.
    fn write(&self, out: &mut String) {
        let recorded = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        out.push_str(
            "# HELP tribune_http_requests_total HTTP requests answered, by route, method and status.\n\
             # TYPE tribune_http_requests_total counter\n",
        );
        for ((route, method, status), count) in &recorded.requests {
            let _ = writeln!(
                out,
                "tribune_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {count}",
                label(route)
            );
        }
        out.push_str(
            "# HELP tribune_http_request_duration_seconds Time to answer HTTP requests, by route.\n\
             # TYPE tribune_http_request_duration_seconds histogram\n",
        );
        for (route, histogram) in &recorded.latency {
            let route = label(route);
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(histogram.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "tribune_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = write!(
                out,
                "tribune_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}\n\
                 tribune_http_request_duration_seconds_sum{{route=\"{route}\"}} {sum}\n\
                 tribune_http_request_duration_seconds_count{{route=\"{route}\"}} {count}\n",
                count = histogram.count,
                sum = histogram.sum,
            );
        }
    }
}

/// `value` escaped as a Prometheus label value.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    use tribune_ingest::fetch::{FetchConfig, Fetcher};
    use tribune_model::Article;
    use tribune_store::{NewArticle, NewSource, PollRecord, SqliteStore, Store};

    use super::*;

    fn app(store: Arc<SqliteStore>) -> Router {
        let fetcher = Fetcher::new(&FetchConfig::default()).expect("a fetcher");
        let routes = routes().route("/stories/{id}", get(|| async { "a story" }));
        track(routes.with_state(AppState::new(store, fetcher)))
    }

    async fn get_text(app: &Router, uri: &str) -> (StatusCode, String, String) {
        let request = Request::get(uri).body(Body::empty()).expect("a request");
        let response = app.clone().oneshot(request).await.expect("an answer");
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        (
            status,
            content_type,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    #[tokio::test]
    async fn health_and_readiness_answer() {
        let app = app(Arc::new(SqliteStore::open_in_memory().expect("a store")));
        assert_eq!(get_text(&app, "/healthz").await.0, StatusCode::OK);
        let (status, _, body) = get_text(&app, "/readyz").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ready\n"));
    }

    #[tokio::test]
    async fn metrics_count_the_store_and_the_requests() {
        let store = Arc::new(SqliteStore::open_in_memory().expect("a store"));
        let article = Article {
            title: Some("Storm".into()),
            text: "A storm.".into(),
            ..Article::default()
        };
        store
            .put_article(&NewArticle::new(&article, "a.html"))
            .expect("stored");
        for url in ["https://a.example/rss", "https://b.example/rss"] {
            store
                .add_source(&NewSource {
                    url: url.into(),
                    ..NewSource::default()
                })
                .expect("added");
        }
        let broken = store
            .source_by_url("https://b.example/rss")
            .ok()
            .flatten()
            .expect("a source");
        store
            .record_poll(
                broken.id,
                &PollRecord {
                    error_count: 1,
                    error: Some("timed out".into()),
                    ..PollRecord::default()
                },
            )
            .expect("recorded");
        let app = app(store);
        get_text(&app, "/stories/1").await;
        get_text(&app, "/stories/2").await;
        get_text(&app, "/nowhere").await;
        let (status, content_type, body) = get_text(&app, "/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, METRICS_TYPE);
        for line in [
            "tribune_articles 1",
            "tribune_stories 0",
            "tribune_sources 2",
            "tribune_sources_broken 1",
            "tribune_store_up 1",
            "tribune_http_requests_total{route=\"/stories/{id}\",method=\"GET\",status=\"200\"} 2",
            "tribune_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1",
            "tribune_http_request_duration_seconds_bucket{route=\"/stories/{id}\",le=\"+Inf\"} 2",
            "tribune_http_request_duration_seconds_count{route=\"/stories/{id}\"} 2",
        ] {
            assert!(body.lines().any(|l| l == line), "no `{line}` in\n{body}");
        }
        assert_well_formed(&body);
    }

    /// Every line is a comment or `name{labels} value`, and each
    /// histogram's buckets never decrease.
    fn assert_well_formed(body: &str) {
        let mut last_bucket: Option<(String, f64)> = None;
        for line in body.lines().filter(|l| !l.starts_with('#')) {
            let (series, value) = line.rsplit_once(' ').expect("a value");
            let value: f64 = value.parse().expect("a number");
            if let Some(route) = series
                .strip_prefix("tribune_http_request_duration_seconds_bucket{")
                .and_then(|rest| rest.split(",le=").next())
            {
                if let Some((previous, count)) = &last_bucket
                    && previous == route
                {
                    assert!(value >= *count, "{line}");
                }
                last_bucket = Some((route.to_owned(), value));
            }
        }
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
