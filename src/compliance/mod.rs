//! Compliance: rules that turn observed cookies and the declared policy into findings.
//!
//! Each rule is one file under `rules/` implementing [`Rule`]; adding a rule is one file and
//! one line in [`rules::all`].
mod context;
mod finding;
mod matching;
mod rules;
mod settings;

pub use context::Context;
pub use finding::{CookieRef, Finding, RuleInfo, Severity, SeverityCounts};
pub use matching::{DeclIndex, Match};
pub use rules::{all as all_rules, Rule};
pub use settings::{ComplianceSettings, FailOn};

/// Runs every rule; findings come out grouped by rule, in rule order.
pub fn evaluate(ctx: &Context) -> Vec<Finding> {
    all_rules().iter().flat_map(|r| r.check(ctx)).collect()
}
