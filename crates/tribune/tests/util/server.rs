//! A running `tribune serve` for end-to-end tests, HTTP to it, and news
//! sites on 127.0.0.1 for it to follow: a home page announcing an RSS feed,
//! the feed, and the articles it links to.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Running, spawn};

/// Serves the app `make` builds (given the address it will serve on) on a
/// free port of 127.0.0.1, from a thread of its own that lives as long as
/// the test process.
pub fn serve_app(make: impl FnOnce(SocketAddr) -> Router + Send + 'static) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a free port");
            let addr = listener.local_addr().expect("an address");
            let app = make(addr);
            tx.send(addr).expect("the test waits");
            axum::serve(listener, app).await.expect("the app serves");
        });
    });
    rx.recv().expect("the app's address")
}

/// The headline of [`news_server`]'s one article.
pub const HEADLINE: &str = "Rescuers reach cut-off villages after landslide";

/// The body of article `n`: a few paragraphs of news with a quote.
fn story(n: usize) -> String {
    let mut html = format!(
        "<p>Rescue teams reached the last villages cut off by the landslide in the Orla \
         valley on Sunday, officials said, as rain eased and roads reopened (update {n}).</p>\
         <p>\"We will not stop until every family is safe,\" said Maria Keller, the regional \
         governor, at a briefing in the valley.</p>"
    );
    for i in 0..4 {
        html.push_str(&format!(
            "<p>Crews cleared mud from the main road for a {i} day, and engineers inspected \
             the bridges below the slope before the first trucks of supplies went through.</p>"
        ));
    }
    html
}

/// Valley News, with one article ([`HEADLINE`]), on a thread of its own.
pub fn news_server() -> SocketAddr {
    NewsSite {
        name: "Valley News",
        articles: vec![(HEADLINE.to_string(), story(1))],
        etag: false,
    }
    .start()
    .0
}

/// A news site: its home page at `/` announces its RSS feed at
/// `/feed.xml`, which lists its articles, served at `/articles/1`,
/// `/articles/2`, … (one published an hour after the other, the last the
/// newest).
pub struct NewsSite {
    /// The site's name, in its pages' titles and its feed's.
    pub name: &'static str,
    /// Each article's headline and body (HTML paragraphs).
    pub articles: Vec<(String, String)>,
    /// Whether the feed has an ETag, a request sending it back answered
    /// 304 Not Modified.
    pub etag: bool,
}

/// What a [`NewsSite`] was asked for.
#[derive(Default)]
pub struct Hits {
    /// Feed requests answered 304 Not Modified.
    pub not_modified: AtomicUsize,
    /// Article pages served.
    pub pages: AtomicUsize,
}

struct Site {
    site: NewsSite,
    addr: SocketAddr,
    hits: Arc<Hits>,
}

const ETAG: &str = "\"one\"";

impl NewsSite {
    /// Starts the site on a thread of its own: its address, and what it
    /// is asked for.
    pub fn start(self) -> (SocketAddr, Arc<Hits>) {
        let hits = Arc::new(Hits::default());
        let counted = Arc::clone(&hits);
        let addr = serve_app(move |addr| {
            Router::new()
                .route("/", get(home))
                .route("/feed.xml", get(feed))
                .route("/articles/{n}", get(article))
                .with_state(Arc::new(Site {
                    site: self,
                    addr,
                    hits: counted,
                }))
        });
        (addr, hits)
    }
}

async fn home(State(site): State<Arc<Site>>) -> Response {
    let name = site.site.name;
    (
        [(header::CONTENT_TYPE, "text/html")],
        format!(
            "<html><head><title>{name}</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head>\
             <body><h1>{name}</h1></body></html>"
        ),
    )
        .into_response()
}

