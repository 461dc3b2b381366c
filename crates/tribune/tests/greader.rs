//! End to end with a real Google Reader client: newsboat (its `feedhq`
//! source type speaks the protocol) against a live `tribune serve`.
//!
//! A user made with `tribune user add` subscribes, through the API's
//! `quickadd`, to a news site this test serves on 127.0.0.1; once the
//! poller has stored its three articles, `newsboat -x reload print-unread`
//! must count three unread. One article is then marked read through the
//! API: Tribune's streams must show it read, and newsboat's count must
//! drop to two.
//!
//! Without newsboat installed the test says it is skipped and passes,
//! unless `TRIBUNE_REQUIRE_NEWSBOAT=1` (as CI sets), which makes a missing
//! newsboat a failure.

mod util;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use util::server::start;
use util::{TestDir, tribune_with_stdin};

const PASSWORD: &str = "ann's long password";

/// The headlines of the site's three articles.
const HEADLINES: [&str; 3] = [
    "River rises two metres in Alder",
    "Dam holds as engineers inspect it",
    "Valley schools close for the week",
];

/// The body of article `n`: distinct prose, so that no article is taken
/// for a copy of another.
fn body(n: usize) -> String {
    let paragraphs: [&[&str]; 3] = [
        &[
            "The river rose two metres overnight in the town of Alder, officials said on \
             Monday, and residents of the lower streets were told to leave before noon.",
            "Volunteers stacked sandbags along the embankment while police closed the old \
             quay to traffic and moved parked cars to higher ground.",
        ],
        &[
            "Engineers from the regional water board inspected the Kessel dam on Tuesday and \
             said the structure was holding despite the record inflow.",
            "They warned that more rain was expected on Thursday and that controlled releases \
             could flood the meadows downstream for several days.",
        ],
        &[
            "Every school in the valley will stay closed until Friday, the education office \
             announced, because buses cannot cross the damaged bridges.",
            "Teachers will send lessons by post and radio, and exams planned for the week \
             have been moved to the start of next month.",
        ],
    ];
    paragraphs[n]
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect()
}

async fn home() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        "<html><head><title>Alder Courier</title>\
         <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head>\
         <body><h1>Alder Courier</h1></body></html>",
    )
        .into_response()
}

async fn feed(State(addr): State<SocketAddr>) -> Response {
    let items: String = HEADLINES
        .iter()
        .enumerate()
        .map(|(n, headline)| {
            format!(
                "<item><title>{headline}</title><link>http://{addr}/articles/{n}</link>\
                 <guid>alder-{n}</guid><pubDate>Mon, 17 Mar 2025 0{n}:00:00 GMT</pubDate>\
                 <description>Teaser</description></item>"
            )
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Alder Courier</title>\
             <link>http://{addr}/</link>{items}</channel></rss>"
        ),
    )
        .into_response()
}

async fn article(UrlPath(n): UrlPath<usize>) -> Response {
    let Some(headline) = HEADLINES.get(n) else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    (
        [(header::CONTENT_TYPE, "text/html")],
        format!(
            "<html><head><title>{headline}</title>\
             <meta property=\"og:site_name\" content=\"Alder Courier\"></head><body><article>\
             <h1>{headline}</h1>{}</article></body></html>",
            body(n)
        ),
    )
        .into_response()
}

/// The news site, on a thread of its own for the rest of the process.
fn news_site() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a port");
            let addr = listener.local_addr().expect("an address");
            let app = Router::new()
                .route("/", get(home))
                .route("/feed.xml", get(feed))
                .route("/articles/{n}", get(article))
                .with_state(addr);
            tx.send(addr).expect("the test waits");
            axum::serve(listener, app).await.expect("the site serves");
        });
    });
    rx.recv().expect("the site's address")
}

