//! Known tracker and widget signatures (`data/signatures.toml`): resource
//! URLs and code markers that imply cookies even when the code that sets
//! them is unreadable or loaded later.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};

use super::evidence::Evidence;
use super::model::CookieName;

mod matching;

const BUILTIN: &str = include_str!("../../data/signatures.toml");
const URL_CONFIDENCE: f32 = 0.9;
const CODE_CONFIDENCE: f32 = 0.75;

#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error("signature file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("signature `{id}`: pattern `{pattern}` does not compile: {source}")]
    Pattern {
        id: String,
        pattern: String,
        source: Box<regex::Error>,
    },
    #[error("signature `{id}`: {reason}")]
    Invalid { id: String, reason: String },
    #[error("code markers: {0}")]
    Markers(#[from] aho_corasick::BuildError),
}

/// Whose site a cookie is set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// On the page's own site (`_ga`, `_pk_id.*`).
    First,
    /// On the vendor's domain (`YSC` on youtube.com).
    Third,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpliedCookie {
    pub name: CookieName,
    pub party: Party,
    /// The vendor domain, for third-party cookies.
    pub domain: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signature {
    pub id: String,
    pub vendor: String,
    pub category: String,
    pub cookies: Vec<ImpliedCookie>,
    /// The vendor documents that this resource sets no cookies when loaded.
    pub no_cookies: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignatureHit {
    pub id: String,
    pub vendor: String,
    pub category: String,
    pub cookies: Vec<ImpliedCookie>,
    pub no_cookies: bool,
    pub evidence: Evidence,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    signature: Vec<RawSig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSig {
    id: String,
    vendor: String,
    category: String,
    #[serde(default)]
    url: Vec<String>,
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    code_regex: Vec<String>,
    #[serde(default)]
    cookies: Vec<RawCookie>,
    #[serde(default)]
    no_cookies: bool,
    confidence: Option<f32>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCookie {
    name: String,
    party: Party,
    domain: Option<String>,
}

pub struct Signatures {
    sigs: Vec<Signature>,
    confidence: Vec<Option<f32>>,
    urls: RegexSet,
    url_owner: Vec<usize>,
    markers: AhoCorasick,
    marker_owner: Vec<usize>,
    code_res: Vec<(usize, Regex)>,
    code_set: RegexSet,
}

impl std::fmt::Debug for Signatures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signatures")
            .field("len", &self.sigs.len())
            .finish()
    }
}

fn bad(id: &str, reason: impl Into<String>) -> SignatureError {
    SignatureError::Invalid {
        id: id.to_string(),
        reason: reason.into(),
    }
}

/// The matching tables being filled, one signature at a time; each
/// `*_owner` entry is the index of the signature its pattern belongs to.
#[derive(Default)]
struct Tables {
    sigs: Vec<Signature>,
    confidence: Vec<Option<f32>>,
    url_pats: Vec<String>,
    url_owner: Vec<usize>,
    markers: Vec<String>,
    marker_owner: Vec<usize>,
    code_res: Vec<(usize, Regex)>,
}

impl Tables {
    /// Every check runs before anything is added, in the order the errors
    /// are reported.
    fn add(&mut self, i: usize, s: RawSig) -> Result<(), SignatureError> {
        if self.sigs.iter().any(|o| o.id == s.id) {
            return Err(bad(&s.id, "duplicate id"));
        }
        check_fields(&s)?;
        let code_res = compile_patterns(&s)?;
        if s.code.iter().any(|m| m.len() < 4) {
            return Err(bad(&s.id, "code markers must be at least 4 characters"));
        }
        let cookies = implied_cookies(&s.id, s.cookies)?;
        self.url_pats.extend(s.url.iter().cloned());
        self.url_owner.extend(s.url.iter().map(|_| i));
        self.marker_owner.extend(s.code.iter().map(|_| i));
        self.markers.extend(s.code);
        self.code_res.extend(code_res.into_iter().map(|r| (i, r)));
        self.confidence.push(s.confidence);
        self.sigs.push(Signature {
            id: s.id,
            vendor: s.vendor,
            category: s.category,
            cookies,
            no_cookies: s.no_cookies,
            note: s.note,
        });
        Ok(())
    }

    fn build(self) -> Result<Signatures, SignatureError> {
        let set_err = |e: regex::Error| SignatureError::Pattern {
            id: "*".into(),
            pattern: "(set)".into(),
            source: Box::new(e),
        };
        let urls = RegexSetBuilder::new(&self.url_pats)
            .case_insensitive(true)
            .build()
            .map_err(set_err)?;
        let code_set =
            RegexSet::new(self.code_res.iter().map(|(_, r)| r.as_str())).map_err(set_err)?;
        let markers = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&self.markers)?;
        Ok(Signatures {
            sigs: self.sigs,
            confidence: self.confidence,
            urls,
            url_owner: self.url_owner,
            markers,
            marker_owner: self.marker_owner,
            code_res: self.code_res,
            code_set,
        })
    }
}

fn check_fields(s: &RawSig) -> Result<(), SignatureError> {
    if s.url.is_empty() && s.code.is_empty() && s.code_regex.is_empty() {
        return Err(bad(&s.id, "no url, code or code_regex pattern"));
    }
    if s.no_cookies != s.cookies.is_empty() {
        return Err(bad(
            &s.id,
            "list cookies, or set no_cookies = true with none listed",
        ));
    }
    if s.confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
        return Err(bad(&s.id, "confidence outside 0..=1"));
    }
    Ok(())
}

