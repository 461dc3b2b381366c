//! End to end: accounts made with `tribune user add` (the password on
//! standard input) and listed with `tribune user list`, then `tribune
//! serve` on the same data directory, signed in to over HTTP with the
//! log-in form, its cookies and its CSRF token.

mod util;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use util::server::{news_server, start};
use util::{TestDir, tribune, tribune_with_stdin};

/// One HTTP/1.1 exchange with optional cookies and form: status, headers
/// (lower case) and body.
fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookies: &str,
    form: Option<&str>,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("cannot connect to tribune serve");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookies.is_empty() {
        request.push_str(&format!("Cookie: {cookies}\r\n"));
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
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// The value the answer sets for cookie `name`.
fn cookie(headers: &str, name: &str) -> Option<String> {
    headers
        .lines()
        .filter_map(|line| line.strip_prefix("set-cookie: "))
        .find_map(|value| value.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
}

/// The first CSRF field's value in a page.
fn csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..start + 64].to_string()
}

#[test]
fn user_add_and_list_then_sign_in_to_the_server() {
    let dir = TestDir::new("accounts");
    let data = dir.join("data");
    let data = data.to_str().unwrap();

    // On an empty data directory; the first line of stdin is the password.
    let added = tribune_with_stdin(
        ["user", "add", "ann", "--admin", "--data-dir", data],
        b"a long passphrase\nignored second line\n",
    );
    added.assert_code(0);
    assert!(added.stdout.contains("ann"), "{added:?}");
    assert!(added.stdout.contains("administrator"), "{added:?}");
    // An empty password, a taken name and a bad name are refused.
    tribune_with_stdin(["user", "add", "bob", "--data-dir", data], b"\n").assert_code(2);
    tribune_with_stdin(["user", "add", "bob", "--data-dir", data], b"").assert_code(2);
    let taken = tribune_with_stdin(
        ["user", "add", "ANN", "--data-dir", data],
        b"another password\n",
    );
    taken.assert_code(2);
    assert!(taken.stderr.contains("taken"), "{taken:?}");
    let bad = tribune_with_stdin(
        ["user", "add", "'; DROP TABLE users; --", "--data-dir", data],
        b"another password\n",
    );
    bad.assert_code(2);
    tribune_with_stdin(
        ["user", "add", "bob", "--data-dir", data],
        b"bob's password\r\n",
    )
    .assert_code(0);

    let listed = tribune(["user", "list", "--data-dir", data]);
    listed.assert_code(0);
    assert!(
        listed.stdout.contains("ann") && listed.stdout.contains("bob"),
        "{listed:?}"
    );
    let json = tribune(["user", "list", "--format", "json", "--data-dir", data]);
    json.assert_code(0);
    let users = json.json_lines();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0]["name"], "ann");
    assert_eq!(users[0]["is_admin"], true);
    assert_eq!(users[1]["is_admin"], false);
    assert!(!json.stdout.contains("argon2"), "no hashes: {json:?}");

    let server = start(data, news_server());
    let addr = server.addr;

    // With accounts, a visitor may read but not add sources.
    let (status, _, _) = exchange(addr, "GET", "/", "", None);
    assert_eq!(status, 200);
    let (status, _, _) = exchange(
        addr,
        "POST",
        "/sources",
        "",
        Some("url=https%3A%2F%2Fx.example%2F"),
    );
    assert_eq!(status, 401);

    // The log-in form: its cookie, its token.
    let (status, headers, page) = exchange(addr, "GET", "/login", "", None);
    assert_eq!(status, 200, "{page}");
    let form_cookie = cookie(&headers, "tribune_form").expect("a form cookie");
    let token = csrf(&page);
    let jar = format!("tribune_form={form_cookie}");
    let wrong = format!("csrf={token}&name=ann&password=not+it");
    let (status, headers, _) = exchange(addr, "POST", "/login", &jar, Some(&wrong));
    assert_eq!(status, 401);
    assert!(cookie(&headers, "tribune_session").is_none());
    let right = format!("csrf={token}&name=ann&password=a+long+passphrase&next=%2Faccount");
    let (status, headers, body) = exchange(addr, "POST", "/login", &jar, Some(&right));
    assert_eq!(status, 303, "{headers}\n{body}");
    assert!(headers.contains("location: /account"), "{headers}");
    let session = cookie(&headers, "tribune_session").expect("a session cookie");
    assert!(
        headers.contains("httponly") && headers.contains("samesite=lax"),
        "{headers}"
    );

    let jar = format!("tribune_session={session}");
    let (status, _, page) = exchange(addr, "GET", "/account", &jar, None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Manage your account"), "{page}");
    assert!(page.contains("ann"), "{page}");
    let (status, _, me) = exchange(addr, "GET", "/api/v1/me", &jar, None);
    assert_eq!(status, 200, "{me}");
    let me: serde_json::Value = serde_json::from_str(&me).unwrap();
    assert_eq!(me["name"], "ann");
    assert_eq!(me["is_admin"], true);
    let (status, _, page) = exchange(addr, "GET", "/admin", &jar, None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("bob"), "{page}");

    // Signing out ends it.
    let out = format!("csrf={}", csrf(&page));
    let (status, headers, _) = exchange(addr, "POST", "/logout", &jar, Some(&out));
    assert_eq!(status, 303);
    assert!(headers.contains("max-age=0"), "{headers}");
    let (status, _, _) = exchange(addr, "GET", "/api/v1/me", &jar, None);
    assert_eq!(status, 401);
}
