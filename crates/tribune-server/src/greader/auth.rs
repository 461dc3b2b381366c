//! Signing in: `ClientLogin`, the `Authorization: GoogleLogin auth=…`
//! header every other call carries, and the action token (`T`) of POSTs.
//!
//! `ClientLogin` checks the user's password and hands out a new API token
//! named "Google Reader" (the store keeps only its hash, like every API
//! token, so it shows and can be revoked with the user's other tokens).
//! Each log-in makes a token, since a stored hash cannot be handed out
//! again; the oldest are revoked beyond [`KEPT_TOKENS`], so a client that
//! logs in on every start (newsboat) does not pile them up, while a few
//! devices stay signed in side by side.
//!
//! The action token: `/token` answers a value derived from the caller's
//! auth token, and POSTs are *not* refused for a missing or different `T`
//! when the `Authorization` header is there. The header is never sent by a
//! browser on its own, so a forged cross-site form cannot carry it: the
//! CSRF attack `T` was meant to stop does not exist here, and clients
//! differ in what they send (FreshRSS accepts `""` from FeedMe and `"x"`
//! from Reeder). As in Miniflux, a POST *without* the header may instead
//! carry its auth token as `T`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Serialize;
use tribune_store::{Store, User};

use crate::accounts::passwords;
use crate::secrets::{new_secret, secret_hash};
use crate::{AppState, Error};

/// The name of the API tokens `ClientLogin` makes.
pub(crate) const TOKEN_NAME: &str = "Google Reader";

/// Revokes the user's "Google Reader" tokens: they were handed out for
/// the password, so a new password (changed, or reset by the admin after a
/// leak) must not leave them working. Tokens the user made by name stay.
pub(crate) fn revoke_password_tokens(
    store: &dyn tribune_store::Store,
    user: i64,
) -> Result<usize, Error> {
    let mut revoked = 0;
    for token in store.accounts().api_tokens(user)? {
        if token.name == TOKEN_NAME && store.accounts().revoke_api_token(user, token.id)? {
            revoked += 1;
        }
    }
    Ok(revoked)
}

/// How many "Google Reader" tokens a user keeps; the least recently used
/// beyond these are revoked at each log-in.
const KEPT_TOKENS: usize = 10;

/// The largest form body read (FreshRSS reads 1 MiB).
const MAX_FORM: usize = 1 << 20;

/// A request's parameters: the query's and, for a POST, the form body's,
/// in order. The protocol repeats keys (`i=…&i=…`), so this is a list.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    fn extend(&mut self, encoded: &[u8]) {
        self.0.extend(
            url::form_urlencoded::parse(encoded).map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
    }

    /// The first value of `key`, if any and not blank.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order.
    pub(crate) fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        )
    }
}

/// Reads the query and, for a POST, the form body.
async fn read_params(request: Request) -> Result<(Parts, Params), Response> {
    let (parts, body) = request.into_parts();
    let mut params = Params::default();
    if let Some(query) = parts.uri.query() {
        params.extend(query.as_bytes());
    }
    if parts.method == Method::POST {
        let bytes = axum::body::to_bytes(body, MAX_FORM).await.map_err(|_| {
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is larger than 1 MiB.",
            )
                .into_response()
        })?;
        params.extend(&bytes);
    }
    Ok((parts, params))
}

/// An authenticated call: who makes it, and its parameters.
pub(crate) struct Call {
    /// The user.
    pub user: User,
    /// The query's and form's parameters.
    pub params: Params,
    /// The auth token presented (to derive the action token from).
    auth: String,
}

impl FromRequest<AppState> for Call {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, params) = read_params(request).await?;
        let auth = header_token(&parts.headers)
            .or_else(|| {
                (parts.method == Method::POST)
                    .then(|| params.get("T").map(str::to_owned))
                    .flatten()
            })
            .ok_or_else(|| unauthorized().into_response())?;
        let hash = secret_hash(&auth);
        let user = state
            .blocking(move |store| Ok(store.accounts().user_by_api_token(&hash, Utc::now())?))
            .await
            .map_err(IntoResponse::into_response)?
            .ok_or_else(|| {
                tracing::debug!("a Google Reader call with an unknown token");
                unauthorized().into_response()
            })?;
        Ok(Call { user, params, auth })
    }
}

/// What a call without a valid token gets (the layer in `mod.rs` adds the
/// protocol's bad-token headers).
pub(crate) fn unauthorized() -> Error {
    Error::Unauthorized("Unauthorized".into())
}

/// The token of `Authorization: GoogleLogin auth=…` (or `Bearer …`, as
/// Inoreader-style clients send it).
fn header_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(char::is_whitespace)?;
    let rest = rest.trim();
    let token = if scheme.eq_ignore_ascii_case("GoogleLogin") {
        rest.strip_prefix("auth=")?
    } else if scheme.eq_ignore_ascii_case("Bearer") {
        rest
    } else {
        return None;
    };
    let token = token.trim();
    (!token.is_empty() && token.len() <= 256).then(|| token.to_string())
}

