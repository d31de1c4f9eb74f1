//! One known cookie (an entry of the database) and the TOML schema it is written in.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::lifetime::parse_lifetime;
use super::{Category, KnowledgeError, LoadWarning};

/// How an entry's `name` is compared with a cookie name.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PatternKind {
    #[default]
    Exact,
    Prefix,
    /// Anchored by us: `^(?:name)$`.
    Regex,
}

/// A validated database entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub kind: PatternKind,
    pub case_insensitive: bool,
    /// Normalised domain hints (lower case, no leading dot); empty = applies on any site.
    pub domains: Vec<String>,
    pub vendor: String,
    pub category: Category,
    /// May be empty for imported rows without a description.
    pub purpose: String,
    /// As written ("13 months", "Session").
    pub lifetime: Option<String>,
    /// `None` for session or unknown.
    pub lifetime_secs: Option<i64>,
    pub url: Option<String>,
    /// "builtin" or the path of the user file (what `Classification::source` says).
    pub source: Arc<str>,
    /// The file the entry was read from (`data/cookies/….toml` for built-ins).
    pub file: Arc<str>,
    /// 1-based line of the entry in its file.
    pub line: usize,
    /// 0 for built-ins, then 1, 2, … per user file in load order; higher wins ties.
    pub layer: u32,
}

