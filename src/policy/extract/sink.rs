//! Repairs and warnings collected while one document is read.

use std::collections::HashSet;

use super::Repair;
use crate::policy::oracle::NameOracle;

/// Where results go while a document is read.
pub struct Sink<'a> {
    pub origin: &'a str,
    pub oracle: &'a dyn NameOracle,
    pub repairs: Vec<Repair>,
    pub warnings: Vec<String>,
    /// Names taken from running text so far (capped, see `prose`).
    pub prose_names: usize,
    seen: HashSet<String>,
}

impl<'a> Sink<'a> {
    pub fn new(origin: &'a str, oracle: &'a dyn NameOracle) -> Sink<'a> {
        Sink {
            origin,
            oracle,
            repairs: Vec::new(),
            warnings: Vec::new(),
            prose_names: 0,
            seen: HashSet::new(),
        }
    }

    pub fn repair(&mut self, original: &str, repaired: &str, line: usize, how: &str) {
        if self
            .seen
            .insert(format!("r\u{1}{original}\u{1}{repaired}\u{1}{line}"))
        {
            let r = Repair {
                original: original.to_string(),
                repaired: repaired.to_string(),
                line,
                how: how.to_string(),
            };
            self.repairs.push(r);
        }
    }

    pub fn warn(&mut self, line: usize, msg: impl AsRef<str>) {
        let w = format!("{}:{line}: {}", self.origin, msg.as_ref());
        if self.seen.insert(format!("w\u{1}{w}")) {
            self.warnings.push(w);
        }
    }

    /// `pk_id` declared where the database knows `_pk_id`: kept as declared, but said.
    pub fn check_lookalike(&mut self, name: &str, known: bool, line: usize) {
        if known {
            return;
        }
        let alts = match name.strip_prefix('_') {
            Some(rest) => vec![rest.to_string(), format!("_{name}")],
            None => vec![format!("_{name}"), format!("__{name}")],
        };
        if let Some(alt) = alts
            .iter()
            .find(|a| !a.is_empty() && self.oracle.is_known(a))
        {
            self.warn(
                line,
                format!("'{name}' is kept as declared but looks like the known cookie '{alt}'"),
            );
        }
    }
}
