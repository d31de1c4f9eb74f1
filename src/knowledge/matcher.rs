//! The name index, built once per set of entries: hash maps for exact names, byte tries for
//! prefixes and a `RegexSet` for regexes, each with a case-insensitive twin.

use std::collections::HashMap;

use regex::RegexSet;

use super::entry::{Entry, PatternKind};
use super::KnowledgeError;

/// Prefix tree over bytes; each node lists the entries whose prefix ends there.
#[derive(Debug, Default)]
struct Trie {
    nodes: Vec<Node>,
}

#[derive(Debug, Default)]
struct Node {
    /// Sorted by byte.
    children: Vec<(u8, u32)>,
    entries: Vec<u32>,
}

impl Trie {
    fn insert(&mut self, key: &[u8], id: u32) {
        if self.nodes.is_empty() {
            self.nodes.push(Node::default());
        }
        let mut at = 0usize;
        for &b in key {
            let children = &self.nodes[at].children;
            at = match children.binary_search_by_key(&b, |c| c.0) {
                Ok(i) => children[i].1 as usize,
                Err(i) => {
                    let next = self.nodes.len() as u32;
                    self.nodes[at].children.insert(i, (b, next));
                    self.nodes.push(Node::default());
                    next as usize
                }
            };
        }
        self.nodes[at].entries.push(id);
    }

    /// Calls `f(prefix_len, ids)` for every stored prefix of `name`, shortest first.
    /// With `fold`, `name` is ASCII-lower-cased on the fly (the trie holds lower-case keys).
    fn walk(&self, name: &[u8], fold: bool, mut f: impl FnMut(usize, &[u32])) {
        let Some(mut node) = self.nodes.first() else {
            return;
        };
        for (i, &b) in name.iter().enumerate() {
            let b = if fold { b.to_ascii_lowercase() } else { b };
            match node.children.binary_search_by_key(&b, |c| c.0) {
                Ok(k) => node = &self.nodes[node.children[k].1 as usize],
                Err(_) => return,
            }
            if !node.entries.is_empty() {
                f(i + 1, &node.entries);
            }
        }
    }
}

/// All the lookup structures for one set of entries.
#[derive(Debug)]
pub(crate) struct Index {
    exact: HashMap<Box<str>, Vec<u32>>,
    /// Lower-cased names of `case_insensitive` exact entries.
    exact_ci: HashMap<Box<str>, Vec<u32>>,
    prefix: Trie,
    prefix_ci: Trie,
    regex: RegexSet,
    regex_ids: Vec<u32>,
    // Case-blind views for `is_known_name` / `canonical_name`.
    any_exact: HashMap<Box<str>, u32>,
    any_prefix: Trie,
    /// Prefixes minus their trailing separator ("_pk_id" for "_pk_id.").
    stems: HashMap<Box<str>, u32>,
    any_regex: RegexSet,
}

/// Separators that end a prefix and that policies drop when they write the name alone.
const SEPARATORS: &[char] = &['.', '_', '-', ':'];

impl Index {
    pub(crate) fn build(entries: &[Entry]) -> Result<Index, KnowledgeError> {
        let mut exact: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        let mut exact_ci: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        let mut any_exact = HashMap::new();
        let mut stems = HashMap::new();
        let (mut prefix, mut prefix_ci, mut any_prefix) =
            (Trie::default(), Trie::default(), Trie::default());
        let (mut patterns, mut blind, mut regex_ids) = (Vec::new(), Vec::new(), Vec::new());
        for (i, e) in entries.iter().enumerate() {
            let id = i as u32;
            let lower = e.name.to_ascii_lowercase();
            match e.kind {
                PatternKind::Exact => {
                    if e.case_insensitive {
                        exact_ci.entry(lower.as_str().into()).or_default().push(id);
                    } else {
                        exact.entry(e.name.as_str().into()).or_default().push(id);
                    }
                    any_exact.entry(lower.into_boxed_str()).or_insert(id);
                }
                PatternKind::Prefix => {
                    if e.case_insensitive {
                        prefix_ci.insert(lower.as_bytes(), id);
                    } else {
                        prefix.insert(e.name.as_bytes(), id);
                    }
                    any_prefix.insert(lower.as_bytes(), id);
                    let stem = lower.trim_end_matches(SEPARATORS);
                    if !stem.is_empty() && stem.len() < lower.len() {
                        stems.entry(stem.into()).or_insert(id);
                    }
                }
                PatternKind::Regex => {
                    patterns.push(e.anchored_regex());
                    blind.push(format!("(?i)^(?:{})$", e.name));
                    regex_ids.push(id);
                }
            }
        }
        let set = |p: &[String]| {
            RegexSet::new(p).map_err(|e| KnowledgeError::RegexSet {
                message: e.to_string(),
            })
        };
        Ok(Index {
            exact,
            exact_ci,
            prefix,
            prefix_ci,
            regex: set(&patterns)?,
            regex_ids,
            any_exact,
            any_prefix,
            stems,
            any_regex: set(&blind)?,
        })
    }

