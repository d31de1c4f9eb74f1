use super::signals::{tc_strings, tcf_where, Grouped};
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};

pub struct TcfOutdatedPolicy;

/// TCF v2.2's policy version; older strings follow rules the IAB has withdrawn.
const CURRENT: u8 = 4;

const INFO: RuleInfo = RuleInfo {
    id: "tcf-outdated-policy",
    severity: Severity::Warning,
    title: "TC string made under a TCF policy older than v2.2",
    help: "The TC string's TcfPolicyVersion is below 4, the version of TCF v2.2. Since November 2023 the IAB accepts only strings made under v2.2 or later; vendors may treat older ones as no consent, and the older policies allowed legitimate interest where v2.2 does not. Update the consent manager to a TCF v2.2 version.",
};

impl Rule for TcfOutdatedPolicy {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut g = Grouped::default();
        for (pass, seen, tc) in tc_strings(ctx) {
            if tc.policy_version >= CURRENT {
                continue;
            }
            let msg = format!(
                "The TC string of CMP {} (version {}) uses TCF policy version {}, below {CURRENT} (TCF v2.2).",
                tc.cmp_id, tc.cmp_version, tc.policy_version
            );
            g.add(msg, tcf_where(pass, seen), seen.pages.first());
        }
        g.findings(INFO)
    }
}
