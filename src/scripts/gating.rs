//! Consent gating (`data/consent_gating.toml`): the markup consent managers use to hold
//! scripts and iframes back until consent, and how to recognise a manager's own library or
//! service catalogue, whose tracker code runs only for the services a site enables.

mod config;

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};

pub use config::{ServiceDef, SiteConfig};

const BUILTIN: &str = include_str!("../../data/consent_gating.toml");
const CATEGORIES: [&str; 5] = [
    "necessary",
    "functional",
    "analytics",
    "marketing",
    "unclassified",
];

#[derive(Debug, thiserror::Error)]
pub enum GatingError {
    #[error("consent gating file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("consent manager `{id}`: {reason}")]
    Invalid { id: String, reason: String },
}

/// Who holds a cookie back until consent, and what releases it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Gate {
    /// The consent manager (`data/consent_gating.toml` id).
    pub manager: String,
    /// What releases it, as the site wrote it: a category (`analytics`, `C0002`) or a
    /// service (`hotjar`).
    pub released_by: String,
    /// The service, when the markup or configuration names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Our category for the release key (`necessary` … `unclassified`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

impl Gate {
    /// `manager: released_by`, with the service when it differs.
    pub fn label(&self) -> String {
        match &self.service {
            Some(s) if *s != self.released_by => {
                format!("{}: {} ({s})", self.manager, self.released_by)
            }
            _ => format!("{}: {}", self.manager, self.released_by),
        }
    }
}

/// A start tag as the crawl read it: attribute names lower-cased.
pub struct Element<'a> {
    pub tag: &'a str,
    pub attrs: &'a [(String, String)],
}

impl Element<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn has_class(&self, pred: impl Fn(&str) -> bool) -> Option<&str> {
        self.attr("class")?
            .split_ascii_whitespace()
            .find(|c| pred(c))
    }

    /// A type a browser runs as script (none, a JavaScript MIME type, `module`).
    fn runs(&self) -> bool {
        let t = self.attr("type").unwrap_or("").trim().to_ascii_lowercase();
        t.is_empty() || t == "module" || t.contains("javascript") || t.contains("ecmascript")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    words: HashMap<String, String>,
    manager: Vec<RawManager>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManager {
    id: String,
    docs: String,
    #[serde(default)]
    markup: Vec<Markup>,
    library: RawLibrary,
    config: Option<config::RawConfig>,
    #[serde(default)]
    categories: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Markup {
    elements: Vec<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    attribute: Option<String>,
    class_prefix: Option<String>,
    class: Option<String>,
    release: Option<String>,
    #[serde(default)]
    key: KeyKind,
    #[serde(default)]
    held: bool,
    service_attribute: Option<String>,
    #[serde(default)]
    src_attributes: Vec<String>,
}

#[derive(Deserialize, Default, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum KeyKind {
    #[default]
    Category,
    Service,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibrary {
    files: Vec<String>,
    markers: Vec<String>,
    #[serde(default = "one")]
    min_markers: usize,
}

fn one() -> usize {
    1
}

struct Manager {
    id: String,
    markup: Vec<Markup>,
    markers: Vec<String>,
    min_markers: usize,
    config: Option<config::Config>,
    categories: HashMap<String, String>,
}

/// The consent managers of `data/consent_gating.toml`, compiled.
pub struct Gating {
    managers: Vec<Manager>,
    words: HashMap<String, String>,
    files: RegexSet,
    file_owner: Vec<usize>,
}

impl std::fmt::Debug for Gating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gating")
            .field("managers", &self.managers.len())
            .finish()
    }
}

fn bad(id: &str, reason: impl Into<String>) -> GatingError {
    GatingError::Invalid {
        id: id.to_string(),
        reason: reason.into(),
    }
}

fn check_category(id: &str, value: &str) -> Result<(), GatingError> {
    if CATEGORIES.contains(&value) {
        Ok(())
    } else {
        Err(bad(id, format!("`{value}` is not one of {CATEGORIES:?}")))
    }
}

fn compile(id: &str, pattern: &str) -> Result<Regex, GatingError> {
    Regex::new(pattern).map_err(|e| bad(id, format!("pattern `{pattern}` does not compile: {e}")))
}

fn check_markup(id: &str, m: &Markup) -> Result<(), GatingError> {
    if m.elements.is_empty() {
        return Err(bad(id, "markup without elements"));
    }
    if m.attribute.is_none() && m.class_prefix.is_none() && m.class.is_none() {
        return Err(bad(id, "markup needs an attribute, class_prefix or class"));
    }
    if m.attribute.is_none() && m.class_prefix.is_none() && m.release.is_none() {
        return Err(bad(id, "markup with only a class needs `release`"));
    }
    Ok(())
}

