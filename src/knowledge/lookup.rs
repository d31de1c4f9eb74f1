//! `cookiescan lookup`: what the database knows about a name, best candidate first.

use std::fmt::Write;

use super::{Classification, CookieQuery, KnowledgeBase};

/// Every matching entry (best first) with why it matched; a heuristic guess when none does.
pub fn describe_lookup(kb: &KnowledgeBase, name: &str, domain: Option<&str>) -> String {
    let mut out = String::new();
    let candidates: Vec<Classification> = kb
        .explain(name, domain)
        .into_iter()
        .filter(Classification::is_known)
        .collect();
    let where_ = domain.map(|d| format!(" on {d}")).unwrap_or_default();
    if candidates.is_empty() {
        let guess = kb.classify(&CookieQuery {
            name,
            domain,
            ..CookieQuery::default()
        });
        let _ = writeln!(
            out,
            "{name}{where_}: not in the database ({} entries).",
            kb.len()
        );
        let _ = writeln!(
            out,
            "  guess: {} ({:.0}% confidence)",
            guess.category,
            guess.confidence * 100.0
        );
        let _ = writeln!(out, "  why:   {}", guess.reason);
        return out;
    }
    let _ = writeln!(
        out,
        "{name}{where_}: {} matching entr{}, best first",
        candidates.len(),
        if candidates.len() == 1 { "y" } else { "ies" }
    );
    for (i, c) in candidates.iter().enumerate() {
        entry(&mut out, i + 1, c);
    }
    out
}

fn entry(out: &mut String, n: usize, c: &Classification) {
    let _ = writeln!(
        out,
        "{n}. {} · {} · {} match on '{}' ({:.0}% confidence)",
        c.vendor.as_deref().unwrap_or("unknown vendor"),
        c.category,
        c.match_kind.as_str(),
        c.pattern.as_deref().unwrap_or(""),
        c.confidence * 100.0
    );
    if let Some(p) = &c.purpose {
        let _ = writeln!(out, "   purpose:  {p}");
    }
    if let Some(l) = &c.expected_lifetime {
        let _ = writeln!(out, "   lifetime: {l}");
    }
    let _ = writeln!(out, "   why:      {}", c.reason);
    let _ = writeln!(out, "   source:   {}", c.source);
    if let Some(u) = &c.doc_url {
        let _ = writeln!(out, "   docs:     {u}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_explains_the_domain_tie_break() {
        let kb = KnowledgeBase::builtin().unwrap();
        let elsewhere = describe_lookup(&kb, "sessionid", Some("example.org"));
        assert!(
            elsewhere.lines().nth(1).unwrap().contains("Django"),
            "{elsewhere}"
        );
        let insta = describe_lookup(&kb, "sessionid", Some("instagram.com"));
        assert!(
            insta.lines().nth(1).unwrap().contains("Instagram"),
            "{insta}"
        );
        let unknown = describe_lookup(&kb, "zz_totally_unknown_pref_locale", None);
        assert!(
            unknown.contains("not in the database") && unknown.contains("guess"),
            "{unknown}"
        );
    }
}
