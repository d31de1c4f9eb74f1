//! Browser mode's consent signals as the reports show them: rows of the pass-by-pass table
//! (HTML, Markdown), so the decoded TC string and the Consent Mode state of every pass sit side
//! by side, and compact lines for the terminal summary. JSON carries the full data.

use std::collections::BTreeSet;

use crate::observe::tcf::TcString;
use crate::observe::{id_list, ConsentPhase, ConsentReport, PhaseReport};

use super::consent::NONE;

/// One fact about a pass, as a cell.
type Cell = dyn Fn(&PhaseReport) -> String;

/// The rows to add under the pass table; none when no pass saw a TCF CMP or a Google tag.
pub fn pass_rows(c: &ConsentReport) -> Vec<(&'static str, Vec<String>)> {
    if c.passes.iter().all(|p| p.signals.is_empty()) {
        return Vec::new();
    }
    let rows: [(&'static str, &Cell); 5] = [
        ("TCF CMP", &cmp),
        ("TC string before the choice", &|p| tc_strings(p, true)),
        ("TC string after the choice", &|p| tc_strings(p, false)),
        ("Consent Mode before the choice", &|p| consent_mode(p, true)),
        ("Consent Mode after the choice", &|p| consent_mode(p, false)),
    ];
    rows.iter()
        .map(|(label, cell)| (*label, c.passes.iter().map(cell).collect()))
        .collect()
}

/// "CMP 300 v2, policy 4", one per distinct CMP the pass's TC strings name.
fn cmp(p: &PhaseReport) -> String {
    let set: BTreeSet<String> = p
        .signals
        .tcf
        .iter()
        .filter_map(|t| t.decoded.as_ref())
        .map(|d| {
            format!(
                "CMP {} v{}, policy {}",
                d.cmp_id, d.cmp_version, d.policy_version
            )
        })
        .collect();
    join(set)
}

fn before(phase: ConsentPhase, want_before: bool) -> bool {
    (phase == ConsentPhase::BeforeConsent) == want_before
}

/// The decoded strings of one side of the choice, each once.
fn tc_strings(p: &PhaseReport, want_before: bool) -> String {
    let set: BTreeSet<String> = p
        .signals
        .tcf
        .iter()
        .filter(|t| before(t.phase, want_before))
        .map(|t| match (&t.decoded, &t.error) {
            (Some(d), _) => tc_summary(d),
            (None, Some(e)) => format!("not decoded: {e}"),
            (None, None) => "no TC string".to_owned(),
        })
        .collect();
    join(set)
}

/// "purposes 1, 2 · LI purposes 2, 7 · vendors 1, 755 · LI vendors none · special features none"
pub fn tc_summary(d: &TcString) -> String {
    format!(
        "purposes {} · LI purposes {} · vendors {} · LI vendors {} · special features {}",
        id_list(&d.purposes_consent, 24),
        id_list(&d.purposes_li, 24),
        id_list(&d.vendors_consent, 8),
        id_list(&d.vendors_li, 8),
        id_list(&d.special_features, 12),
    )
}

/// "GA4 collect: ad_storage denied, analytics_storage denied, …", each endpoint and state once.
fn consent_mode(p: &PhaseReport, want_before: bool) -> String {
    let set: BTreeSet<String> = p
        .signals
        .google
        .iter()
        .filter(|h| before(h.phase, want_before))
        .map(|h| {
            if h.missing_state() {
                return format!("{}: no consent state", h.endpoint);
            }
            let types: Vec<String> = h
                .state
                .types()
                .iter()
                .map(|(t, s)| format!("{t} {}", s.as_str()))
                .collect();
            format!("{}: {}", h.endpoint, types.join(", "))
        })
        .collect();
    join(set)
}

fn join(set: BTreeSet<String>) -> String {
    if set.is_empty() {
        NONE.into()
    } else {
        set.into_iter().collect::<Vec<_>>().join("; ")
    }
}

/// Terminal summary: one line per pass that saw a signal.
pub fn summary_lines(c: &ConsentReport) -> Vec<String> {
    let mut out = Vec::new();
    for p in &c.passes {
        let s = &p.signals;
        if s.is_empty() {
            continue;
        }
        let granted_tc = s
            .tcf
            .iter()
            .filter_map(|t| t.decoded.as_ref())
            .filter(|d| d.any_consent())
            .count();
        let granted_gcm = s.google.iter().filter(|h| h.state.any_granted()).count();
        out.push(format!(
            "{} pass: {} TC string(s), {} granting consent; {} kind(s) of Google tag hit, {} granting",
            format!("{:?}", p.pass).to_lowercase(),
            s.tcf.len(),
            granted_tc,
            s.google.len(),
            granted_gcm
        ));
    }
    out
}

/// JUnit: one test case per finding of the consent-signal rules (`tcf-*`, `consent-mode-*`),
/// which are about the site, not a cookie; an error fails, a warning passes with its message
/// as output.
pub fn junit_cases(report: &super::Report) -> Vec<quick_junit::TestCase> {
    use crate::compliance::Severity;
    use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus};
    report
        .findings
        .iter()
        .filter(|f| f.cookie.is_none())
        .filter(|f| f.rule.starts_with("tcf-") || f.rule.starts_with("consent-mode-"))
        .map(|f| {
            let status = if f.severity == Severity::Error {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(f.message.as_str());
                s.set_type(f.rule.as_str());
                s.set_description(f.evidence.join("\n"));
                s
            } else {
                TestCaseStatus::success()
            };
            let mut case = TestCase::new(format!("{}: {}", f.rule, f.message), status);
            case.set_classname("consent-signals");
            if f.severity != Severity::Error {
                case.set_system_out(format!(
                    "{}: {}",
                    f.severity.as_str(),
                    f.evidence.join("\n")
                ));
            }
            case
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::consent_mode::{ConsentModeState, ConsentState};
    use crate::observe::{ConsentMode, ConsentSignals, GoogleHit};

    fn pass(mode: ConsentMode, signals: ConsentSignals) -> PhaseReport {
        PhaseReport {
            pass: mode,
            manager: None,
            engine: "none".into(),
            banner_found: false,
            reject_on_first_layer: false,
            accept_on_first_layer: false,
            action: None,
            succeeded: false,
            pages: 1,
            withdrawals: Vec::new(),
            duration_ms: 1,
            consent_ms: None,
            cookies_before: Vec::new(),
            cookies_after: Vec::new(),
            choices: Vec::new(),
            signals,
        }
    }

    #[test]
    fn consent_mode_states_show_per_pass_and_side_of_the_choice() {
        let mut s = ConsentSignals::default();
        s.add_hit(
            GoogleHit {
                phase: ConsentPhase::AfterReject,
                endpoint: "GA4 collect".into(),
                target: "www.google-analytics.com/g/collect".into(),
                gcs: Some("G101".into()),
                gcd: None,
                state: ConsentModeState {
                    ad_storage: ConsentState::Denied,
                    analytics_storage: ConsentState::Granted,
                    ..Default::default()
                },
                requests: 0,
                pages: Vec::new(),
            },
            "http://a.test/",
        );
        let c = ConsentReport {
            passes: vec![
                pass(ConsentMode::None, ConsentSignals::default()),
                pass(ConsentMode::Reject, s),
            ],
            ..Default::default()
        };
        let rows = pass_rows(&c);
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].1, vec![NONE, NONE]);
        assert_eq!(rows[3].1, vec![NONE, NONE]);
        assert_eq!(
            rows[4].1[1],
            "GA4 collect: ad_storage denied, analytics_storage granted, ad_user_data unknown, ad_personalization unknown"
        );
        assert_eq!(
            summary_lines(&c),
            vec!["reject pass: 0 TC string(s), 0 granting consent; 1 kind(s) of Google tag hit, 1 granting"]
        );
        // No signal anywhere: the table keeps its old rows only.
        let quiet = ConsentReport {
            passes: vec![pass(ConsentMode::None, ConsentSignals::default())],
            ..Default::default()
        };
        assert!(pass_rows(&quiet).is_empty());
    }
}
