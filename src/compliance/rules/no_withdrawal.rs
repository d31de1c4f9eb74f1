use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};

pub struct NoWithdrawalMethod;

const INFO: RuleInfo = RuleInfo {
    id: "no-withdrawal-method",
    severity: Severity::Info,
    title: "Consent could not be withdrawn automatically",
    help: "The withdraw pass (--consent withdraw or all) accepted on this page but found no documented way to withdraw consent with the consent manager on it, or the call failed, so what happens after withdrawal was not checked there. Visitors must be able to withdraw as easily as they consented (GDPR art. 7(3)): check it by hand, or add the manager's documented method to data/withdrawal.toml.",
};

impl Rule for NoWithdrawalMethod {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let Some(consent) = ctx.consent else {
            return Vec::new();
        };
        consent
            .passes
            .iter()
            .flat_map(|p| &p.withdrawals)
            .filter(|w| !w.succeeded)
            .map(|w| {
                let manager = w
                    .manager
                    .as_deref()
                    .unwrap_or("a banner of no known manager");
                let message = match &w.call {
                    Some(call) => format!("Withdrawing consent in {manager} with {call} failed."),
                    None => {
                        format!("No documented way to withdraw consent was found for {manager}.")
                    }
                };
                Finding {
                    rule: INFO.id.to_string(),
                    severity: INFO.severity,
                    cookie: None,
                    message,
                    evidence: w
                        .note
                        .iter()
                        .map(|n| format!("on {}: {n}", w.page))
                        .collect(),
                    declaration: None,
                    page: Some(w.page.clone()),
                }
            })
            .collect()
    }
}
