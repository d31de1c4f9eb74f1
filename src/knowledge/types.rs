//! The query and answer types of the knowledge base.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Category;

/// One observed cookie, as the classifier sees it. The value itself is never passed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CookieQuery<'a> {
    pub name: &'a str,
    /// The cookie's domain (Domain attribute or setting host).
    pub domain: Option<&'a str>,
    /// Registrable domain of the scanned site.
    pub site: Option<&'a str>,
    pub third_party: bool,
    /// `None` = session cookie.
    pub lifetime_secs: Option<i64>,
    /// The value looked like a random identifier.
    pub value_looks_random: bool,
    /// The third-party host whose script wrote it or whose response set it, if any.
    pub writer: Option<&'a str>,
    /// Browser mode: first stored on the page where the visitor's choice was made, right
    /// after the choice, and never before it (what a banner writes when it is answered).
    pub written_at_choice: bool,
}

impl<'a> CookieQuery<'a> {
    /// A query with only a name: first party, session, unremarkable value.
    pub fn new(name: &'a str) -> Self {
        CookieQuery {
            name,
            ..CookieQuery::default()
        }
    }
}

/// How a classification was reached.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    Exact,
    Prefix,
    Regex,
    Heuristic,
    None,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Prefix => "prefix",
            MatchKind::Regex => "regex",
            MatchKind::Heuristic => "heuristic",
            MatchKind::None => "none",
        }
    }
}

impl fmt::Display for MatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the knowledge base says about one cookie.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Classification {
    pub vendor: Option<String>,
    pub category: Category,
    pub purpose: Option<String>,
    /// As written in the entry ("13 months", "session").
    pub expected_lifetime: Option<String>,
    /// `None` for session or unknown.
    pub expected_lifetime_secs: Option<i64>,
    pub match_kind: MatchKind,
    /// The entry's name, prefix or regex that matched (the heuristic rule's id for a guess).
    pub pattern: Option<String>,
    /// 0.0..=1.0: database exact ~0.95, prefix ~0.85, regex ~0.75, heuristic <= 0.4, none 0.
    pub confidence: f32,
    /// One sentence: which entry matched and how, or which heuristic and why.
    pub reason: String,
    /// "builtin" or the user file's path.
    pub source: String,
    pub doc_url: Option<String>,
}

impl Classification {
    /// The answer when nothing matched.
    pub fn unknown() -> Self {
        Classification {
            vendor: None,
            category: Category::Unclassified,
            purpose: None,
            expected_lifetime: None,
            expected_lifetime_secs: None,
            match_kind: MatchKind::None,
            pattern: None,
            confidence: 0.0,
            reason: "no entry and no heuristic matched".to_string(),
            source: "builtin".to_string(),
            doc_url: None,
        }
    }

    /// Whether a database entry (not a guess) matched.
    pub fn is_known(&self) -> bool {
        matches!(
            self.match_kind,
            MatchKind::Exact | MatchKind::Prefix | MatchKind::Regex
        )
    }
}

/// A row of a user file that was skipped, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadWarning {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}
