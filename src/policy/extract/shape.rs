//! What a cookie name looks like on its own, without the name database: used where a
//! layout must be recognised before any column is known (one-cell-per-line tables,
//! space-separated rows, definition lists).

use std::sync::OnceLock;

use regex::Regex;

use super::labels::{category_of_cell, is_lifetime};
use super::names::strong_shape;
use crate::policy::headers::header_role_exact;

/// `cookieNoticeSeen`, `wpCookiesDeclined`, `DisclaimerCookie`: a lower-case letter followed
/// by an upper-case one inside one word of ASCII letters and digits.
pub fn camel(t: &str) -> bool {
    t.len() >= 5
        && t.starts_with(|c: char| c.is_ascii_alphabetic())
        && t.chars().all(|c| c.is_ascii_alphanumeric())
        && t.as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

/// `cookielawinfo-checkbox-necessary`: lower-case words joined by hyphens, long enough not
/// to be an ordinary compound (`opt-out`, `e-mail`).
pub fn hyphenated(t: &str) -> bool {
    t.len() >= 10
        && t.split('-').count() >= 2
        && t.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '*')
        })
}

/// `PHPSESSID`, `AWSALB`, `_GRECAPTCHA`.
fn all_caps(t: &str) -> bool {
    t.len() >= 3
        && t.chars().any(|c| c.is_ascii_uppercase())
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// A date, a version, an ordinal, a number or a glued duration: never a cookie name
/// (`5th`, `v2.0`, `2024`, `1year`, `GA4` is left to the database).
pub fn is_non_name(t: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)^(?:v?\d+(?:[.,:/\-]\d+)*|v\d+[a-z]?|\d+(?:st|nd|rd|th|er|e|ème|º|ª)|\d+(?:[.,]\d+)?\s*(?:s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?|m|months?|y|yrs?|years?|jours?|mois|ans?|tage?|jahre?|monate?|d[ií]as?|meses|a[ñn]os?|giorni|mesi|anni|dagen|maanden|jaar))$")
            .expect("non-name pattern is valid")
    });
    let t = t.trim_matches(|c: char| matches!(c, '(' | ')' | '.' | ',' | ';' | ':'));
    !t.is_empty() && re.is_match(t)
}

/// A cell that, by its shape alone, holds cookie names and nothing else.
pub fn name_like(cell: &str) -> bool {
    let cell = cell.trim();
    if cell.is_empty() || cell.len() > 200 {
        return false;
    }
    // The shape first: it is cheap and rejects most cells of running text.
    let stripped = strip_placeholders(cell);
    let tokens: Vec<&str> = stripped
        .split(|c: char| c.is_whitespace() || c == ',' || c == '/')
        .filter(|t| !t.is_empty())
        .collect();
    let shaped = !tokens.is_empty()
        && tokens.len() <= 8
        && tokens.iter().all(|t| {
            let t = t.trim_start_matches('.');
            t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.*$:#@!%+~|".contains(c))
                && (strong_shape(t) || camel(t) || all_caps(t) || hyphenated(t) || t.contains('*'))
                && !is_non_name(t)
        });
    if !shaped {
        return false;
    }
    // `cookielawinfo-checkbox-necessary` ends in a category word but is one name.
    let one_name = hyphenated(cell) || (cell.contains('_') && !cell.contains(' '));
    !(is_lifetime(cell)
        || (!one_name && category_of_cell(cell).is_some())
        || header_role_exact(cell).is_some())
}

/// `_ga_<container-id>` → `_ga_*`, `Cognito.[User ID].idToken` → `Cognito.*.idToken`.
pub fn strip_placeholders(s: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"<[^<>\n]{1,40}>|\{[^{}\n]{1,40}\}|\[[^\[\]\n]{1,40}\]")
            .expect("placeholder pattern is valid")
    });
    if s.contains(['<', '{', '[']) {
        re.replace_all(s, "*").into_owned()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_names_and_of_things_that_are_not() {
        for n in [
            "cookieNoticeSeen",
            "wpCookiesDeclined",
            "DisclaimerCookie",
            "PHPSESSID",
            "_ga_<container-id>",
            "cookielawinfo-checkbox-necessary",
            "__stripe_mid __stripe_sid",
            "CognitoIdentityServiceProvider.[User ID].idToken",
        ] {
            assert!(name_like(n), "{n}");
        }
        for n in [
            "Session",
            "Persistent (2 Years)",
            "Name",
            "5th",
            "v2.0",
            "2024",
            "1year",
            "Google Analytics",
            "opt-out",
            "Necessary",
        ] {
            assert!(!name_like(n), "{n}");
        }
        assert!(is_non_name("v2") && is_non_name("1st") && is_non_name("13 months"));
        assert!(!is_non_name("_ga") && !is_non_name("1P_JAR"));
    }
}