/// Every URL and code pattern must compile. URL patterns are only checked
/// here (they are matched as one set); code patterns are kept, as their set
/// only says which matched and each pattern's own regex finds where.
fn compile_patterns(s: &RawSig) -> Result<Vec<Regex>, SignatureError> {
    let compile = |p: &String| {
        Regex::new(p).map_err(|e| SignatureError::Pattern {
            id: s.id.clone(),
            pattern: p.clone(),
            source: Box::new(e),
        })
    };
    for p in &s.url {
        compile(p)?;
    }
    s.code_regex.iter().map(compile).collect()
}

fn implied_cookies(id: &str, raw: Vec<RawCookie>) -> Result<Vec<ImpliedCookie>, SignatureError> {
    let mut cookies = Vec::new();
    for c in raw {
        let name = match c.name.strip_suffix('*') {
            Some(p) if !p.is_empty() => CookieName::Prefix(p.to_string()),
            Some(_) => return Err(bad(id, "cookie name `*` alone")),
            None => CookieName::Exact(c.name),
        };
        if (c.party == Party::Third) != c.domain.is_some() {
            return Err(bad(
                id,
                "third-party cookies need a domain, first-party ones none",
            ));
        }
        cookies.push(ImpliedCookie {
            name,
            party: c.party,
            domain: c.domain,
        });
    }
    Ok(cookies)
}

impl Signatures {
    /// The signatures shipped in `data/signatures.toml`.
    pub fn builtin() -> &'static Signatures {
        static BUILT: OnceLock<Signatures> = OnceLock::new();
        // The file is compiled in and validated by a unit test, so failing
        // here is a build defect, not bad input.
        BUILT.get_or_init(|| {
            Signatures::from_toml_str(BUILTIN).expect("data/signatures.toml is valid")
        })
    }

    /// Loads and validates a signature file in the format of `data/signatures.toml`.
    pub fn from_toml_str(text: &str) -> Result<Signatures, SignatureError> {
        let doc: FileDoc = toml::from_str(text)?;
        let mut tables = Tables::default();
        for (i, s) in doc.signature.into_iter().enumerate() {
            tables.add(i, s)?;
        }
        tables.build()
    }

    pub fn len(&self) -> usize {
        self.sigs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sigs.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Signature> {
        self.sigs.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_signatures_are_valid() {
        let s = Signatures::from_toml_str(BUILTIN).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.len() >= 30, "only {} signatures", s.len());
        let mut ids: Vec<&str> = s.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), s.len());
    }

    #[test]
    fn rejects_bad_files() {
        let dup =
            "[[signature]]\nid='a'\nvendor='A'\ncategory='x'\nurl=['a\\.js']\nno_cookies=true\n";
        assert!(Signatures::from_toml_str(&format!("{dup}{dup}")).is_err());
        let bad_re =
            "[[signature]]\nid='a'\nvendor='A'\ncategory='x'\nurl=['(']\nno_cookies=true\n";
        assert!(matches!(
            Signatures::from_toml_str(bad_re),
            Err(SignatureError::Pattern { .. })
        ));
        let third = "[[signature]]\nid='a'\nvendor='A'\ncategory='x'\nurl=['a']\ncookies=[{name='x', party='third'}]\n";
        assert!(Signatures::from_toml_str(third).is_err());
    }
}
