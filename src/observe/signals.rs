//! What a site told its vendors in one consent pass: the IAB TCF TC strings its consent
//! manager gave out (through `__tcfapi` or a cookie) and the Consent Mode state Google tags
//! sent. Browser mode fills it in per pass; the TCF and Consent Mode rules and the reports read it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::consent_mode::ConsentModeState;
use super::tcf::TcString;
use super::ConsentPhase;

/// Where a TC string was read.
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
pub enum TcfSource {
    /// `__tcfapi('addEventListener')`, called as a vendor would (directly or through the
    /// `__tcfapiLocator` frame).
    Api,
    /// A cookie whose value is a TC string (usually `euconsent-v2`).
    Cookie,
}

/// One TC string, as read in one phase of a pass, with the pages it was read on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TcfSeen {
    pub phase: ConsentPhase,
    pub source: TcfSource,
    /// The cookie's name, for [`TcfSource::Cookie`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie: Option<String>,
    /// `__tcfapi`: the CMP's `ping` answer (`cmpStatus`, e.g. "loaded") and the event that
    /// gave the string (`tcloaded`, `cmpuishown`, `useractioncomplete`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmp_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdpr_applies: Option<bool>,
    /// The decoded core segment; None when the string could not be decoded (see `error`).
    pub decoded: Option<TcString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The TC string itself, only with --include-values (it is a cookie's value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tc_string: Option<String>,
    /// Pages it was read on, sorted.
    pub pages: Vec<String>,
}

/// One kind of Google tag hit in one phase of a pass: its endpoint and consent state, with
/// the pages that sent it. The full URL is not kept: its query carries client ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GoogleHit {
    pub phase: ConsentPhase,
    /// The endpoint's name in data/consent_mode.toml ("GA4 collect").
    pub endpoint: String,
    /// Host and path of the request ("www.google-analytics.com/g/collect").
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcd: Option<String>,
    pub state: ConsentModeState,
    /// How many requests of this kind the pages sent.
    pub requests: usize,
    pub pages: Vec<String>,
}

impl GoogleHit {
    /// A hit that carries no consent state: no `gcs`, and no `gcd` or one that marks every
    /// type as not set (gtag sends `gcd=13l3l3l3l1` when the site never set Consent Mode).
    pub fn missing_state(&self) -> bool {
        use super::consent_mode::ConsentState::{NotSet, Unknown};
        self.gcs.is_none()
            && self
                .state
                .types()
                .iter()
                .all(|(_, s)| matches!(s, NotSet | Unknown))
    }
}

/// The consent signals of one pass.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConsentSignals {
    /// TC strings, sorted by phase, source, cookie and event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tcf: Vec<TcfSeen>,
    /// Google tag hits, sorted by phase, endpoint, target and state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub google: Vec<GoogleHit>,
}

impl ConsentSignals {
    pub fn is_empty(&self) -> bool {
        self.tcf.is_empty() && self.google.is_empty()
    }

    /// Adds a TC string read on `page`, merged with the same string read elsewhere in the
    /// same phase.
    pub fn add_tcf(&mut self, seen: TcfSeen, page: &str) {
        let same = |o: &TcfSeen| {
            o.phase == seen.phase
                && o.source == seen.source
                && o.cookie == seen.cookie
                && o.event_status == seen.event_status
                && o.decoded == seen.decoded
                && o.error == seen.error
                && o.tc_string == seen.tc_string
        };
        let at = match self.tcf.iter().position(same) {
            Some(i) => i,
            None => {
                self.tcf.push(TcfSeen {
                    pages: Vec::new(),
                    ..seen
                });
                self.tcf.len() - 1
            }
        };
        insert_sorted(&mut self.tcf[at].pages, page);
    }

    /// Adds one Google tag request sent by `page`.
    pub fn add_hit(&mut self, hit: GoogleHit, page: &str) {
        let same = |o: &GoogleHit| {
            o.phase == hit.phase
                && o.endpoint == hit.endpoint
                && o.target == hit.target
                && o.gcs == hit.gcs
                && o.gcd == hit.gcd
        };
        let at = match self.google.iter().position(same) {
            Some(i) => i,
            None => {
                self.google.push(GoogleHit {
                    requests: 0,
                    pages: Vec::new(),
                    ..hit
                });
                self.google.len() - 1
            }
        };
        self.google[at].requests += 1;
        insert_sorted(&mut self.google[at].pages, page);
    }