impl Gating {
    /// The managers shipped in `data/consent_gating.toml`.
    pub fn builtin() -> &'static Gating {
        static BUILT: OnceLock<Gating> = OnceLock::new();
        // Compiled in and validated by a unit test: failing here is a build defect.
        BUILT.get_or_init(|| {
            Gating::from_toml_str(BUILTIN).expect("data/consent_gating.toml is valid")
        })
    }

    /// Loads and validates a file in the format of `data/consent_gating.toml`.
    pub fn from_toml_str(text: &str) -> Result<Gating, GatingError> {
        let doc: FileDoc = toml::from_str(text)?;
        for v in doc.words.values() {
            check_category("[words]", v)?;
        }
        let mut managers = Vec::new();
        let (mut pats, mut file_owner) = (Vec::new(), Vec::new());
        for (i, m) in doc.manager.into_iter().enumerate() {
            if managers.iter().any(|o: &Manager| o.id == m.id) {
                return Err(bad(&m.id, "duplicate id"));
            }
            if !m.docs.starts_with("https://") {
                return Err(bad(&m.id, "docs must be an https URL"));
            }
            for mk in &m.markup {
                check_markup(&m.id, mk)?;
            }
            for v in m.categories.values() {
                check_category(&m.id, v)?;
            }
            if m.library.markers.iter().any(|k| k.len() < 6) {
                return Err(bad(&m.id, "library markers must be at least 6 characters"));
            }
            for f in &m.library.files {
                compile(&m.id, f)?;
                pats.push(f.clone());
                file_owner.push(i);
            }
            let config = m
                .config
                .map(|c| config::Config::compile(&m.id, c))
                .transpose()?;
            managers.push(Manager {
                id: m.id,
                markup: m.markup,
                markers: m.library.markers,
                min_markers: m.library.min_markers.max(1),
                config,
                categories: m.categories,
            });
        }
        let files = RegexSetBuilder::new(&pats)
            .case_insensitive(true)
            .build()
            .map_err(|e| bad("*", e.to_string()))?;
        Ok(Gating {
            managers,
            words: doc.words,
            files,
            file_owner,
        })
    }

    pub fn len(&self) -> usize {
        self.managers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.managers.is_empty()
    }

    /// Whether a start tag holds its element back until consent; with the gate, the URL it
    /// loads once released (`src`, or the attribute that keeps it meanwhile).
    pub fn element_gate(&self, el: &Element) -> Option<(Gate, Option<String>)> {
        self.managers.iter().find_map(|m| {
            m.markup.iter().find_map(|mk| {
                let key = markup_key(mk, el)?;
                // vanilla-cookieconsent's `!analytics` runs when the category is refused.
                if key.is_empty() || key.starts_with('!') {
                    return None;
                }
                let held = mk.src_attributes.iter().find_map(|a| el.attr(a));
                if mk.held && el.runs() && held.is_none() {
                    return None;
                }
                let url = el.attr("src").or(held).map(str::to_string);
                let service = match mk.key {
                    KeyKind::Service => Some(key.clone()),
                    KeyKind::Category => mk
                        .service_attribute
                        .as_deref()
                        .and_then(|a| el.attr(a))
                        .map(str::to_string),
                };
                let category = match mk.key {
                    KeyKind::Category => self.category(m, &key),
                    KeyKind::Service => None,
                };
                let gate = Gate {
                    manager: m.id.clone(),
                    released_by: key,
                    service,
                    category,
                };
                Some((gate, url))
            })
        })
    }

    /// Our category for a release key of manager `m`: its own table, else the shared words.
    fn category(&self, m: &Manager, key: &str) -> Option<String> {
        m.categories
            .get(key)
            .or_else(|| self.words.get(&key.to_ascii_lowercase()))
            .cloned()
    }

    /// The manager whose own library (or service catalogue) this script is, by its URL or
    /// its content.
    pub fn library_of(&self, url: Option<&str>, code: &str) -> Option<&str> {
        if let Some(u) = url {
            let path = strip_scheme(u);
            if let Some(p) = self.files.matches(&path).iter().next() {
                return Some(&self.managers[self.file_owner[p]].id);
            }
        }
        self.managers
            .iter()
            .find(|m| {
                !m.markers.is_empty()
                    && m.markers
                        .iter()
                        .map(|k| code.matches(k.as_str()).take(m.min_markers).count())
                        .sum::<usize>()
                        >= m.min_markers
            })
            .map(|m| m.id.as_str())
    }
}

/// The release key an element carries under one markup rule, when every condition holds.
fn markup_key(mk: &Markup, el: &Element) -> Option<String> {
    if !mk.elements.iter().any(|e| e.eq_ignore_ascii_case(el.tag)) {
        return None;
    }
    if let Some(t) = &mk.kind {
        if !el
            .attr("type")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(t))
        {
            return None;
        }
    }
    if let Some(c) = &mk.class {
        el.has_class(|x| x == c)?;
    }
    let from_class = match &mk.class_prefix {
        Some(p) => Some(el.has_class(|x| x.starts_with(p.as_str()))?[p.len()..].to_string()),
        None => None,
    };
    let from_attr = match &mk.attribute {
        Some(a) => Some(el.attr(a)?.trim().to_string()),
        None => None,
    };
    from_attr.or(from_class).or_else(|| mk.release.clone())
}

/// `https://Host/p?q` → `host/p?q`, as the signatures see URLs.
fn strip_scheme(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) if u.host_str().is_some() => {
            let mut out = format!("{}{}", u.host_str().unwrap_or_default(), u.path());
            if let Some(q) = u.query() {
                out.push('?');
                out.push_str(q);
            }
            out
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests;
