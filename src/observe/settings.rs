//! The settings a scan ran with, as its report records them, and the scope vocabulary shared by
//! the configuration, both crawls and the report.

use serde::{Deserialize, Serialize};

/// Which URLs count as the site.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ScopeMode {
    /// Only the start URLs' host names.
    Host,
    /// The start URLs' registrable domains (eTLD+1) and their subdomains.
    Domain,
    /// Every URL found (sub-resources are fetched in every mode).
    Any,
}

/// The settings as written into the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SettingsSummary {
    pub start_urls: Vec<String>,
    pub scope: ScopeMode,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub max_pages: usize,
    pub max_depth: Option<usize>,
    pub max_per_pattern: usize,
    pub concurrency: usize,
    pub per_host_concurrency: usize,
    pub rate: Option<f64>,
    pub timeout_ms: u64,
    pub max_body: usize,
    pub user_agent: String,
    pub respect_robots: bool,
    pub use_sitemaps: bool,
    pub include_values: bool,
}
