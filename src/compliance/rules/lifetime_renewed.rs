use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::knowledge::{human_lifetime, Category};

pub struct LifetimeRenewed;

const INFO: RuleInfo = RuleInfo {
    id: "lifetime-renewed",
    severity: Severity::Warning,
    title: "Analytics or marketing cookie renewed on every visit",
    help: "A second visit of the site's first pages, a few seconds later with the same cookies, moved this cookie's expiry forward with the clock: it is set again on every visit, so its lifetime never ends for a returning visitor. The CNIL's exemption for audience measurement requires a lifetime of at most 13 months without automatic renewal at each visit. Set the cookie once and keep its first expiry, or ask for consent. --no-revisit turns the check off.",
};

impl Rule for LifetimeRenewed {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        ctx.judged()
            .filter(|(c, _)| c.record.renewed_on_visit == Some(true))
            .filter_map(|(c, decl)| {
                let cat = Context::effective_category(c, decl);
                matches!(cat, Category::Analytics | Category::Marketing).then(|| {
                    let life = human_lifetime(c.record.lifetime_secs);
                    let mut f = about(
                        INFO,
                        c,
                        format!(
                            "Cookie '{}' ({cat}, {life}) is renewed on every visit: its expiry moves forward each time.",
                            c.record.name
                        ),
                    );
                    if let Some(p) = &c.record.renewed_on {
                        f.evidence.insert(
                            0,
                            format!("set again with a later expiry when {p} was visited a second time"),
                        );
                        f.page = Some(p.to_string());
                    }
                    f
                })
            })
            .collect()
    }
}
