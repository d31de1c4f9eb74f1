use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::knowledge::Category;

use super::Rule;

pub struct NoBanner;

const INFO: RuleInfo = RuleInfo {
    id: "no-banner",
    severity: Severity::Error,
    title: "Non-necessary cookies and no consent banner",
    help: "A site that sets cookies which are not strictly necessary must ask for consent first (ePrivacy Directive art. 5(3)). Browser mode checked every page it visited and found on none of them a consent manager autoconsent knows or a banner with accept/reject buttons. Add a consent manager that blocks these cookies until the visitor agrees, or stop setting them.",
};

impl Rule for NoBanner {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let Some(consent) = ctx.consent else {
            return Vec::new();
        };
        if consent.banner_found() {
            return Vec::new();
        }
        let names: Vec<String> = ctx
            .judged()
            .filter(|(c, _)| ctx.stored(c))
            .filter(|(c, d)| Context::effective_category(c, *d) != Category::Necessary)
            .map(|(c, _)| c.record.name.clone())
            .collect();
        if names.is_empty() {
            return Vec::new();
        }
        vec![Finding {
            rule: INFO.id.to_string(),
            severity: INFO.severity,
            cookie: None,
            message: format!(
                "{} non-necessary cookie(s) are stored and no page of the crawl showed a consent banner.",
                names.len()
            ),
            evidence: names
                .iter()
                .take(10)
                .map(|n| format!("cookie '{n}'"))
                .collect(),
            declaration: None,
            page: None,
        }]
    }
}
