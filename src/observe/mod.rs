//! What a scan saw, in either mode: one [`Observation`] per cookie sighting, aggregated into
//! one [`CookieRecord`] per (name, domain, path); the pages, sub-resources, warnings and
//! malformed lines of the crawl ([`CrawlOutcome`]); the settings it ran with; the consent
//! passes of a browser scan; web storage. `crawl/` and `browser/` produce these types; every
//! later stage reads them from here and never imports `crawl/` or `browser/`.
mod budget;
mod consent;
pub mod consent_mode;
mod exchange;
mod from_scripts;
mod gated;
mod record;
mod renewal;
mod screenshot;
mod settings;
mod signals;
pub mod tcf;
mod value;
mod visit;

pub use budget::{limit_warnings, LimitHit};
pub use consent::{ChoiceMade, ConsentMode, ConsentReport, PhaseReport, Withdrawal};
pub use exchange::{Exchange, Timings};
pub use renewal::wait_before_revisit;
pub use renewal::{
    apply_renewals, first_pages, is_renewed, renewals, requested_expiries, CookieKey, Renewal,
    Requested, REVISIT_GAP,
};
pub use screenshot::{png_size, Screenshot, ShotMoment, PNG_SIGNATURE};
pub use settings::{ScopeMode, SettingsSummary};
pub use signals::{id_list, pages_text, ConsentSignals, GoogleHit, TcfSeen, TcfSource};
pub use visit::{
    CrawlOutcome, Hop, MalformedCookie, PageVisit, ResourceVisit, ScriptBody, Warning, WarningKind,
};

pub use from_scripts::{script_findings, ScriptFindings, ScriptSummary, StorageItem};
pub use gated::GateBook;
pub use record::{aggregate, AttributeVariant, CookieRecord, Party, PhasePage, Sighting};
pub use value::looks_random;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use url::Url;

use crate::cookies::{SameSite, SetCookie};

/// What kind of response a cookie came on.
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
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    Page,
    Script,
    Stylesheet,
    Image,
    Iframe,
    Media,
    Robots,
    Sitemap,
    Other,
}

/// How a cookie became known.
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
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A `Set-Cookie` response header.
    Http,
    /// JavaScript that writes it (static analysis or a known tracker signature).
    Script,
    /// Seen by a real browser (`--browser`): a `Set-Cookie` on the network, a script's write
    /// caught at run time, or the browser's cookie store.
    Browser,
}

/// When, relative to the visitor's consent choice, a browser saw a cookie.
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
#[serde(rename_all = "kebab-case")]
pub enum ConsentPhase {
    /// Before any choice (also every page of a `--consent none` pass).
    BeforeConsent,
    AfterReject,
    AfterAccept,
    /// After the visitor accepted, then withdrew consent the way the manager offers it.
    AfterWithdraw,
}

/// Browser mode: what ties a cookie to the page it is credited to.
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
#[serde(rename_all = "kebab-case")]
pub enum Attribution {
    /// A response loaded by this page's own tab set it.
    Response,
    /// A script running in this page's tab wrote it.
    Script,
    /// Neither: found in the browser's shared cookie store while this page was open.
    Store,
}

impl ConsentPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentPhase::BeforeConsent => "before-consent",
            ConsentPhase::AfterReject => "after-reject",
            ConsentPhase::AfterAccept => "after-accept",
            ConsentPhase::AfterWithdraw => "after-withdraw",
        }
    }
}

/// A cookie as one response set it. The value is kept only when the user asked for values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedCookie {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub value_len: usize,
    /// The value looked like a random identifier (a classification hint; the value itself is not kept).
    pub value_looks_random: bool,
    /// Domain attribute, or the setting host for host-only cookies.
    pub domain: String,
    pub host_only: bool,
    pub path: String,
    /// Lifetime the server asked for, in seconds; None = session cookie.
    pub lifetime_secs: Option<i64>,
    /// False when only a tracker signature implies the cookie: its lifetime is then unknown,
    /// not "session".
    #[serde(default = "yes")]
    pub lifetime_known: bool,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<SameSite>,
    pub partitioned: bool,
    /// The lifetime the browser actually kept (Chromium caps it at 400 days), when a browser
    /// stored the cookie; `lifetime_secs` stays what the server or script asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_lifetime_secs: Option<i64>,
}

