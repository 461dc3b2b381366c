//! What text fields accept. Names are restricted to a plain alphabet (they
//! appear in URLs, logs and other users' views); everything else is kept
//! verbatim (templates escape it, SQL binds it) but bounded in length and
//! free of control characters.

use crate::Error;

/// The longest account name.
pub const NAME_MAX: usize = 40;
/// The shortest password.
pub const PASSWORD_MIN: usize = 8;
/// The longest password, in bytes: argon2 hashes whatever it is given, so
/// a megabyte of password would be a megabyte hashed per attempt.
pub const PASSWORD_MAX: usize = 1024;
/// The longest label (token and saved search names).
pub const LABEL_MAX: usize = 100;
/// The longest saved search query.
pub const QUERY_MAX: usize = 500;
/// The longest title or category a user gives a source.
pub const TITLE_MAX: usize = 300;

/// An account name: 1 to 40 letters, digits, `.`, `_` or `-`, starting with
/// a letter or digit. Returned trimmed.
pub fn name(raw: &str) -> Result<String, Error> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Error::BadRequest("Choose a name.".into()));
    }
    let valid = name.len() <= NAME_MAX
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid {
        return Err(Error::BadRequest(format!(
            "A name is 1 to {NAME_MAX} letters, digits, dots, dashes or underscores, \
             starting with a letter or digit."
        )));
    }
    Ok(name.to_string())
}

/// A new password: 8 characters at least, 1024 bytes at most. Kept as
/// given (spaces included): it is only ever hashed.
pub fn password(raw: &str) -> Result<&str, Error> {
    if raw.chars().count() < PASSWORD_MIN {
        return Err(Error::BadRequest(format!(
            "A password needs at least {PASSWORD_MIN} characters."
        )));
    }
    if raw.len() > PASSWORD_MAX {
        return Err(Error::BadRequest(format!(
            "A password may have at most {PASSWORD_MAX} bytes."
        )));
    }
    Ok(raw)
}

/// A label (an API token's or a saved search's name): trimmed, 1 to 100
/// characters, no control characters. `what` names it in errors.
pub fn label(raw: &str, what: &str) -> Result<String, Error> {
    text(raw, what, LABEL_MAX)
}

/// A saved search's query: trimmed, 1 to 500 characters.
pub fn query(raw: &str) -> Result<String, Error> {
    text(raw, "query", QUERY_MAX)
}

/// A source's title or category as a user gives it (sources are shared,
/// so it shows on everyone's pages and feeds): trimmed, 1 to 300
/// characters, no control characters.
pub fn title(raw: &str, what: &str) -> Result<String, Error> {
    text(raw, what, TITLE_MAX)
}

fn text(raw: &str, what: &str, max: usize) -> Result<String, Error> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Error::BadRequest(format!("The {what} is empty.")));
    }
    if text.chars().count() > max {
        return Err(Error::BadRequest(format!(
            "The {what} may have at most {max} characters."
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "The {what} may not hold control characters."
        )));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_everything_else_is_bounded() {
        assert_eq!(name("  ann.o-k_1 ").unwrap(), "ann.o-k_1");
        for bad in [
            "",
            "-ann",
            "ann smith",
            "'; DROP TABLE users; --",
            "<script>",
            "é",
        ] {
            assert!(name(bad).is_err(), "{bad:?}");
        }
        assert!(name(&"a".repeat(NAME_MAX + 1)).is_err());
        assert!(password("short").is_err());
        assert!(password(&"x".repeat(PASSWORD_MAX + 1)).is_err());
        assert_eq!(
            password("'; DROP TABLE users; --").unwrap(),
            "'; DROP TABLE users; --"
        );
        assert_eq!(
            label(" <script>alert(1)</script> ", "name").unwrap(),
            "<script>alert(1)</script>"
        );
        assert!(label("a\u{0}b", "name").is_err());
        assert!(label("   ", "name").is_err());
        assert!(query(&"q".repeat(QUERY_MAX + 1)).is_err());
        assert_eq!(
            title(" \"><img src=x onerror=alert(1)> ", "title").unwrap(),
            "\"><img src=x onerror=alert(1)>"
        );
        assert!(title(&"t".repeat(TITLE_MAX + 1), "title").is_err());
        assert!(title("World\nnews", "category").is_err());
    }
}
