//! The Google Reader API: the sync protocol reader apps speak (NetNewsWire,
//! Reeder, FeedMe, Read You, newsboat's `feedhq` source type), following
//! what FreshRSS and Miniflux serve.
//!
//! | call | what it does |
//! |---|---|
//! | `POST /accounts/ClientLogin` | `Email`, `Passwd` → `SID=…\nLSID=…\nAuth=…\n` |
//! | `GET /reader/api/0/token` | the action token for POSTs |
//! | `GET /reader/api/0/user-info` | who is signed in |
//! | `GET /reader/api/0/subscription/list` | followed sources, as `feed/<source id>` |
//! | `POST /reader/api/0/subscription/edit` | `ac=subscribe\|unsubscribe\|edit`, `s=feed/…` |
//! | `POST /reader/api/0/subscription/quickadd` | `quickadd=<url>` |
//! | `GET /reader/api/0/tag/list` | "starred" and the labels (source categories) |
//! | `GET /reader/api/0/unread-count` | per feed, per label, in all |
//! | `GET /reader/api/0/stream/contents/{streamId}` | a page of items |
//! | `GET /reader/api/0/stream/items/ids` | a page of item ids (`s=`) |
//! | `POST /reader/api/0/stream/items/contents` | the items `i=…` |
//! | `POST /reader/api/0/edit-tag` | mark read, unread, starred |
//! | `POST /reader/api/0/mark-all-as-read` | mark a stream read |
//! | `GET /reader/atom/{streamId}` | a stream as Atom (FeedHQ's, for newsboat) |
//!
//! Every call but `ClientLogin` needs `Authorization: GoogleLogin
//! auth=<token>`; without a valid one it answers 401 with the
//! `Google-Bad-Token` headers clients look for. Streams are
//! `feed/<source id>` (or `feed/<feed url>`),
//! `user/-/state/com.google/reading-list` (the followed sources),
//! `…/starred`, `…/read`, and `user/-/label/<category>`; items are the
//! desk's articles, ids in the long (`tag:google.com,2005:reader/item/` and
//! 16 hex digits) or short (decimal) form.
//!
//! `ClientLogin` makes an API token named "Google Reader" (listed and
//! revocable with the user's other tokens; the ten most recently used are
//! kept) and counts failures against the web log-in's rate limit. The
//! action token `T` of POSTs is not checked when the `Authorization`
//! header is there: a browser never sends that header on its own, so the
//! cross-site forgery `T` guards against cannot happen, and clients send
//! what they like (FreshRSS accepts `""` and `"x"`); as in Miniflux, a
//! POST without the header may carry its auth token as `T` instead.
//!
//! Some clients join the base URL and the path with a doubled slash
//! (newsboat's default `feedhq-url` ends with `/`), so every route also
//! answers under `//`.

mod atom;
pub(crate) mod auth;
mod ids;
mod items;
mod marks;
mod stream;
mod subscriptions;

#[cfg(test)]
mod tests;

use axum::Router;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};

use crate::AppState;

/// The routes of the Google Reader API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(routes_under(""))
        .merge(routes_under("/"))
        .layer(axum::middleware::map_response(bad_token_headers))
}

/// Every route, with `prefix` before its path.
fn routes_under(prefix: &str) -> Router<AppState> {
    let api = |path: &str| format!("{prefix}/reader/api/0{path}");
    Router::new()
        .route(
            &format!("{prefix}/accounts/ClientLogin"),
            post(auth::client_login),
        )
        .route(&api("/token"), get(auth::token))
        .route(&api("/user-info"), get(subscriptions::user_info))
        .route(&api("/subscription/list"), get(subscriptions::list))
        .route(&api("/subscription/edit"), post(subscriptions::edit))
        .route(
            &api("/subscription/quickadd"),
            post(subscriptions::quickadd),
        )
        .route(&api("/tag/list"), get(subscriptions::tags))
        .route(&api("/unread-count"), get(subscriptions::unread_count))
        .route(
            &api("/stream/contents"),
            get(items::contents_by_param).post(items::contents_by_param),
        )
        .route(
            &api("/stream/contents/{*stream}"),
            get(items::contents_of).post(items::contents_of),
        )
        .route(&api("/stream/items/ids"), get(items::ids).post(items::ids))
        .route(
            &api("/stream/items/contents"),
            get(items::contents_of_items).post(items::contents_of_items),
        )
        .route(&api("/edit-tag"), post(marks::edit_tag))
        .route(&api("/mark-all-as-read"), post(marks::mark_all_read))
        .route(
            &format!("{prefix}/reader/atom/{{*stream}}"),
            get(atom::stream),
        )
}

/// A 401 carries the headers FreshRSS and Miniflux send, which tell
/// clients to sign in again rather than retry.
async fn bad_token_headers(mut response: Response) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED {
        let headers = response.headers_mut();
        headers.insert("google-bad-token", HeaderValue::from_static("true"));
        headers.insert(
            "x-reader-google-bad-token",
            HeaderValue::from_static("true"),
        );
    }
    response
}
