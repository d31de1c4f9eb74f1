use super::signals::tcf_consent_in;
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::observe::ConsentPhase;

pub struct TcfConsentAfterReject;

const INFO: RuleInfo = RuleInfo {
    id: "tcf-consent-after-reject",
    severity: Severity::Error,
    title: "TC string grants consent after the visitor rejected",
    help: "After a visitor rejects, the TC string an IAB TCF consent manager gives vendors must grant no purpose, vendor or special-feature consent (GDPR art. 7; TCF v2.2 policies). Browser mode rejected through the banner, then asked the CMP through __tcfapi as a vendor would and read TC string cookies. Fix the CMP so that reject clears every consent bit; vendors read this string to decide whether to track.",
};

impl Rule for TcfConsentAfterReject {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let lead = |cmp| {
            format!("After the visitor rejected, the TC string of CMP {cmp} still grants consent")
        };
        tcf_consent_in(ctx, ConsentPhase::AfterReject, lead, INFO)
    }
}
