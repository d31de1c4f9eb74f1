//! Rule settings: defaults from `data/rules.toml`, overridden by `[compliance]` in cookiescan.toml.

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;

use super::Severity;
use crate::knowledge::Category;

/// When the process exits with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Info => true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ComplianceSettings {
    pub max_lifetime_days: BTreeMap<Category, i64>,
    pub auth_name: Regex,
    pub script_readable: Regex,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    max_lifetime_days: BTreeMap<Category, i64>,
    auth: AuthFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthFile {
    name_pattern: String,
    script_readable: String,
}

impl Default for ComplianceSettings {
    fn default() -> Self {
        let file: RulesFile = toml::from_str(include_str!("../../data/rules.toml"))
            .expect("data/rules.toml is valid (checked by a unit test)");
        ComplianceSettings {
            max_lifetime_days: file.max_lifetime_days,
            auth_name: Regex::new(&file.auth.name_pattern)
                .expect("data/rules.toml auth pattern compiles"),
            script_readable: Regex::new(&file.auth.script_readable)
                .expect("data/rules.toml pattern compiles"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_rule_data_loads() {
        let s = ComplianceSettings::default();
        assert_eq!(s.max_lifetime_days.get(&Category::Analytics), Some(&395));
        assert!(s.auth_name.is_match("sessionid") && s.auth_name.is_match("wordpress_logged_in_x"));
        assert!(!s.auth_name.is_match("django_language"));
    }

    #[test]
    fn fail_on_thresholds() {
        assert!(FailOn::Error.fails(Severity::Error) && !FailOn::Error.fails(Severity::Warning));
        assert!(FailOn::Warning.fails(Severity::Warning) && !FailOn::Warning.fails(Severity::Info));
        assert!(FailOn::Info.fails(Severity::Info));
        assert!(!FailOn::Never.fails(Severity::Error));
    }
}
