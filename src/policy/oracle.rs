//! What the extractor needs to know about real cookie names, to repair names that PDF
//! extraction split with stray spaces. The knowledge base implements it; `ListOracle`
//! serves tests and runs without a database.

use std::collections::HashMap;

pub trait NameOracle {
    /// Exact, prefix or pattern known cookie name, ignoring case. A prefix without its
    /// trailing separator counts too: `_pk_id` is known through `_pk_id.`.
    fn is_known(&self, name: &str) -> bool;
    /// The database's spelling when it differs only by case: `Sessionid` → `sessionid`.
    fn canonical(&self, name: &str) -> Option<String>;
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
    exact: HashMap<String, String>,
    prefixes: Vec<String>,
}

impl ListOracle {
    pub fn new<'a>(
        exact: impl IntoIterator<Item = &'a str>,
        prefixes: impl IntoIterator<Item = &'a str>,
    ) -> ListOracle {
        ListOracle {
            exact: exact
                .into_iter()
                .map(|n| (n.to_lowercase(), n.to_string()))
                .collect(),
            prefixes: prefixes.into_iter().map(str::to_lowercase).collect(),
        }
    }
}

impl NameOracle for ListOracle {
    fn is_known(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        self.exact.contains_key(&lower)
            || self.prefixes.iter().any(|p| {
                lower.starts_with(p.as_str())
                    || p.strip_suffix(['.', '_', '-'])
                        .is_some_and(|stem| stem == lower)
            })
    }

    fn canonical(&self, name: &str) -> Option<String> {
        self.exact.get(&name.to_lowercase()).cloned()
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

impl NameOracle for crate::knowledge::KnowledgeBase {
    fn is_known(&self, name: &str) -> bool {
        self.is_known_name(name)
    }
    fn canonical(&self, name: &str) -> Option<String> {
        self.canonical_name(name)
    }
}
