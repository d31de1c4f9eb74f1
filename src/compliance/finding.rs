//! What a rule reports.

use serde::{Deserialize, Serialize};

use crate::policy::SourceRef;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which cookie a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CookieRef {
    pub name: String,
    pub domain: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie: Option<CookieRef>,
    /// One sentence.
    pub message: String,
    /// Where it was seen or declared, as short sentences ("set on http://… (hop 0)").
    pub evidence: Vec<String>,
    /// The declaration involved, when there is one (file and line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration: Option<SourceRef>,
    /// The first page the cookie was seen on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// A rule's fixed description (README, SARIF rules, HTML explanations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// One paragraph: what it means and what to do.
    pub help: &'static str,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct SeverityCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl SeverityCounts {
    pub fn of(findings: &[Finding]) -> SeverityCounts {
        let mut c = SeverityCounts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.error += 1,
                Severity::Warning => c.warning += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }
}
