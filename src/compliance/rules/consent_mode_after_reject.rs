use super::signals::granted_in;
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::observe::ConsentPhase;

pub struct ConsentModeGrantedAfterReject;

const INFO: RuleInfo = RuleInfo {
    id: "consent-mode-granted-after-reject",
    severity: Severity::Error,
    title: "Google tags report consent granted after the visitor rejected",
    help: "After the visitor rejects, every Consent Mode type that needs consent must be denied (GDPR art. 7(3)). These Google tag hits were sent after the reject choice with a type granted, so Google treats the visitor as consenting. Make the consent manager send gtag('consent', 'update', {…: 'denied'}) on reject, and check that no tag grants consent by itself.",
};

impl Rule for ConsentModeGrantedAfterReject {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        granted_in(
            ctx,
            ConsentPhase::AfterReject,
            "After the visitor rejected",
            INFO,
        )
    }
}
