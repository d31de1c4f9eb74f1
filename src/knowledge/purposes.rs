//! Purposes of the known-cookie database in other languages, from `data/purposes/<lang>.toml`:
//! keyed by vendor, then by the entry's `name` exactly as `data/cookies/*.toml` writes it.
//! English is the database itself; a language without a file (or an entry without a line in
//! it) falls back to English, and the caller says so.

use std::collections::BTreeMap;

use super::KnowledgeError;

/// The translated purpose files compiled in, `(language code, path, contents)`.
pub const PURPOSE_FILES: &[(&str, &str, &str)] = &[(
    "fr",
    "data/purposes/fr.toml",
    include_str!("../../data/purposes/fr.toml"),
)];

/// vendor → entry name → purpose, in one language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TranslatedPurposes {
    by_vendor: BTreeMap<String, BTreeMap<String, String>>,
}

impl TranslatedPurposes {
    /// The built-in purposes for a language code; empty when it has no file.
    pub fn builtin(lang: &str) -> Result<TranslatedPurposes, KnowledgeError> {
        match PURPOSE_FILES.iter().find(|(code, _, _)| *code == lang) {
            Some((_, path, text)) => TranslatedPurposes::parse(text, path),
            None => Ok(TranslatedPurposes::default()),
        }
    }

    pub fn parse(text: &str, origin: &str) -> Result<TranslatedPurposes, KnowledgeError> {
        let by_vendor = toml::from_str(text).map_err(|e| KnowledgeError::Toml {
            file: origin.to_string(),
            line: e.span().map_or(1, |s| super::entry::line_of(text, s.start)),
            message: e.message().trim().replace('\n', " "),
        })?;
        Ok(TranslatedPurposes { by_vendor })
    }

    /// The purpose of the entry `name` (as the database writes it) of `vendor`.
    pub fn get(&self, vendor: &str, name: &str) -> Option<&str> {
        self.by_vendor
            .get(vendor)?
            .get(name)
            .map(String::as_str)
            .filter(|p| !p.trim().is_empty())
    }

    /// Every (vendor, name, purpose), for validation.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.by_vendor.iter().flat_map(|(v, names)| {
            names
                .iter()
                .map(move |(n, p)| (v.as_str(), n.as_str(), p.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::knowledge::KnowledgeBase;

    #[test]
    fn reads_vendor_then_name() {
        let p =
            TranslatedPurposes::parse("[\"Matomo\"]\n\"_pk_id.\" = \"Identifiant.\"\n", "t.toml")
                .unwrap();
        assert_eq!(p.get("Matomo", "_pk_id."), Some("Identifiant."));
        assert_eq!(p.get("Matomo", "_pk_id"), None);
        assert_eq!(p.get("Piwik", "_pk_id."), None);
        let err = TranslatedPurposes::parse("x = 1\n", "t.toml").unwrap_err();
        assert!(err.to_string().contains("t.toml"), "{err}");
        assert!(TranslatedPurposes::builtin("de")
            .unwrap()
            .iter()
            .next()
            .is_none());
    }

    /// Every built-in entry has a French purpose, every French line is a built-in entry, and
    /// none is empty.
    #[test]
    fn every_builtin_entry_has_a_french_purpose_and_every_key_is_an_entry() {
        let kb = KnowledgeBase::builtin().unwrap();
        let fr = TranslatedPurposes::builtin("fr").unwrap();
        let entries: BTreeSet<(&str, &str)> = kb
            .entries()
            .iter()
            .map(|e| (e.vendor.as_str(), e.name.as_str()))
            .collect();
        let mut problems = Vec::new();
        for e in kb.entries() {
            if fr.get(&e.vendor, &e.name).is_none() {
                problems.push(format!(
                    "{}:{}: [\"{}\"] \"{}\" has no French purpose",
                    e.file, e.line, e.vendor, e.name
                ));
            }
        }
        for (vendor, name, purpose) in fr.iter() {
            if !entries.contains(&(vendor, name)) {
                problems.push(format!(
                    "data/purposes/fr.toml: [\"{vendor}\"] \"{name}\" is no built-in entry"
                ));
            }
            if purpose.trim().is_empty() {
                problems.push(format!(
                    "data/purposes/fr.toml: [\"{vendor}\"] \"{name}\" is empty"
                ));
            }
        }
        assert!(
            problems.is_empty(),
            "{} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}
