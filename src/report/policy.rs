//! The policy comparison shown in reports: each declaration and what it matched.

use serde::{Deserialize, Serialize};

use crate::compliance::{Context, CookieRef, Match};
use crate::policy::{DeclaredCookie, Ignore, Policy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeclarationStatus {
    #[serde(flatten)]
    pub declared: DeclaredCookie,
    /// Names of the observed cookies this declaration covers (empty: not observed).
    pub observed: Vec<String>,
    /// The same cookies with domain and path, so two cookies of one name stay apart.
    #[serde(default)]
    pub observed_cookies: Vec<CookieRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IgnoreStatus {
    pub name: String,
    pub reason: String,
    pub observed: Vec<String>,
    #[serde(default)]
    pub observed_cookies: Vec<CookieRef>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyReport {
    pub sources: Vec<String>,
    pub declarations: Vec<DeclarationStatus>,
    pub ignored: Vec<IgnoreStatus>,
}

impl PolicyReport {
    pub fn new(policy: &Policy, ctx: &Context) -> PolicyReport {
        let covered = |want: &dyn Fn(&Match) -> bool| -> Vec<CookieRef> {
            ctx.cookies
                .iter()
                .zip(&ctx.matches)
                .filter(|(_, m)| want(m))
                .map(|(c, _)| CookieRef {
                    name: c.record.name.clone(),
                    domain: c.record.domain.clone(),
                    path: c.record.path.clone(),
                })
                .collect()
        };
        let names = |refs: &[CookieRef]| refs.iter().map(|r| r.name.clone()).collect();
        PolicyReport {
            sources: policy.sources.clone(),
            declarations: policy
                .declared
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let cookies = covered(&|m| *m == Match::Declared(i));
                    DeclarationStatus {
                        declared: d.clone(),
                        observed: names(&cookies),
                        observed_cookies: cookies,
                    }
                })
                .collect(),
            ignored: policy
                .ignores
                .iter()
                .enumerate()
                .map(|(i, Ignore { cookie, reason })| {
                    let cookies = covered(&|m| *m == Match::Ignored(i));
                    IgnoreStatus {
                        name: cookie.name.clone(),
                        reason: reason.clone(),
                        observed: names(&cookies),
                        observed_cookies: cookies,
                    }
                })
                .collect(),
        }
    }
}
