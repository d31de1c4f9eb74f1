//! `cookiescan.toml`: the scan settings and the declared cookies, kept in the repository a CI
//! job scans. Unknown keys are errors that name the line; flags given on the command line
//! win over the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{ConfigError, CrawlSettings};
use crate::compliance::FailOn;
use crate::knowledge::Category;
use crate::policy::{DeclMatch, DeclaredCookie, Entry, Ignore, OneOrMany, Policy, SourceRef};

/// The file name looked for in the current directory.
pub const CONFIG_FILE: &str = "cookiescan.toml";

/// `[output]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    pub formats: Option<Vec<String>>,
    pub output: Option<PathBuf>,
    pub output_dir: Option<PathBuf>,
}

/// `[compliance]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceSection {
    pub fail_on: Option<FailOn>,
    /// Per-category caps in days, over the defaults in data/rules.toml.
    #[serde(default)]
    pub max_lifetime_days: BTreeMap<Category, i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    scan: CrawlSettings,
    #[serde(default)]
    output: OutputSection,
    #[serde(default)]
    compliance: ComplianceSection,
    #[serde(default)]
    cookie: Vec<toml::Spanned<Entry>>,
    #[serde(default)]
    ignore: Vec<toml::Spanned<IgnoreEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    name: Option<String>,
    prefix: Option<String>,
    pattern: Option<String>,
    #[serde(alias = "domains")]
    domain: Option<OneOrMany>,
    reason: Option<String>,
}

/// A loaded `cookiescan.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub scan: CrawlSettings,
    pub output: OutputSection,
    pub compliance: ComplianceSection,
    pub declared: Vec<DeclaredCookie>,
    pub ignores: Vec<Ignore>,
}

impl Config {
    /// Reads `path`, or `./cookiescan.toml` when no path is given and it exists.
    pub fn discover(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => Config::load(p),
            None if Path::new(CONFIG_FILE).is_file() => Config::load(Path::new(CONFIG_FILE)),
            None => Ok(Config::default()),
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let origin = path.display().to_string();
        let bytes = crate::policy::read_policy_file(&origin, "--config")
            .map_err(|e| ConfigError::Setting(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| ConfigError::Io {
            origin: origin.clone(),
            detail: "it is not UTF-8 text; save the config file as UTF-8".to_string(),
        })?;
        let mut config = Config::parse(&text, &origin)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let bad = |line: usize, detail: String| ConfigError::File {
            origin: origin.to_string(),
            line,
            detail,
        };
        let file: FileShape = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            bad(line, e.message().trim().to_string())
        })?;
        let mut declared = Vec::new();
        for spanned in file.cookie {
            let line = line_of(text, spanned.span().start);
            let e = spanned.into_inner();
            let mut c = declaration(e.name, e.prefix, e.pattern, line).map_err(|d| bad(line, d))?;
            c.domains = e.domain.map(OneOrMany::into_vec).unwrap_or_default();
            if let Some(label) = e.category {
                c.category = Some(Category::from_label(&label).ok_or_else(|| {
                    bad(line, format!("category '{label}' is not one of necessary, functional, analytics, marketing, unclassified (or a word policies use for them)"))
                })?);
                c.category_label = Some(e.category_label.unwrap_or(label));
            }
            c.provider = e.provider;
            c.purpose = e.purpose;
            if let Some(code) = e
                .purposes
                .keys()
                .find(|k| crate::declare::Lang::from_code(k).is_none())
            {
                return Err(bad(line, format!("purposes.{code}: '{code}' is not a language cookiescan declare writes; use en, fr, de, es, it or nl")));
            }
            c.purposes = e.purposes;
            c.lifetime = e.lifetime;
            c.source = Some(SourceRef {
                file: e.source.unwrap_or_else(|| origin.to_string()),
                line,
            });
            declared.push(c);
        }
        let mut ignores = Vec::new();
        for spanned in file.ignore {
            let line = line_of(text, spanned.span().start);
            let e = spanned.into_inner();
            let mut c = declaration(e.name, e.prefix, e.pattern, line).map_err(|d| bad(line, d))?;
            c.domains = e.domain.map(OneOrMany::into_vec).unwrap_or_default();
            c.source = Some(SourceRef {
                file: origin.to_string(),
                line,
            });
            let reason = e.reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                bad(
                    line,
                    format!(
                        "[[ignore]] '{}' has no reason: say why it is ignored (reason = \"…\")",
                        c.name
                    ),
                )
            })?;
            ignores.push(Ignore { cookie: c, reason });
        }
        Ok(Config {
            path: None,
            scan: file.scan,
            output: file.output,
            compliance: file.compliance,
            declared,
            ignores,
        })
    }

    /// The file's own declarations and ignores, as the policy a scan starts from.
    pub fn policy(&self) -> Policy {
        Policy {
            declared: self.declared.clone(),
            ignores: self.ignores.clone(),
            sources: self.path.iter().map(|p| p.display().to_string()).collect(),
        }
    }

    /// Whether the file declares a policy (rules about declarations run only then).
    pub fn has_declarations(&self) -> bool {
        !self.declared.is_empty() || !self.ignores.is_empty()
    }
}

/// Exactly one of name, prefix or pattern (a regular expression, checked here).
fn declaration(
    name: Option<String>,
    prefix: Option<String>,
    pattern: Option<String>,
    _line: usize,
) -> Result<DeclaredCookie, String> {
    match (name, prefix, pattern) {
        (Some(n), None, None) if !n.is_empty() => Ok(DeclaredCookie::new(n, DeclMatch::Exact)),
        (None, Some(p), None) if !p.is_empty() => Ok(DeclaredCookie::new(p, DeclMatch::Prefix)),
        (None, None, Some(p)) => match regex::Regex::new(&p) {
            Ok(_) => Ok(DeclaredCookie::new(p, DeclMatch::Regex)),
            Err(e) => Err(format!(
                "pattern '{p}' is not a valid regular expression: {}",
                first_line(&e.to_string())
            )),
        },
        _ => Err(
            "give exactly one of name, prefix or pattern (a regular expression), not empty"
                .to_string(),
        ),
    }
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(0, |t| t.matches('\n').count())
        + 1
}
