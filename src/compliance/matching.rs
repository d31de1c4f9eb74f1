//! Which declaration (or ignore entry) covers an observed cookie.

use regex::Regex;

use crate::knowledge::{ClassifiedCookie, MatchKind};
use crate::policy::{DeclMatch, DeclaredCookie, Ignore, PolicyError};

/// What covers one observed cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Declared(usize),
    Ignored(usize),
    None,
}

enum Matcher {
    Exact(String),
    Prefix(String),
    Regex(Regex),
}

/// Declarations compiled once (globs and regexes), then looked up per cookie.
pub struct DeclIndex {
    declared: Vec<(Matcher, Vec<String>)>,
    ignored: Vec<(Matcher, Vec<String>)>,
}

impl DeclIndex {
    pub fn new(declared: &[DeclaredCookie], ignores: &[Ignore]) -> Result<DeclIndex, PolicyError> {
        let compile = |d: &DeclaredCookie| -> Result<(Matcher, Vec<String>), PolicyError> {
            let m = match d.match_kind {
                DeclMatch::Exact => Matcher::Exact(d.name.clone()),
                DeclMatch::Prefix => Matcher::Prefix(d.name.clone()),
                DeclMatch::Pattern => Matcher::Regex(glob_regex(&d.name)),
                DeclMatch::Regex => {
                    Matcher::Regex(Regex::new(&format!("^(?:{})$", d.name)).map_err(|e| {
                        PolicyError::BadPattern {
                            pattern: d.name.clone(),
                            reason: e.to_string(),
                        }
                    })?)
                }
            };
            Ok((
                m,
                d.domains.iter().map(|h| h.to_ascii_lowercase()).collect(),
            ))
        };
        Ok(DeclIndex {
            declared: declared.iter().map(compile).collect::<Result<_, _>>()?,
            ignored: ignores
                .iter()
                .map(|i| compile(&i.cookie))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Ignore entries win over declarations; the first matching entry is taken.
    pub fn find(&self, c: &ClassifiedCookie) -> Match {
        if let Some(i) = self.ignored.iter().position(|(m, d)| covers(m, d, c)) {
            return Match::Ignored(i);
        }
        match self.declared.iter().position(|(m, d)| covers(m, d, c)) {
            Some(i) => Match::Declared(i),
            None => Match::None,
        }
    }

    /// Does any observed cookie fall under declaration `i`?
    pub fn declaration_seen(&self, i: usize, cookies: &[ClassifiedCookie]) -> bool {
        self.declared
            .get(i)
            .is_some_and(|(m, d)| cookies.iter().any(|c| covers(m, d, c)))
    }
}

fn covers(m: &Matcher, domains: &[String], c: &ClassifiedCookie) -> bool {
    let name = c.record.name.as_str();
    let name_ok = match m {
        Matcher::Exact(n) => name == n || family(n, c),
        Matcher::Prefix(p) => name.starts_with(p.as_str()),
        Matcher::Regex(r) => r.is_match(name),
    };
    name_ok && (domains.is_empty() || domains.iter().any(|d| related(d, &c.record.domain)))
}

/// Policies write `_pk_id` for Matomo's `_pk_id.1.a1b2`: an exact name also covers a cookie
/// the knowledge base knows as that name's prefix family (`_pk_id.` + suffix).
fn family(declared: &str, c: &ClassifiedCookie) -> bool {
    let k = &c.classification;
    k.match_kind == MatchKind::Prefix
        && k.pattern
            .as_deref()
            .is_some_and(|p| p.trim_end_matches(['.', '_', '-']) == declared)
        && c.record.name.starts_with(declared)
}

/// A declared host and a cookie domain are related when one is the other or a subdomain of it.
fn related(declared: &str, cookie_domain: &str) -> bool {
    let d = declared.trim_start_matches('.');
    let c = cookie_domain.trim_start_matches('.');
    d == c || d.ends_with(&format!(".{c}")) || c.ends_with(&format!(".{d}"))
}

/// `_ga_*_id` → `^_ga_.*_id$`, everything else literal.
fn glob_regex(glob: &str) -> Regex {
    let body: Vec<String> = glob.split('*').map(regex::escape).collect();
    Regex::new(&format!("^{}$", body.join(".*"))).expect("an escaped glob is a valid regex")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn related_domains() {
        assert!(related("fr.outscale.com", "outscale.com"));
        assert!(related(".outscale.com", "fr.outscale.com"));
        assert!(!related("outscale.com", "youtube.com"));
        assert!(!related("scale.com", "outscale.com"));
    }

    #[test]
    fn globs_are_literal_but_for_stars() {
        assert!(glob_regex("_ga_*").is_match("_ga_ABC123"));
        assert!(!glob_regex("a.b").is_match("axb"));
    }
}