/// One sighting of one cookie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub cookie: ObservedCookie,
    /// The page whose visit caused the request.
    pub page_url: Url,
    /// The URL whose response carried the header (a redirect hop, a sub-resource...).
    pub response_url: Url,
    pub status: u16,
    /// 0 for the first response of a fetch, 1 for the first redirect target, ...
    pub hop: usize,
    pub resource: ResourceKind,
    pub source: Source,
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// Why a browser would have refused this cookie, if it would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// For `source: script`: where and how the write was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<crate::scripts::Evidence>,
    /// Browser mode: before or after which consent choice it was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<ConsentPhase>,
    /// Browser mode: what made the request whose response set it (`script URL:line:column`,
    /// `parser URL:line`, `navigation`...), from Chromium's request initiator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<String>,
    /// Browser mode, after a choice: the page where the choice covering this sighting was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_page: Option<Url>,
    /// Browser mode: why this sighting is credited to its page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
}

impl ObservedCookie {
    /// The cookie as a browser would store it after `response_url` set it.
    pub fn from_set_cookie(
        parsed: &SetCookie,
        response_url: &Url,
        now: OffsetDateTime,
        keep_value: bool,
    ) -> ObservedCookie {
        let host = response_url
            .host_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let (domain, host_only) = match &parsed.domain {
            Some(d) if !d.is_empty() => (d.clone(), false),
            _ => (host, true),
        };
        ObservedCookie {
            name: parsed.name.clone(),
            value: keep_value.then(|| parsed.value.clone()),
            value_len: parsed.value.len(),
            value_looks_random: looks_random(&parsed.value),
            domain,
            host_only,
            path: parsed
                .path
                .clone()
                .unwrap_or_else(|| default_path(response_url)),
            lifetime_secs: parsed.lifetime_secs(now),
            lifetime_known: true,
            secure: parsed.secure,
            http_only: parsed.http_only,
            same_site: parsed.same_site,
            partitioned: parsed.partitioned,
            stored_lifetime_secs: None,
        }
    }
}

fn yes() -> bool {
    true
}

/// RFC 6265 §5.1.4 default-path: the request path up to, not including, its last `/`.
pub fn default_path(url: &Url) -> String {
    let path = url.path();
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    }
}

/// A session cookie `name` on `a.test`, path `/`, set by the page `page`'s own response at the
/// Unix epoch: the sighting unit tests start from.
#[cfg(test)]
pub(crate) fn test_sighting(name: &str, page: &str) -> Observation {
    let url = Url::parse(page).expect("a test URL");
    Observation {
        cookie: ObservedCookie {
            name: name.into(),
            value: None,
            value_len: 1,
            value_looks_random: false,
            domain: "a.test".into(),
            host_only: true,
            path: "/".into(),
            lifetime_secs: None,
            lifetime_known: true,
            secure: false,
            http_only: false,
            same_site: None,
            partitioned: false,
            stored_lifetime_secs: None,
        },
        page_url: url.clone(),
        response_url: url,
        status: 200,
        hop: 0,
        resource: ResourceKind::Page,
        source: Source::Http,
        time: OffsetDateTime::UNIX_EPOCH,
        rejected: None,
        problems: Vec::new(),
        script: None,
        phase: None,
        initiator: None,
        choice_page: None,
        attribution: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_follows_rfc6265() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(default_path(&u("http://a.test/")), "/");
        assert_eq!(default_path(&u("http://a.test/x")), "/");
        assert_eq!(default_path(&u("http://a.test/x/y")), "/x");
        assert_eq!(default_path(&u("http://a.test/x/y/")), "/x/y");
    }
}
