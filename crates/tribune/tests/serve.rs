//! End to end: `tribune serve` started on a free port, a site followed
//! through the web form (its feed discovered on a news server this test
//! runs on 127.0.0.1), its story appearing on the front page, the story and
//! article pages rendering it, and the server stopped with SIGTERM.

mod util;

use std::time::Duration;

use util::TestDir;
use util::server::{first_link, http, news_server, start};

#[cfg(unix)]
#[test]
fn a_site_followed_through_the_web_form_shows_up_as_a_story() {
    let news = news_server();
    let dir = TestDir::new("serve");
    let data = dir.join("data");
    let mut server = start(data.to_str().unwrap(), news);
    let addr = server.addr;

    // An empty desk says how to start.
    let front = http(addr, "GET", "/", None);
    assert_eq!(front.status, 200, "{}", front.body);
    assert!(
        front.headers.contains("content-security-policy"),
        "{}",
        front.headers
    );
    assert!(front.body.contains("Welcome to Tribune"), "{}", front.body);

    // Follow the site; its feed is discovered, and the answer redirects.
    let form = format!("url=http%3A%2F%2F127.0.0.1%3A{}%2F", news.port());
    let added = http(addr, "POST", "/sources", Some(&form));
    assert_eq!(added.status, 303, "{}", added.body);
    assert!(
        added.headers.contains("location: /sources?added="),
        "{}",
        added.headers
    );
    let sources = http(addr, "GET", "/sources", None);
    assert!(sources.body.contains("/feed.xml"), "{}", sources.body);

    // The poller reads the new source at once: the story reaches the front page.
    let front = server.wait_for("story", Duration::from_secs(60), || {
        let front = http(addr, "GET", "/", None);
        if front.body.contains("Rescuers reach cut-off villages") {
            Ok(front)
        } else {
            Err(front.body)
        }
    });
    assert!(
        front.body.contains("1 article from 1 outlet"),
        "{}",
        front.body
    );
    assert!(
        front
            .body
            .contains("Rescue teams reached the last villages"),
        "{}",
        front.body
    );

    let story_path = first_link(&front.body, "/stories/").expect("a story link");
    let story = http(addr, "GET", &story_path, None);
    assert_eq!(story.status, 200, "{}", story.body);
    assert!(story.body.contains("Valley News"), "{}", story.body);
    assert!(story.body.contains("Maria Keller"), "{}", story.body);

    let article_path = first_link(&story.body, "/articles/").expect("an article link");
    let article = http(addr, "GET", &article_path, None);
    assert_eq!(article.status, 200, "{}", article.body);
    assert!(
        article
            .body
            .contains("<p>Rescue teams reached the last villages"),
        "{}",
        article.body
    );
    assert!(
        article
            .body
            .contains(&format!("href=\"http://{news}/articles/1\"")),
        "{}",
        article.body
    );

    // Stored articles become searchable when the poller next commits the
    // index (about once a second): wait for it as for the front page.
    server.wait_for("search hit", Duration::from_secs(30), || {
        let search = http(addr, "GET", "/search?q=landslide", None);
        if search.body.contains(&article_path) {
            Ok(())
        } else {
            Err(search.body)
        }
    });
    let sources = http(addr, "GET", "/sources", None);
    assert!(sources.body.contains("status-ok"), "{}", sources.body);

    // SIGTERM: a clean stop.
    let (status, log) = server.stop();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(
        log.contains("stopped; everything fetched is stored"),
        "{log}"
    );
}
