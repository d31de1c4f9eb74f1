use super::{about, Rule};
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::knowledge::human_lifetime;
use crate::knowledge::{parse_lifetime_lenient, DAY};

pub struct ExcessiveLifetime;

const INFO: RuleInfo = RuleInfo {
    id: "excessive-lifetime",
    severity: Severity::Warning,
    title: "Cookie lives longer than allowed",
    help: "The cookie asks to be kept longer than its declared lifetime, or longer than the cap for its category (13 months = 395 days for analytics and marketing, after the CNIL's guidance; set caps per category under [compliance.max_lifetime_days]). Shorten its Max-Age/Expires or correct the declaration.",
};

impl Rule for ExcessiveLifetime {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for (c, decl) in ctx.judged() {
            let Some(asked) = c.record.lifetime_secs else {
                continue;
            };
            let declared = decl
                .and_then(|d| d.lifetime.as_deref())
                .and_then(|text| parse_lifetime_lenient(text).map(|l| (text, l.secs())));
            if let Some((text, limit)) = declared {
                // One day of slack: policies round ("1 year" for 365 or 366 days).
                if limit.is_none_or(|secs| asked > secs + DAY) {
                    let mut f = about(
                        INFO,
                        c,
                        format!(
                            "Cookie '{}' asks to live {} but the policy declares {text}.",
                            c.record.name,
                            human_lifetime(Some(asked))
                        ),
                    );
                    f.declaration = decl.and_then(|d| d.source.clone());
                    out.push(f);
                    continue;
                }
            }
            let cat = Context::effective_category(c, decl);
            if let Some(days) = ctx.settings.max_lifetime_days.get(&cat) {
                if asked > days * DAY {
                    out.push(about(INFO, c, format!("Cookie '{}' ({cat}) asks to live {}, over the {days}-day cap for {cat} cookies.", c.record.name, human_lifetime(Some(asked)))));
                }
            }
        }
        out
    }
}
