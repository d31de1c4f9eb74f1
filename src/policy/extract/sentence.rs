//! Sentences of a paragraph and what each says about the names in it (provider, hosts,
//! lifetime), worked out once per sentence.

use super::labels::{lifetime_in, looks_like_provider};
use super::repair::hosts_in_prose;

/// Longest sentence, in bytes; run-on text is cut at the next space after it.
const MAX_SENTENCE: usize = 600;

/// What a sentence tells about the names in it.
#[derive(Clone)]
pub struct Said {
    pub flat: String,
    pub lifetime: Option<String>,
    pub provider: Option<String>,
    pub domains: Vec<String>,
}

pub fn what_sentence_says(raw: &str) -> Said {
    let flat = flat(raw);
    let domains = hosts_in_prose(raw);
    Said {
        provider: by_provider(&flat),
        domains,
        lifetime: lifetime_in(&flat),
        flat,
    }
}

/// "set by Google", "déposé par Hotjar".
fn by_provider(sentence: &str) -> Option<String> {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let at = words.windows(2).position(|w| {
        matches!(
            w[0].to_lowercase().as_str(),
            "set" | "placed" | "provided" | "served" | "déposé" | "déposés" | "fourni" | "fournis"
        ) && matches!(w[1], "by" | "par")
    })?;
    let name: Vec<&str> = words[at + 2..]
        .iter()
        .take(3)
        .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(|w| w.trim_end_matches(['.', ',', ';', ':', ')']))
        .collect();
    let name = name.join(" ");
    looks_like_provider(&name).then_some(name)
}

/// Sentence spans covering the paragraph: they end after `.`, `!` or `?` followed by a
/// space, before a bullet, or (run-on text) at a space past `MAX_SENTENCE` bytes.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        let cut = if c.is_whitespace() {
            matches!(prev, '.' | '!' | '?')
                || (c == '\n'
                    && text[i + 1..]
                        .trim_start_matches([' ', '\t'])
                        .starts_with(['-', '*', '•']))
                || i - start > MAX_SENTENCE
        } else {
            false
        };
        if cut && i > start {
            out.push((start, i));
            start = i;
        }
        prev = c;
    }
    if start < text.len() || out.is_empty() {
        out.push((start, text.len()));
    }
    out
}

pub fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn flat(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches(['-', '*', '•', ' '])
        .to_string()
}
