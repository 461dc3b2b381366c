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

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use util::server::{Answer, NewsSite, http, http_with, start};
use util::{TestDir, tool_or_skip, tribune_with_stdin, wait_exit};

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

/// The news site, on a thread of its own for the rest of the process.
fn news_site() -> SocketAddr {
    NewsSite {
        name: "Alder Courier",
        articles: HEADLINES
            .iter()
            .enumerate()
            .map(|(n, headline)| (headline.to_string(), body(n)))
            .collect(),
        etag: false,
    }
    .start()
    .0
}

/// `method path` with the `GoogleLogin` header when `auth` is given, and
/// `form` as the body of a POST.
fn call(addr: SocketAddr, method: &str, path: &str, auth: Option<&str>, form: &str) -> Answer {
    let form = (method == "POST").then_some(form);
    match auth {
        Some(auth) => {
            let header = format!("GoogleLogin auth={auth}");
            http_with(addr, method, path, &[("Authorization", &header)], form)
        }
        None => http(addr, method, path, form),
    }
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
    if wait_exit(&mut child, Duration::from_secs(120)).is_none() {
        panic!("newsboat ran for more than two minutes");
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
    let Some(program) = tool_or_skip(newsboat(), "TRIBUNE_REQUIRE_NEWSBOAT") else {
        return;
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
    let mut server = start(data, site);
    let addr = server.addr;

    // Sign in and subscribe to the site by its home page.
    let form = format!(
        "Email=ann&Passwd={}",
        url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>()
    );
    let login = call(addr, "POST", "/accounts/ClientLogin", None, &form);
    assert_eq!(login.status, 200, "{}", login.body);
    let auth = login
        .body
        .lines()
        .find_map(|line| line.strip_prefix("Auth="))
        .expect("an Auth line")
        .to_string();
    let auth = Some(auth.as_str());
    let added = call(
        addr,
        "POST",
        "/reader/api/0/subscription/quickadd",
        auth,
        &format!("quickadd=http://{site}/"),
    )
    .json();
    assert_eq!(added["numResults"], 1, "{added}");
    let feed_id = added["streamId"].as_str().expect("a stream id").to_string();

    // The poller reads the new source at once: wait for its three articles.
    server.wait_for("three unread articles", Duration::from_secs(60), || {
        let counts = call(addr, "GET", "/reader/api/0/unread-count", auth, "").json();
        let total = counts["unreadcounts"]
            .as_array()
            .and_then(|counts| {
                counts
                    .iter()
                    .find(|c| c["id"] == "user/-/state/com.google/reading-list")
            })
            .and_then(|c| c["count"].as_u64());
        if total == Some(3) {
            Ok(())
        } else {
            Err(counts)
        }
    });

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
    let ids = call(
        addr,
        "GET",
        &format!("/reader/api/0/stream/items/ids?s={feed_id}&n=1"),
        auth,
        "",
    )
    .json();
    let id = ids["itemRefs"][0]["id"]
        .as_str()
        .expect("an item id")
        .to_string();
    let token = call(addr, "GET", "/reader/api/0/token", auth, "");
    assert_eq!(token.status, 200, "{}", token.body);
    let token = token.body;
    let answer = call(
        addr,
        "POST",
        "/reader/api/0/edit-tag",
        auth,
        &format!("i={id}&a=user/-/state/com.google/read&T={token}"),
    );
    assert_eq!((answer.status, answer.body.as_str()), (200, "OK"));

    // Tribune shows it read: out of the unread stream, in the read one.
    let unread = call(
        addr,
        "GET",
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list\
         &xt=user/-/state/com.google/read&n=100",
        auth,
        "",
    )
    .json();
    let unread: Vec<&str> = unread["itemRefs"]
        .as_array()
        .expect("item refs")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(unread.len(), 2, "{unread:?}");
    assert!(!unread.contains(&id.as_str()), "{unread:?}");
    let read = call(
        addr,
        "GET",
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/read",
        auth,
        "",
    )
    .json();
    assert_eq!(read["itemRefs"][0]["id"], id.as_str(), "{read}");

    // And newsboat, reloading, counts one fewer.
    assert_eq!(
        newsboat_unread(&program, &dir, &config, &cache),
        "2 unread articles"
    );
}
