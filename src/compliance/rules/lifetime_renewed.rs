use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::knowledge::{human_lifetime, Category, DAY};

pub struct LifetimeRenewed;

/// A cookie that lives less than a day ends between one day's visits and the next even when
/// each page view renews it (Matomo's 30-minute `_pk_ses`): only longer ones never end.
const SHORTEST_ENDLESS: i64 = DAY;

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
            .filter(|(c, _)| c.record.lifetime_secs.is_some_and(|l| l >= SHORTEST_ENDLESS))
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
