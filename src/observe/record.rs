//! Aggregation of sightings into one record per cookie.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};
use url::Url;

use super::{Attribution, ConsentPhase, Observation, ObservedCookie, ResourceKind, Source};
use crate::cookies::{is_third_party, SameSite};

/// Evidence kept per record; the count of all sightings is kept separately.
const MAX_SIGHTINGS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    First,
    Third,
}

impl Party {
    /// First- or third-party, comparing registrable domains of the cookie and the scanned site.
    pub fn of(cookie_domain: &str, site_host: &str) -> Party {
        if is_third_party(cookie_domain, site_host) {
            Party::Third
        } else {
            Party::First
        }
    }
}

/// One set of attributes a cookie was seen with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AttributeVariant {
    pub lifetime_secs: Option<i64>,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<SameSite>,
    pub partitioned: bool,
}

/// Where one sighting happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Sighting {
    pub page_url: Url,
    pub response_url: Url,
    pub status: u16,
    pub hop: usize,
    pub resource: ResourceKind,
    pub source: Source,
    /// Browser mode: what made the request (see `Observation::initiator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<String>,
    /// Browser mode: why the sighting is credited to its page (`store`: the shared cookie
    /// store only, no response or script of that page explains it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
}

/// Browser mode: a page where the browser stored the cookie, in one consent phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhasePage {
    pub phase: ConsentPhase,
    pub page: Url,
    /// After a choice: the page where the choice covering `page` was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_page: Option<Url>,
}

/// Everything known about one cookie (name, domain, path) across the scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CookieRecord {
    pub name: String,
    pub domain: String,
    pub path: String,
    pub host_only: bool,
    pub party: Party,
    pub first_seen_url: Url,
    pub pages_seen: usize,
    pub sightings_count: usize,
    pub sources: BTreeSet<Source>,
    /// Longest lifetime asked for, in seconds; None when only ever a session cookie (or unknown).
    pub lifetime_secs: Option<i64>,
    pub session: bool,
    /// False when only a tracker signature implies this cookie: no lifetime was seen.
    pub lifetime_known: bool,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<SameSite>,
    pub partitioned: bool,
    /// Every distinct attribute set seen (more than one means the site is inconsistent).
    pub variants: Vec<AttributeVariant>,
    /// Why a browser would refuse it, when it would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// Only with `--include-values`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    pub value_looks_random: bool,
    /// Up to 20 HTTP sightings as evidence, in the order they happened.
    pub sightings: Vec<Sighting>,
    /// Up to 20 scripts that write it: location, line, column, snippet, method, confidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub script_evidence: Vec<crate::scripts::Evidence>,
    /// Browser mode: the consent phases the browser stored it in (empty for static scans,
    /// and for a cookie the browser refused or a script write that left nothing stored).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub phases: BTreeSet<ConsentPhase>,
    /// Browser mode: up to 20 (phase, page) pairs where it was stored, in the order seen,
    /// each with the page of the choice that covered it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phase_pages: Vec<PhasePage>,
    /// Browser mode: the longest lifetime the browser kept (Chromium caps at 400 days), beside
    /// the requested `lifetime_secs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_lifetime_secs: Option<i64>,
    /// Static scans: the consent manager that holds it back and what releases it, when every
    /// script that writes it is held back until consent (then it is set after consent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gated: Option<crate::scripts::Gate>,
    /// Whether a second visit of the site's first pages, a few seconds later with the same
    /// jar, moved its expiry forward with the clock; None when it was not checked (a session
    /// cookie, one first set later in the crawl, `--no-revisit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_on_visit: Option<bool>,
    /// The page whose second visit renewed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_on: Option<Url>,
}

/// Groups observations per (name, domain, path), keeping the order of first sighting.
pub fn aggregate(observations: &[Observation], site_host: &str) -> Vec<CookieRecord> {
    let mut groups = Groups::default();
    for obs in observations {
        let i = groups.record_for(obs, site_host);
        groups.pages[i].insert(obs.page_url.as_str());
        merge_sighting(&mut groups.records[i], obs);
    }
    groups.finish()
}

/// The records so far, with what finds them and the pages each was seen on.
#[derive(Default)]
struct Groups<'o> {
    // Keyed by (name, domain, path) borrowed from the sightings: finding a cookie already
    // indexed, as most sightings are, allocates nothing.
    index: FxHashMap<(&'o str, &'o str, &'o str), usize>,
    records: Vec<CookieRecord>,
    pages: Vec<FxHashSet<&'o str>>,
}

impl<'o> Groups<'o> {
    /// The index of the record this sighting belongs to, opening one if none does.
    fn record_for(&mut self, obs: &'o Observation, site_host: &str) -> usize {
        let c = &obs.cookie;
        let key = (c.name.as_str(), c.domain.as_str(), c.path.as_str());
        // A script's write joins the HTTP record of the same cookie even when the script
        // left the domain or path implicit: one row per cookie, with both kinds of evidence.
        let joined = match obs.source {
            Source::Script if !self.index.contains_key(&key) => self
                .records
                .iter()
                .position(|r| same_cookie(&r.name, &c.name) && related(&r.domain, &c.domain)),
            _ => None,
        };
        match joined {
            Some(i) => i,
            None => *self.index.entry(key).or_insert_with(|| {
                self.records.push(new_record(obs, site_host));
                self.pages.push(FxHashSet::default());
                self.records.len() - 1
            }),
        }
    }

