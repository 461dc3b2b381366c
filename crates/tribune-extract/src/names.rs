//! Author names as pages print them: "By Jane Doe and John Roe | Reuters".

use std::sync::LazyLock;

use regex::Regex;

static BY_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*((written|posted|reported|words|text|story|published|compiled|edited|reviewed)( and \w+)? by|by|author|authors|von|par|por|door)(?-u:\b)[:\s]*")
        .expect("byline prefix pattern compiles")
});

/// Cleans one author string; None when it is not a person's or desk's name.
pub(crate) fn clean_author(raw: &str) -> Option<String> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = BY_PREFIX.replace(&text, "");
    // Trailing furniture: "Jane Doe | March 5", "Jane Doe - Staff Writer" stays.
    let text = text
        .split(['|', '\n', '•', '»'])
        .next()
        .unwrap_or("")
        .trim();
    // "David Jackson - Editorial Team": a role after a spaced dash.
    let text = text
        .split(" - ")
        .next()
        .unwrap_or("")
        .split(" – ")
        .next()
        .unwrap_or("")
        .trim();
    let text = text.trim_matches(|c: char| c == ',' || c == ':' || c == '-' || c.is_whitespace());
    if text.is_empty() || text.chars().count() > 80 || text.split_whitespace().count() > 10 {
        return None;
    }
    if text.starts_with("http") || text.contains('@') || text.contains("://") {
        return None;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters * 2 < text.chars().count() {
        return None;
    }
    Some(text.to_string())
}

/// Splits "Jane Doe and John Roe" or "Jane Doe, John Roe" into names. A
/// comma splits only when both sides look like full names, so
/// "Doe, Jane" and "Jane Doe, MD" stay whole.
pub(crate) fn split_authors(raw: &str) -> Vec<String> {
    let Some(cleaned) = clean_author(raw) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for part in cleaned
        .split(" and ")
        .flat_map(|p| p.split(" & "))
        .flat_map(|p| p.split(';'))
    {
        let pieces: Vec<&str> = part
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if pieces.len() > 1 && pieces.iter().all(|p| p.split_whitespace().count() >= 2) {
            names.extend(pieces.iter().filter_map(|p| clean_author(p)));
        } else if let Some(name) = clean_author(part) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_become_names() {
        assert_eq!(
            split_authors("By Jane Doe and John Roe"),
            ["Jane Doe", "John Roe"]
        );
        assert_eq!(
            split_authors("Written by: Jane Doe | March 5, 2024"),
            ["Jane Doe"]
        );
        assert_eq!(split_authors("Doe, Jane"), ["Doe, Jane"]);
        assert_eq!(
            split_authors("Jane Doe, John Roe, Max Mustermann"),
            ["Jane Doe", "John Roe", "Max Mustermann"]
        );
        assert!(split_authors("https://example.com/staff/jane").is_empty());
    }
}
