use super::signals::{hit_where, hits, Grouped};
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};

pub struct ConsentModeMissing;

const INFO: RuleInfo = RuleInfo {
    id: "consent-mode-missing",
    severity: Severity::Warning,
    title: "Google tag hits without a Consent Mode state",
    help: "Requests to Google's measurement and advertising endpoints carry the visitor's consent in their gcs and gcd parameters when Consent Mode is set up. These hits carry neither, or a gcd that marks every type as not set, so Google processes them as if consent were granted, and since March 2024 Google requires Consent Mode for EEA traffic. Set the default consent state (gtag('consent', 'default', …)) before the Google tag loads, and update it from the consent manager.",
};

impl Rule for ConsentModeMissing {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut g = Grouped::default();
        for (pass, h) in hits(ctx).filter(|(_, h)| h.missing_state()) {
            let msg = format!(
                "{} hits to {} carry no Consent Mode state (no gcs, and no gcd or one with every type not set).",
                h.endpoint, h.target
            );
            g.add(msg, hit_where(pass, h), h.pages.first());
        }
        g.findings(INFO)
    }
}