    fn finish(mut self) -> Vec<CookieRecord> {
        for (rec, seen) in self.records.iter_mut().zip(self.pages) {
            rec.pages_seen = seen.len();
            // A browser that stored the cookie somewhere did not refuse it.
            if !rec.phases.is_empty() {
                rec.rejected = None;
            }
        }
        self.records
    }
}

/// Only what the browser stored is present in a phase: a refused cookie is not.
fn record_phase(rec: &mut CookieRecord, obs: &Observation) {
    let (Some(phase), None) = (obs.phase, &obs.rejected) else {
        return;
    };
    rec.phases.insert(phase);
    let page = &obs.page_url;
    if rec.phase_pages.len() < MAX_SIGHTINGS
        && !rec
            .phase_pages
            .iter()
            .any(|p| p.phase == phase && p.page == *page)
    {
        rec.phase_pages.push(PhasePage {
            phase,
            page: page.clone(),
            choice_page: obs.choice_page.clone(),
        });
    }
}

fn merge_sighting(rec: &mut CookieRecord, obs: &Observation) {
    let c = &obs.cookie;
    // A name read from code (`_pk_id.1.a1b2`) is more precise than a signature's `_pk_id.*`.
    if rec.name.ends_with('*') && !c.name.ends_with('*') {
        rec.name.clone_from(&c.name);
    }
    rec.sightings_count += 1;
    rec.sources.insert(obs.source);
    rec.value_looks_random |= c.value_looks_random;
    record_phase(rec, obs);
    if let Some(l) = c.stored_lifetime_secs {
        rec.stored_lifetime_secs = Some(rec.stored_lifetime_secs.map_or(l, |o| o.max(l)));
    }
    // What a script asks for counts only where no response set the cookie: the header is
    // what the browser keeps, the script's guessable attributes are secondary.
    if obs.source != Source::Script || rec.sightings.is_empty() {
        merge_attributes(rec, c);
    }
    if rec.rejected.is_none() {
        rec.rejected.clone_from(&obs.rejected);
    }
    for p in &obs.problems {
        if !rec.problems.contains(p) {
            rec.problems.push(p.clone());
        }
    }
    if let Some(v) = &c.value {
        if !rec.values.contains(v) {
            rec.values.push(v.clone());
        }
    }
    keep_evidence(rec, obs);
}

fn merge_attributes(rec: &mut CookieRecord, c: &ObservedCookie) {
    if c.lifetime_known && !rec.lifetime_known {
        rec.lifetime_known = true;
    }
    if let Some(l) = c.lifetime_secs {
        rec.lifetime_secs = Some(rec.lifetime_secs.map_or(l, |old| old.max(l)));
        rec.session = false;
    }
    if !rec.lifetime_known {
        rec.session = false;
    }
    let variant = AttributeVariant {
        lifetime_secs: c.lifetime_secs,
        secure: c.secure,
        http_only: c.http_only,
        same_site: c.same_site,
        partitioned: c.partitioned,
    };
    if !rec.variants.contains(&variant) {
        rec.variants.push(variant);
    }
}

/// Up to `MAX_SIGHTINGS` of each kind: distinct script writes, and HTTP sightings.
fn keep_evidence(rec: &mut CookieRecord, obs: &Observation) {
    match &obs.script {
        Some(ev)
            if rec.script_evidence.len() < MAX_SIGHTINGS && !rec.script_evidence.contains(ev) =>
        {
            rec.script_evidence.push(ev.clone())
        }
        Some(_) => {}
        None if rec.sightings.len() < MAX_SIGHTINGS => rec.sightings.push(sighting(obs)),
        None => {}
    }
}

fn new_record(obs: &Observation, site_host: &str) -> CookieRecord {
    let c = &obs.cookie;
    CookieRecord {
        name: c.name.clone(),
        domain: c.domain.clone(),
        path: c.path.clone(),
        host_only: c.host_only,
        party: Party::of(&c.domain, site_host),
        first_seen_url: obs.page_url.clone(),
        pages_seen: 0,
        sightings_count: 0,
        sources: BTreeSet::new(),
        lifetime_secs: None,
        session: c.lifetime_known,
        lifetime_known: c.lifetime_known,
        secure: c.secure,
        http_only: c.http_only,
        same_site: c.same_site,
        partitioned: c.partitioned,
        variants: Vec::new(),
        rejected: None,
        problems: Vec::new(),
        values: Vec::new(),
        value_looks_random: false,
        sightings: Vec::new(),
        script_evidence: Vec::new(),
        phases: BTreeSet::new(),
        phase_pages: Vec::new(),
        stored_lifetime_secs: None,
        gated: None,
        renewed_on_visit: None,
        renewed_on: None,
    }
}

/// `_pk_id.*` (a name a script builds at run time) is the same cookie as `_pk_id.1.a1b2`.
fn same_cookie(recorded: &str, new: &str) -> bool {
    recorded == new
        || new
            .strip_suffix('*')
            .is_some_and(|p| recorded.starts_with(p))
        || recorded
            .strip_suffix('*')
            .is_some_and(|p| new.starts_with(p))
}

/// One domain is the other or a parent of it (a host-only write vs a Domain= cookie).
fn related(a: &str, b: &str) -> bool {
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

fn sighting(obs: &Observation) -> Sighting {
    Sighting {
        page_url: obs.page_url.clone(),
        response_url: obs.response_url.clone(),
        status: obs.status,
        hop: obs.hop,
        resource: obs.resource,
        source: obs.source,
        initiator: obs.initiator.clone(),
        attribution: obs.attribution,
    }
}
