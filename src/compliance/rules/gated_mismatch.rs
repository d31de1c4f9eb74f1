use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::knowledge::Category;

pub struct GatedCategoryMismatch;

const INFO: RuleInfo = RuleInfo {
    id: "gated-category-mismatch",
    severity: Severity::Warning,
    title: "Consent manager releases a cookie under another category",
    help: "A consent manager holds the script that sets this cookie back, but releases it with a category weaker than the cookie's own (e.g. an analytics cookie in vanilla-cookieconsent's \"necessary\" category, which runs on first load). The visitor's choice for the cookie's real purpose is then not what decides it. Move the script under the matching category in the consent manager's markup or configuration.",
};

impl Rule for GatedCategoryMismatch {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        ctx.judged()
            .filter_map(|(c, decl)| {
                let gate = c.record.gated.as_ref()?;
                let released: Category = gate.category.as_deref()?.parse().ok()?;
                // A guess is not enough to contradict the site's own choice.
                if !c.classification.is_known() && decl.and_then(|d| d.category).is_none() {
                    return None;
                }
                let own = Context::effective_category(c, decl);
                // Only a weaker release is a problem: the enum runs from necessary to
                // marketing, and a marketing release of a functional cookie asks more
                // consent than needed, not less.
                if own == Category::Unclassified
                    || released == Category::Unclassified
                    || released >= own
                {
                    return None;
                }
                let mut f = about(
                    INFO,
                    c,
                    format!(
                        "Cookie '{}' ({own}) is released by {}'s '{}' category ({released}).",
                        c.record.name, gate.manager, gate.released_by
                    ),
                );
                // Released with the scripts that always run: set before any consent.
                if released == Category::Necessary {
                    f.severity = Severity::Error;
                }
                f.evidence = c
                    .record
                    .script_evidence
                    .iter()
                    .take(3)
                    .map(|e| format!("held back by {} in {}:{}", gate.label(), e.location, e.line))
                    .collect();
                Some(f)
            })
            .collect()
    }
}
