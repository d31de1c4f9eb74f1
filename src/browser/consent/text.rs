//! Our own small text-based consent rules (`data/consent_buttons.toml`): the fallback when
//! autoconsent is not installed, and the first-layer check for a reject button.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::browser::tab::Tab;
use crate::browser::BrowserError;

const RULES_TOML: &str = include_str!("../../../data/consent_buttons.toml");
const SCRIPT: &str = include_str!("text.js");

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TextRules {
    pub reject: Vec<String>,
    pub accept: Vec<String>,
    #[serde(rename = "manager", alias = "managers")]
    pub managers: Vec<ManagerMarker>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ManagerMarker {
    pub name: String,
    pub selector: String,
}

/// The built-in rules, parsed once (a test checks they parse).
pub fn rules() -> &'static TextRules {
    static RULES: OnceLock<TextRules> = OnceLock::new();
    RULES.get_or_init(|| {
        toml::from_str(RULES_TOML).unwrap_or_else(|_| TextRules {
            reject: Vec::new(),
            accept: Vec::new(),
            managers: Vec::new(),
        })
    })
}

/// What the text rules saw on the page (and clicked, when asked).
#[derive(Debug, Clone, Default)]
pub struct TextResult {
    pub manager: Option<String>,
    pub reject: bool,
    pub accept: bool,
    pub clicked: Option<String>,
}

/// Looks for the banner's buttons; clicks `click` ("reject"/"accept") when given and found.
pub async fn run(tab: &Tab, click: Option<&str>) -> Result<TextResult, BrowserError> {
    let r = rules();
    let arg = json!({
        "reject": r.reject, "accept": r.accept,
        "managers": r.managers.iter().map(|m| json!({"name": m.name, "selector": m.selector})).collect::<Vec<_>>(),
        "click": click,
    });
    let v = tab.eval(&SCRIPT.replace("RULES", &arg.to_string())).await?;
    Ok(TextResult {
        manager: v["manager"].as_str().map(str::to_owned),
        reject: v["reject"].as_bool().unwrap_or(false),
        accept: v["accept"].as_bool().unwrap_or(false),
        clicked: v["clicked"].as_str().map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn built_in_rules_parse_and_cover_the_issue_labels() {
        let r: super::TextRules = toml::from_str(super::RULES_TOML).unwrap();
        for l in [
            "Reject all",
            "Refuser tout",
            "Tout refuser",
            "Alle ablehnen",
            "Rechazar todo",
        ] {
            assert!(r.reject.iter().any(|x| x == l), "{l}");
        }
        for l in ["Accept all", "Tout accepter"] {
            assert!(r.accept.iter().any(|x| x == l), "{l}");
        }
        assert!(!r.managers.is_empty());
    }
}
