//! `declare --check`: a published declaration (read by the policy extractor) against a fresh
//! one. A row matches by name: a family (`_pk_id.*`) matches the published `_pk_id.*`,
//! `_pk_id.` or `_pk_id`; a name matches an exact, prefix or pattern declaration of it.
//! Domains are not compared (published pages often leave them out).

use std::fmt;

use super::{Declaration, Item, Lang, Span};
use crate::knowledge::{parse_lifetime_lenient, Category};
use crate::policy::{DeclMatch, DeclaredCookie};

/// One difference between the published page and what the site does now.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    pub name: String,
    pub kind: DriftKind,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DriftKind {
    /// The site sets it; the published page does not list it.
    MissingFromPage,
    /// The published page lists it; the scan did not see it.
    NotSeen,
    Category {
        published: Category,
        now: Category,
    },
    /// Different once both are rounded to the unit the declaration writes.
    Lifetime {
        published: String,
        now: String,
    },
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = &self.name;
        match &self.kind {
            DriftKind::MissingFromPage => {
                write!(
                    f,
                    "{n}: set by the site but missing from the published declaration"
                )
            }
            DriftKind::NotSeen => write!(
                f,
                "{n}: listed in the published declaration but no longer seen"
            ),
            DriftKind::Category { published, now } => write!(
                f,
                "{n}: different category: published {published}, now {now}"
            ),
            DriftKind::Lifetime { published, now } => write!(
                f,
                "{n}: different lifetime: published {published}, now {now}"
            ),
        }
    }
}

/// Every drift, sorted by name then kind.
pub fn check(published: &[DeclaredCookie], fresh: &Declaration) -> Vec<Drift> {
    let mut drifts = Vec::new();
    let mut used = vec![false; published.len()];
    for sec in &fresh.sections {
        for item in &sec.items {
            let matching: Vec<usize> = (0..published.len())
                .filter(|&i| covers(&published[i], item))
                .collect();
            if matching.is_empty() {
                drifts.push(Drift {
                    name: item.name.clone(),
                    kind: DriftKind::MissingFromPage,
                });
            }
            for i in matching {
                used[i] = true;
                drifts.extend(compare(&published[i], item, sec.category, fresh));
            }
        }
    }
    for (d, used) in published.iter().zip(used) {
        if !used {
            drifts.push(Drift {
                name: written_name(d),
                kind: DriftKind::NotSeen,
            });
        }
    }
    drifts.sort();
    drifts.dedup();
    drifts
}

fn written_name(d: &DeclaredCookie) -> String {
    match d.match_kind {
        DeclMatch::Prefix => format!("{}*", d.name),
        _ => d.name.clone(),
    }
}

fn covers(d: &DeclaredCookie, item: &Item) -> bool {
    match item.name.strip_suffix('*').filter(|_| item.family) {
        // Policies write Matomo's family as `_pk_id.*`, `_pk_id.` or `_pk_id`.
        Some(stem) => {
            let bare = stem.trim_end_matches(['.', '_', '-']);
            d.name == stem || (d.name == bare && d.match_kind != DeclMatch::Regex)
        }
        None => d.matches(&item.name),
    }
}

fn compare(d: &DeclaredCookie, item: &Item, now: Category, fresh: &Declaration) -> Vec<Drift> {
    let mut out = Vec::new();
    if let Some(published) = d.category.filter(|c| *c != now) {
        out.push(Drift {
            name: item.name.clone(),
            kind: DriftKind::Category { published, now },
        });
    }
    let written = d.lifetime.as_deref().unwrap_or_default();
    let published = read_lifetime(written, fresh.lang);
    if let (Some(p), Some(n)) = (published, item.expiry.comparable()) {
        if Span::of(p) != Span::of(n) {
            out.push(Drift {
                name: item.name.clone(),
                kind: DriftKind::Lifetime {
                    published: written.trim().to_string(),
                    now: item.lifetime.clone(),
                },
            });
        }
    }
    out
}

/// A published lifetime in the declaration's language, else in English words; `None` when
/// it cannot be read (then it is not compared).
fn read_lifetime(text: &str, lang: Lang) -> Option<Option<i64>> {
    if text.trim().is_empty() {
        return None;
    }
    let own = lang.words().ok().and_then(|w| w.parse_lifetime(text));
    own.or_else(|| parse_lifetime_lenient(text).map(|l| l.secs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declare::build::test_item;
    use crate::declare::{Expiry, Section};
    use crate::policy::classify_name;

    fn decl(name: &str, category: Option<Category>, lifetime: Option<&str>) -> DeclaredCookie {
        let (n, kind) = classify_name(name);
        let mut d = DeclaredCookie::new(n, kind);
        d.category = category;
        d.lifetime = lifetime.map(str::to_string);
        d
    }

    fn fresh(items: Vec<(Category, Item)>) -> Declaration {
        let sections = Category::ALL
            .into_iter()
            .map(|c| Section {
                category: c,
                title: c.as_str().to_string(),
                items: items
                    .iter()
                    .filter(|(k, _)| *k == c)
                    .map(|(_, i)| i.clone())
                    .collect(),
            })
            .collect();
        Declaration {
            lang: Lang::Fr,
            site: "a.test".into(),
            scanned: String::new(),
            consent_manager: None,
            sections,
            words: Lang::Fr.words().unwrap(),
        }
    }

    #[test]
    fn names_each_kind_of_drift() {
        let mut pk = test_item("_pk_id.*");
        pk.family = true;
        pk.expiry = Expiry::After(395 * 86_400);
        let mut csrf = test_item("csrftoken");
        csrf.expiry = Expiry::After(365 * 86_400);
        csrf.lifetime = "1 an".into();
        let mut yt = test_item("YSC");
        yt.expiry = Expiry::Session;
        let new = test_item("new_cookie");
        let d = fresh(vec![
            (Category::Analytics, pk),
            (Category::Necessary, csrf),
            (Category::Marketing, yt),
            (Category::Necessary, new),
        ]);
        let published = vec![
            decl("_pk_id", Some(Category::Analytics), Some("13 mois")),
            decl("csrftoken", Some(Category::Necessary), Some("6 months")),
            decl("YSC", Some(Category::Functional), Some("Session")),
            decl("old_cookie", None, None),
        ];
        let got: Vec<String> = check(&published, &d)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            got,
            vec![
                "YSC: different category: published functional, now marketing",
                "csrftoken: different lifetime: published 6 months, now 1 an",
                "new_cookie: set by the site but missing from the published declaration",
                "old_cookie: listed in the published declaration but no longer seen",
            ]
        );
    }

    #[test]
    fn the_same_declaration_is_clean() {
        let mut pk = test_item("_pk_ses.*");
        pk.family = true;
        pk.expiry = Expiry::After(1800);
        let d = fresh(vec![(Category::Analytics, pk)]);
        let published = vec![decl(
            "_pk_ses.*",
            Some(Category::Analytics),
            Some("30 minutes"),
        )];
        assert!(check(&published, &d).is_empty());
    }
}
