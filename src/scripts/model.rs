//! Public result types of script analysis.

use serde::{Deserialize, Serialize};

use super::evidence::Evidence;

/// A script to analyse, with the place it came from (for evidence).
#[derive(Debug, Clone)]
pub struct ScriptSource<'a> {
    pub code: &'a str,
    /// Script URL, or `"https://site/page inline #2"`.
    pub location: String,
}

impl<'a> ScriptSource<'a> {
    pub fn external(code: &'a str, script_url: &str) -> Self {
        ScriptSource {
            code,
            location: script_url.to_string(),
        }
    }

    /// `n` is the 1-based index of the inline `<script>` on the page.
    pub fn inline(code: &'a str, page_url: &str, n: usize) -> Self {
        ScriptSource {
            code,
            location: format!("{page_url} inline #{n}"),
        }
    }
}

/// A cookie (or storage key) name as far as static analysis could tell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "match", content = "value", rename_all = "lowercase")]
pub enum CookieName {
    Exact(String),
    /// The name starts with this text; the rest is computed at run time.
    Prefix(String),
    Unresolved,
}

impl CookieName {
    /// Whether a concrete cookie name observed at run time fits this one.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            CookieName::Exact(n) => n == name,
            CookieName::Prefix(p) => name.starts_with(p.as_str()),
            CookieName::Unresolved => false,
        }
    }
}

/// Attributes written with the cookie, where they were literal in the code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScriptCookieAttrs {
    /// From `max-age`, or from a days count (js-cookie, jQuery, helpers) × 86400,
    /// or from `Date.now() + ms` (Cookie Store API).
    pub max_age_secs: Option<i64>,
    /// The `expires` text as written.
    pub expires: Option<String>,
    pub path: Option<String>,
    pub domain: Option<String>,
    pub same_site: Option<String>,
    pub secure: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScriptCookie {
    pub name: CookieName,
    pub attrs: ScriptCookieAttrs,
    /// The write removes the cookie (`max-age<=0` or an `expires` in 1970).
    pub deletion: bool,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    Local,
    Session,
    /// An IndexedDB database (the key is its name); seen in browser mode only.
    #[serde(rename = "indexeddb")]
    IndexedDb,
}

impl StorageKind {
    /// The browser API that writes this kind of storage.
    pub fn api(self) -> super::Api {
        match self {
            StorageKind::Local => super::Api::LocalStorage,
            StorageKind::Session => super::Api::SessionStorage,
            StorageKind::IndexedDb => super::Api::IndexedDb,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StorageWrite {
    pub kind: StorageKind,
    pub key: CookieName,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AnalysisMode {
    /// The script parsed and its syntax tree was walked.
    Parsed,
    /// The script could not be parsed (or was too deeply nested to parse
    /// safely); a token scan found what it could. See `warnings`.
    LexicalFallback,
    /// The text mentions neither cookies nor storage, so nothing was parsed.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScriptAnalysis {
    pub cookies: Vec<ScriptCookie>,
    pub storage: Vec<StorageWrite>,
    pub mode: AnalysisMode,
    pub warnings: Vec<String>,
}
