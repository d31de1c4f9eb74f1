use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};

pub struct Undeclared;

const INFO: RuleInfo = RuleInfo {
    id: "undeclared-cookie",
    severity: Severity::Error,
    title: "Cookie set but not declared",
    help: "The site sets this cookie but the declared policy (cookiescan.toml [[cookie]] entries, --policy) does not list it and no [[ignore]] entry covers it. Visitors cannot consent to what they are not told about: declare it with its category and purpose, remove it, or add an [[ignore]] entry with the reason.",
};

impl Rule for Undeclared {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        if !ctx.has_policy {
            return Vec::new();
        }
        ctx.judged()
            .filter(|(_, decl)| decl.is_none())
            .map(|(c, _)| {
                let who = c
                    .classification
                    .vendor
                    .as_deref()
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default();
                about(
                    INFO,
                    c,
                    format!(
                        "Cookie '{}'{who} on {} is set but not declared in the policy.",
                        c.record.name, c.record.domain
                    ),
                )
            })
            .collect()
    }
}
