//! Test helpers for accounts: a desk over an in-memory store, users made
//! straight in the store, and a browser that keeps cookies and reads CSRF
//! tokens from the forms it is shown.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use tower::ServiceExt;
use tribune_ingest::fetch::{FetchConfig, Fetcher};
use tribune_model::Article;
use tribune_store::{NewArticle, NewUser, SqliteStore, Store, User};

use crate::AppState;
use crate::secrets::{hash_password, new_secret, secret_hash};

/// The reader over an in-memory store.
pub(crate) struct Desk {
    pub app: Router,
    pub store: Arc<SqliteStore>,
}

pub(crate) fn desk() -> Desk {
    let store = Arc::new(SqliteStore::open_in_memory().expect("an in-memory store"));
    let fetcher = Fetcher::new(&FetchConfig::default()).expect("a fetcher");
    let app = crate::router(AppState::new(store.clone() as Arc<dyn Store>, fetcher));
    Desk { app, store }
}

impl Desk {
    /// Makes an account straight in the store.
    pub(crate) fn user(&self, name: &str, password: &str, admin: bool) -> User {
        let hash = hash_password(password).expect("a hash");
        self.store
            .accounts()
            .create_user(&NewUser {
                name,
                password_hash: &hash,
                is_admin: admin,
                feed_token: &new_secret(),
                invite_hash: None,
            })
            .expect("the store")
            .expect("a new account")
    }

    /// An API token for `user`.
    pub(crate) fn token(&self, user: &User) -> String {
        let secret = new_secret();
        self.store
            .accounts()
            .create_api_token(user.id, "test", &secret_hash(&secret))
            .expect("a token");
        secret
    }

    /// Stores an article (no source, no story); returns its id.
    pub(crate) fn article(&self, title: &str) -> i64 {
        let article = Article {
            title: Some(title.to_string()),
            text: format!("{title}. The body of the article about {title}, long enough."),
            url: Some(format!("https://news.example/{}", title.replace(' ', "-"))),
            ..Article::default()
        };
        let origin = article.url.clone().unwrap_or_default();
        self.store
            .put_article(&NewArticle::new(&article, &origin))
            .expect("stored")
            .id()
    }

    /// Stores a story through the real pipeline (with its quotes);
    /// returns its id.
    pub(crate) fn story(&self) -> i64 {
        let pipeline =
            tribune_ingest::pipeline::Pipeline::open(self.store.clone() as Arc<dyn Store>)
                .expect("a pipeline");
        let mut text = String::from(
            "Negotiators met in Geneva on Sunday to discuss a ceasefire, officials said.\n\
             \"We are making progress, but there is more work to do,\" said Steve Witkoff, the \
             special envoy, after the meeting.\n",
        );
        for i in 0..5 {
            text.push_str(&format!(
                "Paragraph {i} describes the delegations, the venue by the lake and the \
                 questions left open for the next round of talks.\n"
            ));
        }
        let article = Article {
            title: Some("Envoy says talks go on".into()),
            text,
            site_name: Some("USA TODAY".into()),
            url: Some("https://www.usatoday.com/story/talks".into()),
            ..Article::default()
        };
        let stored = pipeline
            .store(&article, "https://www.usatoday.com/story/talks", None)
            .expect("stored");
        self.store.flush().expect("flushed");
        self.store
            .article(stored.put.id())
            .expect("the store")
            .and_then(|a| a.story_id)
            .expect("a story")
    }

    /// The number of accounts.
    pub(crate) fn users(&self) -> u64 {
        self.store.accounts().count_users().expect("the store")
    }
}

/// An answer, its body read as text.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// The `Location` header.
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every `Set-Cookie` header.
    pub(crate) fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    }

    /// The `Set-Cookie` header of the cookie `name`.
    pub(crate) fn set_cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
    }

    /// The body as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

pub(crate) async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("an answer");
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 8 << 20)
        .await
        .expect("a body");
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A `application/x-www-form-urlencoded` body.
pub(crate) fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// The value of the first `name="csrf"` field in `html`.
pub(crate) fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field in {html}"))
        + marker.len();
    let end = start + html[start..].find('"').expect("a closing quote");
    html[start..end].to_string()
}

/// A browser: its cookies, and the address it connects from.
#[derive(Debug, Clone)]
pub(crate) struct Browser {
    pub cookies: HashMap<String, String>,
    pub address: SocketAddr,
}

impl Browser {
    pub(crate) fn new() -> Browser {
        Browser::from("192.0.2.10:40000")
    }

    pub(crate) fn from(address: &str) -> Browser {
        Browser {
            cookies: HashMap::new(),
            address: address.parse().expect("an address"),
        }
    }

    /// The session cookie's value.
    pub(crate) fn session(&self) -> Option<&str> {
        self.cookies.get(super::SESSION_COOKIE).map(String::as_str)
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "tribune.test");
        if !self.cookies.is_empty() {
            let cookie: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            builder = builder.header(header::COOKIE, cookie.join("; "));
        }
        builder
    }

    pub(crate) async fn send(&mut self, app: &Router, request: Request<Body>) -> Answer {
        let mut request = request;
        request.extensions_mut().insert(ConnectInfo(self.address));
        let answer = send(app, request).await;
        for cookie in answer.set_cookies() {
            let pair = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if cookie.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        answer
    }

    pub(crate) async fn get(&mut self, app: &Router, path: &str) -> Answer {
        let request = self
            .request(Method::GET, path)
            .body(Body::empty())
            .expect("a request");
        self.send(app, request).await
    }

    pub(crate) async fn post(
        &mut self,
        app: &Router,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        let request = self
            .request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(fields)))
            .expect("a request");
        self.send(app, request).await
    }

    /// Signs in through the log-in form.
    pub(crate) async fn login(&mut self, app: &Router, name: &str, password: &str) -> Answer {
        let page = self.get(app, "/login").await;
        let csrf = csrf_in(&page.body);
        self.post(
            app,
            "/login",
            &[("csrf", &csrf), ("name", name), ("password", password)],
        )
        .await
    }

    /// Signs up through the sign-up form (`invite` may be empty).
    pub(crate) async fn signup(
        &mut self,
        app: &Router,
        name: &str,
        password: &str,
        invite: &str,
    ) -> Answer {
        let page = self.get(app, &format!("/signup?invite={invite}")).await;
        let csrf = self
            .cookies
            .get(super::cookies::FORM_COOKIE)
            .cloned()
            .unwrap_or_else(|| csrf_in(&page.body));
        self.post(
            app,
            "/signup",
            &[
                ("csrf", &csrf),
                ("name", name),
                ("password", password),
                ("confirm", password),
                ("invite", invite),
            ],
        )
        .await
    }

    /// The session's CSRF token, read from the account page.
    pub(crate) async fn csrf(&mut self, app: &Router) -> String {
        let page = self.get(app, "/account").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        csrf_in(&page.body)
    }
}

/// A JSON API request with an optional bearer token.
pub(crate) fn api(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if body.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    builder
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("a request")
}
