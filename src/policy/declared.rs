//! What a policy declares about one cookie.

use serde::{Deserialize, Serialize};

use crate::knowledge::Category;

/// How a declared name is compared with an observed cookie name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeclMatch {
    Exact,
    /// `name` is the fixed start of the cookie name (`_pk_id.*`, `_ga_<container-id>`).
    Prefix,
    /// `name` is a glob with `*` where any characters may stand (`_ga_*_id`).
    Pattern,
    /// `name` is a regular expression (`pattern =` in cookiescan.toml), anchored at both ends.
    Regex,
}

/// Where a declaration was read, so a report can point the reader at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceRef {
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeclaredCookie {
    pub name: String,
    pub match_kind: DeclMatch,
    pub category: Option<Category>,
    /// The policy's own words for the category ("Statistical").
    pub category_label: Option<String>,
    pub provider: Option<String>,
    pub domains: Vec<String>,
    pub purpose: Option<String>,
    /// As written ("180 days", "13 mois").
    pub lifetime: Option<String>,
    pub source: Option<SourceRef>,
    /// The purpose in other languages, by language code (`purposes = { fr = "…" }` in
    /// cookiescan.toml); `cookiescan declare --lang` uses it.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub purposes: std::collections::BTreeMap<String, String>,
}

impl DeclaredCookie {
    pub fn new(name: impl Into<String>, match_kind: DeclMatch) -> DeclaredCookie {
        DeclaredCookie {
            name: name.into(),
            match_kind,
            category: None,
            category_label: None,
            provider: None,
            domains: Vec::new(),
            purpose: None,
            lifetime: None,
            source: None,
            purposes: Default::default(),
        }
    }

    /// Whether an observed cookie name falls under this declaration. Names compare
    /// case-sensitively, as browsers do.
    pub fn matches(&self, observed: &str) -> bool {
        match self.match_kind {
            DeclMatch::Exact => observed == self.name,
            DeclMatch::Prefix => observed.starts_with(&self.name),
            DeclMatch::Pattern => glob_match(&self.name, observed),
            DeclMatch::Regex => regex::Regex::new(&format!("^(?:{})$", self.name))
                .is_ok_and(|r| r.is_match(observed)),
        }
    }
}

/// Reads a name as written in a policy or a declaration file and tells how to match it:
/// `_pk_id.*`, `_ga_<ID>`, `_hjSession_XXXX` and `wp-settings-…` are prefixes; a `*`
/// elsewhere makes a glob pattern. Returns the name to store.
pub fn classify_name(written: &str) -> (String, DeclMatch) {
    let s = written.trim();
    if let Some(stem) = strip_placeholder_tail(s) {
        if !stem.is_empty() && !stem.contains('*') {
            return (stem.to_string(), DeclMatch::Prefix);
        }
    }
    if s.contains('*') {
        return (s.to_string(), DeclMatch::Pattern);
    }
    (s.to_string(), DeclMatch::Exact)
}

/// The part before a trailing placeholder, when there is one.
fn strip_placeholder_tail(s: &str) -> Option<&str> {
    // The separator before the placeholder stays: `_pk_id.*` is the prefix `_pk_id.`.
    for tail in ["*", "…", "...", "#"] {
        if let Some(stem) = s.strip_suffix(tail) {
            return Some(stem.trim_end_matches('#'));
        }
    }
    // `_ga_<container-id>`, `_hjSession_{id}`, `cookie_[site]`
    for (open, close) in [('<', '>'), ('{', '}'), ('[', ']')] {
        if s.ends_with(close) {
            if let Some(pos) = s.rfind(open) {
                if pos > 0 {
                    return Some(&s[..pos]);
                }
            }
        }
    }
    // `_hjSession_XXXX`, `_pk_id.xxx`: only after a separator so `xx` inside a real name
    // (`_dd_s`, `ux`) is left alone.
    let trimmed = s.trim_end_matches(['x', 'X']);
    let run = s.len() - trimmed.len();
    if run >= 2 && trimmed.ends_with(['_', '.', '-']) {
        return Some(trimmed);
    }
    None
}

/// `*` matches any run of characters; everything else is literal.
fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_make_prefixes_and_inner_stars_patterns() {
        let cases = [
            ("_pk_id.*", "_pk_id.", DeclMatch::Prefix),
            ("_pk_ses.#", "_pk_ses.", DeclMatch::Prefix),
            ("wp-settings-*", "wp-settings-", DeclMatch::Prefix),
            ("_ga_<container-id>", "_ga_", DeclMatch::Prefix),
            ("_hjSession_XXXX", "_hjSession_", DeclMatch::Prefix),
            ("_ga_*_id", "_ga_*_id", DeclMatch::Pattern),
            ("_dd_s", "_dd_s", DeclMatch::Exact),
            ("YSC", "YSC", DeclMatch::Exact),
        ];
        for (written, name, kind) in cases {
            assert_eq!(
                classify_name(written),
                (name.to_string(), kind),
                "{written}"
            );
        }
    }

    #[test]
    fn matching_follows_the_kind() {
        let (n, k) = classify_name("_ga_*_id");
        let mut d = DeclaredCookie::new(n, k);
        assert!(d.matches("_ga_X_id") && !d.matches("_ga_X_idx"));
        d = DeclaredCookie::new("_pk_id.", DeclMatch::Prefix);
        assert!(d.matches("_pk_id.1.abcd") && !d.matches("_pk_ses.1"));
    }
}

/// Cookies the rules must not judge, and why (the reason is mandatory: it is the audit trail).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ignore {
    pub cookie: DeclaredCookie,
    pub reason: String,
}
