use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::cookies::SameSite;

pub struct InsecureAttributes;

const INFO: RuleInfo = RuleInfo {
    id: "insecure-attributes",
    severity: Severity::Warning,
    title: "Cookie attributes put it at risk",
    help: "A session or login cookie without Secure travels in clear text; without HttpOnly any script on the page (including an injected one) can read it; SameSite=None without Secure is refused by browsers; some cookies are refused outright (a Domain for another site, Secure over http, a __Host- name without its rules). Set Secure; HttpOnly; SameSite=Lax (or Strict) on session cookies and fix refused ones.",
};

impl Rule for InsecureAttributes {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let s = ctx.settings;
        ctx.judged()
            .filter_map(|(c, _)| {
                let r = &c.record;
                let mut problems = Vec::new();
                let auth = s.auth_name.is_match(&r.name) && !s.script_readable.is_match(&r.name);
                if auth && !r.secure {
                    problems.push("no Secure on a session or login cookie (it travels in clear text over http)".to_string());
                }
                if auth && !r.http_only {
                    problems.push("no HttpOnly on a session or login cookie (page scripts can read it)".to_string());
                }
                if r.same_site == Some(SameSite::None) && !r.secure {
                    problems.push("SameSite=None without Secure (browsers refuse it)".to_string());
                }
                if let Some(why) = &r.rejected {
                    problems.push(format!("refused by browsers: {why}"));
                }
                (!problems.is_empty()).then(|| about(INFO, c, format!("Cookie '{}' is at risk: {}.", r.name, problems.join("; "))))
            })
            .collect()
    }
}