/// `POST /accounts/ClientLogin` (`Email`, `Passwd`, in the form or the
/// query): `SID=…\nLSID=…\nAuth=…\n`, or JSON with `output=json`; a wrong
/// name or password is 401 `Error=BadAuthentication`. Failures count
/// against the same limit as the web log-in's.
pub(crate) async fn client_login(State(state): State<AppState>, request: Request) -> Response {
    match try_client_login(state, request).await {
        Ok(response) | Err(response) => response,
    }
}

async fn try_client_login(state: AppState, request: Request) -> Result<Response, Response> {
    let (parts, params) = read_params(request).await?;
    let address = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let (Some(name), Some(password)) = (params.get("Email"), params.get("Passwd")) else {
        return Err(bad_authentication());
    };
    let name = name.trim().to_string();
    let limiter = state.login_limiter();
    if let Some(wait) = limiter.check(address, &name) {
        // Quoted and escaped (`?`): a newline in a name must not forge a log line.
        tracing::warn!(
            ?name,
            ?address,
            "Google Reader log-in refused: too many failures"
        );
        return Err((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.as_secs().max(1).to_string())],
            "Error=TooManyAttempts\n",
        )
            .into_response());
    }
    let lookup = name.clone();
    let credentials = state
        .blocking(move |store| Ok(store.accounts().credentials(&lookup)?))
        .await
        .map_err(IntoResponse::into_response)?;
    let (user, hash) = match credentials {
        Some(c) => (Some(c.user), Some(c.password_hash)),
        None => (None, None),
    };
    let matches = passwords::verify(password, hash)
        .await
        .map_err(IntoResponse::into_response)?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            limiter.failed(address, &name);
            tracing::info!(?name, ?address, "a Google Reader log-in failed");
            return Err(bad_authentication());
        }
    };
    limiter.succeeded(&name);
    let id = user.id;
    let token = state
        .blocking(move |store| issue_token(store, id))
        .await
        .map_err(IntoResponse::into_response)?;
    tracing::info!(user = %user.name, "a Google Reader client signed in");
    Ok(if params.get("output") == Some("json") {
        axum::Json(LoginJson {
            sid: &token,
            lsid: &token,
            auth: &token,
        })
        .into_response()
    } else {
        text(format!("SID={token}\nLSID={token}\nAuth={token}\n"))
    })
}

#[derive(Serialize)]
struct LoginJson<'a> {
    #[serde(rename = "SID")]
    sid: &'a str,
    #[serde(rename = "LSID")]
    lsid: &'a str,
    #[serde(rename = "Auth")]
    auth: &'a str,
}

fn bad_authentication() -> Response {
    (StatusCode::UNAUTHORIZED, "Error=BadAuthentication\n").into_response()
}

/// A plain-text answer.
pub(crate) fn text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// A new "Google Reader" token for `user`; the store keeps its hash.
fn issue_token(store: &dyn Store, user: i64) -> Result<String, Error> {
    let secret = new_secret();
    store
        .accounts()
        .create_api_token(user, TOKEN_NAME, &secret_hash(&secret))?;
    prune_tokens(store, user)?;
    Ok(secret)
}

/// Revokes the user's least recently used "Google Reader" tokens beyond
/// [`KEPT_TOKENS`].
fn prune_tokens(store: &dyn Store, user: i64) -> Result<(), Error> {
    let mut tokens: Vec<_> = store
        .accounts()
        .api_tokens(user)?
        .into_iter()
        .filter(|token| token.name == TOKEN_NAME)
        .collect();
    tokens.sort_by_key(|token| {
        std::cmp::Reverse((token.last_used_at.unwrap_or(token.created_at), token.id))
    });
    for old in tokens.iter().skip(KEPT_TOKENS) {
        store.accounts().revoke_api_token(user, old.id)?;
    }
    Ok(())
}

/// `GET /reader/api/0/token`: the action token for POSTs (see the module
/// notes: derived from the auth token, 57 characters as clients expect).
pub(crate) async fn token(call: Call) -> Response {
    let mut derived = secret_hash(&format!("greader action token:{}", call.auth));
    derived.truncate(57);
    text(derived)
}
#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(value).expect("a header"),
        );
        headers
    }

    #[test]
    fn tokens_come_from_either_scheme() {
        assert_eq!(
            header_token(&headers("GoogleLogin auth=abc123")).as_deref(),
            Some("abc123")
        );
        assert_eq!(
            header_token(&headers("googlelogin  auth=abc123 ")).as_deref(),
            Some("abc123")
        );
        assert_eq!(
            header_token(&headers("Bearer abc123")).as_deref(),
            Some("abc123")
        );
        for bad in ["GoogleLogin abc", "GoogleLogin auth=", "Basic abc", "abc"] {
            assert_eq!(header_token(&headers(bad)), None, "{bad}");
        }
    }

    #[test]
    fn params_keep_repeated_keys() {
        let mut params = Params::default();
        params.extend(b"i=1&i=2&a=user%2F-%2Fstate%2Fcom.google%2Fread&T=&s=+");
        assert_eq!(params.all("i").collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(params.get("a"), Some("user/-/state/com.google/read"));
        assert_eq!(params.get("T"), None);
        assert_eq!(params.get("s"), None);
    }
}
