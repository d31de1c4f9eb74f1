//! One file per rule. Order here is the order findings appear in reports.
mod after_reject;
mod after_withdrawal;
mod before_consent;
mod category_mismatch;
mod insecure;
mod lifetime;
mod lifetime_renewed;
mod no_banner;
mod no_reject;
mod no_withdrawal;
mod not_observed;
mod third_party;
mod undeclared;

use super::{Context, CookieRef, Finding, RuleInfo};
use crate::knowledge::ClassifiedCookie;

pub trait Rule: Sync {
    fn info(&self) -> RuleInfo;
    fn check(&self, ctx: &Context) -> Vec<Finding>;
}

/// Every rule, in report order.
pub fn all() -> &'static [&'static dyn Rule] {
    &[
        &undeclared::Undeclared,
        &before_consent::SetBeforeConsent,
        &after_reject::CookieAfterReject,
        &after_withdrawal::CookieAfterWithdrawal,
        &no_reject::NoRejectOption,
        &no_banner::NoBanner,
        &no_withdrawal::NoWithdrawalMethod,
        &category_mismatch::CategoryMismatch,
        &lifetime::ExcessiveLifetime,
        &lifetime_renewed::LifetimeRenewed,
        &insecure::InsecureAttributes,
        &third_party::ThirdParty,
        &not_observed::DeclaredNotObserved,
    ]
}

/// A finding about an observed cookie, with where it was first seen as evidence.
fn about(info: RuleInfo, c: &ClassifiedCookie, message: String) -> Finding {
    let r = &c.record;
    let evidence = r
        .sightings
        .iter()
        .take(3)
        .map(|s| {
            let via = if s.response_url == s.page_url {
                String::new()
            } else {
                format!(" via {}", s.response_url)
            };
            format!(
                "set on {}{via} (HTTP {}, hop {})",
                s.page_url, s.status, s.hop
            )
        })
        .collect();
    Finding {
        rule: info.id.to_string(),
        severity: info.severity,
        cookie: Some(CookieRef {
            name: r.name.clone(),
            domain: r.domain.clone(),
            path: r.path.clone(),
        }),
        message,
        evidence,
        declaration: None,
        page: Some(r.first_seen_url.to_string()),
    }
}
