//! A running `tribune serve` for end-to-end tests, and a small news site
//! on 127.0.0.1 for it to follow: a home page announcing an RSS feed with
//! one item, and the article it links to.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::TRIBUNE;

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

async fn home() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        "<html><head><title>Valley News</title>\
         <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head>\
         <body><h1>Valley News</h1></body></html>",
    )
        .into_response()
}

async fn feed(State(addr): State<SocketAddr>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Valley News</title>\
             <link>http://{addr}/</link>\
             <item><title>Rescuers reach cut-off villages after landslide</title>\
             <link>http://{addr}/articles/1</link><guid>landslide-1</guid>\
             <pubDate>Mon, 17 Mar 2025 08:00:00 GMT</pubDate>\
             <description>Teaser</description></item></channel></rss>"
        ),
    )
        .into_response()
}

async fn article(Path(n): Path<usize>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        format!(
            "<html><head><title>Rescuers reach cut-off villages after landslide</title>\
             <meta property=\"og:site_name\" content=\"Valley News\"></head><body><article>\
             <h1>Rescuers reach cut-off villages after landslide</h1>{}</article></body></html>",
            story(n)
        ),
    )
        .into_response()
}

/// Starts the news server on a thread of its own; it lives as long as the
/// test process.
pub fn news_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let app = Router::new()
                .route("/", get(home))
                .route("/feed.xml", get(feed))
                .route("/articles/{n}", get(article))
                .with_state(addr);
            tx.send(addr).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// One HTTP/1.1 exchange over a fresh connection: status, headers (lower
/// case) and body.
pub struct Answer {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

pub fn http(addr: SocketAddr, method: &str, path: &str, form: Option<&str>) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("cannot connect to tribune serve");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
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

/// The server, its address (read from what it prints) and everything it
/// has printed to stderr so far.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub stderr: Arc<Mutex<String>>,
}

pub fn start(data: &str, news: SocketAddr) -> Server {
    let mut child = Command::new(TRIBUNE)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", data])
        .arg(format!("--allow-host=127.0.0.1:{}", news.port()))
        .env("TRIBUNE_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start tribune serve");
    let stderr = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let pipe = child.stderr.take().unwrap();
    let log = Arc::clone(&stderr);
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            // "Tribune is serving http://127.0.0.1:PORT/ (Ctrl-C to stop)"
            if let Some(addr) = line
                .split("http://")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .and_then(|addr| addr.parse::<SocketAddr>().ok())
            {
                let _ = tx.send(addr);
            }
            log.lock().unwrap().push_str(&line);
            log.lock().unwrap().push('\n');
        }
    });
    let addr = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(addr) => addr,
        Err(_) => {
            let _ = child.kill();
            panic!(
                "tribune serve did not say where it listens: {}",
                stderr.lock().unwrap()
            );
        }
    };
    Server {
        child,
        addr,
        stderr,
    }
}

/// A failing test must not leave the server running.
impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
