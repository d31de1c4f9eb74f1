//! Aggregation of sightings into one record per cookie.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use url::Url;

use super::{Observation, ResourceKind, Source};
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
    /// Longest lifetime asked for, in seconds; None when only ever a session cookie.
    pub lifetime_secs: Option<i64>,
    pub session: bool,
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
    /// Up to 20 sightings as evidence, in the order they happened.
    pub sightings: Vec<Sighting>,
}

/// Groups observations per (name, domain, path), keeping the order of first sighting.
pub fn aggregate(observations: &[Observation], site_host: &str) -> Vec<CookieRecord> {
    let mut index: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut records: Vec<CookieRecord> = Vec::new();
    let mut pages: Vec<HashSet<&str>> = Vec::new();
    for obs in observations {
        let c = &obs.cookie;
        let key = (c.name.clone(), c.domain.clone(), c.path.clone());
        let i = *index.entry(key).or_insert_with(|| {
            records.push(new_record(obs, site_host));
            pages.push(HashSet::new());
            records.len() - 1
        });
        let rec = &mut records[i];
        pages[i].insert(obs.page_url.as_str());
        rec.sightings_count += 1;
        rec.sources.insert(obs.source);
        rec.value_looks_random |= c.value_looks_random;
        if let Some(l) = c.lifetime_secs {
            rec.lifetime_secs = Some(rec.lifetime_secs.map_or(l, |old| old.max(l)));
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
        if rec.sightings.len() < MAX_SIGHTINGS {
            rec.sightings.push(sighting(obs));
        }
    }
    for (rec, seen) in records.iter_mut().zip(pages) {
        rec.pages_seen = seen.len();
    }
    records
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
        session: true,
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
    }
}

fn sighting(obs: &Observation) -> Sighting {
    Sighting {
        page_url: obs.page_url.clone(),
        response_url: obs.response_url.clone(),
        status: obs.status,
        hop: obs.hop,
        resource: obs.resource,
        source: obs.source,
    }
}