    /// Calls `f(entry_id, 0)` for every exact entry matching `name`.
    pub(crate) fn exact(&self, name: &str, f: &mut dyn FnMut(u32, usize)) {
        if let Some(ids) = self.exact.get(name) {
            ids.iter().for_each(|&id| f(id, 0));
        }
        if !self.exact_ci.is_empty() {
            let hit = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                self.exact_ci.get(name.to_ascii_lowercase().as_str())
            } else {
                self.exact_ci.get(name)
            };
            if let Some(ids) = hit {
                ids.iter().for_each(|&id| f(id, 0));
            }
        }
    }

    /// Calls `f(entry_id, prefix_len)` for every prefix entry matching `name`.
    pub(crate) fn prefixes(&self, name: &str, f: &mut dyn FnMut(u32, usize)) {
        let mut each = |len: usize, ids: &[u32]| ids.iter().for_each(|&id| f(id, len));
        self.prefix.walk(name.as_bytes(), false, &mut each);
        self.prefix_ci.walk(name.as_bytes(), true, &mut each);
    }

    /// Calls `f(entry_id, 0)` for every regex entry matching `name`.
    pub(crate) fn regexes(&self, name: &str, f: &mut dyn FnMut(u32, usize)) {
        if self.regex_ids.is_empty() || !self.regex.is_match(name) {
            return;
        }
        for k in self.regex.matches(name).iter() {
            f(self.regex_ids[k], 0);
        }
    }

    /// Known ignoring case: exact, prefix, prefix minus separator, or regex. A trailing `*`
    /// ("_pk_id.*") is ignored.
    pub(crate) fn is_known(&self, name: &str) -> bool {
        let name = name.trim().trim_end_matches('*');
        if name.is_empty() {
            return false;
        }
        let lower = name.to_ascii_lowercase();
        if self.any_exact.contains_key(lower.as_str()) || self.stems.contains_key(lower.as_str()) {
            return true;
        }
        let mut hit = false;
        self.any_prefix
            .walk(lower.as_bytes(), false, |_, _| hit = true);
        hit || self.any_regex.is_match(name)
    }

    /// A whole name the database knows (ignoring case): an exact entry, or a prefix entry's
    /// stem (`_pk_id`). Not names that are merely the start of a prefix family.
    pub(crate) fn is_complete(&self, name: &str) -> bool {
        let lower = name.trim().trim_end_matches('*').to_ascii_lowercase();
        !lower.is_empty()
            && (self.any_exact.contains_key(lower.as_str())
                || self.stems.contains_key(lower.as_str()))
    }

    /// The database's spelling of `name` (ignoring case), for exact entries, prefix entries
    /// (the prefix respelled, the rest kept) and prefix stems. `None` for unknown names and
    /// names known only through a regex.
    pub(crate) fn canonical(&self, entries: &[Entry], name: &str) -> Option<String> {
        let name = name.trim();
        if self.exact.contains_key(name) {
            return Some(name.to_string());
        }
        let lower = name.to_ascii_lowercase();
        if let Some(&id) = self.any_exact.get(lower.as_str()) {
            return Some(entries[id as usize].name.clone());
        }
        if let Some(&id) = self.stems.get(lower.as_str()) {
            let p = &entries[id as usize].name;
            return Some(p.trim_end_matches(SEPARATORS).to_string());
        }
        let mut best: Option<(usize, u32)> = None;
        self.any_prefix.walk(lower.as_bytes(), false, |len, ids| {
            best = Some((len, ids[0]))
        });
        // `len` is a byte length of the lower-cased name; ASCII folding keeps byte offsets.
        best.map(|(len, id)| {
            format!(
                "{}{}",
                entries[id as usize].name,
                name.get(len..).unwrap_or("")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trie_reports_every_prefix_shortest_first() {
        let mut t = Trie::default();
        t.insert(b"_pk_", 0);
        t.insert(b"_pk_id.", 1);
        t.insert(b"_pk_ses.", 2);
        t.insert(b"_pk_id.", 3);
        let mut seen = Vec::new();
        t.walk(b"_pk_id.1.abc", false, |len, ids| {
            seen.push((len, ids.to_vec()))
        });
        assert_eq!(seen, vec![(4, vec![0]), (7, vec![1, 3])]);
        seen.clear();
        t.walk(b"_PK_ID.1", true, |len, ids| seen.push((len, ids.to_vec())));
        assert_eq!(seen.len(), 2);
        seen.clear();
        t.walk(b"_p", false, |len, ids| seen.push((len, ids.to_vec())));
        assert!(seen.is_empty());
        Trie::default().walk(b"x", false, |_, _| panic!("empty trie"));
    }
}
