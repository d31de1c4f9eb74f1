//! What every per-cookie format shows beside the record: which declaration covers the cookie,
//! the category a reader should go by, and the findings about it. Computed once here so the
//! CSV, HTML, Markdown and JUnit files agree.

use crate::compliance::{Context, CookieRef, Finding, Severity};
use crate::cookies::SameSite;
use crate::knowledge::{Category, ClassifiedCookie, MatchKind};
use crate::observe::{CookieRecord, Party, Source};

use super::{DeclarationStatus, IgnoreStatus, Report};

/// What the declared policy says about one observed cookie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Coverage<'a> {
    Declared(&'a DeclarationStatus),
    Ignored(&'a IgnoreStatus),
    Undeclared,
}

/// Where a cookie's category comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategorySource {
    /// A known-cookie database entry.
    Database,
    /// The policy's declaration (the database does not know the cookie).
    Declared,
    /// A heuristic guess from the name, lifetime and party.
    Heuristic,
    /// Nothing matched: the category is "unclassified".
    None,
}

impl CategorySource {
    pub fn as_str(self) -> &'static str {
        match self {
            CategorySource::Database => "database",
            CategorySource::Declared => "declared",
            CategorySource::Heuristic => "heuristic",
            CategorySource::None => "none",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CookieView<'a> {
    pub cookie: &'a ClassifiedCookie,
    pub coverage: Coverage<'a>,
    /// The category compliance rules judged it by.
    pub category: Category,
    pub category_source: CategorySource,
    pub findings: Vec<&'a Finding>,
}

impl CookieView<'_> {
    pub fn record(&self) -> &CookieRecord {
        &self.cookie.record
    }

    /// The most severe finding about this cookie.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    pub fn declared_category(&self) -> Option<Category> {
        match self.coverage {
            Coverage::Declared(d) => d.declared.category,
            _ => None,
        }
    }

    /// "declared", "ignored" or "undeclared".
    pub fn coverage_word(&self) -> &'static str {
        match self.coverage {
            Coverage::Declared(_) => "declared",
            Coverage::Ignored(_) => "ignored",
            Coverage::Undeclared => "undeclared",
        }
    }
}

/// One view per cookie, in report order.
pub fn cookie_views(report: &Report) -> Vec<CookieView<'_>> {
    report
        .cookies
        .iter()
        .map(|c| {
            let r = &c.record;
            let coverage = coverage(report, r);
            let decl = match coverage {
                Coverage::Declared(d) => Some(&d.declared),
                _ => None,
            };
            let category = Context::effective_category(c, decl);
            let k = &c.classification;
            let category_source = if k.is_known() {
                CategorySource::Database
            } else if decl.and_then(|d| d.category).is_some() {
                CategorySource::Declared
            } else if k.match_kind == MatchKind::Heuristic {
                CategorySource::Heuristic
            } else {
                CategorySource::None
            };
            CookieView {
                cookie: c,
                coverage,
                category,
                category_source,
                findings: report
                    .findings
                    .iter()
                    .filter(|f| f.cookie.as_ref().is_some_and(|k| is(k, r)))
                    .collect(),
            }
        })
        .collect()
}

fn coverage<'a>(report: &'a Report, r: &CookieRecord) -> Coverage<'a> {
    let p = &report.policy;
    if let Some(i) = p
        .ignored
        .iter()
        .find(|i| covers(&i.observed_cookies, &i.observed, r))
    {
        return Coverage::Ignored(i);
    }
    p.declarations
        .iter()
        .find(|d| covers(&d.observed_cookies, &d.observed, r))
        .map_or(Coverage::Undeclared, Coverage::Declared)
}

/// Reports written before `observed_cookies` existed only list names.
fn covers(refs: &[CookieRef], names: &[String], r: &CookieRecord) -> bool {
    if refs.is_empty() {
        names.contains(&r.name)
    } else {
        refs.iter().any(|k| is(k, r))
    }
}

fn is(k: &CookieRef, r: &CookieRecord) -> bool {
    k.name == r.name && k.domain == r.domain && k.path == r.path
}

/// The attributes a browser was told, in the order people write them.
pub fn attributes(r: &CookieRecord) -> Vec<&'static str> {
    let mut a = Vec::new();
    if r.secure {
        a.push("Secure");
    }
    if r.http_only {
        a.push("HttpOnly");
    }
    match r.same_site {
        Some(SameSite::Strict) => a.push("SameSite=Strict"),
        Some(SameSite::Lax) => a.push("SameSite=Lax"),
        Some(SameSite::None) => a.push("SameSite=None"),
        None => {}
    }
    if r.partitioned {
        a.push("Partitioned");
    }
    a
}

/// "first" or "third".
pub fn party_word(p: Party) -> &'static str {
    match p {
        Party::First => "first",
        Party::Third => "third",
    }
}

pub fn source_word(s: Source) -> &'static str {
    match s {
        Source::Http => "http",
        Source::Script => "script",
        Source::Browser => "browser",
    }
}

pub fn same_site_word(s: Option<SameSite>) -> &'static str {
    match s {
        Some(SameSite::Strict) => "Strict",
        Some(SameSite::Lax) => "Lax",
        Some(SameSite::None) => "None",
        None => "",
    }
}

/// Where the cookie was seen, one short line per sighting ("http://…/ via http://…/embed").
pub fn evidence(r: &CookieRecord) -> Vec<String> {
    r.sightings
        .iter()
        .map(|s| {
            if s.response_url == s.page_url {
                format!("{} (HTTP {})", s.page_url, s.status)
            } else {
                format!("{} via {} (HTTP {})", s.page_url, s.response_url, s.status)
            }
        })
        .chain(r.script_evidence.iter().map(|e| {
            let at = if e.line > 0 {
                format!(" line {}:{}", e.line, e.column)
            } else {
                String::new()
            };
            format!(
                "script {}{at} ({}, {}, {:.0}%): {}",
                e.location,
                e.method.as_str(),
                e.api.as_str(),
                e.confidence * 100.0,
                e.snippet
            )
        }))
        .collect()
}
