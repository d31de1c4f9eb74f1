//! Classifying what the crawl observed: one [`Classification`] beside each [`CookieRecord`].

use serde::{Deserialize, Serialize};

use super::{Classification, CookieQuery, KnowledgeBase};
use crate::cookies::registrable_domain;
use crate::observe::{CookieRecord, Party};

/// A cookie with what the knowledge base says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassifiedCookie {
    #[serde(flatten)]
    pub record: CookieRecord,
    pub classification: Classification,
}

/// Classifies every record for a scan of `site_host`.
pub fn classify_records(
    kb: &KnowledgeBase,
    records: Vec<CookieRecord>,
    site_host: &str,
) -> Vec<ClassifiedCookie> {
    let site = registrable_domain(site_host);
    records
        .into_iter()
        .map(|record| {
            let classification = kb.classify(&CookieQuery {
                name: &record.name,
                domain: Some(&record.domain),
                site: site.as_deref(),
                third_party: record.party == Party::Third,
                lifetime_secs: record.lifetime_secs,
                value_looks_random: record.value_looks_random,
            });
            ClassifiedCookie {
                record,
                classification,
            }
        })
        .collect()
}
