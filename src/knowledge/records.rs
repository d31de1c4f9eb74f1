//! Classifying what the crawl observed: one [`Classification`] beside each [`CookieRecord`].

use serde::{Deserialize, Serialize};

use super::{Classification, CookieQuery, KnowledgeBase};
use crate::cookies::{is_third_party, registrable_domain};
use crate::observe::{Attribution, ConsentPhase, CookieRecord, Party};

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
            let writer = third_party_writer(&record, site_host);
            let classification = kb.classify(&CookieQuery {
                name: &record.name,
                domain: Some(&record.domain),
                site: site.as_deref(),
                third_party: record.party == Party::Third,
                lifetime_secs: record.lifetime_secs,
                value_looks_random: record.value_looks_random,
                writer: writer.as_deref(),
                written_at_choice: written_at_choice(&record),
            });
            ClassifiedCookie {
                record,
                classification,
            }
        })
        .collect()
}

/// The third-party host whose response set the cookie or whose script wrote it, if any.
/// A browser's store sighting proves nothing about who set it and is left out.
fn third_party_writer(r: &CookieRecord, site_host: &str) -> Option<String> {
    let responses = r
        .sightings
        .iter()
        .filter(|s| s.attribution != Some(Attribution::Store))
        .filter_map(|s| s.response_url.host_str().map(str::to_owned));
    let scripts = r
        .script_evidence
        .iter()
        .filter_map(|e| url::Url::parse(&e.location).ok())
        .filter_map(|u| u.host_str().map(str::to_owned));
    responses
        .chain(scripts)
        .find(|h| is_third_party(h, site_host))
}

/// First stored on the page where a choice was made, after it, and never before consent.
fn written_at_choice(r: &CookieRecord) -> bool {
    !r.phases.contains(&ConsentPhase::BeforeConsent)
        && r.phase_pages.first().is_some_and(|p| {
            p.phase != ConsentPhase::BeforeConsent && p.choice_page.as_ref() == Some(&p.page)
        })
}
