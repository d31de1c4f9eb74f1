//! The report every format renders.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::PolicyReport;
use crate::compliance::{Finding, SeverityCounts};
use crate::knowledge::{Category, ClassifiedCookie, MatchKind};
use crate::observe::{
    CrawlOutcome, MalformedCookie, PageVisit, Party, ResourceVisit, ScriptSummary, SettingsSummary,
    StorageItem, Warning,
};

/// Bumped when a field changes meaning or disappears (adding fields does not bump it).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Summary {
    pub pages_visited: usize,
    pub pages_failed: usize,
    pub pages_skipped: usize,
    pub resources_fetched: usize,
    pub cookies: usize,
    pub first_party: usize,
    pub third_party: usize,
    /// Cookies per consent category.
    pub by_category: BTreeMap<Category, usize>,
    /// Cookies classified by a heuristic guess, not by a database entry.
    pub guessed: usize,
    pub rejected_by_browsers: usize,
    pub malformed_set_cookie: usize,
    pub warnings: usize,
    /// Findings per severity.
    pub findings: SeverityCounts,
    /// Scripts that write cookies or storage, or match a tracker signature.
    pub scripts_analysed: usize,
    pub storage_keys: usize,
}

/// Everything one cookiescan scan found: settings, the cookies with their classification,
/// findings, the policy comparison, pages and warnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// Host of the first start URL.
    pub site: String,
    pub settings: SettingsSummary,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub finished_at: OffsetDateTime,
    pub duration_ms: u64,
    /// True when the scan was interrupted (Ctrl-C) before it finished.
    pub partial: bool,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub cookies: Vec<ClassifiedCookie>,
    pub policy: PolicyReport,
    pub pages: Vec<PageVisit>,
    pub resources: Vec<ResourceVisit>,
    pub malformed_set_cookie: Vec<MalformedCookie>,
    pub warnings: Vec<Warning>,
    /// Which script sets which cookie (static analysis and signatures).
    pub scripts: Vec<ScriptSummary>,
    /// `localStorage`/`sessionStorage` keys scripts set.
    pub storage: Vec<StorageItem>,
    /// Browser mode: the consent manager found and each consent pass side by side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<crate::observe::ConsentReport>,
    /// With `--output-dir`: what made the files and their hashes (`manifest.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<super::Manifest>,
}

impl Report {
    pub fn new(
        settings: SettingsSummary,
        site: String,
        outcome: CrawlOutcome,
        cookies: Vec<ClassifiedCookie>,
        findings: Vec<Finding>,
        policy: PolicyReport,
    ) -> Report {
        let summary = Summary {
            pages_visited: outcome.pages.iter().filter(|p| p.status.is_some()).count(),
            pages_failed: outcome.pages.iter().filter(|p| p.error.is_some()).count(),
            pages_skipped: outcome.pages.iter().filter(|p| p.skipped.is_some()).count(),
            resources_fetched: outcome.resources.len(),
            cookies: cookies.len(),
            first_party: cookies
                .iter()
                .filter(|c| c.record.party == Party::First)
                .count(),
            third_party: cookies
                .iter()
                .filter(|c| c.record.party == Party::Third)
                .count(),
            by_category: cookies.iter().fold(BTreeMap::new(), |mut m, c| {
                *m.entry(c.classification.category).or_insert(0) += 1;
                m
            }),
            guessed: cookies
                .iter()
                .filter(|c| {
                    matches!(
                        c.classification.match_kind,
                        MatchKind::Heuristic | MatchKind::None
                    )
                })
                .count(),
            rejected_by_browsers: cookies
                .iter()
                .filter(|c| c.record.rejected.is_some())
                .count(),
            malformed_set_cookie: outcome.malformed.len(),
            warnings: outcome.warnings.len(),
            findings: SeverityCounts::of(&findings),
            scripts_analysed: 0,
            storage_keys: 0,
        };
        let duration = outcome.finished_at - outcome.started_at;
        Report {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            site,
            settings,
            started_at: outcome.started_at,
            finished_at: outcome.finished_at,
            duration_ms: u64::try_from(duration.whole_milliseconds()).unwrap_or(0),
            partial: outcome.partial,
            summary,
            findings,
            cookies,
            policy,
            pages: outcome.pages,
            resources: outcome.resources,
            malformed_set_cookie: outcome.malformed,
            warnings: outcome.warnings,
            scripts: Vec::new(),
            storage: Vec::new(),
            consent: None,
            manifest: None,
        }
    }
}
