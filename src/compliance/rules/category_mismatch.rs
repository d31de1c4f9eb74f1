use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};

pub struct CategoryMismatch;

/// Below this the database is not sure enough to contradict the policy.
const MIN_CONFIDENCE: f32 = 0.8;

const INFO: RuleInfo = RuleInfo {
    id: "category-mismatch",
    severity: Severity::Warning,
    title: "Declared category differs from the known one",
    help: "The policy puts this cookie in one consent category, but the known-cookie database, matching it with good confidence, puts it in another (e.g. YouTube's VISITOR_INFO1_LIVE declared as necessary). A wrong category means the cookie is set without the consent its real purpose needs. Check the vendor's documentation and correct the declaration, or the database entry with --cookie-db if the site uses the cookie differently.",
};

impl Rule for CategoryMismatch {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        ctx.judged()
            .filter_map(|(c, decl)| {
                let decl = decl?;
                let declared = decl.category?;
                let k = &c.classification;
                if !k.is_known() || k.confidence < MIN_CONFIDENCE || k.category == declared {
                    return None;
                }
                let mut f = about(
                    INFO,
                    c,
                    format!(
                        "Cookie '{}' is declared {declared} but {} documents it as {} ({:.0}% confidence).",
                        c.record.name,
                        k.vendor.as_deref().unwrap_or("the database"),
                        k.category,
                        k.confidence * 100.0
                    ),
                );
                f.declaration = decl.source.clone();
                Some(f)
            })
            .collect()
    }
}
