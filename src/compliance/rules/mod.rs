//! One file per rule. Order here is the order findings appear in reports.
mod after_reject;
mod after_withdrawal;
mod before_consent;
mod category_mismatch;
mod consent_mode_after_reject;
mod consent_mode_before_choice;
mod consent_mode_missing;
mod consent_mode_v2_incomplete;
mod gated_mismatch;
mod insecure;
mod lifetime;
mod lifetime_renewed;
mod no_banner;
mod no_reject;
mod no_withdrawal;
mod not_observed;
mod present_after;
mod signals;
mod tcf_after_reject;
mod tcf_before_choice;
mod tcf_li_restricted;
mod tcf_outdated;
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
        &no_reject::NoRejectOption,
        &no_banner::NoBanner,
        &category_mismatch::CategoryMismatch,
        &lifetime::ExcessiveLifetime,
        &insecure::InsecureAttributes,
        &third_party::ThirdParty,
        &not_observed::DeclaredNotObserved,
        &gated_mismatch::GatedCategoryMismatch,
        &tcf_before_choice::TcfConsentBeforeChoice,
        &tcf_after_reject::TcfConsentAfterReject,
        &tcf_li_restricted::TcfLegitimateInterestRestricted,
        &tcf_outdated::TcfOutdatedPolicy,
        &consent_mode_missing::ConsentModeMissing,
        &consent_mode_before_choice::ConsentModeGrantedBeforeChoice,
        &consent_mode_after_reject::ConsentModeGrantedAfterReject,
        &consent_mode_v2_incomplete::ConsentModeV2Incomplete,
        &after_withdrawal::CookieAfterWithdrawal,
        &no_withdrawal::NoWithdrawalMethod,
        &lifetime_renewed::LifetimeRenewed,
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
