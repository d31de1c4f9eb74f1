use super::present_after::present_after;
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::knowledge::Category;
use crate::observe::{ConsentPhase, PhasePage};

pub struct CookieAfterWithdrawal;

const INFO: RuleInfo = RuleInfo {
    id: "cookie-after-withdrawal",
    severity: Severity::Error,
    title: "Non-necessary cookie still present, or set again, after consent was withdrawn",
    help: "Withdrawing consent must be as easy as giving it and must take effect (GDPR art. 7(3)); after it, only strictly necessary cookies may remain or be set (ePrivacy Directive art. 5(3)). Browser mode with --consent withdraw or all accepts, withdraws consent the way the consent manager documents it (data/withdrawal.toml), reloads the page and visits the rest of the site. Delete the cookie when consent is withdrawn (most managers list a category's cookies for that, e.g. vanilla-cookieconsent's autoClear, Klaro's service cookies) and stop the script that sets it again.",
};

impl Rule for CookieAfterWithdrawal {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let message = |name: &str, cat: Category| {
            format!("Cookie '{name}' ({cat}) is present after the visitor withdrew consent: kept, or set again.")
        };
        present_after(ctx, ConsentPhase::AfterWithdraw, INFO, message, where_)
    }
}

/// Where the cookie was found and where consent was withdrawn.
fn where_(p: &PhasePage) -> String {
    match &p.choice_page {
        Some(choice) if *choice == p.page => {
            format!(
                "in the store on {} after consent was withdrawn on that page",
                p.page
            )
        }
        Some(choice) => format!(
            "in the store on {} after consent was withdrawn on {choice}",
            p.page
        ),
        None => format!("in the store on {} after consent was withdrawn", p.page),
    }
}
