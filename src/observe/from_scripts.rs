//! Cookies scripts would set: the crawl's script bodies and resource URLs run through static
//! analysis (`scripts::analyze`) and tracker signatures, turned into [`Observation`]s with
//! source `script` so they join the same records as HTTP sightings.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use url::Url;

use super::gated::{effective_gate, site_config, GateBook, ScriptScope};
use super::{
    default_path, Observation, ObservedCookie, ResourceKind, ResourceVisit, ScriptBody, Source,
};
use crate::cookies::{parse_cookie_date, SameSite};
use crate::scripts::{
    analyze, AnalysisMode, CookieName, Evidence, Gating, Party, ScriptAnalysis, ScriptCookie,
    ScriptSource, SignatureHit, Signatures, SiteConfig, StorageKind,
};

/// What one script does, for the report's "which script set which cookie".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScriptSummary {
    /// Script URL, or page URL + "inline #n".
    pub location: String,
    pub page_url: Url,
    pub mode: AnalysisMode,
    /// Cookie names it writes (`name*` for a prefix, `?` when the name is computed at run time).
    pub cookies: Vec<String>,
    pub storage: Vec<String>,
    /// Tracker and widget signatures it matched.
    pub signatures: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A `localStorage`/`sessionStorage` key a script sets (ePrivacy covers those too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StorageItem {
    pub kind: StorageKind,
    /// The key, or the database name for IndexedDB.
    pub key: String,
    pub page_url: Url,
    pub evidence: Evidence,
    /// Browser mode: the consent phase it was seen in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<crate::observe::ConsentPhase>,
}

#[derive(Debug, Default)]
pub struct ScriptFindings {
    pub observations: Vec<Observation>,
    pub scripts: Vec<ScriptSummary>,
    pub storage: Vec<StorageItem>,
    /// Which script evidence a consent manager holds back: marks the records (`mark`).
    pub gates: GateBook,
}

/// Analyses every script the crawl fetched (identical code once) and matches every resource
/// URL against the signatures.
pub fn script_findings(scripts: &[ScriptBody], resources: &[ResourceVisit]) -> ScriptFindings {
    if scripts.is_empty() && resources.is_empty() {
        // Nothing to analyse or match: no need to load the signatures (~10 ms).
        return ScriptFindings::default();
    }
    let gating = Gating::builtin();
    let site = site_config(gating, scripts);
    let mut findings = Findings::new(Signatures::builtin(), gating, site);
    for body in scripts {
        findings.add_script(body);
    }
    for r in resources {
        findings.add_resource(r);
    }
    findings.finish()
}

struct Findings {
    sigs: &'static Signatures,
    gating: &'static Gating,
    /// What the site's scripts configure of their consent manager.
    site: SiteConfig,
    now: OffsetDateTime,
    out: ScriptFindings,
    // Identical code (the same inline snippet on every page) is analysed and matched once;
    // its evidence points at the first place it was seen.
    cache: HashMap<u64, (ScriptAnalysis, Vec<SignatureHit>)>,
    /// Index in `out.scripts` of each location's summary.
    summarised: HashMap<String, usize>,
    // Signature cookies go after parsed writes, so exact names found in code name the records.
    implied: Vec<Observation>,
}

impl Findings {
    fn new(sigs: &'static Signatures, gating: &'static Gating, site: SiteConfig) -> Findings {
        Findings {
            sigs,
            gating,
            site,
            now: OffsetDateTime::now_utc(),
            out: ScriptFindings::default(),
            cache: HashMap::new(),
            summarised: HashMap::new(),
            implied: Vec::new(),
        }
    }

    fn add_script(&mut self, body: &ScriptBody) {
        let src = match (&body.url, body.inline_index) {
            (Some(u), _) => ScriptSource::external(&body.code, u.as_str()),
            (None, n) => ScriptSource::inline(&body.code, body.page_url.as_str(), n.unwrap_or(0)),
        };
        let sigs = self.sigs;
        let (analysis, hits) = self
            .cache
            .entry(hash(&body.code))
            .or_insert_with(|| (analyze(&src), sigs.match_code(&src)))
            .clone();
        let page = &body.page_url;
        let url = body.url.as_ref().map(Url::as_str);
        let Some(scope) = ScriptScope::new(self.gating, &self.site, body.gate.as_ref(), &src, url)
        else {
            // Held back for a service the site never enables: it never runs.
            return;
        };
        for c in analysis.cookies.iter().filter(|c| !c.deletion) {
            let Some(gate) = scope.write_gate(c.evidence.line, c.evidence.column) else {
                continue;
            };
            if let Some(obs) = from_write(c, page, &src.location, self.now) {
                self.out.gates.note(&c.evidence, gate.as_ref());
                self.out.observations.push(obs);
            }
        }
        let gated_hits = scope.hits(&hits, self.sigs, &src);
        let hits: Vec<SignatureHit> = gated_hits.iter().map(|(h, _)| h.clone()).collect();
        for (hit, gate) in &gated_hits {
            self.out.gates.note(&hit.evidence, gate.as_ref());
            self.implied.extend(from_signature(hit, page, self.now));
        }
        for s in &analysis.storage {
            self.out.storage.push(StorageItem {
                kind: s.kind,
                key: display(&s.key),
                page_url: page.clone(),
                evidence: s.evidence.clone(),
                phase: None,
            });
        }
        // One summary per script location: the same inline snippet on many pages differs in location.
        if !self.summarised.contains_key(&src.location)
            && (analysis.mode != AnalysisMode::Skipped || !hits.is_empty())
        {
            self.summarise(script_summary(&src.location, page, &analysis, &hits));
        }
    }

    /// Resources whose URL alone implies cookies (an iframe embed, a pixel, a script URL).
    fn add_resource(&mut self, r: &ResourceVisit) {
        let Some(gate) = effective_gate(self.gating, &self.site, r.gate.as_ref()) else {
            return;
        };
        for hit in self.sigs.match_url(r.url.as_str()) {
            self.out.gates.note(&hit.evidence, gate.as_ref());
            self.implied
                .extend(from_signature(&hit, &r.page_url, self.now));
            if let Some(i) = self.summarised.get(r.url.as_str()) {
                self.out.scripts[*i].signatures.push(hit.id.clone());
            } else if r.kind != ResourceKind::Script {
                self.summarise(ScriptSummary {
                    location: r.url.to_string(),
                    page_url: r.page_url.clone(),
                    mode: AnalysisMode::Skipped,
                    cookies: Vec::new(),
                    storage: Vec::new(),
                    signatures: vec![hit.id.clone()],
                    warnings: Vec::new(),
                });
            }
        }
    }

    fn summarise(&mut self, summary: ScriptSummary) {
        self.summarised
            .insert(summary.location.clone(), self.out.scripts.len());
        self.out.scripts.push(summary);
    }

    fn finish(mut self) -> ScriptFindings {
        self.out.observations.extend(self.implied);
        for s in &mut self.out.scripts {
            s.signatures.sort();
            s.signatures.dedup();
        }
        self.out
    }
}

fn script_summary(
    location: &str,
    page: &Url,
    analysis: &ScriptAnalysis,
    hits: &[SignatureHit],
) -> ScriptSummary {
    ScriptSummary {
        location: location.to_string(),
        page_url: page.clone(),
        mode: analysis.mode,
        cookies: analysis
            .cookies
            .iter()
            .filter(|c| !c.deletion)
            .map(|c| display(&c.name))
            .collect(),
        storage: analysis.storage.iter().map(|s| display(&s.key)).collect(),
        signatures: hits.iter().map(|h| h.id.clone()).collect(),
        warnings: analysis.warnings.clone(),
    }
}

fn from_write(
    c: &ScriptCookie,
    page: &Url,
    location: &str,
    now: OffsetDateTime,
) -> Option<Observation> {
    let name = match &c.name {
        CookieName::Exact(n) => n.clone(),
        CookieName::Prefix(p) => format!("{p}*"),
        CookieName::Unresolved => return None,
    };
    let a = &c.attrs;
    let lifetime = a.max_age_secs.or_else(|| {
        a.expires
            .as_deref()
            .and_then(parse_cookie_date)
            .map(|t| (t - now).whole_seconds())
    });
    let same_site = a
        .same_site
        .as_deref()
        .and_then(|s| match s.to_ascii_lowercase().as_str() {
            "strict" => Some(SameSite::Strict),
            "lax" => Some(SameSite::Lax),
            "none" => Some(SameSite::None),
            _ => None,
        });
    let domain = a
        .domain
        .as_deref()
        .map(|d| d.trim_start_matches('.').to_ascii_lowercase());
    let cookie = ObservedCookie {
        name,
        value: None,
        value_len: 0,
        value_looks_random: false,
        host_only: domain.is_none(),
        domain: domain.unwrap_or_else(|| page.host_str().unwrap_or_default().to_ascii_lowercase()),
        path: a.path.clone().unwrap_or_else(|| default_path(page)),
        lifetime_secs: lifetime,
        lifetime_known: true,
        secure: a.secure.unwrap_or(false),
        http_only: false,
        same_site,
        partitioned: false,
        stored_lifetime_secs: None,
    };
    Some(script_observation(
        cookie,
        page,
        location,
        c.evidence.clone(),
        now,
    ))
}

fn from_signature(hit: &SignatureHit, page: &Url, now: OffsetDateTime) -> Vec<Observation> {
    let site_host = page.host_str().unwrap_or_default().to_ascii_lowercase();
    hit.cookies
        .iter()
        .filter_map(|implied| {
            let name = match &implied.name {
                CookieName::Exact(n) => n.clone(),
                CookieName::Prefix(p) => format!("{p}*"),
                CookieName::Unresolved => return None,
            };
            let domain = match (implied.party, &implied.domain) {
                (Party::Third, Some(d)) => d.trim_start_matches('.').to_ascii_lowercase(),
                _ => site_host.clone(),
            };
            let cookie = ObservedCookie {
                name,
                value: None,
                value_len: 0,
                value_looks_random: false,
                host_only: false,
                domain,
                path: "/".to_string(),
                lifetime_secs: None,
                lifetime_known: false,
                secure: false,
                http_only: false,
                same_site: None,
                partitioned: false,
                stored_lifetime_secs: None,
            };
            Some(script_observation(
                cookie,
                page,
                &hit.evidence.location,
                hit.evidence.clone(),
                now,
            ))
        })
        .collect()
}

fn script_observation(
    cookie: ObservedCookie,
    page: &Url,
    location: &str,
    evidence: Evidence,
    now: OffsetDateTime,
) -> Observation {
    // The script's URL when it has one; inline scripts are located on their page.
    let response_url = Url::parse(location).unwrap_or_else(|_| page.clone());
    Observation {
        cookie,
        page_url: page.clone(),
        response_url,
        status: 0,
        hop: 0,
        resource: ResourceKind::Script,
        source: Source::Script,
        time: now,
        rejected: None,
        problems: Vec::new(),
        script: Some(evidence),
        phase: None,
        initiator: None,
        choice_page: None,
        attribution: None,
    }
}

fn display(name: &CookieName) -> String {
    match name {
        CookieName::Exact(n) => n.clone(),
        CookieName::Prefix(p) => format!("{p}*"),
        CookieName::Unresolved => "?".to_string(),
    }
}

fn hash(code: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    code.hash(&mut h);
    h.finish()
}
