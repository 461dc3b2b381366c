//! What every page that knows its visitor shows of them: the account
//! links of the navigation bar, and where to go back to after signing in.

use super::CurrentUser;

/// The account part of the navigation bar (`templates/account_nav.html`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Nav {
    /// The signed-in user's name; none for a visitor.
    pub name: Option<String>,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
}

impl Nav {
    /// The bar of a signed-out visitor.
    pub(crate) fn anonymous() -> Nav {
        Nav::default()
    }

    /// The bar of `user`, if signed in.
    pub(crate) fn of(user: Option<&CurrentUser>) -> Nav {
        match user {
            Some(user) => Nav {
                name: Some(user.user.name.clone()),
                csrf: user.csrf_token().to_string(),
            },
            None => Nav::anonymous(),
        }
    }
}

/// `next` if it is a path on this site, else `/`: a `next=` parameter
/// pointing elsewhere would make the log-in page an open redirect.
pub(crate) fn local_path(next: &str) -> String {
    let next = next.trim();
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2048
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if local {
        next.to_string()
    } else {
        "/".to_string()
    }
}

/// `/login?next=…` for coming back to `path` after signing in.
pub(crate) fn login_then(path: &str) -> String {
    let path = local_path(path);
    if path == "/" {
        return "/login".to_string();
    }
    let encoded: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    format!("/login?next={encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/stories/3?x=1"), "/stories/3?x=1");
        for outside in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(local_path(outside), "/", "{outside:?}");
        }
        assert_eq!(login_then("/account"), "/login?next=%2Faccount");
        assert_eq!(login_then("//evil"), "/login");
    }
}