/// One HTTP/1.0 exchange (so the answer is not chunked), with the
/// `GoogleLogin` header when `auth` is given: status and body.
fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    auth: Option<&str>,
    form: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("cannot connect to tribune serve");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n");
    if let Some(auth) = auth {
        request.push_str(&format!("Authorization: GoogleLogin auth={auth}\r\n"));
    }
    if method == "POST" {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(form);
    stream.write_all(request.as_bytes()).expect("sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("an answer");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    (status, body.to_string())
}

fn json(answer: (u16, String)) -> Value {
    assert_eq!(answer.0, 200, "{}", answer.1);
    serde_json::from_str(&answer.1).unwrap_or_else(|err| panic!("not JSON ({err}): {}", answer.1))
}

/// The newsboat to run, or why there is none.
fn newsboat() -> Result<String, String> {
    let program = std::env::var("NEWSBOAT").unwrap_or_else(|_| "newsboat".into());
    match Command::new(&program).arg("--version").output() {
        Ok(output) if output.status.success() => {
            let version = String::from_utf8_lossy(&output.stdout);
            eprintln!("using {}", version.lines().next().unwrap_or("newsboat"));
            Ok(program)
        }
        Ok(output) => Err(format!("`{program} --version` failed: {output:?}")),
        Err(err) => Err(format!("`{program}` cannot be run: {err}")),
    }
}

/// `newsboat -x reload print-unread` with the given config and cache; its
/// output's "N unread articles" line.
fn newsboat_unread(program: &str, dir: &TestDir, config: &Path, cache: &Path) -> String {
    let urls = dir.write("newsboat/urls", "");
    let home = dir.join("newsboat/home");
    std::fs::create_dir_all(&home).expect("a home for newsboat");
    let mut child = Command::new(program)
        .arg("-C")
        .arg(config)
        .arg("-u")
        .arg(&urls)
        .arg("-c")
        .arg(cache)
        .args(["-x", "reload", "print-unread"])
        // newsboat keeps files under the home directory: a scratch one.
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsboat starts");
    let started = Instant::now();
    while child.try_wait().expect("newsboat runs").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("newsboat ran for more than two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("newsboat's output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "newsboat failed: {:?}\n{stdout}\n{stderr}",
        output.status
    );
    eprintln!("newsboat printed: {}", stdout.trim());
    stdout
        .lines()
        .find(|line| line.contains("unread articles"))
        .unwrap_or_else(|| panic!("no unread count from newsboat:\n{stdout}\n{stderr}"))
        .trim()
        .to_string()
}

#[cfg(unix)]
#[test]
fn newsboat_reads_and_syncs_through_the_google_reader_api() {
    let program = match newsboat() {
        Ok(program) => program,
        Err(why) => {
            if std::env::var("TRIBUNE_REQUIRE_NEWSBOAT").as_deref() == Ok("1") {
                panic!("TRIBUNE_REQUIRE_NEWSBOAT=1 but newsboat is missing: {why}");
            }
            eprintln!(
                "SKIPPED newsboat_reads_and_syncs_through_the_google_reader_api: {why} \
                 (install newsboat, or set TRIBUNE_REQUIRE_NEWSBOAT=1 to make this a failure)"
            );
            return;
        }
    };
    let site = news_site();
    let dir = TestDir::new("greader");
    let data = dir.join("data");
    let data = data.to_str().expect("a UTF-8 path");
    tribune_with_stdin(
        ["user", "add", "ann", "--data-dir", data],
        format!("{PASSWORD}\n").as_bytes(),
    )
    .assert_code(0);
    let server = start(data, site);
    let addr = server.addr;

    // Sign in and subscribe to the site by its home page.
    let form = format!(
        "Email=ann&Passwd={}",
        url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>()
    );
    let (status, login) = call(addr, "POST", "/accounts/ClientLogin", None, &form);
    assert_eq!(status, 200, "{login}");
    let auth = login
        .lines()
        .find_map(|line| line.strip_prefix("Auth="))
        .expect("an Auth line")
        .to_string();
    let auth = Some(auth.as_str());
    let added = json(call(
        addr,
        "POST",
        "/reader/api/0/subscription/quickadd",
        auth,
        &format!("quickadd=http://{site}/"),
    ));
    assert_eq!(added["numResults"], 1, "{added}");
    let feed_id = added["streamId"].as_str().expect("a stream id").to_string();

    // The poller reads the new source at once: wait for its three articles.
    let started = Instant::now();
    loop {
        let counts = json(call(addr, "GET", "/reader/api/0/unread-count", auth, ""));
        let total = counts["unreadcounts"]
            .as_array()
            .and_then(|counts| {
                counts
                    .iter()
                    .find(|c| c["id"] == "user/-/state/com.google/reading-list")
            })
            .and_then(|c| c["count"].as_u64());
        if total == Some(3) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not three unread articles after a minute: {counts}\n{}",
            server
                .stderr
                .lock()
                .map(|log| log.clone())
                .unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // newsboat, configured as its manual says (the URL with a trailing
    // slash, as in its default).
    let config = dir.write(
        "newsboat/config",
        format!(
            "urls-source \"feedhq\"\n\
             feedhq-url \"http://{addr}/\"\n\
             feedhq-login \"ann\"\n\
             feedhq-password \"{}\"\n\
             feedhq-show-special-feeds no\n",
            PASSWORD.replace('"', "\\\"")
        ),
    );
    let cache = dir.join("newsboat/cache.db");
    assert_eq!(
        newsboat_unread(&program, &dir, &config, &cache),
        "3 unread articles"
    );

    // Mark the newest article read through the API, as a client would.
    let ids = json(call(
        addr,
        "GET",
        &format!("/reader/api/0/stream/items/ids?s={feed_id}&n=1"),
        auth,
        "",
    ));
    let id = ids["itemRefs"][0]["id"]
        .as_str()
        .expect("an item id")
        .to_string();
    let (status, token) = call(addr, "GET", "/reader/api/0/token", auth, "");
    assert_eq!(status, 200, "{token}");
    let (status, answer) = call(
        addr,
        "POST",
        "/reader/api/0/edit-tag",
        auth,
        &format!("i={id}&a=user/-/state/com.google/read&T={token}"),
    );
    assert_eq!((status, answer.as_str()), (200, "OK"));

    // Tribune shows it read: out of the unread stream, in the read one.
    let unread = json(call(
        addr,
        "GET",
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list\
         &xt=user/-/state/com.google/read&n=100",
        auth,
        "",
    ));
    let unread: Vec<&str> = unread["itemRefs"]
        .as_array()
        .expect("item refs")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(unread.len(), 2, "{unread:?}");
    assert!(!unread.contains(&id.as_str()), "{unread:?}");
    let read = json(call(
        addr,
        "GET",
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/read",
        auth,
        "",
    ));
    assert_eq!(read["itemRefs"][0]["id"], id.as_str(), "{read}");

    // And newsboat, reloading, counts one fewer.
    assert_eq!(
        newsboat_unread(&program, &dir, &config, &cache),
        "2 unread articles"
    );
}