impl Entry {
    /// The regex actually compiled for a regex entry.
    pub fn anchored_regex(&self) -> String {
        let flags = if self.case_insensitive { "(?i)" } else { "" };
        format!("{flags}^(?:{})$", self.name)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    cookie: Vec<toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: String,
    #[serde(rename = "match", default)]
    kind: PatternKind,
    #[serde(default)]
    case_insensitive: bool,
    domain: Option<String>,
    vendor: String,
    category: String,
    purpose: String,
    lifetime: Option<String>,
    url: Option<String>,
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses a file in our TOML schema. Schema errors (syntax, unknown or missing keys, wrong
/// types) fail the whole file; entries with bad values are skipped with a warning.
pub(crate) fn parse_toml(
    text: &str,
    origin: &str,
    layer: u32,
) -> Result<(Vec<Entry>, Vec<LoadWarning>), KnowledgeError> {
    // A BOM sits on line 1, so dropping it keeps line numbers.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawFile = toml::from_str(text).map_err(|e| KnowledgeError::Toml {
        file: origin.to_string(),
        line: e.span().map_or(1, |s| line_of(text, s.start)),
        message: e.message().trim().replace('\n', " "),
    })?;
    let source: Arc<str> = Arc::from(origin);
    let mut entries = Vec::with_capacity(raw.cookie.len());
    let mut warnings = Vec::new();
    for spanned in raw.cookie {
        let line = line_of(text, spanned.span().start);
        match validate(spanned.into_inner(), &source, line, layer) {
            Ok(e) => entries.push(e),
            Err(message) => warnings.push(LoadWarning {
                file: origin.to_string(),
                line,
                message: format!("entry skipped: {message}"),
            }),
        }
    }
    Ok((entries, warnings))
}

fn validate(raw: RawEntry, source: &Arc<str>, line: usize, layer: u32) -> Result<Entry, String> {
    let name = raw.name.trim().to_string();
    if name.is_empty() {
        return Err("empty name".into());
    }
    let category = Category::from_label(&raw.category).ok_or_else(|| {
        format!(
            "unknown category '{}': use necessary, functional, analytics, marketing or unclassified",
            raw.category
        )
    })?;
    let vendor = raw.vendor.trim().to_string();
    if vendor.is_empty() {
        return Err(format!("entry '{name}' has an empty vendor"));
    }
    let purpose = raw.purpose.trim().to_string();
    if purpose.is_empty() {
        return Err(format!("entry '{name}' has an empty purpose"));
    }
    let domains = match raw.domain.as_deref() {
        None => Vec::new(),
        Some(d) => vec![normalise_domain(d)
            .ok_or_else(|| format!("domain hint '{d}' is not a domain such as instagram.com"))?],
    };
    let lifetime_secs = match raw.lifetime.as_deref() {
        None => None,
        Some(l) => parse_lifetime(l)?.secs(),
    };
    if let Some(u) = raw.url.as_deref() {
        if !(u.starts_with("https://") || u.starts_with("http://")) {
            return Err(format!("url '{u}' does not start with https://"));
        }
    }
    let entry = Entry {
        name,
        kind: raw.kind,
        case_insensitive: raw.case_insensitive,
        domains,
        vendor,
        category,
        purpose,
        lifetime: raw.lifetime.map(|l| l.trim().to_string()),
        lifetime_secs,
        url: raw.url,
        source: Arc::clone(source),
        file: Arc::clone(source),
        line,
        layer,
    };
    if entry.kind == PatternKind::Regex {
        regex::Regex::new(&entry.anchored_regex())
            .map_err(|e| format!("regex '{}' does not compile: {e}", entry.name))?;
    }
    Ok(entry)
}

/// "www.Instagram.com." → "www.instagram.com"; `None` unless it looks like a host name with a dot.
pub(crate) fn normalise_domain(d: &str) -> Option<String> {
    let d = d.trim().trim_start_matches('.').trim_end_matches('.');
    let ok = d.contains('.')
        && !d.starts_with('.')
        && d.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    ok.then(|| d.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(Vec<Entry>, Vec<LoadWarning>), KnowledgeError> {
        parse_toml(text, "user.toml", 1)
    }

    #[test]
    fn reads_every_field_and_defaults() {
        let text = r#"
[[cookie]]
name = "_pk_id."
match = "prefix"
vendor = "Matomo"
category = "statistics"
purpose = "Visitor ID."
lifetime = "13 months"
url = "https://matomo.org/faq/general/faq_146/"

[[cookie]]
name = "x"
domain = ".Example.COM"
vendor = "V"
category = "necessary"
purpose = "P."
"#;
        let (e, w) = parse(text).unwrap();
        assert!(w.is_empty());
        assert_eq!(e[0].kind, PatternKind::Prefix);
        assert_eq!(e[0].category, Category::Analytics, "synonym via from_label");
        assert_eq!(e[0].lifetime_secs, Some(13 * 30 * 86_400));
        assert_eq!(e[0].line, 2);
        assert_eq!(e[1].kind, PatternKind::Exact);
        assert!(!e[1].case_insensitive);
        assert_eq!(e[1].domains, vec!["example.com".to_string()]);
        assert_eq!(e[1].line, 11);
    }

    #[test]
    fn unknown_key_is_an_error_naming_file_and_line() {
        let text = "[[cookie]]\nname = \"a\"\nvendor = \"V\"\ncategory = \"necessary\"\npurpose = \"P.\"\nlifetme = \"1 day\"\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.starts_with("user.toml:6:"), "{err}");
        assert!(err.contains("lifetme"), "{err}");
        let err = parse("[[cookies]]\nname = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("user.toml:1:") && err.contains("cookies"),
            "{err}"
        );
        let err = parse("[[cookie]]\nname = \"a\"\nmatch = \"glob\"\n").unwrap_err();
        assert!(err.to_string().starts_with("user.toml:3:"), "{err}");
    }

    #[test]
    fn bad_values_skip_the_entry_with_a_warning() {
        let ok = "[[cookie]]\nname = \"good\"\nvendor = \"V\"\ncategory = \"necessary\"\npurpose = \"P.\"\n";
        let bad = [
            ("category = \"yummy\"", "unknown category"),
            ("lifetime = \"forever\"", "lifetime"),
            ("url = \"ftp://x\"", "url"),
            ("domain = \"not a domain\"", "domain"),
        ];
        for (line, want) in bad {
            let text = format!(
                "{ok}\n[[cookie]]\nname = \"bad\"\nvendor = \"V\"\npurpose = \"P.\"\n{}\n",
                if line.starts_with("category") {
                    line.to_string()
                } else {
                    format!("category = \"necessary\"\n{line}")
                }
            );
            let (e, w) = parse(&text).unwrap();
            assert_eq!(e.len(), 1, "{line}");
            assert_eq!(w.len(), 1, "{line}");
            assert_eq!(w[0].line, 7, "{line}");
            assert!(w[0].message.contains(want), "{}", w[0].message);
        }
        let text = "[[cookie]]\nname = \"(\"\nmatch = \"regex\"\nvendor = \"V\"\ncategory = \"necessary\"\npurpose = \"P.\"\n";
        let (e, w) = parse(text).unwrap();
        assert!(e.is_empty() && w[0].message.contains("does not compile"));
        let text = "[[cookie]]\nname = \" \"\nvendor = \"V\"\ncategory = \"necessary\"\npurpose = \"P.\"\n";
        assert!(parse(text).unwrap().1[0].message.contains("empty name"));
    }

    #[test]
    fn empty_file_is_fine() {
        assert!(parse("").unwrap().0.is_empty());
        assert!(parse("\u{feff}# with a BOM\n").unwrap().0.is_empty());
        assert!(parse("# nothing\n").unwrap().0.is_empty());
    }
}