    /// Sorts every list by its documented key, so the report does not depend on which tab
    /// finished first.
    pub fn sort(&mut self) {
        self.tcf.sort_by(|a, b| {
            (a.phase, a.source, &a.cookie, &a.event_status, &a.pages).cmp(&(
                b.phase,
                b.source,
                &b.cookie,
                &b.event_status,
                &b.pages,
            ))
        });
        self.google.sort_by(|a, b| {
            (a.phase, &a.endpoint, &a.target, a.state, &a.gcs, &a.gcd).cmp(&(
                b.phase,
                &b.endpoint,
                &b.target,
                b.state,
                &b.gcs,
                &b.gcd,
            ))
        });
    }

    /// The decoded TC strings of one phase.
    pub fn decoded_in(&self, phase: ConsentPhase) -> impl Iterator<Item = (&TcfSeen, &TcString)> {
        self.tcf
            .iter()
            .filter(move |t| t.phase == phase)
            .filter_map(|t| t.decoded.as_ref().map(|d| (t, d)))
    }
}

fn insert_sorted(pages: &mut Vec<String>, page: &str) {
    if let Err(i) = pages.binary_search_by(|p| p.as_str().cmp(page)) {
        pages.insert(i, page.to_owned());
    }
}

/// Ids as a short list for evidence and tables: "1, 2, 3" or "1, 2, 3 … (120 in all)".
pub fn id_list<T: std::fmt::Display>(ids: &[T], max: usize) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    let shown: Vec<String> = ids.iter().take(max).map(ToString::to_string).collect();
    if ids.len() > max {
        format!("{} … ({} in all)", shown.join(", "), ids.len())
    } else {
        shown.join(", ")
    }
}

/// Pages as evidence: the first few, sorted.
pub fn pages_text(pages: &[String]) -> String {
    let set: BTreeSet<&String> = pages.iter().collect();
    let shown: Vec<&str> = set.iter().take(3).map(|s| s.as_str()).collect();
    if set.len() > 3 {
        format!("{} and {} more", shown.join(", "), set.len() - 3)
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::consent_mode::ConsentState;

    fn hit(phase: ConsentPhase, gcs: Option<&str>) -> GoogleHit {
        GoogleHit {
            phase,
            endpoint: "GA4 collect".into(),
            target: "www.google-analytics.com/g/collect".into(),
            gcs: gcs.map(str::to_owned),
            gcd: None,
            state: ConsentModeState {
                ad_storage: if gcs.is_some() {
                    ConsentState::Denied
                } else {
                    ConsentState::Unknown
                },
                ..Default::default()
            },
            requests: 0,
            pages: Vec::new(),
        }
    }

    #[test]
    fn hits_of_one_kind_merge_and_lists_sort_by_their_keys() {
        let mut s = ConsentSignals::default();
        s.add_hit(
            hit(ConsentPhase::AfterReject, Some("G100")),
            "http://a.test/b",
        );
        s.add_hit(
            hit(ConsentPhase::AfterReject, Some("G100")),
            "http://a.test/a",
        );
        s.add_hit(
            hit(ConsentPhase::AfterReject, Some("G100")),
            "http://a.test/a",
        );
        s.add_hit(hit(ConsentPhase::BeforeConsent, None), "http://a.test/");
        s.sort();
        assert_eq!(s.google.len(), 2);
        assert_eq!(s.google[0].phase, ConsentPhase::BeforeConsent);
        assert!(s.google[0].missing_state());
        assert_eq!(s.google[1].requests, 3);
        assert_eq!(
            s.google[1].pages,
            vec!["http://a.test/a", "http://a.test/b"]
        );
    }

    #[test]
    fn id_lists_stay_short() {
        assert_eq!(id_list::<u8>(&[], 3), "none");
        assert_eq!(id_list(&[1, 2], 3), "1, 2");
        assert_eq!(id_list(&[1, 2, 3, 4], 3), "1, 2, 3 … (4 in all)");
    }
}
