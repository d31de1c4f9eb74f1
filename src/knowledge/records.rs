//! Classifying what the crawl observed: one [`Classification`] beside each [`CookieRecord`].

use serde::{Deserialize, Serialize};

use super::{Classification, CookieQuery, KnowledgeBase};
use crate::cookies::{is_third_party, registrable_domain};
use std::collections::BTreeSet;

use crate::observe::{Attribution, ConsentPhase, CookieRecord, Party, PhasePage};

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

/// Stored on a page where a choice was made, after that choice, and never before consent.
/// Not "the first page it was stored on": with several tabs, another page covered by an
/// earlier choice can record it before the choice page does (the pages' order is the tabs'
/// timing), which made the guess, and `cookie-after-reject` with it, change from run to run.
fn written_at_choice(r: &CookieRecord) -> bool {
    stored_at_choice(&r.phases, &r.phase_pages)
}

fn stored_at_choice(phases: &BTreeSet<ConsentPhase>, pages: &[PhasePage]) -> bool {
    !phases.contains(&ConsentPhase::BeforeConsent)
        && pages.iter().any(|p| {
            p.phase != ConsentPhase::BeforeConsent && p.choice_page.as_ref() == Some(&p.page)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(page: &str, choice: &str) -> PhasePage {
        PhasePage {
            phase: ConsentPhase::AfterReject,
            page: url::Url::parse(page).unwrap(),
            choice_page: Some(url::Url::parse(choice).unwrap()),
        }
    }

    #[test]
    fn consent_state_does_not_depend_on_which_tab_recorded_it_first() {
        let phases = BTreeSet::from([ConsentPhase::AfterReject]);
        let help = at("http://a.test/help", "http://a.test/help");
        let other = at("http://a.test/blog/partners", "http://a.test/blog/");
        assert!(stored_at_choice(&phases, &[help.clone(), other.clone()]));
        assert!(stored_at_choice(&phases, &[other.clone(), help]));
        assert!(!stored_at_choice(&phases, &[other]));
        let before = BTreeSet::from([ConsentPhase::BeforeConsent, ConsentPhase::AfterReject]);
        let help = at("http://a.test/help", "http://a.test/help");
        assert!(!stored_at_choice(&before, &[help]));
    }
}
