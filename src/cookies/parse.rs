//! Set-Cookie parsing as RFC 6265bis §5.6 describes it (the algorithm browsers implement, not the
//! stricter server-side grammar of §4.1): anything a browser would still store is accepted, and
//! what it would silently drop or repair is reported in `problems`.

use time::OffsetDateTime;

use super::date::parse_cookie_date;

/// Name and value together may not be longer than this (RFC 6265bis §5.6, Chromium).
pub const MAX_NAME_VALUE_BYTES: usize = 4096;
/// An attribute value longer than this is ignored (RFC 6265bis §5.6).
pub const MAX_ATTRIBUTE_VALUE_BYTES: usize = 1024;

/// One Set-Cookie line, parsed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// Domain attribute as a browser stores it: lower-cased, one leading dot removed. None = host-only cookie.
    pub domain: Option<String>,
    /// Path attribute when valid (starts with '/'); None = the default-path applies.
    pub path: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires: Option<OffsetDateTime>,
    /// The raw Expires text when it is not a cookie date (browsers ignore it; we report it).
    pub expires_invalid: Option<String>,
    pub max_age: Option<i64>,
    pub secure: bool,
    pub http_only: bool,
    /// None = no SameSite attribute (browsers then treat it as Lax).
    pub same_site: Option<SameSite>,
    pub partitioned: bool,
    /// Attributes we do not know (e.g. "Priority=High", "Comment=x"), as written.
    pub unknown_attributes: Vec<String>,
    /// Non-fatal problems found while parsing, one plain sentence each (bad Max-Age, unknown SameSite value, ...).
    pub problems: Vec<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub enum SameSite {
    Strict,
    Lax,
    None,
}

/// Why a browser would ignore a whole Set-Cookie line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the Set-Cookie line is empty")]
    Empty,
    #[error(
        "the Set-Cookie line contains the control character U+{code:04X} at byte {at}, so browsers ignore it"
    )]
    ControlCharacter { code: u32, at: usize },
    #[error("the cookie has neither a name nor a value")]
    NoNameNoValue,
    #[error("name and value together are {len} bytes, over the {MAX_NAME_VALUE_BYTES}-byte limit")]
    TooLong { len: usize },
}

impl SetCookie {
    /// Lifetime asked for, in seconds from `now`: Max-Age wins over Expires (RFC 6265bis); None = session cookie.
    /// Not capped: browsers cap stored lifetimes at 400 days, but an audit wants what was asked for.
    pub fn lifetime_secs(&self, now: OffsetDateTime) -> Option<i64> {
        if let Some(max_age) = self.max_age {
            return Some(max_age);
        }
        self.expires.map(|at| (at - now).whole_seconds())
    }

    pub fn is_session(&self) -> bool {
        self.max_age.is_none() && self.expires.is_none()
    }

