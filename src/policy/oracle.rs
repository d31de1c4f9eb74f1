//! What the extractor needs to know about real cookie names, to repair names that PDF
//! extraction split with stray spaces. The knowledge base implements it; `ListOracle`
//! serves tests and runs without a database.

use std::collections::{HashMap, HashSet};

pub trait NameOracle {
    /// Exact, prefix or pattern known cookie name, ignoring case. A prefix without its
    /// trailing separator counts too: `_pk_id` is known through `_pk_id.`.
    fn is_known(&self, name: &str) -> bool;
    /// The database's spelling when it differs only by case: `Sessionid` → `sessionid`.
    fn canonical(&self, name: &str) -> Option<String>;
    /// A whole known name, not merely one an open prefix family (`wordpress_`) covers. Such a
    /// name is never glued to the fragment after it.
    fn is_complete(&self, name: &str) -> bool {
        self.is_known(name)
    }
}

/// Knows nothing: names are taken as written and nothing is repaired.
pub struct NoOracle;

impl NameOracle for NoOracle {
    fn is_known(&self, _name: &str) -> bool {
        false
    }
    fn canonical(&self, _name: &str) -> Option<String> {
        None
    }
}

/// Exact names and prefixes held in memory.
#[derive(Debug, Default, Clone)]
pub struct ListOracle {
    /// Lower-cased name → spelling as listed.
    exact: HashMap<String, String>,
    prefixes: Vec<String>,
    /// Prefixes without their trailing separator (`_pk_id` for `_pk_id.`).
    stems: HashSet<String>,
}

impl ListOracle {
    pub fn new<'a>(
        exact: impl IntoIterator<Item = &'a str>,
        prefixes: impl IntoIterator<Item = &'a str>,
    ) -> ListOracle {
        let prefixes: Vec<String> = prefixes.into_iter().map(str::to_lowercase).collect();
        let stems = prefixes
            .iter()
            .filter_map(|p| p.strip_suffix(['.', '_', '-']))
            .map(String::from)
            .collect();
        ListOracle {
            exact: exact
                .into_iter()
                .map(|n| (n.to_lowercase(), n.to_string()))
                .collect(),
            prefixes,
            stems,
        }
    }
}

impl NameOracle for ListOracle {
    fn is_known(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        self.exact.contains_key(&lower)
            || self.stems.contains(&lower)
            || self.prefixes.iter().any(|p| lower.starts_with(p.as_str()))
    }

    fn canonical(&self, name: &str) -> Option<String> {
        self.exact.get(&name.to_lowercase()).cloned()
    }

    fn is_complete(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        self.exact.contains_key(&lower) || self.stems.contains(&lower)
    }
}

impl NameOracle for crate::knowledge::KnowledgeBase {
    fn is_known(&self, name: &str) -> bool {
        self.is_known_name(name)
    }
    fn canonical(&self, name: &str) -> Option<String> {
        self.canonical_name(name)
    }
    fn is_complete(&self, name: &str) -> bool {
        self.is_complete_name(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_count_with_and_without_their_separator() {
        let o = ListOracle::new(["sessionid"], ["_pk_id.", "wordpress_gdpr_"]);
        assert!(o.is_known("_pk_id") && o.is_known("_pk_id.1.ab") && o.is_known("SESSIONID"));
        assert!(o.is_known("wordpress_gdpr_cookies_allowed") && !o.is_known("wordpress_gd"));
        assert_eq!(o.canonical("Sessionid").as_deref(), Some("sessionid"));
    }
}
