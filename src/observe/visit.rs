//! What a crawl (static or in the browser) reports besides cookie sightings: pages and
//! sub-resources visited, warnings, malformed headers, script bodies, all gathered in one
//! [`CrawlOutcome`]. `crawl/` and `browser/` produce these; the later stages only read them.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use url::Url;

use super::{Observation, ResourceKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    Timeout,
    Transport,
    HttpError,
    BodyTruncated,
    InvalidUtf8,
    RedirectLoop,
    TooManyRedirects,
    BadRedirect,
    LinkTrap,
    MalformedSetCookie,
    Robots,
    Sitemap,
    NotContacted,
    /// A bound of the scan was reached (links per page, queued pages, sub-resources, script
    /// bytes, Set-Cookie lines per response): what is past it was left out.
    Limit,
    /// A host failed so many requests in a row that the scan gave up on it.
    HostGivenUp,
    /// Browser mode: a tab failed, a dependency is missing, a protocol message was unreadable.
    Browser,
}

/// Something that went wrong but did not stop the scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Warning {
    pub kind: WarningKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub message: String,
}

impl Warning {
    pub fn new(kind: WarningKind, url: Option<&Url>, message: impl Into<String>) -> Warning {
        Warning {
            kind,
            url: url.map(Url::to_string),
            message: message.into(),
        }
    }
}

/// One response of a fetch, redirects included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Hop {
    pub url: Url,
    pub status: u16,
    pub cookies_set: usize,
}

/// A page the crawler visited (or skipped, with the reason).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageVisit {
    pub url: Url,
    pub depth: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_on: Option<Url>,
    /// Status of the last response (after redirects); None when no response came.
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_url: Option<Url>,
    /// Every response in order when the page redirected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Hop>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    pub bytes: usize,
    pub cookies_set: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// A sub-resource fetched for a page (not crawled for links).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceVisit {
    pub url: Url,
    pub kind: ResourceKind,
    pub page_url: Url,
    pub status: Option<u16>,
    pub cookies_set: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A consent manager holds it back until consent (static scans read the markup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<crate::scripts::Gate>,
}

/// A `Set-Cookie` line no browser would store, kept as evidence (value redacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MalformedCookie {
    pub page_url: Url,
    pub response_url: Url,
    /// The line up to the first `=`, at most 60 characters: the name, never the value.
    pub excerpt: String,
    pub reason: String,
}

/// A script the page runs, for static analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptBody {
    /// None for inline scripts.
    pub url: Option<Url>,
    pub page_url: Url,
    /// 1-based position among the page's inline scripts.
    pub inline_index: Option<usize>,
    #[serde(skip)]
    pub code: String,
    /// A consent manager holds it back until consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<crate::scripts::Gate>,
}

/// Everything the crawl saw.
#[derive(Debug, Clone)]
pub struct CrawlOutcome {
    pub pages: Vec<PageVisit>,
    pub resources: Vec<ResourceVisit>,
    pub observations: Vec<Observation>,
    pub malformed: Vec<MalformedCookie>,
    pub warnings: Vec<Warning>,
    pub scripts: Vec<ScriptBody>,
    /// Every request and response, when a HAR was asked for (`--har`); empty otherwise.
    pub exchanges: Vec<super::Exchange>,
    /// The second visit of the first pages: every persistent cookie it looked at.
    pub renewals: Vec<super::Renewal>,
    pub partial: bool,
    pub started_at: OffsetDateTime,
    pub finished_at: OffsetDateTime,
    /// What the caps on sightings and malformed lines have let in so far.
    budget: super::budget::Budget,
}

impl CrawlOutcome {
    /// Nothing seen yet; the clock starts now.
    pub fn starting_now() -> CrawlOutcome {
        let now = OffsetDateTime::now_utc();
        CrawlOutcome {
            pages: Vec::new(),
            resources: Vec::new(),
            observations: Vec::new(),
            malformed: Vec::new(),
            warnings: Vec::new(),
            scripts: Vec::new(),
            exchanges: Vec::new(),
            renewals: Vec::new(),
            partial: false,
            started_at: now,
            finished_at: now,
            budget: super::budget::Budget::default(),
        }
    }

    /// Keeps the sightings the scan's caps allow (`budget.rs`): every new cookie up to
    /// 10,000, repeat sightings up to 100,000.
    pub fn add_sightings(&mut self, sightings: impl IntoIterator<Item = Observation>) {
        for o in sightings {
            if self.budget.admit(&o) {
                self.observations.push(o);
            }
        }
    }

    /// Lists the malformed lines the scan's cap allows.
    pub fn add_malformed(&mut self, lines: impl IntoIterator<Item = MalformedCookie>) {
        for m in lines {
            if self.budget.admit_malformed(&m) {
                self.malformed.push(m);
            }
        }
    }

    /// Adds one warning per cap of the budget that was hit; once, when every sighting is in
    /// (the scan's pipeline, after the scripts' sightings).
    pub fn close_budget(&mut self) {
        let warnings = self.budget.warnings();
        self.warnings.extend(warnings);
    }
}
