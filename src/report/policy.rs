//! The policy comparison shown in reports: each declaration and what it matched.

use serde::{Deserialize, Serialize};

use crate::compliance::{Context, Match};
use crate::policy::{DeclaredCookie, Ignore};
use crate::scan::Policy;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclarationStatus {
    #[serde(flatten)]
    pub declared: DeclaredCookie,
    /// Names of the observed cookies this declaration covers (empty: not observed).
    pub observed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IgnoreStatus {
    pub name: String,
    pub reason: String,
    pub observed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PolicyReport {
    pub sources: Vec<String>,
    pub declarations: Vec<DeclarationStatus>,
    pub ignored: Vec<IgnoreStatus>,
}

impl PolicyReport {
    pub fn new(policy: &Policy, ctx: &Context) -> PolicyReport {
        let covered = |want: &dyn Fn(&Match) -> bool| -> Vec<String> {
            ctx.cookies
                .iter()
                .zip(&ctx.matches)
                .filter(|(_, m)| want(m))
                .map(|(c, _)| c.record.name.clone())
                .collect()
        };
        PolicyReport {
            sources: policy.sources.clone(),
            declarations: policy
                .declared
                .iter()
                .enumerate()
                .map(|(i, d)| DeclarationStatus {
                    declared: d.clone(),
                    observed: covered(&|m| *m == Match::Declared(i)),
                })
                .collect(),
            ignored: policy
                .ignores
                .iter()
                .enumerate()
                .map(|(i, Ignore { cookie, reason })| IgnoreStatus {
                    name: cookie.name.clone(),
                    reason: reason.clone(),
                    observed: covered(&|m| *m == Match::Ignored(i)),
                })
                .collect(),
        }
    }
}
