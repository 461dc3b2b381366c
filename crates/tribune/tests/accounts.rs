//! End to end: accounts made with `tribune user add` (the password on
//! standard input) and listed with `tribune user list`, then `tribune
//! serve` on the same data directory, signed in to over HTTP with the
//! log-in form, its cookies and its CSRF token.

mod util;

use util::server::{http, http_with, news_server, start};
use util::{TestDir, tribune, tribune_with_stdin};

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
    assert_eq!(http(addr, "GET", "/", None).status, 200);
    let form = "url=https%3A%2F%2Fx.example%2F";
    assert_eq!(http(addr, "POST", "/sources", Some(form)).status, 401);

    // The log-in form: its cookie, its token.
    let login = http(addr, "GET", "/login", None);
    assert_eq!(login.status, 200, "{}", login.body);
    let form_cookie = cookie(&login.headers, "tribune_form").expect("a form cookie");
    let token = csrf(&login.body);
    let jar = format!("tribune_form={form_cookie}");
    let with_form_cookie = [("Cookie", jar.as_str())];
    let wrong = format!("csrf={token}&name=ann&password=not+it");
    let refused = http_with(addr, "POST", "/login", &with_form_cookie, Some(&wrong));
    assert_eq!(refused.status, 401);
    assert!(cookie(&refused.headers, "tribune_session").is_none());
    let right = format!("csrf={token}&name=ann&password=a+long+passphrase&next=%2Faccount");
    let signed_in = http_with(addr, "POST", "/login", &with_form_cookie, Some(&right));
    let headers = &signed_in.headers;
    assert_eq!(signed_in.status, 303, "{headers}\n{}", signed_in.body);
    assert!(headers.contains("location: /account"), "{headers}");
    let session = cookie(headers, "tribune_session").expect("a session cookie");
    assert!(
        headers.contains("httponly") && headers.contains("samesite=lax"),
        "{headers}"
    );

    let jar = format!("tribune_session={session}");
    let with_session = [("Cookie", jar.as_str())];
    let get = |path| http_with(addr, "GET", path, &with_session, None);
    let account = get("/account");
    assert_eq!(account.status, 200, "{}", account.body);
    assert!(
        account.body.contains("Manage your account"),
        "{}",
        account.body
    );
    assert!(account.body.contains("ann"), "{}", account.body);
    let me = get("/api/v1/me").json();
    assert_eq!(me["name"], "ann");
    assert_eq!(me["is_admin"], true);
    let admin = get("/admin");
    assert_eq!(admin.status, 200, "{}", admin.body);
    assert!(admin.body.contains("bob"), "{}", admin.body);

    // Signing out ends it.
    let out = format!("csrf={}", csrf(&admin.body));
    let signed_out = http_with(addr, "POST", "/logout", &with_session, Some(&out));
    assert_eq!(signed_out.status, 303);
    assert!(
        signed_out.headers.contains("max-age=0"),
        "{}",
        signed_out.headers
    );
    assert_eq!(get("/api/v1/me").status, 401);
}
