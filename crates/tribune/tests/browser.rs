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
use util::TestDir;
use util::server::{news_server, start};

const HEADLINE: &str = "Rescuers reach cut-off villages after landslide";

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
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "chromedriver did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
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

async fn screenshot(client: &Client, dir: &Path, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(dir.join(name), png).expect("cannot save a screenshot");
}

async fn wait_for_text(client: &Client, base: &str, path: &str, text: &str) -> String {
    let started = Instant::now();
    loop {
        client.goto(&format!("{base}{path}")).await.expect("a page");
        let html = client.source().await.expect("the page's source");
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

/// Chromium and ChromeDriver, or `None` (the test skips) when they are
/// not installed and not required.
fn programs() -> Option<(PathBuf, PathBuf)> {
    let required = std::env::var("TRIBUNE_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let found = find_program(&["/usr/bin/chromium", "/usr/bin/chromium-browser"])
        .zip(find_program(&["/usr/bin/chromedriver"]));
    assert!(
        found.is_some() || !required,
        "TRIBUNE_REQUIRE_BROWSER=1 but chromium or chromedriver is missing: \
         apt-get install -y chromium chromium-driver"
    );
    if found.is_none() {
        eprintln!("skipped: chromium and chromium-driver are not installed");
    }
    found
}

/// Where screenshots go, to be looked at.
fn screenshot_dir() -> PathBuf {
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).expect("cannot make the screenshot directory");
    shots
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_follows_a_site_in_chromium_and_reads_its_story() {
    let Some((chromium, chromedriver)) = programs() else {
        return;
    };
    let shots = screenshot_dir();

    let news: SocketAddr = news_server();
    let dir = TestDir::new("browser");
    let data = dir.join("data");
    let server = start(data.to_str().expect("a UTF-8 path"), news);
    let base = format!("http://{}", server.addr);
    let driver = start_driver(&chromedriver);
    let client = browser(&driver, &chromium).await;

    // An empty desk explains how to begin.
    client
        .goto(&format!("{base}/"))
        .await
        .expect("the front page");
    let html = client.source().await.expect("the page's source");
    assert!(html.contains("Welcome to Tribune"), "{html}");
    screenshot(&client, &shots, "empty.png").await;

    // Follow the site through the form, as a reader would.
    client
        .goto(&format!("{base}/sources"))
        .await
        .expect("the sources page");
    let field = client
        .wait()
        .for_element(Locator::Css("input#url"))
        .await
        .expect("the address field");
    field
        .send_keys(&format!("http://{news}/"))
        .await
        .expect("typing the address");
    client
        .find(Locator::Css(
            "form[action='/sources'] button[type='submit']",
        ))
        .await
        .expect("the Follow button")
        .click()
        .await
        .expect("clicking Follow");
    let html = wait_for_text(&client, &base, "/sources", "/feed.xml").await;
    assert!(
        html.contains("Valley News") || html.contains("/feed.xml"),
        "{html}"
    );

    // The poller reads the new source at once: the story reaches the front page.
    let html = wait_for_text(&client, &base, "/", HEADLINE).await;
    assert!(html.contains("1 article from 1 outlet"), "{html}");
    screenshot(&client, &shots, "front.png").await;

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
    screenshot(&client, &shots, "story.png").await;

    // The same page at a phone's width.
    client
        .set_window_size(390, 844)
        .await
        .expect("a phone-sized window");
    client
        .goto(&format!("{base}/"))
        .await
        .expect("the front page");
    screenshot(&client, &shots, "front-phone.png").await;

    client.close().await.expect("closing the browser");
    eprintln!("screenshots in {}", shots.display());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_makes_an_account_in_chromium_and_manages_it() {
    let Some((chromium, chromedriver)) = programs() else {
        return;
    };
    let shots = screenshot_dir();
    let news: SocketAddr = news_server();
    let dir = TestDir::new("browser-account");
    let data = dir.join("data");
    let server = start(data.to_str().expect("a UTF-8 path"), news);
    let base = format!("http://{}", server.addr);
    let driver = start_driver(&chromedriver);
    let client = browser(&driver, &chromium).await;

    // The first account made through the page is the admin's.
    client
        .goto(&format!("{base}/signup"))
        .await
        .expect("the sign-up page");
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
    let html = wait_for_text(&client, &base, "/account", "editor").await;
    assert!(html.contains("Manage your account"), "{html}");
    assert!(
        html.contains("/admin"),
        "the first account is the admin's: {html}"
    );
    screenshot(&client, &shots, "account.png").await;

    // Signed in, following a site makes it one of the reader's own.
    client
        .goto(&format!("{base}/sources"))
        .await
        .expect("the sources page");
    client
        .wait()
        .for_element(Locator::Css("input#url"))
        .await
        .expect("the address field")
        .send_keys(&format!("http://{news}/"))
        .await
        .expect("typing the address");
    client
        .find(Locator::Css(
            "form[action='/sources'] button[type='submit']",
        ))
        .await
        .expect("the Follow button")
        .click()
        .await
        .expect("clicking Follow");
    let html = wait_for_text(&client, &base, "/my", HEADLINE).await;
    assert!(html.contains(HEADLINE), "{html}");
    screenshot(&client, &shots, "my.png").await;

    client
        .goto(&format!("{base}/account/webhooks"))
        .await
        .expect("the webhooks page");
    let html = client.source().await.expect("the webhooks page");
    assert!(html.contains("<form"), "{html}");
    screenshot(&client, &shots, "webhooks.png").await;

    client.close().await.expect("closing the browser");
}
