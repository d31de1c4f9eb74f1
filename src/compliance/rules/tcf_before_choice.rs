use super::signals::tcf_consent_in;
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::observe::ConsentPhase;

pub struct TcfConsentBeforeChoice;

const INFO: RuleInfo = RuleInfo {
    id: "tcf-consent-before-choice",
    severity: Severity::Error,
    title: "TC string grants consent before the visitor chose",
    help: "An IAB TCF consent manager must not signal consent to vendors before the visitor has made a choice (TCF v2.2 policies; GDPR art. 4(11) and 7: consent is a clear affirmative act). Browser mode asked the page's CMP through __tcfapi as a vendor would, and read TC string cookies, before any banner was answered. Make the CMP give out no purpose, vendor or special-feature consent until the visitor answers.",
};

impl Rule for TcfConsentBeforeChoice {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let lead =
            |cmp| format!("Before the visitor chose, the TC string of CMP {cmp} grants consent");
        tcf_consent_in(ctx, ConsentPhase::BeforeConsent, lead, INFO)
    }
}
