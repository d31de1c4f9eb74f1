//! Shared by the TCF and Consent Mode rules: the consent signals of every pass, and findings
//! grouped by what they say, with every pass and page that showed it as evidence.

use std::collections::BTreeMap;

use crate::compliance::{Context, Finding, RuleInfo};
use crate::observe::tcf::TcString;
use crate::observe::{
    id_list, pages_text, ConsentMode, ConsentPhase, GoogleHit, TcfSeen, TcfSource,
};

/// Every decoded TC string of the scan, with its pass.
pub fn tc_strings<'a>(
    ctx: &'a Context,
) -> impl Iterator<Item = (ConsentMode, &'a TcfSeen, &'a TcString)> + 'a {
    ctx.consent.into_iter().flat_map(|c| {
        c.passes.iter().flat_map(|p| {
            p.signals
                .tcf
                .iter()
                .filter_map(move |t| t.decoded.as_ref().map(|d| (p.pass, t, d)))
        })
    })
}

/// Every Google tag hit of the scan, with its pass.
pub fn hits<'a>(ctx: &'a Context) -> impl Iterator<Item = (ConsentMode, &'a GoogleHit)> + 'a {
    ctx.consent.into_iter().flat_map(|c| {
        c.passes
            .iter()
            .flat_map(|p| p.signals.google.iter().map(move |h| (p.pass, h)))
    })
}

/// "reject pass, after reject: __tcfapi (useractioncomplete) on http://…/a"
/// Findings for TC strings that grant any consent in `phase`; `lead` opens each message
/// ("Before the visitor chose, the TC string of CMP 300 grants consent").
pub fn tcf_consent_in(
    ctx: &Context,
    phase: ConsentPhase,
    lead: impl Fn(u16) -> String,
    info: RuleInfo,
) -> Vec<Finding> {
    let mut g = Grouped::default();
    for (pass, seen, tc) in tc_strings(ctx) {
        if seen.phase != phase || !tc.any_consent() {
            continue;
        }
        let msg = format!(
            "{}: purposes {}; vendors {}; special features {}.",
            lead(tc.cmp_id),
            id_list(&tc.purposes_consent, 24),
            id_list(&tc.vendors_consent, 10),
            id_list(&tc.special_features, 12),
        );
        g.add(msg, tcf_where(pass, seen), seen.pages.first());
    }
    g.findings(info)
}

/// Findings for Google tag hits that report a type granted in `phase`; `when` opens each
/// message ("Before the visitor chose").
pub fn granted_in(ctx: &Context, phase: ConsentPhase, when: &str, info: RuleInfo) -> Vec<Finding> {
    let mut g = Grouped::default();
    for (pass, h) in hits(ctx) {
        if h.phase != phase || !h.state.any_granted() {
            continue;
        }
        let msg = format!(
            "{when}, {} hits to {} report {} granted.",
            h.endpoint,
            h.target,
            h.state.granted().join(", ")
        );
        g.add(msg, hit_where(pass, h), h.pages.first());
    }
    g.findings(info)
}

pub fn tcf_where(pass: ConsentMode, t: &TcfSeen) -> String {
    let how = match (t.source, &t.cookie) {
        (TcfSource::Cookie, Some(name)) => format!("cookie '{name}'"),
        (TcfSource::Cookie, None) => "a cookie".to_owned(),
        (TcfSource::Api, _) => match &t.event_status {
            Some(e) => format!("__tcfapi ({e})"),
            None => "__tcfapi".to_owned(),
        },
    };
    format!(
        "{} pass, {}: {how} on {}",
        pass_name(pass),
        t.phase.as_str(),
        pages_text(&t.pages)
    )
}

/// "accept pass, before-consent: 2 request(s) to www.google-analytics.com/g/collect
/// (gcs=G111, gcd=11t1t1t1t5) from http://…/"
pub fn hit_where(pass: ConsentMode, h: &GoogleHit) -> String {
    let params: Vec<String> = [("gcs", &h.gcs), ("gcd", &h.gcd)]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect();
    let params = if params.is_empty() {
        "no gcs or gcd".to_owned()
    } else {
        params.join(", ")
    };
    format!(
        "{} pass, {}: {} request(s) to {} ({params}) from {}",
        pass_name(pass),
        h.phase.as_str(),
        h.requests,
        h.target,
        pages_text(&h.pages)
    )
}

/// "reject": the pass as its flag value names it (works for any pass a later issue adds).
fn pass_name(p: ConsentMode) -> String {
    format!("{p:?}").to_lowercase()
}

/// Findings keyed by message: one per distinct message, with the evidence of every pass
/// and page that showed it, sorted, and the first page.
#[derive(Default)]
pub struct Grouped(BTreeMap<String, (Vec<String>, Option<String>)>);

impl Grouped {
    pub fn add(&mut self, message: String, evidence: String, page: Option<&String>) {
        let e = self.0.entry(message).or_default();
        if !e.0.contains(&evidence) {
            e.0.push(evidence);
        }
        if e.1.is_none() {
            e.1 = page.cloned();
        }
    }

    pub fn findings(self, info: RuleInfo) -> Vec<Finding> {
        self.0
            .into_iter()
            .map(|(message, (mut evidence, page))| {
                evidence.sort();
                Finding {
                    rule: info.id.to_string(),
                    severity: info.severity,
                    cookie: None,
                    message,
                    evidence,
                    declaration: None,
                    page,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::all;
    use crate::compliance::{ComplianceSettings, Context};
    use crate::observe::consent_mode::{ConsentModeState, ConsentState};
    use crate::observe::tcf::TcString;
    use crate::observe::{
        ConsentMode, ConsentPhase, ConsentReport, ConsentSignals, GoogleHit, PhaseReport, TcfSeen,
        TcfSource,
    };

    fn tc(purposes: &[u8], li: &[u8], policy: u8) -> TcString {
        TcString {
            version: 2,
            created: 1_796_032_800,
            last_updated: 1_796_032_800,
            cmp_id: 300,
            cmp_version: 2,
            consent_screen: 1,
            consent_language: "EN".into(),
            vendor_list_version: 150,
            policy_version: policy,
            is_service_specific: true,
            special_features: Vec::new(),
            purposes_consent: purposes.to_vec(),
            purposes_li: li.to_vec(),
            purpose_one_treatment: false,
            publisher_cc: "FR".into(),
            vendors_consent: Vec::new(),
            vendors_li: Vec::new(),
        }
    }

    fn seen(phase: ConsentPhase, d: TcString) -> TcfSeen {
        TcfSeen {
            phase,
            source: TcfSource::Api,
            cookie: None,
            cmp_status: Some("loaded".into()),
            event_status: Some("tcloaded".into()),
            gdpr_applies: Some(true),
            decoded: Some(d),
            error: None,
            tc_string: None,
            pages: vec!["http://a.test/".into()],
        }
    }

    fn hit(phase: ConsentPhase, gcs: Option<&str>, state: ConsentModeState) -> GoogleHit {
        GoogleHit {
            phase,
            endpoint: "GA4 collect".into(),
            target: "www.google-analytics.com/g/collect".into(),
            gcs: gcs.map(str::to_owned),
            gcd: None,
            state,
            requests: 1,
            pages: vec!["http://a.test/".into()],
        }
    }

    fn fired(signals: ConsentSignals) -> Vec<String> {
        let report = ConsentReport {
            passes: vec![PhaseReport {
                pass: ConsentMode::Reject,
                manager: None,
                engine: "text-rules".into(),
                banner_found: true,
                reject_on_first_layer: true,
                accept_on_first_layer: true,
                action: None,
                succeeded: true,
                pages: 1,
                withdrawals: Vec::new(),
                duration_ms: 1,
                consent_ms: None,
                cookies_before: Vec::new(),
                cookies_after: Vec::new(),
                choices: Vec::new(),
                signals,
            }],
            ..Default::default()
        };
        let settings = ComplianceSettings::default();
        let ctx = Context::new(&[], &[], &[], false, &settings)
            .unwrap()
            .with_consent(Some(&report));
        all()
            .iter()
            .flat_map(|r| r.check(&ctx))
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn tcf_rules_fire_on_their_boundaries_only() {
        use ConsentPhase::*;
        // Legitimate interest for 2 and 7-11 is allowed; policy 4 is current.
        let ok = ConsentSignals {
            tcf: vec![
                seen(BeforeConsent, tc(&[], &[2, 7, 8, 9, 10, 11], 4)),
                seen(AfterReject, tc(&[], &[2, 7], 5)),
                seen(AfterAccept, tc(&[1, 2, 3, 4], &[2], 4)),
            ],
            google: Vec::new(),
        };
        assert!(fired(ok).is_empty());
        let bad = ConsentSignals {
            tcf: vec![
                seen(BeforeConsent, tc(&[1], &[], 4)),
                seen(AfterReject, tc(&[10], &[6], 3)),
            ],
            google: Vec::new(),
        };
        assert_eq!(
            fired(bad),
            vec![
                "tcf-consent-before-choice",
                "tcf-consent-after-reject",
                "tcf-legitimate-interest-restricted",
                "tcf-outdated-policy"
            ]
        );
    }

    #[test]
    fn consent_mode_rules_fire_on_their_boundaries_only() {
        use ConsentPhase::*;
        use ConsentState::*;
        let all4 = |a, b, c, d| ConsentModeState {
            ad_storage: a,
            analytics_storage: b,
            ad_user_data: c,
            ad_personalization: d,
        };
        let ok = ConsentSignals {
            tcf: Vec::new(),
            google: vec![
                hit(
                    BeforeConsent,
                    Some("G100"),
                    all4(Denied, Denied, Denied, Denied),
                ),
                hit(
                    AfterReject,
                    Some("G100"),
                    all4(Denied, Denied, Denied, Denied),
                ),
                hit(
                    AfterAccept,
                    Some("G111"),
                    all4(Granted, Granted, Granted, Granted),
                ),
            ],
        };
        assert!(fired(ok).is_empty());
        let bad = ConsentSignals {
            tcf: Vec::new(),
            google: vec![
                hit(
                    BeforeConsent,
                    Some("G101"),
                    all4(Denied, Granted, Denied, Denied),
                ),
                hit(
                    AfterReject,
                    Some("G100"),
                    all4(Denied, Denied, NotSet, Granted),
                ),
                hit(AfterReject, None, ConsentModeState::default()),
                // gcd=13l3l3l3l1: Consent Mode never set up; missing, not "incomplete".
                hit(AfterAccept, None, all4(NotSet, NotSet, NotSet, NotSet)),
            ],
        };
        assert_eq!(
            fired(bad),
            vec![
                "consent-mode-missing",
                "consent-mode-granted-before-choice",
                "consent-mode-granted-after-reject",
                "consent-mode-v2-incomplete"
            ]
        );
    }
}
