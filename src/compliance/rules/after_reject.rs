use super::present_after::present_after;
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::knowledge::Category;
use crate::observe::{ConsentPhase, PhasePage};

pub struct CookieAfterReject;

const INFO: RuleInfo = RuleInfo {
    id: "cookie-after-reject",
    severity: Severity::Error,
    title: "Non-necessary cookie present after the visitor rejected",
    help: "After a visitor refuses, only strictly necessary cookies may remain or be set (ePrivacy Directive art. 5(3); GDPR art. 7(3): refusing must be as easy and as effective as accepting). Browser mode with --consent reject or all clicks the banner's reject choice and looks at the browser's store afterwards. Make the consent manager block the script that sets this cookie until the visitor accepts, and delete it when they refuse.",
};

impl Rule for CookieAfterReject {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let message = |name: &str, cat: Category| {
            format!("Cookie '{name}' ({cat}) is present after the visitor rejected consent.")
        };
        present_after(ctx, ConsentPhase::AfterReject, INFO, message, where_)
    }
}

/// Where the cookie appeared and where the reject choice covering that page was made.
fn where_(p: &PhasePage) -> String {
    match &p.choice_page {
        Some(choice) if *choice == p.page => format!(
            "stored on {} after the reject choice made on that page",
            p.page
        ),
        Some(choice) => format!(
            "stored on {} after the reject choice made on {choice}",
            p.page
        ),
        None => format!("stored on {} after the reject choice", p.page),
    }
}
