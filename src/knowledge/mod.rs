//! The known-cookie database: loading (built-in TOML, user TOML, Open Cookie Database CSV),
//! matching a cookie name against it, and heuristics for cookies it does not know.
//!
//! Matching order: exact name, then prefix (longest first), then regex; within one kind the
//! domain hint, then the user layer, decide (see [`rank`]). Unknown names get a guess from
//! `data/heuristics.toml`, clearly labelled and never above 0.4 confidence.

pub mod category;
mod entry;
mod error;
mod heuristics;
mod lifetime;
mod lookup;
mod matcher;
mod ocd;
mod purposes;
mod rank;
mod records;
mod types;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_load;
#[cfg(test)]
mod validate_builtin;

use std::path::Path;
use std::sync::Arc;

pub use category::Category;
pub use entry::{Entry, PatternKind};
pub use error::KnowledgeError;
pub use heuristics::MAX_HEURISTIC_CONFIDENCE;
pub use lifetime::{
    human_lifetime, parse_lifetime, parse_lifetime_lenient, Lifetime, DAY, HOUR, MINUTE, MONTH,
    WEEK, YEAR,
};
pub use lookup::describe_lookup;
pub use ocd::OCD_HEADER;
pub use purposes::{TranslatedPurposes, PURPOSE_FILES};
pub use records::{classify_records, ClassifiedCookie};
pub use types::{Classification, CookieQuery, LoadWarning, MatchKind};

use heuristics::Heuristics;
use matcher::Index;
use rank::{describe, rank_key, RankKey};

/// The embedded database files, `(path in the repository, contents)`. A unit test checks that
/// every `data/cookies/*.toml` is listed here.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "data/cookies/frameworks.toml",
        include_str!("../../data/cookies/frameworks.toml"),
    ),
    (
        "data/cookies/infrastructure.toml",
        include_str!("../../data/cookies/infrastructure.toml"),
    ),
    (
        "data/cookies/consent.toml",
        include_str!("../../data/cookies/consent.toml"),
    ),
    (
        "data/cookies/analytics.toml",
        include_str!("../../data/cookies/analytics.toml"),
    ),
    (
        "data/cookies/marketing.toml",
        include_str!("../../data/cookies/marketing.toml"),
    ),
    (
        "data/cookies/support_video.toml",
        include_str!("../../data/cookies/support_video.toml"),
    ),
];

/// What `Classification::source` says for built-in entries.
pub const BUILTIN_SOURCE: &str = "builtin";

type Stage = fn(&Index, &str, &mut dyn FnMut(u32, usize));
/// Exact, then prefix, then regex: a later stage only runs when the earlier ones found nothing.
const STAGES: [Stage; 3] = [Index::exact, Index::prefixes, Index::regexes];

/// The loaded entries and the matcher built over them (rebuilt after each load, never per query).
#[derive(Debug)]
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    index: Index,
    heuristics: Heuristics,
    /// Number of user files loaded so far.
    layers: u32,
}

impl KnowledgeBase {
    /// Parses and validates the embedded files. Any problem in them is an error.
    pub fn builtin() -> Result<KnowledgeBase, KnowledgeError> {
        let source: Arc<str> = Arc::from(BUILTIN_SOURCE);
        let mut entries = Vec::new();
        for (file, text) in BUILTIN_FILES {
            let (parsed, warnings) = entry::parse_toml(text, file, 0)?;
            if let Some(w) = warnings.into_iter().next() {
                return Err(KnowledgeError::InvalidBuiltin {
                    file: w.file,
                    line: w.line,
                    message: w.message,
                });
            }
            entries.extend(parsed.into_iter().map(|mut e| {
                e.source = Arc::clone(&source);
                e
            }));
        }
        let index = Index::build(&entries)?;
        Ok(KnowledgeBase {
            entries,
            index,
            heuristics: Heuristics::builtin()?,
            layers: 0,
        })
    }

    /// No entries, only the heuristics (for tests and `--no-builtin` style use).
    pub fn empty() -> Result<KnowledgeBase, KnowledgeError> {
        Ok(KnowledgeBase {
            entries: Vec::new(),
            index: Index::build(&[])?,
            heuristics: Heuristics::builtin()?,
            layers: 0,
        })
    }

