//! `cookiescan.toml`: the scan settings and the declared cookies, kept in the repository a CI
//! job scans. Unknown keys are errors that name the line; flags given on the command line
//! win over the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::output::{Entry, OneOrMany};
use super::{DeclMatch, DeclaredCookie, PolicyError, SourceRef};
use crate::compliance::FailOn;
use crate::crawl::ScopeMode;
use crate::knowledge::Category;

/// The file name looked for in the current directory.
pub const CONFIG_FILE: &str = "cookiescan.toml";

/// `[scan]`: every field optional; a command-line flag wins over it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    pub urls: Option<Vec<String>>,
    pub scope: Option<ScopeMode>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub max_pages: Option<usize>,
    pub max_depth: Option<usize>,
    pub max_per_pattern: Option<usize>,
    pub concurrency: Option<usize>,
    pub per_host_concurrency: Option<usize>,
    pub rate: Option<f64>,
    /// Seconds per request.
    pub timeout: Option<f64>,
    /// Bytes, or with a K/M/G suffix.
    pub max_body: Option<String>,
    pub max_subresources_per_page: Option<usize>,
    pub max_subresources: Option<usize>,
    pub user_agent: Option<String>,
    pub headers: Option<Vec<String>>,
    pub ignore_robots: Option<bool>,
    pub sitemaps: Option<bool>,
    pub resolve: Option<Vec<String>>,
    /// A published policy (HTML, Markdown, text) or a CSV/TOML declaration file to read more
    /// declarations from.
    pub policy: Option<String>,
}

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
    scan: ScanSection,
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

/// Cookies the rules must not judge, and why (the reason is mandatory: it is the audit trail).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ignore {
    pub cookie: DeclaredCookie,
    pub reason: String,
}

/// A loaded `cookiescan.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub scan: ScanSection,
    pub output: OutputSection,
    pub compliance: ComplianceSection,
    pub declared: Vec<DeclaredCookie>,
    pub ignores: Vec<Ignore>,
}

impl Config {
    /// Reads `path`, or `./cookiescan.toml` when no path is given and it exists.
    pub fn discover(path: Option<&Path>) -> Result<Config, PolicyError> {
        match path {
            Some(p) => Config::load(p),
            None if Path::new(CONFIG_FILE).is_file() => Config::load(Path::new(CONFIG_FILE)),
            None => Ok(Config::default()),
        }
    }

    pub fn load(path: &Path) -> Result<Config, PolicyError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Io {
            origin: origin.clone(),
            detail: e.to_string(),
        })?;
        let mut config = Config::parse(&text, &origin)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Config, PolicyError> {
        let bad = |line: usize, detail: String| PolicyError::Config {
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