    fn new(name: String, value: String) -> Self {
        SetCookie {
            name,
            value,
            domain: None,
            path: None,
            expires: None,
            expires_invalid: None,
            max_age: None,
            secure: false,
            http_only: false,
            same_site: None,
            partitioned: false,
            unknown_attributes: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// Err when a browser would ignore the whole line (RFC 6265bis §5.6 "ignore the set-cookie-string"), with a
/// one-sentence reason in the error's Display. Must never panic on any input.
pub fn parse_set_cookie(line: &str) -> Result<SetCookie, ParseError> {
    if trim_wsp(line).is_empty() {
        return Err(ParseError::Empty);
    }
    // CTLs other than HTAB: browsers once truncated at NUL/CR, RFC 6265bis drops the whole line.
    if let Some((at, c)) = line
        .char_indices()
        .find(|&(_, c)| c != '\t' && (c < ' ' || c == '\u{7f}'))
    {
        return Err(ParseError::ControlCharacter {
            code: u32::from(c),
            at,
        });
    }

    let (pair, attributes) = match line.split_once(';') {
        Some((pair, rest)) => (pair, Some(rest)),
        None => (line, None),
    };
    // No '=' makes a nameless cookie (RFC 6265bis; Chromium and Firefox agree), e.g. "foo" is
    // the value "foo" under the empty name.
    let (name, value) = pair.split_once('=').unwrap_or(("", pair));
    let (name, value) = (trim_wsp(name), trim_wsp(value));
    if name.is_empty() && value.is_empty() {
        return Err(ParseError::NoNameNoValue);
    }
    let len = name.len() + value.len();
    if len > MAX_NAME_VALUE_BYTES {
        return Err(ParseError::TooLong { len });
    }

    let mut cookie = SetCookie::new(name.to_owned(), value.to_owned());
    let mut seen = Seen::default();
    for av in attributes.into_iter().flat_map(|rest| rest.split(';')) {
        apply_attribute(&mut cookie, &mut seen, av);
    }
    seen.report_duplicates(&mut cookie.problems);
    if cookie.name.is_empty() {
        cookie.problems.push(
            "The cookie has no name (no '=' before the first ';'), so browsers store its value under the empty name."
                .to_owned(),
        );
    }
    Ok(cookie)
}

/// What may be shown of a Set-Cookie line a browser would ignore: the cookie's name, at most 60
/// characters, and never any of its value. A line without '=' before its first ';' is a nameless
/// cookie, all value, so nothing of it is shown.
pub fn name_excerpt(line: &str) -> String {
    let pair = line.split(';').next().unwrap_or("");
    match pair.split_once('=') {
        Some((name, _)) => trim_wsp(name).chars().take(60).collect(),
        None => String::new(),
    }
}

/// How often each known attribute appeared, to report the ones given more than once.
#[derive(Default)]
struct Seen {
    counts: Vec<(&'static str, usize)>,
}

impl Seen {
    fn note(&mut self, name: &'static str) {
        match self.counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => self.counts.push((name, 1)),
        }
    }

    fn report_duplicates(&self, problems: &mut Vec<String>) {
        for (name, count) in &self.counts {
            if *count > 1 {
                problems.push(format!(
                    "{name} is given {count} times; browsers use the last valid one."
                ));
            }
        }
    }
}

fn apply_attribute(cookie: &mut SetCookie, seen: &mut Seen, av: &str) {
    let written = trim_wsp(av);
    if written.is_empty() {
        return;
    }
    let (name, value) = match written.split_once('=') {
        Some((name, value)) => (trim_wsp(name), trim_wsp(value)),
        None => (written, ""),
    };
    let Some(known) = KNOWN.iter().copied().find(|k| k.eq_ignore_ascii_case(name)) else {
        cookie.unknown_attributes.push(written.to_owned());
        return;
    };
    seen.note(known);
    if value.len() > MAX_ATTRIBUTE_VALUE_BYTES {
        cookie.problems.push(format!(
            "The {known} value is {} bytes, over the {MAX_ATTRIBUTE_VALUE_BYTES}-byte limit, so browsers ignore the attribute.",
            value.len()
        ));
        return;
    }
    match known {
        "Expires" => apply_expires(cookie, value),
        "Max-Age" => match parse_max_age(value) {
            Some(secs) => cookie.max_age = Some(secs),
            None => cookie.problems.push(format!(
                "Max-Age=\"{value}\" is not a whole number of seconds, so browsers ignore it."
            )),
        },
        // An empty Domain is ignored, so an earlier Domain attribute still applies (§5.6.3).
        "Domain" => match value.strip_prefix('.').unwrap_or(value) {
            "" => cookie
                .problems
                .push("Domain is empty, so browsers ignore it.".to_owned()),
            domain => cookie.domain = Some(domain.to_ascii_lowercase()),
        },
        "Path" => apply_path(cookie, value),
        "SameSite" => cookie.same_site = same_site(value, &mut cookie.problems),
        flag => apply_flag(cookie, flag, value, written),
    }
}

fn apply_expires(cookie: &mut SetCookie, value: &str) {
    match parse_cookie_date(value) {
        Some(at) => cookie.expires = Some(at),
        None => {
            cookie.problems.push(format!(
                "Expires=\"{value}\" is not a cookie date, so browsers ignore it."
            ));
            cookie.expires_invalid = Some(value.to_owned());
        }
    }
}

/// An invalid Path is not ignored: it resets to the default path, overriding earlier ones.
fn apply_path(cookie: &mut SetCookie, value: &str) {
    if value.starts_with('/') {
        cookie.path = Some(value.to_owned());
    } else {
        cookie.path = None;
        cookie.problems.push(format!(
            "Path=\"{value}\" does not start with '/', so browsers use the default path."
        ));
    }
}

fn same_site(value: &str, problems: &mut Vec<String>) -> Option<SameSite> {
    if value.eq_ignore_ascii_case("strict") {
        Some(SameSite::Strict)
    } else if value.eq_ignore_ascii_case("lax") {
        Some(SameSite::Lax)
    } else if value.eq_ignore_ascii_case("none") {
        Some(SameSite::None)
    } else {
        problems.push(format!(
            "SameSite=\"{value}\" is not Strict, Lax or None, so browsers treat the cookie as if SameSite were absent (Lax)."
        ));
        None
    }
}

/// Secure, HttpOnly, Partitioned: a value after them is ignored (and noted).
fn apply_flag(cookie: &mut SetCookie, flag: &str, value: &str, written: &str) {
    if !value.is_empty() {
        cookie.problems.push(format!(
            "{flag} takes no value; \"{written}\" still counts as {flag}."
        ));
    }
    match flag {
        "Secure" => cookie.secure = true,
        "HttpOnly" => cookie.http_only = true,
        _ => cookie.partitioned = true,
    }
}

/// Attribute names browsers act on, spelled as the RFC spells them.
const KNOWN: [&str; 8] = [
    "Expires",
    "Max-Age",
    "Domain",
    "Path",
    "Secure",
    "HttpOnly",
    "SameSite",
    "Partitioned",
];

/// RFC 6265bis §5.6.2: an optional '-' then digits only ("+5", "5s", "1.5" are ignored).
/// Values beyond i64 saturate: they mean "as long as allowed" / "already expired" all the same.
fn parse_max_age(value: &str) -> Option<i64> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if negative { -magnitude } else { magnitude })
}

/// WSP is SP and HTAB only: other whitespace (NBSP, ...) is part of names and values.
fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

#[cfg(test)]
mod tests;
