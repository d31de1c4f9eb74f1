//! The one order of every list in a report, so two scans of an unchanged site give the same
//! bytes whatever order the fetches finished in (reports are committed and diffed). The keys
//! are listed in the README ("Order of every list").
//!
//! Two steps: the crawl's raw lists are put in page order before they are aggregated (so
//! "first seen on", sightings and script evidence do not follow timing), then every list of
//! the finished report is sorted by its documented key.

use std::cmp::Ordering;
use std::collections::HashMap;

use url::Url;

use super::Report;
use crate::compliance::Finding;
use crate::knowledge::ClassifiedCookie;
use crate::observe::CrawlOutcome;
use crate::observe::Party;

/// Start pages first, then the other pages, each group by URL. Not by depth: when a page is
/// reachable in several ways, the depth (and `found_on`) the crawl records is that of the
/// first link followed, which depends on timing.
fn page_key(depth: usize, url: &Url) -> (bool, &str) {
    (depth > 0, url.as_str())
}

/// Everything found on a page follows its page's rank.
struct PageRank(HashMap<String, (bool, String)>);

impl PageRank {
    fn of(outcome: &CrawlOutcome) -> PageRank {
        let ranks = outcome
            .pages
            .iter()
            .map(|p| (p.url.to_string(), (p.depth > 0, p.url.to_string())))
            .collect();
        PageRank(ranks)
    }

    /// Pages not in the list (none, normally) go last, by URL.
    fn key(&self, page: &Url) -> (bool, String, bool) {
        match self.0.get(page.as_str()) {
            Some((later, url)) => (*later, url.clone(), false),
            None => (true, page.to_string(), true),
        }
    }
}

/// Puts the crawl's lists in page order, before aggregation and script analysis. Stable: within
/// one response, sightings keep the order of its headers.
pub fn crawl_in_page_order(outcome: &mut CrawlOutcome) {
    outcome
        .pages
        .sort_by(|a, b| page_key(a.depth, &a.url).cmp(&page_key(b.depth, &b.url)));
    let rank = PageRank::of(outcome);
    outcome
        .observations
        .sort_by_cached_key(|o| (rank.key(&o.page_url), o.hop, o.response_url.to_string()));
    outcome.scripts.sort_by_cached_key(|s| {
        (
            rank.key(&s.page_url),
            s.url.as_ref().map(Url::to_string),
            s.inline_index,
        )
    });
    outcome
        .resources
        .sort_by_cached_key(|r| (rank.key(&r.page_url), r.url.to_string()));
    outcome.malformed.sort_by_cached_key(|m| {
        (
            rank.key(&m.page_url),
            m.response_url.to_string(),
            m.excerpt.clone(),
            m.reason.clone(),
        )
    });
    outcome.warnings.sort_by(|a, b| {
        (&a.url, &a.message, format!("{:?}", a.kind)).cmp(&(
            &b.url,
            &b.message,
            format!("{:?}", b.kind),
        ))
    });
}

/// Cookies: first-party before third-party, then domain, name, path.
pub fn sort_cookies(cookies: &mut [ClassifiedCookie]) {
    cookies.sort_by(|a, b| {
        let key = |c: &ClassifiedCookie| {
            let r = &c.record;
            (
                r.party == Party::Third,
                r.domain.clone(),
                r.name.clone(),
                r.path.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// Findings: most severe first, then rule, cookie (name, domain, path), page and message.
fn finding_order(a: &Finding, b: &Finding) -> Ordering {
    let cookie = |f: &Finding| {
        f.cookie
            .as_ref()
            .map(|c| (c.name.clone(), c.domain.clone(), c.path.clone()))
    };
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| cookie(a).cmp(&cookie(b)))
        .then_with(|| a.page.cmp(&b.page))
        .then_with(|| a.message.cmp(&b.message))
}

impl Report {
    /// Sorts every list by its documented key (see the module comment).
    pub fn sort_lists(&mut self) {
        sort_cookies(&mut self.cookies);
        self.findings.sort_by(finding_order);
        self.pages
            .sort_by(|a, b| page_key(a.depth, &a.url).cmp(&page_key(b.depth, &b.url)));
        self.scripts.sort_by(|a, b| a.location.cmp(&b.location));
        self.storage
            .sort_by(|a, b| (a.page_url.as_str(), &a.key).cmp(&(b.page_url.as_str(), &b.key)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::{CookieRef, Severity};

    fn finding(severity: Severity, rule: &str, name: &str) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            cookie: Some(CookieRef {
                name: name.into(),
                domain: "d".into(),
                path: "/".into(),
            }),
            message: String::new(),
            evidence: Vec::new(),
            declaration: None,
            page: None,
        }
    }

    #[test]
    fn findings_go_most_severe_first_then_rule_then_cookie() {
        let mut f = [
            finding(Severity::Info, "a", "x"),
            finding(Severity::Error, "b", "y"),
            finding(Severity::Error, "b", "a"),
            finding(Severity::Warning, "a", "z"),
            finding(Severity::Error, "a", "z"),
        ];
        f.sort_by(finding_order);
        let got: Vec<(Severity, &str, &str)> = f
            .iter()
            .map(|f| {
                (
                    f.severity,
                    f.rule.as_str(),
                    f.cookie.as_ref().unwrap().name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Severity::Error, "a", "z"),
                (Severity::Error, "b", "a"),
                (Severity::Error, "b", "y"),
                (Severity::Warning, "a", "z"),
                (Severity::Info, "a", "x"),
            ]
        );
    }
}
