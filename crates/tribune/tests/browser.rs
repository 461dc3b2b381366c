//! The reader in a real browser: headless Chromium, driven through
//! ChromeDriver (WebDriver), opens an empty `tribune serve`, follows a news
//! site by typing its address into the sources form, waits for the story
//! on the front page, opens it, and saves screenshots (desktop and phone
//! widths) under `target/tmp/browser/` to be looked at.
//!
//! Needs Debian's `chromium` and `chromium-driver`; `.ci/run` installs them
//! and sets `TRIBUNE_REQUIRE_BROWSER=1`, so in CI a missing browser fails
//! the test instead of skipping it.

mod util;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use util::server::{HEADLINE, Server, news_server, start};
use util::{TestDir, tool_or_skip, wait_for};

/// ChromeDriver, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_program(candidates: &[&str]) -> Option<PathBuf> {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
}

/// Starts ChromeDriver on a free port and waits until it listens.
fn start_driver(program: &Path) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("no free port")
        .port();
    let child = Command::new(program)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start chromedriver");
    let driver = Driver { child, port };
    wait_for("chromedriver listening", Duration::from_secs(30), || {
        TcpStream::connect(("127.0.0.1", port))
    });
    driver
}

async fn browser(driver: &Driver, chromium: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,900"],
        }),
    );
    ClientBuilder::rustls()
        .expect("a TLS set-up for the WebDriver client")
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("cannot open a Chromium session through chromedriver")
}

/// Chromium and ChromeDriver, or `None` (the test skips) when they are
/// not installed and not required.
fn programs() -> Option<(PathBuf, PathBuf)> {
    let found = find_program(&["/usr/bin/chromium", "/usr/bin/chromium-browser"])
        .zip(find_program(&["/usr/bin/chromedriver"]))
        .ok_or_else(|| {
            "chromium or chromedriver is missing (apt-get install -y chromium chromium-driver)"
                .to_string()
        });
    tool_or_skip(found, "TRIBUNE_REQUIRE_BROWSER")
}

/// A browser on an empty `tribune serve` that may follow [`news_server`].
struct Reader {
    client: Client,
    /// The server's address, `http://127.0.0.1:PORT`.
    base: String,
    news: SocketAddr,
    /// Where screenshots go, to be looked at.
    shots: PathBuf,
    // Stopped in this order once the test is done.
    _driver: Driver,
    _server: Server,
    _dir: TestDir,
}

/// The [`Reader`] for the test `name`, or `None` when it skips.
async fn reader(name: &str) -> Option<Reader> {
    let (chromium, chromedriver) = programs()?;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).expect("cannot make the screenshot directory");
    let news = news_server();
    let dir = TestDir::new(name);
    let data = dir.join("data");
    let server = start(data.to_str().expect("a UTF-8 path"), news);
    let base = format!("http://{}", server.addr);
    let driver = start_driver(&chromedriver);
    let client = browser(&driver, &chromium).await;
    Some(Reader {
        client,
        base,
        news,
        shots,
        _driver: driver,
        _server: server,
        _dir: dir,
    })
}

impl Reader {
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|err| panic!("cannot open {path}: {err}"));
    }

    /// Follows the news site through the form on the sources page, as a
    /// reader would.
    async fn follow_news_site(&self) {
        self.goto("/sources").await;
        self.client
            .wait()
            .for_element(Locator::Css("input#url"))
            .await
            .expect("the address field")
            .send_keys(&format!("http://{}/", self.news))
            .await
            .expect("typing the address");
        self.client
            .find(Locator::Css(
                "form[action='/sources'] button[type='submit']",
            ))
            .await
            .expect("the Follow button")
            .click()
            .await
            .expect("clicking Follow");
    }

    /// The page at `path` once it shows `text` (reloaded until it does).
    async fn wait_for_text(&self, path: &str, text: &str) -> String {
        let started = Instant::now();
        loop {
            self.goto(path).await;
            let html = self.client.source().await.expect("the page's source");
            if html.contains(text) {
                return html;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "`{text}` not on {path} after a minute:\n{html}"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(self.shots.join(name), png).expect("cannot save a screenshot");
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_follows_a_site_in_chromium_and_reads_its_story() {
    let Some(reader) = reader("browser").await else {
        return;
    };
    let client = reader.client.clone();

    // An empty desk explains how to begin.
    reader.goto("/").await;
    let html = client.source().await.expect("the page's source");
    assert!(html.contains("Welcome to Tribune"), "{html}");
    reader.screenshot("empty.png").await;

    // Follow the site through the form, as a reader would.
    reader.follow_news_site().await;
    let html = reader.wait_for_text("/sources", "/feed.xml").await;
    assert!(
        html.contains("Valley News") || html.contains("/feed.xml"),
        "{html}"
    );

    // The poller reads the new source at once: the story reaches the front page.
    let html = reader.wait_for_text("/", HEADLINE).await;
    assert!(html.contains("1 article from 1 outlet"), "{html}");
    reader.screenshot("front.png").await;

    // Open the story by clicking its headline.
    client
        .find(Locator::LinkText(HEADLINE))
        .await
        .expect("the story's headline link")
        .click()
        .await
        .expect("clicking the headline");
    let url = client.current_url().await.expect("the story's address");
    assert!(url.path().starts_with("/stories/"), "{url}");
    let html = client.source().await.expect("the story page");
    assert!(html.contains("Maria Keller"), "{html}");
    assert!(html.contains("Valley News"), "{html}");
    reader.screenshot("story.png").await;

    // The same page at a phone's width.
    client
        .set_window_size(390, 844)
        .await
        .expect("a phone-sized window");
    reader.goto("/").await;
    reader.screenshot("front-phone.png").await;

    client.close().await.expect("closing the browser");
    eprintln!("screenshots in {}", reader.shots.display());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_makes_an_account_in_chromium_and_manages_it() {
    let Some(reader) = reader("browser-account").await else {
        return;
    };
    let client = reader.client.clone();

    // The first account made through the page is the admin's.
    reader.goto("/signup").await;
    for (field, value) in [
        ("name", "editor"),
        ("password", "long enough secret"),
        ("confirm", "long enough secret"),
    ] {
        client
            .find(Locator::Id(field))
            .await
            .expect("a sign-up field")
            .send_keys(value)
            .await
            .expect("typing");
    }
    client
        .find(Locator::Css("form[action='/signup'] button[type='submit']"))
        .await
        .expect("the sign-up button")
        .click()
        .await
        .expect("clicking it");
    let html = reader.wait_for_text("/account", "editor").await;
    assert!(html.contains("Manage your account"), "{html}");
    assert!(
        html.contains("/admin"),
        "the first account is the admin's: {html}"
    );
    reader.screenshot("account.png").await;

    // Signed in, following a site makes it one of the reader's own.
    reader.follow_news_site().await;
    let html = reader.wait_for_text("/my", HEADLINE).await;
    assert!(html.contains(HEADLINE), "{html}");
    reader.screenshot("my.png").await;

    reader.goto("/account/webhooks").await;
    let html = client.source().await.expect("the webhooks page");
    assert!(html.contains("<form"), "{html}");
    reader.screenshot("webhooks.png").await;

    client.close().await.expect("closing the browser");
}
