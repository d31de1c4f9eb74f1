//! Ranking of matching entries and the wording of the answer.
//!
//! Order, best first: match kind (exact > prefix > regex), then the longer prefix, then the
//! domain hint (matching > no hint > hint that does not match), then the newer layer (user
//! files beat built-ins, later files beat earlier ones), then file order.

use std::cmp::Reverse;

use super::entry::{Entry, PatternKind};
use super::{Classification, CookieQuery, MatchKind};

pub(crate) const EXACT_CONFIDENCE: f32 = 0.95;
pub(crate) const PREFIX_CONFIDENCE: f32 = 0.85;
pub(crate) const REGEX_CONFIDENCE: f32 = 0.75;
/// Added when the entry's domain hint matches the cookie's domain or the site.
const HINT_BONUS: f32 = 0.03;
/// Taken off when the entry is tied to another domain than the one given.
const HINT_PENALTY: f32 = 0.2;

/// How an entry's domain hints relate to the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DomainFit {
    /// The entry is tied to other domains (or no domain was given to check it).
    Mismatch,
    /// The entry applies anywhere.
    NoHint,
    Match,
}

pub(crate) fn domain_fit(entry: &Entry, q: &CookieQuery) -> DomainFit {
    if entry.domains.is_empty() {
        return DomainFit::NoHint;
    }
    let hit = [q.domain, q.site]
        .into_iter()
        .flatten()
        .any(|host| entry.domains.iter().any(|hint| same_site(host, hint)));
    if hit {
        DomainFit::Match
    } else {
        DomainFit::Mismatch
    }
}

/// `host` and `hint` are the same domain or one is a subdomain of the other, ignoring case
/// and a leading dot (".www.instagram.com" fits "instagram.com").
pub(crate) fn same_site(host: &str, hint: &str) -> bool {
    let host = host.trim().trim_start_matches('.').trim_end_matches('.');
    if host.is_empty() || hint.is_empty() {
        return false;
    }
    let sub = |long: &str, short: &str| {
        long.len() > short.len()
            && long.as_bytes()[long.len() - short.len() - 1] == b'.'
            && long.as_bytes()[long.len() - short.len()..].eq_ignore_ascii_case(short.as_bytes())
            && short.contains('.')
    };
    host.eq_ignore_ascii_case(hint) || sub(host, hint) || sub(hint, host)
}

/// Sort key of a candidate; larger is better.
pub(crate) type RankKey = (u8, usize, DomainFit, u32, Reverse<u32>);

pub(crate) fn rank_key(id: u32, entry: &Entry, prefix_len: usize, q: &CookieQuery) -> RankKey {
    let kind = match entry.kind {
        PatternKind::Exact => 3,
        PatternKind::Prefix => 2,
        PatternKind::Regex => 1,
    };
    (
        kind,
        prefix_len,
        domain_fit(entry, q),
        entry.layer,
        Reverse(id),
    )
}

/// The answer for one matching entry.
pub(crate) fn describe(entry: &Entry, fit: DomainFit, q: &CookieQuery) -> Classification {
    let (match_kind, base, how) = match entry.kind {
        PatternKind::Exact => (MatchKind::Exact, EXACT_CONFIDENCE, "Exact match on"),
        PatternKind::Prefix => (MatchKind::Prefix, PREFIX_CONFIDENCE, "Prefix match on"),
        PatternKind::Regex => (MatchKind::Regex, REGEX_CONFIDENCE, "Regex match on"),
    };
    let given = q.domain.or(q.site);
    let (confidence, hint_note) = match (fit, given) {
        (DomainFit::Match, _) => (
            base + HINT_BONUS,
            format!(", whose domain hint {} fits", entry.domains.join("/")),
        ),
        (DomainFit::Mismatch, Some(d)) => (
            base - HINT_PENALTY,
            format!(
                ", although it is meant for {}, not {d}",
                entry.domains.join("/")
            ),
        ),
        (DomainFit::Mismatch, None) => (base, format!(" (meant for {})", entry.domains.join("/"))),
        (DomainFit::NoHint, _) => (base, String::new()),
    };
    let origin = if entry.layer == 0 {
        format!("built-in {}:{}", entry.file, entry.line)
    } else {
        format!("user file {}:{}", entry.file, entry.line)
    };
    Classification {
        vendor: Some(entry.vendor.clone()),
        category: entry.category,
        purpose: (!entry.purpose.is_empty()).then(|| entry.purpose.clone()),
        expected_lifetime: entry.lifetime.clone(),
        expected_lifetime_secs: entry.lifetime_secs,
        match_kind,
        pattern: Some(entry.name.clone()),
        confidence,
        reason: format!(
            "{how} the {} entry '{}' from {origin}{hint_note}.",
            entry.vendor, entry.name
        ),
        source: entry.source.to_string(),
        doc_url: entry.url.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_rules() {
        assert!(same_site("instagram.com", "instagram.com"));
        assert!(same_site(".www.Instagram.com", "instagram.com"));
        assert!(
            same_site("instagram.com", "i.instagram.com"),
            "cookie domain above the hint"
        );
        assert!(!same_site("notinstagram.com", "instagram.com"));
        assert!(!same_site("instagram.com.evil.net", "instagram.com"));
        assert!(
            !same_site("com", "instagram.com"),
            "a bare suffix is not a site"
        );
        assert!(!same_site("", "instagram.com"));
    }
}
