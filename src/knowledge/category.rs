//! The five consent categories and the words real policies use for them.
//!
//! The synonym table lives in `data/categories.toml` so that a new language is a data change.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Consent category of a cookie (Cookiebot's and the CNIL's split).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Necessary,
    Functional,
    Analytics,
    Marketing,
    Unclassified,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Necessary,
        Category::Functional,
        Category::Analytics,
        Category::Marketing,
        Category::Unclassified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Necessary => "necessary",
            Category::Functional => "functional",
            Category::Analytics => "analytics",
            Category::Marketing => "marketing",
            Category::Unclassified => "unclassified",
        }
    }

    /// Whether consent is needed before setting a cookie of this category.
    pub fn needs_consent(self) -> bool {
        !matches!(self, Category::Necessary)
    }

    /// Maps a label written in a policy ("Strictly necessary", "Statistiques",
    /// "Functionality cookies:") onto a category. `None` when the words are unknown.
    pub fn from_label(label: &str) -> Option<Category> {
        let key = normalise_label(label);
        if key.is_empty() {
            return None;
        }
        let table = synonyms();
        if let Some(c) = table.get(key.as_str()) {
            return Some(*c);
        }
        // "Necessary/functionality cookies" or "Performance and analytics": try each part,
        // first match wins so the leading word decides.
        key.split(['/', ',', '&', '+'])
            .flat_map(|part| part.split(" and "))
            .flat_map(|part| part.split(" et "))
            .map(str::trim)
            .find_map(|part| table.get(part).copied())
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::from_label(s).ok_or_else(|| {
            format!(
                "unknown category '{s}': use necessary, functional, analytics, marketing or unclassified"
            )
        })
    }
}

/// Lower-case, drop the words "cookie(s)"/"traceur(s)", punctuation at the ends and
/// repeated spaces.
fn normalise_label(label: &str) -> String {
    let lower = label.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '"' || c == '“' || c == '”')
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, ':' | '.' | ';' | '(' | ')' | '*' | '-' | '–'))
        })
        .filter(|w| !w.is_empty())
        .filter(|w| {
            !matches!(
                *w,
                "cookie" | "cookies" | "traceur" | "traceurs" | "les" | "the"
            )
        })
        .collect();
    words.join(" ")
}

#[derive(Deserialize)]
struct LabelSet {
    labels: Vec<String>,
}

fn synonyms() -> &'static HashMap<String, Category> {
    static TABLE: OnceLock<HashMap<String, Category>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let raw: HashMap<String, LabelSet> =
            toml::from_str(include_str!("../../data/categories.toml"))
                .expect("data/categories.toml is valid (checked by a unit test)");
        let mut map = HashMap::new();
        for (key, set) in raw {
            let cat: Category = serde_json::from_value(serde_json::Value::String(key.clone()))
                .expect("data/categories.toml keys are category names (checked by a unit test)");
            map.insert(key, cat);
            for label in set.labels {
                map.insert(normalise_label(&label), cat);
            }
        }
        map
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_file_loads_and_every_category_has_labels() {
        let table = synonyms();
        for c in Category::ALL {
            assert!(table.values().any(|v| *v == c), "{c} has no labels");
        }
    }

    #[test]
    fn policy_words_map_in_english_and_french() {
        let cases = [
            ("Strictly necessary cookies", Category::Necessary),
            ("Essential", Category::Necessary),
            ("Technical", Category::Necessary),
            ("Statistical", Category::Analytics),
            ("Statistics", Category::Analytics),
            ("Performance", Category::Analytics),
            ("Functionality", Category::Functional),
            ("Preferences", Category::Functional),
            ("Advertising", Category::Marketing),
            ("Targeting cookies:", Category::Marketing),
            ("Social media", Category::Marketing),
            ("Cookies strictement nécessaires", Category::Necessary),
            ("Mesure d'audience", Category::Analytics),
            ("Statistiques", Category::Analytics),
            ("Publicité", Category::Marketing),
            ("Fonctionnalités", Category::Functional),
            ("Necessary/functionality cookies", Category::Necessary),
        ];
        for (label, want) in cases {
            assert_eq!(Category::from_label(label), Some(want), "{label}");
        }
        assert_eq!(Category::from_label("Wordpress"), None);
        assert_eq!(Category::from_label(""), None);
    }
}
