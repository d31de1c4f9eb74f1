//! Declared cookies as a TOML declaration file (`[[cookie]]` tables, hand-editable) or CSV,
//! and the TOML file read back.

use serde::Deserialize;

use crate::knowledge::Category;
use crate::policy::declared::{DeclMatch, DeclaredCookie, SourceRef};
use crate::policy::extract::Extraction;
use crate::policy::PolicyError;

const TOML_HEAD: &str = "# Declared cookies, one [[cookie]] table each.\n\
# `name` matches a cookie name exactly, `prefix` its start, `pattern` is a regular expression.\n\
# `category` is necessary, functional, analytics, marketing or unclassified.\n";

pub fn to_toml(cookies: &[DeclaredCookie]) -> String {
    let mut s = String::from(TOML_HEAD);
    for c in cookies {
        s.push_str("\n[[cookie]]\n");
        match c.match_kind {
            DeclMatch::Exact => field(&mut s, "name", &c.name),
            DeclMatch::Prefix => field(&mut s, "prefix", &c.name),
            // cookiescan.toml's `pattern` is a regular expression: a policy's glob is translated.
            DeclMatch::Pattern => field(&mut s, "pattern", &glob_to_regex(&c.name)),
            DeclMatch::Regex => field(&mut s, "pattern", &c.name),
        }
        match c.domains.as_slice() {
            [] => {}
            [one] => field(&mut s, "domain", one),
            many => {
                let list: Vec<String> = many.iter().map(|d| quote(d)).collect();
                s.push_str(&format!("domain = [{}]\n", list.join(", ")));
            }
        }
        if let Some(cat) = c.category {
            field(&mut s, "category", cat.as_str());
        }
        let opt = [
            ("category_label", &c.category_label),
            ("provider", &c.provider),
            ("purpose", &c.purpose),
            ("lifetime", &c.lifetime),
        ];
        for (k, v) in opt {
            if let Some(v) = v {
                field(&mut s, k, v);
            }
        }
        if !c.purposes.is_empty() {
            let list: Vec<String> = c
                .purposes
                .iter()
                .map(|(l, p)| format!("{l} = {}", quote(p)))
                .collect();
            s.push_str(&format!("purposes = {{ {} }}\n", list.join(", ")));
        }
        if let Some(src) = &c.source {
            field(&mut s, "source", &format!("{}:{}", src.file, src.line));
        }
    }
    s
}

/// What `policy extract --explain` prints: for each row, the layout it came from, its
/// line, why it is a cookie (for a table, why its name column is the name column) and the
/// repairs made to its name.
pub fn explain_text(ex: &Extraction) -> String {
    let mut s = String::new();
    for (c, e) in ex.cookies.iter().zip(&ex.explain) {
        s.push_str(&format!(
            "{} (line {}): {}: {}\n",
            c.name,
            e.line,
            e.layout.as_str(),
            e.why
        ));
        for r in ex
            .repairs
            .iter()
            .filter(|r| r.line == e.line && r.repaired == c.name)
        {
            s.push_str(&format!(
                "  repaired: read '{}' as '{}' ({})\n",
                r.original, r.repaired, r.how
            ));
        }
    }
    s
}

/// `_ga_*_id` → `^_ga_.*_id$`.
fn glob_to_regex(glob: &str) -> String {
    let parts: Vec<String> = glob.split('*').map(regex::escape).collect();
    format!("^{}$", parts.join(".*"))
}

fn field(s: &mut String, key: &str, value: &str) {
    s.push_str(key);
    s.push_str(" = ");
    s.push_str(&quote(value));
    s.push('\n');
}

/// A TOML basic string, escaped by the toml crate itself.
fn quote(v: &str) -> String {
    toml::Value::String(v.to_string()).to_string()
}

