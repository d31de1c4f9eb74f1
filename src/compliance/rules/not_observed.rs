use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};

pub struct DeclaredNotObserved;

const INFO: RuleInfo = RuleInfo {
    id: "declared-not-observed",
    severity: Severity::Info,
    title: "Declared cookie not seen",
    help: "The policy declares this cookie but the scan never saw it. It may be set only behind a login, after consent, or on pages the crawl did not reach; or the declaration is out of date. Scan with --cookie for authenticated pages or check whether the cookie is still used.",
};

impl Rule for DeclaredNotObserved {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        ctx.declared
            .iter()
            .enumerate()
            .filter(|(i, _)| !ctx.index.declaration_seen(*i, ctx.cookies))
            .map(|(_, d)| Finding {
                rule: INFO.id.to_string(),
                severity: INFO.severity,
                cookie: None,
                message: format!("Declared cookie '{}' was not seen during the scan (it may be set behind a login or after consent).", d.name),
                evidence: d.source.iter().map(|s| format!("declared in {} line {}", s.file, s.line)).collect(),
                declaration: d.source.clone(),
                page: None,
            })
            .collect()
    }
}
