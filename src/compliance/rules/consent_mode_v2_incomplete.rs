use super::signals::{hit_where, hits, Grouped};
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::observe::consent_mode::ConsentState;

pub struct ConsentModeV2Incomplete;

const INFO: RuleInfo = RuleInfo {
    id: "consent-mode-v2-incomplete",
    severity: Severity::Warning,
    title: "Consent Mode without ad_user_data / ad_personalization",
    help: "Consent Mode v2 adds ad_user_data and ad_personalization; since March 2024 Google requires both for traffic from the EEA, and without them it does not use the data for conversions and audiences. These Google tag hits carry a consent state without one or both (the gcd parameter is missing, or marks them as not set). Add both types to gtag('consent', 'default', …) and to the consent manager's update.",
};

impl Rule for ConsentModeV2Incomplete {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let set = |s: ConsentState| matches!(s, ConsentState::Granted | ConsentState::Denied);
        let mut g = Grouped::default();
        for (pass, h) in hits(ctx) {
            if h.missing_state() {
                continue;
            }
            let absent: Vec<&str> = [
                ("ad_user_data", h.state.ad_user_data),
                ("ad_personalization", h.state.ad_personalization),
            ]
            .iter()
            .filter(|(_, s)| !set(*s))
            .map(|(t, _)| *t)
            .collect();
            if absent.is_empty() {
                continue;
            }
            let msg = format!(
                "{} hits to {} carry no {} (Consent Mode v2).",
                h.endpoint,
                h.target,
                absent.join(" or ")
            );
            g.add(msg, hit_where(pass, h), h.pages.first());
        }
        g.findings(INFO)
    }
}
