use super::signals::granted_in;
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::observe::ConsentPhase;

pub struct ConsentModeGrantedBeforeChoice;

const INFO: RuleInfo = RuleInfo {
    id: "consent-mode-granted-before-choice",
    severity: Severity::Error,
    title: "Google tags report consent granted before the visitor chose",
    help: "Before the visitor answers the banner, Consent Mode's state must be denied for every type that needs consent (ePrivacy Directive art. 5(3); GDPR art. 7). These Google tag hits were sent before any choice with a type granted, so Google sets and reads its cookies and uses the data for ads. Set gtag('consent', 'default', {…: 'denied'}) before the Google tag loads, and grant only from the consent manager's update.",
};

impl Rule for ConsentModeGrantedBeforeChoice {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        granted_in(
            ctx,
            ConsentPhase::BeforeConsent,
            "Before the visitor chose",
            INFO,
        )
    }
}
