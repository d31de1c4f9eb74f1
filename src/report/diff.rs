//! What changed between two scans of a site: cookies added, removed or changed, and findings
//! that appeared or went away. For nightly gates: anything new fails the run.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::view::{attributes, cookie_views, CookieView};
use super::Report;
use crate::compliance::{Finding, Severity};
use crate::knowledge::Category;
use crate::observe::Party;

/// One side of the comparison, as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffCookie {
    pub name: String,
    pub domain: String,
    pub path: String,
    pub party: Party,
    pub category: Category,
    pub vendor: Option<String>,
    /// None = session cookie.
    pub lifetime_secs: Option<i64>,
    /// As a browser was told: "Secure", "HttpOnly", "SameSite=Lax", "Partitioned".
    pub attributes: Vec<String>,
}

/// What one attribute was and became, as text ("12 months" → "2 years").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeChange {
    /// "category", "lifetime", "attributes" or "party".
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CookieChange {
    pub cookie: DiffCookie,
    pub changes: Vec<AttributeChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffFinding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDiff {
    pub site: String,
    /// When each scan started (RFC 3339).
    pub old_scan: String,
    pub new_scan: String,
    pub added: Vec<DiffCookie>,
    pub removed: Vec<DiffCookie>,
    pub changed: Vec<CookieChange>,
    pub new_findings: Vec<DiffFinding>,
    pub resolved_findings: Vec<DiffFinding>,
}

impl ReportDiff {
    /// Cookies match by (name, domain, path); findings by rule and cookie (or message when the
    /// finding is about no cookie).
    pub fn between(old: &Report, new: &Report) -> ReportDiff {
        let old_views = cookie_views(old);
        let new_views = cookie_views(new);
        let find = |views: &[CookieView<'_>], c: &CookieView<'_>| {
            views
                .iter()
                .position(|o| key(o.record()) == key(c.record()))
        };
        let mut added = Vec::new();
        let mut changed = Vec::new();
        for n in &new_views {
            match find(&old_views, n) {
                None => added.push(summary(n)),
                Some(i) => {
                    let changes = changes(&summary(&old_views[i]), &summary(n));
                    if !changes.is_empty() {
                        changed.push(CookieChange {
                            cookie: summary(n),
                            changes,
                        });
                    }
                }
            }
        }
        let removed = old_views
            .iter()
            .filter(|o| find(&new_views, o).is_none())
            .map(summary)
            .collect();
        let old_keys: BTreeSet<String> = old.findings.iter().map(finding_key).collect();
        let new_keys: BTreeSet<String> = new.findings.iter().map(finding_key).collect();
        ReportDiff {
            site: new.site.clone(),
            old_scan: rfc3339(old),
            new_scan: rfc3339(new),
            added,
            removed,
            changed,
            new_findings: only_in(&new.findings, &old_keys),
            resolved_findings: only_in(&old.findings, &new_keys),
        }
    }

    /// Whether something appeared that was not there before (the gate's failure condition).
    pub fn has_new(&self) -> bool {
        !self.added.is_empty() || !self.new_findings.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.new_findings.is_empty()
            && self.resolved_findings.is_empty()
    }
}

fn rfc3339(r: &Report) -> String {
    r.started_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn key(r: &crate::observe::CookieRecord) -> (&str, &str, &str) {
    (&r.name, &r.domain, &r.path)
}

fn summary(v: &CookieView) -> DiffCookie {
    let r = v.record();
    DiffCookie {
        name: r.name.clone(),
        domain: r.domain.clone(),
        path: r.path.clone(),
        party: r.party,
        category: v.category,
        vendor: v.cookie.classification.vendor.clone(),
        lifetime_secs: r.lifetime_secs,
        attributes: attributes(r).into_iter().map(String::from).collect(),
    }
}

fn changes(old: &DiffCookie, new: &DiffCookie) -> Vec<AttributeChange> {
    let mut out = Vec::new();
    let mut push = |field: &str, old: String, new: String| {
        out.push(AttributeChange {
            field: field.to_string(),
            old,
            new,
        });
    };
    if old.category != new.category {
        push(
            "category",
            old.category.to_string(),
            new.category.to_string(),
        );
    }
    if lifetime_changed(old.lifetime_secs, new.lifetime_secs) {
        push(
            "lifetime",
            super::human_lifetime(old.lifetime_secs),
            super::human_lifetime(new.lifetime_secs),
        );
    }
    if old.attributes != new.attributes {
        let show = |a: &[String]| {
            if a.is_empty() {
                "none".to_string()
            } else {
                a.join(" ")
            }
        };
        push("attributes", show(&old.attributes), show(&new.attributes));
    }
    if old.party != new.party {
        let word = |p: Party| match p {
            Party::First => "first-party".to_string(),
            Party::Third => "third-party".to_string(),
        };
        push("party", word(old.party), word(new.party));
    }
    out
}

/// Lifetimes set with `Expires` drift by the time between scans, so small differences (under
/// an hour, or 2% of the old lifetime) are not a change; session ↔ persistent always is.
fn lifetime_changed(old: Option<i64>, new: Option<i64>) -> bool {
    match (old, new) {
        (Some(a), Some(b)) => {
            let slack = (a.abs() / 50).max(3600);
            (a - b).abs() > slack
        }
        (a, b) => a != b,
    }
}

fn finding_key(f: &Finding) -> String {
    match &f.cookie {
        Some(c) => format!("{}\u{0}{}\u{0}{}\u{0}{}", f.rule, c.name, c.domain, c.path),
        None => format!("{}\u{0}{}", f.rule, f.message),
    }
}

fn only_in(findings: &[Finding], other: &BTreeSet<String>) -> Vec<DiffFinding> {
    findings
        .iter()
        .filter(|f| !other.contains(&finding_key(f)))
        .map(|f| DiffFinding {
            rule: f.rule.clone(),
            severity: f.severity,
            message: f.message.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::lifetime_changed;

    #[test]
    fn expires_drift_is_not_a_change() {
        let year = 365 * 86_400;
        assert!(!lifetime_changed(Some(year), Some(year - 600)));
        assert!(lifetime_changed(Some(year), Some(2 * year)));
        assert!(lifetime_changed(None, Some(60)));
        assert!(!lifetime_changed(None, None));
    }
}
