use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::knowledge::Category;
use crate::observe::ConsentPhase;

pub struct SetBeforeConsent;

const INFO: RuleInfo = RuleInfo {
    id: "set-before-consent",
    severity: Severity::Error,
    title: "Non-necessary cookie set before consent",
    help: "Only strictly necessary cookies may be set before the visitor agrees (ePrivacy Directive art. 5(3); CNIL, ICO and EDPB guidance). A static scan sends no consent, so every cookie it sees was set before any choice. Load this cookie (or the script or embed that sets it) only after consent, or use a cookie-less alternative (e.g. youtube-nocookie.com embeds).",
};

impl Rule for SetBeforeConsent {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        ctx.judged()
            // Browser mode: only what the browser stored before the choice covering its page
            // (static scans have no phases).
            // Held back by a consent manager: set after consent, judged by
            // gated-category-mismatch instead.
            .filter(|(c, _)| c.record.gated.is_none())
            .filter(|(c, _)| {
                if ctx.consent.is_some() {
                    c.record.phases.contains(&ConsentPhase::BeforeConsent)
                } else {
                    c.record.phases.is_empty()
                        || c.record.phases.contains(&ConsentPhase::BeforeConsent)
                }
            })
            .filter_map(|(c, decl)| {
                let cat = Context::effective_category(c, decl);
                (cat != Category::Necessary).then(|| {
                    about(INFO, c, format!("Cookie '{}' ({cat}) is set on first load, before any consent was given.", c.record.name))
                })
            })
            .collect()
    }
}
