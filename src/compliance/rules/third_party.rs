use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::observe::Party;

pub struct ThirdParty;

const INFO: RuleInfo = RuleInfo {
    id: "third-party",
    severity: Severity::Info,
    title: "Third-party cookie",
    help: "The cookie belongs to another site (its domain's registrable domain differs from the scanned site's), usually through an embed, pixel or script. Third parties can follow visitors across sites; the policy should name the provider, and most such cookies need consent.",
};

impl Rule for ThirdParty {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        ctx.judged()
            .filter(|(c, _)| c.record.party == Party::Third)
            .map(|(c, _)| {
                let who = c.classification.vendor.as_deref().unwrap_or("another site");
                about(
                    INFO,
                    c,
                    format!(
                        "Cookie '{}' is a third-party cookie of {} ({}).",
                        c.record.name, c.record.domain, who
                    ),
                )
            })
            .collect()
    }
}
