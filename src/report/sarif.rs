//! SARIF 2.1.0 for GitHub code scanning: one rule per compliance rule, one result per finding.
//!
//! A finding about a declaration points at its line in cookiescan.toml or the policy file, so
//! code scanning annotates that line; any other finding points at the page the cookie was
//! first seen on.

use serde::Serialize;

use super::{Exporter, Report, ReportError};
use crate::compliance::{all_rules, Finding, RuleInfo, Severity};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/cookiescan/cookiescan";
/// Where relative declaration paths start: the checkout GitHub's upload resolves them against.
const SRCROOT: &str = "%SRCROOT%";

pub struct SarifExporter;

impl Exporter for SarifExporter {
    fn render(&self, report: &Report) -> Result<Vec<u8>, ReportError> {
        let rules: Vec<RuleInfo> = all_rules().iter().map(|r| r.info()).collect();
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "cookiescan",
                        version: report.tool.version.clone(),
                        information_uri: INFORMATION_URI,
                        rules: rules.iter().map(rule).collect(),
                    },
                },
                results: report.findings.iter().map(|f| result(f, &rules)).collect(),
                properties: RunProperties {
                    site: report.site.clone(),
                    partial: report.partial,
                },
            }],
        };
        let mut out =
            serde_json::to_vec_pretty(&log).map_err(|e| ReportError::Serialise(e.to_string()))?;
        out.push(b'\n');
        Ok(out)
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(info: &RuleInfo) -> Rule {
    Rule {
        id: info.id,
        name: info
            .id
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect(),
        short_description: Text { text: info.title },
        full_description: Text { text: info.help },
        help: Text { text: info.help },
        default_configuration: Configuration {
            level: level(info.severity),
        },
        properties: RuleProperties {
            tags: ["privacy", "cookies"],
        },
    }
}

fn result(f: &Finding, rules: &[RuleInfo]) -> SarifResult {
    let location = match (&f.declaration, &f.page) {
        (Some(d), _) => Some(Location {
            physical_location: Physical {
                artifact_location: file_artifact(&d.file),
                region: (d.line > 0).then_some(Region { start_line: d.line }),
            },
        }),
        (None, Some(page)) => Some(Location {
            physical_location: Physical {
                artifact_location: Artifact {
                    uri: page.clone(),
                    uri_base_id: None,
                },
                region: None,
            },
        }),
        (None, None) => None,
    };
    // Stable across scans (no URLs, ports or times), so code scanning keeps one alert per
    // problem instead of opening a new one every night.
    let fingerprint = match &f.cookie {
        Some(c) => format!("{}:{}:{}:{}", f.rule, c.name, c.domain, c.path),
        None => format!("{}:{}", f.rule, f.message),
    };
    SarifResult {
        rule_id: f.rule.clone(),
        rule_index: rules.iter().position(|r| r.id == f.rule),
        level: level(f.severity),
        message: OwnedText {
            text: f.message.clone(),
        },
        locations: location.into_iter().collect(),
        partial_fingerprints: Fingerprints {
            cookiescan: fingerprint,
        },
        properties: ResultProperties {
            cookie: f.cookie.as_ref().map(|c| CookieProps {
                name: c.name.clone(),
                domain: c.domain.clone(),
                path: c.path.clone(),
            }),
            evidence: f.evidence.clone(),
        },
    }
}

/// A declaration's file as a URI: relative paths stay relative to the checkout, absolute ones
/// become `file://` URIs.
fn file_artifact(path: &str) -> Artifact {
    let forward = path.replace('\\', "/");
    if std::path::Path::new(path).is_absolute() {
        let uri = url::Url::from_file_path(path)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| format!("file://{}", encode_path(&forward)));
        return Artifact {
            uri,
            uri_base_id: None,
        };
    }
    Artifact {
        uri: encode_path(forward.trim_start_matches("./")),
        uri_base_id: Some(SRCROOT),
    }
}

/// Percent-encodes what may not stand in a URI path.
fn encode_path(p: &str) -> String {
    let mut out = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct RunProperties {
    site: String,
    partial: bool,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: String,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: &'static str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: OwnedText,
    locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "cookiescan/v1")]
    cookiescan: String,
}

#[derive(Serialize)]
struct ResultProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    cookie: Option<CookieProps>,
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct CookieProps {
    name: String,
    domain: String,
    path: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_paths_become_uris() {
        let a = file_artifact("./config dir/cookiescan.toml");
        assert_eq!(a.uri, "config%20dir/cookiescan.toml");
        assert_eq!(a.uri_base_id, Some(SRCROOT));
        let b = file_artifact("/srv/site/cookiescan.toml");
        assert_eq!(b.uri, "file:///srv/site/cookiescan.toml");
        assert_eq!(b.uri_base_id, None);
    }
}
