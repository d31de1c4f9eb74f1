use super::signals::{tc_strings, tcf_where, Grouped};
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::observe::{id_list, ConsentPhase};

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
        let mut g = Grouped::default();
        for (pass, seen, tc) in tc_strings(ctx) {
            if seen.phase != ConsentPhase::AfterReject || !tc.any_consent() {
                continue;
            }
            let msg = format!(
                "After the visitor rejected, the TC string of CMP {} still grants consent: purposes {}; vendors {}; special features {}.",
                tc.cmp_id,
                id_list(&tc.purposes_consent, 24),
                id_list(&tc.vendors_consent, 10),
                id_list(&tc.special_features, 12),
            );
            g.add(msg, tcf_where(pass, seen), seen.pages.first());
        }
        g.findings(INFO)
    }
}