    /// Adds a user file: our TOML schema, or the Open Cookie Database CSV (recognised by its
    /// header, or by a `.csv` name). User entries win over built-ins, later files over earlier.
    /// Bad rows are skipped and returned as warnings with file and line; never panics.
    pub fn load_file(&mut self, path: &Path) -> Result<Vec<LoadWarning>, KnowledgeError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| KnowledgeError::Io {
            path: origin.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| KnowledgeError::NotUtf8 {
            file: origin.clone(),
        })?;
        self.load_str(&text, &origin)
    }

    /// Same as [`load_file`](Self::load_file), from memory; `origin` names it in messages.
    /// On error nothing is added.
    pub fn load_str(
        &mut self,
        text: &str,
        origin: &str,
    ) -> Result<Vec<LoadWarning>, KnowledgeError> {
        let layer = self.layers + 1;
        let is_csv = ocd::looks_like_ocd(text) || origin.to_ascii_lowercase().ends_with(".csv");
        let (new, warnings) = if is_csv {
            ocd::parse_ocd(text, origin, layer)?
        } else {
            entry::parse_toml(text, origin, layer)?
        };
        let old_len = self.entries.len();
        self.entries.extend(new);
        match Index::build(&self.entries) {
            Ok(index) => {
                self.index = index;
                self.layers = layer;
                Ok(warnings)
            }
            Err(e) => {
                self.entries.truncate(old_len);
                Err(e)
            }
        }
    }

    /// The best answer for one cookie: a database entry, else a heuristic guess, else
    /// unclassified with confidence 0.
    pub fn classify(&self, q: &CookieQuery) -> Classification {
        for stage in STAGES {
            let mut best: Option<(RankKey, u32)> = None;
            stage(&self.index, q.name, &mut |id, len| {
                let key = rank_key(id, &self.entries[id as usize], len, q);
                if best.as_ref().is_none_or(|(k, _)| key > *k) {
                    best = Some((key, id));
                }
            });
            if let Some((key, id)) = best {
                return describe(&self.entries[id as usize], key.2, q);
            }
        }
        self.guess(q)
    }

    /// Every entry that matches, best first, with why (for `cookiescan lookup NAME [--domain D]`).
    /// When none matches, the single heuristic guess (or the "unclassified" answer).
    pub fn explain(&self, name: &str, domain: Option<&str>) -> Vec<Classification> {
        self.explain_query(&CookieQuery {
            name,
            domain,
            ..CookieQuery::default()
        })
    }

    /// [`explain`](Self::explain) with a full query; its first element is what
    /// [`classify`](Self::classify) returns.
    pub fn explain_query(&self, q: &CookieQuery) -> Vec<Classification> {
        let mut all: Vec<(RankKey, u32)> = Vec::new();
        for stage in STAGES {
            stage(&self.index, q.name, &mut |id, len| {
                all.push((rank_key(id, &self.entries[id as usize], len, q), id));
            });
        }
        if all.is_empty() {
            return vec![self.guess(q)];
        }
        all.sort_by_key(|c| std::cmp::Reverse(c.0));
        all.iter()
            .map(|(key, id)| describe(&self.entries[*id as usize], key.2, q))
            .collect()
    }

    fn guess(&self, q: &CookieQuery) -> Classification {
        self.heuristics
            .apply(q)
            .unwrap_or_else(Classification::unknown)
    }

    /// Is this a known cookie name (exact, prefix or regex; ignoring case)? Also true when
    /// `name` is a prefix entry minus its trailing separator (`_pk_id` for `_pk_id.`) or ends
    /// in `*` (`_pk_id.*`), because policies write it that way.
    pub fn is_known_name(&self, name: &str) -> bool {
        self.index.is_known(name)
    }

    /// Is `name` a whole known name (an exact entry or a prefix's stem, ignoring case), as
    /// opposed to a name only a prefix or regex family covers? Split-name repair uses it.
    pub fn is_complete_name(&self, name: &str) -> bool {
        self.index.is_complete(name)
    }

    /// The database's spelling of a name a policy wrote with odd case ("Sessionid" →
    /// "sessionid"); for a prefix entry the prefix is respelled and the rest kept. `None` when
    /// unknown or known only through a regex.
    pub fn canonical_name(&self, name: &str) -> Option<String> {
        self.index.canonical(&self.entries, name)
    }

    /// Number of entries (built-in and user).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All entries, built-ins first, then user files in load order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}
