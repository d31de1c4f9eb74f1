//! Shared by the TCF and Consent Mode rules: the consent signals of every pass, and findings
//! grouped by what they say, with every pass and page that showed it as evidence.

use std::collections::BTreeMap;

use crate::compliance::{Context, Finding, RuleInfo};
use crate::observe::tcf::TcString;
use crate::observe::{pages_text, ConsentMode, GoogleHit, TcfSeen, TcfSource};

/// Every decoded TC string of the scan, with its pass.
pub fn tc_strings<'a>(
    ctx: &'a Context,
) -> impl Iterator<Item = (ConsentMode, &'a TcfSeen, &'a TcString)> + 'a {
    ctx.consent.into_iter().flat_map(|c| {
        c.passes.iter().flat_map(|p| {
            p.signals
                .tcf
                .iter()
                .filter_map(move |t| t.decoded.as_ref().map(|d| (p.pass, t, d)))
        })
    })
}

/// Every Google tag hit of the scan, with its pass.
pub fn hits<'a>(ctx: &'a Context) -> impl Iterator<Item = (ConsentMode, &'a GoogleHit)> + 'a {
    ctx.consent.into_iter().flat_map(|c| {
        c.passes
            .iter()
            .flat_map(|p| p.signals.google.iter().map(move |h| (p.pass, h)))
    })
}

/// "reject pass, after reject: __tcfapi (useractioncomplete) on http://…/a"
pub fn tcf_where(pass: ConsentMode, t: &TcfSeen) -> String {
    let how = match (t.source, &t.cookie) {
        (TcfSource::Cookie, Some(name)) => format!("cookie '{name}'"),
        (TcfSource::Cookie, None) => "a cookie".to_owned(),
        (TcfSource::Api, _) => match &t.event_status {
            Some(e) => format!("__tcfapi ({e})"),
            None => "__tcfapi".to_owned(),
        },
    };
    format!(
        "{} pass, {}: {how} on {}",
        pass_name(pass),
        t.phase.as_str(),
        pages_text(&t.pages)
    )
}

/// "accept pass, before-consent: 2 request(s) to www.google-analytics.com/g/collect
/// (gcs=G111, gcd=11t1t1t1t5) from http://…/"
pub fn hit_where(pass: ConsentMode, h: &GoogleHit) -> String {
    let params: Vec<String> = [("gcs", &h.gcs), ("gcd", &h.gcd)]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect();
    let params = if params.is_empty() {
        "no gcs or gcd".to_owned()
    } else {
        params.join(", ")
    };
    format!(
        "{} pass, {}: {} request(s) to {} ({params}) from {}",
        pass_name(pass),
        h.phase.as_str(),
        h.requests,
        h.target,
        pages_text(&h.pages)
    )
}

fn pass_name(p: ConsentMode) -> &'static str {
    match p {
        ConsentMode::None => "none",
        ConsentMode::Reject => "reject",
        ConsentMode::Accept => "accept",
        ConsentMode::All => "all",
    }
}

/// Findings keyed by message: one per distinct message, with the evidence of every pass
/// and page that showed it, sorted, and the first page.
#[derive(Default)]
pub struct Grouped(BTreeMap<String, (Vec<String>, Option<String>)>);

impl Grouped {
    pub fn add(&mut self, message: String, evidence: String, page: Option<&String>) {
        let e = self.0.entry(message).or_default();
        if !e.0.contains(&evidence) {
            e.0.push(evidence);
        }
        if e.1.is_none() {
            e.1 = page.cloned();
        }
    }

    pub fn findings(self, info: RuleInfo) -> Vec<Finding> {
        self.0
            .into_iter()
            .map(|(message, (mut evidence, page))| {
                evidence.sort();
                Finding {
                    rule: info.id.to_string(),
                    severity: info.severity,
                    cookie: None,
                    message,
                    evidence,
                    declaration: None,
                    page,
                }
            })
            .collect()
    }
}
