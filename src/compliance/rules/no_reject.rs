use crate::compliance::{Context, Finding, RuleInfo, Severity};

use super::Rule;

pub struct NoRejectOption;

const INFO: RuleInfo = RuleInfo {
    id: "no-reject-option",
    severity: Severity::Warning,
    title: "The consent banner offers no reject button on its first layer",
    help: "Refusing must be as easy as accepting: regulators (CNIL, EDPB cookie banner taskforce) expect a 'Reject all' button next to 'Accept all' on the banner's first layer, not hidden behind settings. Browser mode looks for one with the labels in data/consent_buttons.toml. Add a reject button with the same prominence as the accept button.",
};

impl Rule for NoRejectOption {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let Some(consent) = ctx.consent else {
            return Vec::new();
        };
        let Some(pass) = consent
            .passes
            .iter()
            .find(|p| p.accept_on_first_layer && !p.reject_on_first_layer)
        else {
            return Vec::new();
        };
        let manager = pass
            .manager
            .as_deref()
            .unwrap_or("an unidentified consent manager");
        vec![Finding {
            rule: INFO.id.to_string(),
            severity: INFO.severity,
            cookie: None,
            message: format!("The banner of {manager} shows an accept button but no reject button on its first layer."),
            evidence: vec![format!("{:?} pass: accept visible, reject not visible", pass.pass).to_lowercase()],
            declaration: None,
            page: None,
        }]
    }
}