async fn feed(State(site): State<Arc<Site>>, headers: HeaderMap) -> Response {
    if site.site.etag
        && headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v == ETAG)
    {
        site.hits.not_modified.fetch_add(1, Ordering::SeqCst);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let (name, addr) = (site.site.name, site.addr);
    let items: String = (1..)
        .zip(&site.site.articles)
        .map(|(n, (headline, _))| {
            format!(
                "<item><title>{headline}</title><link>http://{addr}/articles/{n}</link>\
                 <guid>article-{n}</guid><pubDate>Mon, 17 Mar 2025 {n:02}:00:00 GMT</pubDate>\
                 <description>Teaser</description></item>"
            )
        })
        .collect();
    let mut response = (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>\
             <link>http://{addr}/</link>{items}</channel></rss>"
        ),
    )
        .into_response();
    if site.site.etag {
        response
            .headers_mut()
            .insert(header::ETAG, HeaderValue::from_static(ETAG));
    }
    response
}

async fn article(State(site): State<Arc<Site>>, Path(n): Path<usize>) -> Response {
    let Some((headline, body)) = n.checked_sub(1).and_then(|i| site.site.articles.get(i)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    site.hits.pages.fetch_add(1, Ordering::SeqCst);
    (
        [(header::CONTENT_TYPE, "text/html")],
        format!(
            "<html><head><title>{headline}</title>\
             <meta property=\"og:site_name\" content=\"{}\"></head><body><article>\
             <h1>{headline}</h1>{body}</article></body></html>",
            site.site.name
        ),
    )
        .into_response()
}

/// One HTTP/1.1 exchange over a fresh connection: status, headers (lower
/// case) and body.
pub struct Answer {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

impl Answer {
    /// The body as JSON, once the status is checked to be 200.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.status, 200, "{}", self.body);
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

/// `method path`, with a form as its body if given.
pub fn http(addr: SocketAddr, method: &str, path: &str, form: Option<&str>) -> Answer {
    http_with(addr, method, path, &[], form)
}

/// [`http`] with more request headers (`Cookie`, `Authorization`).
pub fn http_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    form: Option<&str>,
) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("cannot connect to tribune serve");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(form) = form {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(form.unwrap_or(""));
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = head.to_ascii_lowercase();
    let body = if headers.contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_string()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
}

/// The first `/prefix/N` link in `html`.
pub fn first_link(html: &str, prefix: &str) -> Option<String> {
    let start = html.find(&format!("href=\"{prefix}"))? + "href=\"".len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].to_string())
}

/// `tribune serve` and its address (read from what it prints); the rest
/// is [`Running`]'s.
pub struct Server {
    pub addr: SocketAddr,
    running: Running,
}

impl Deref for Server {
    type Target = Running;

    fn deref(&self) -> &Running {
        &self.running
    }
}

impl DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Running {
        &mut self.running
    }
}

/// `tribune serve` on the data directory `data`, allowed to fetch from the
/// news site at `news`.
pub fn start(data: &str, news: SocketAddr) -> Server {
    start_with(data, &[&format!("--allow-host=127.0.0.1:{}", news.port())])
}

/// `tribune serve` on a free port with the data directory `data` and the
/// flags `args`, once it has said where it listens.
pub fn start_with(data: impl AsRef<OsStr>, args: &[&str]) -> Server {
    let mut all: Vec<OsString> = ["serve", "--listen", "127.0.0.1:0", "--data-dir"]
        .map(OsString::from)
        .into();
    all.push(data.as_ref().to_owned());
    all.extend(args.iter().map(OsString::from));
    let mut running = spawn(all, "warn");
    let log = Arc::clone(&running.log);
    let addr = running.wait_for(
        "address from tribune serve",
        Duration::from_secs(60),
        || {
            // "Tribune is serving http://127.0.0.1:PORT/ (Ctrl-C to stop)"
            log.lock()
                .unwrap()
                .lines()
                .find_map(|line| {
                    line.split("http://")
                        .nth(1)?
                        .split('/')
                        .next()?
                        .parse()
                        .ok()
                })
                .ok_or("it has not said where it listens")
        },
    );
    Server { addr, running }
}