pub fn to_csv(cookies: &[DeclaredCookie]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![[
        "name",
        "match",
        "category",
        "category_label",
        "provider",
        "domain",
        "purpose",
        "lifetime",
        "source",
    ]
    .map(String::from)
    .to_vec()];
    for c in cookies {
        let kind = match c.match_kind {
            DeclMatch::Exact => "exact",
            DeclMatch::Prefix => "prefix",
            DeclMatch::Pattern => "pattern",
            DeclMatch::Regex => "regex",
        };
        rows.push(vec![
            c.name.clone(),
            kind.to_string(),
            c.category
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            c.category_label.clone().unwrap_or_default(),
            c.provider.clone().unwrap_or_default(),
            c.domains.join(" "),
            c.purpose.clone().unwrap_or_default(),
            c.lifetime.clone().unwrap_or_default(),
            c.source
                .as_ref()
                .map(|s| format!("{}:{}", s.file, s.line))
                .unwrap_or_default(),
        ]);
    }
    for r in rows {
        // Writing to memory cannot fail; a failure would only lose this row.
        let _ = w.write_record(&r);
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    cookie: Vec<toml::Spanned<Entry>>,
}

/// One `[[cookie]]` table, as declaration files and cookiescan.toml both write it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: Option<String>,
    pub prefix: Option<String>,
    pub pattern: Option<String>,
    #[serde(alias = "domains")]
    pub domain: Option<OneOrMany>,
    pub category: Option<String>,
    pub category_label: Option<String>,
    pub provider: Option<String>,
    pub purpose: Option<String>,
    /// The purpose in other languages, by language code (`cookiescan declare --lang`).
    #[serde(default)]
    pub purposes: std::collections::BTreeMap<String, String>,
    pub lifetime: Option<String>,
    pub source: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Reads a file written by `to_toml` or by hand. Entries without exactly one of name,
/// prefix or pattern are skipped with a warning.
pub fn read_declarations_toml(
    text: &str,
    origin: &str,
) -> Result<(Vec<DeclaredCookie>, Vec<String>), PolicyError> {
    let file: File = toml::from_str(text).map_err(|e| PolicyError::Toml {
        origin: origin.to_string(),
        detail: e.message().to_string(),
    })?;
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for spanned in file.cookie {
        let line = text[..spanned.span().start.min(text.len())]
            .matches('\n')
            .count()
            + 1;
        let e = spanned.into_inner();
        let (name, kind) = match (e.name, e.prefix, e.pattern) {
            (Some(n), None, None) => (n, DeclMatch::Exact),
            (None, Some(p), None) => (p, DeclMatch::Prefix),
            (None, None, Some(p)) => {
                if let Err(e) = regex::Regex::new(&p) {
                    warnings.push(format!("{origin}:{line}: cookie skipped: pattern '{p}' is not a valid regular expression ({e})"));
                    continue;
                }
                (p, DeclMatch::Regex)
            }
            _ => {
                warnings.push(format!(
                    "{origin}:{line}: cookie skipped: give exactly one of name, prefix or pattern"
                ));
                continue;
            }
        };
        let mut c = DeclaredCookie::new(name, kind);
        if let Some(label) = e.category {
            c.category = Category::from_label(&label);
            if c.category.is_none() {
                warnings.push(format!("{origin}:{line}: category '{label}' is not a known category word; left unclassified"));
            }
            c.category_label = Some(e.category_label.unwrap_or(label));
        }
        c.domains = e.domain.map(OneOrMany::into_vec).unwrap_or_default();
        c.provider = e.provider;
        c.purpose = e.purpose;
        c.purposes = e.purposes;
        c.lifetime = e.lifetime;
        c.source = Some(
            e.source
                .as_deref()
                .and_then(|s| s.rsplit_once(':'))
                .and_then(|(f, l)| {
                    Some(SourceRef {
                        file: f.to_string(),
                        line: l.parse().ok()?,
                    })
                })
                .unwrap_or(SourceRef {
                    file: origin.to_string(),
                    line,
                }),
        );
        out.push(c);
    }
    Ok((out, warnings))
}
