//! Cookie names in running text: "We use the `_ga` cookie (Google Analytics) to…",
//! "Analytics cookies: _ga, _gid and _gat."

use super::labels::{
    category_in_heading, category_in_sentence, category_of_cell, lifetime_in, looks_like_provider,
};
use super::names::{strong_shape, Found};
use super::repair::{is_host, join_hosts, join_names};
use super::{Ctx, Sink};
use crate::knowledge::Category;
use crate::policy::declared::{classify_name, DeclMatch, DeclaredCookie, SourceRef};

/// Characters of context kept on each side when looking for a name's sentence.
const SENTENCE_REACH: usize = 400;
/// Words that, right before a word, say it is a cookie name.
const NAMING: &[&str] = &["named", "called", "nommé", "appelé", "intitulé"];
const CUE_BEFORE: &[&str] = &["cookie", "cookies", "traceur"];
const CUE_AFTER: &[&str] = &["cookie", "cookies", "traceur"];
const STOP: &[&str] = &[
    "and", "or", "et", "ou", "und", "the", "le", "la", "les", "de", "des", "du", "a", "an", "we",
    "use", "cookie", "cookies",
];
const FILE_EXT: &[&str] = &[
    ".pdf", ".html", ".htm", ".php", ".js", ".css", ".png", ".jpg", ".svg", ".json", ".xml", ".txt",
];

struct Tok<'t> {
    start: usize,
    end: usize,
    core: &'t str,
    code: bool,
    quoted: bool,
    /// Punctuation after the token ends a run of name fragments.
    stop_after: bool,
    namey: bool,
}

/// A paragraph and where its lines start, to give each name its line.
struct Place<'t> {
    text: &'t str,
    newlines: &'t [usize],
    line0: usize,
}

/// Declarations found in one paragraph of prose.
pub fn mentions(
    text: &str,
    line0: usize,
    ctx: Option<&Ctx>,
    sink: &mut Sink,
) -> Vec<DeclaredCookie> {
    let toks = tokens(text);
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let at = Place {
        text,
        newlines: &newlines,
        line0,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // A run of name-like tokens near an underscore may be one name split by spaces.
        let mut j = i;
        while j < toks.len() && toks[j].namey {
            j += 1;
            if toks[j - 1].stop_after {
                break;
            }
        }
        if j == i {
            i += 1;
            continue;
        }
        let run = &toks[i..j];
        if run.iter().any(|t| t.core.contains('_')) {
            let cores: Vec<&str> = run.iter().map(|t| t.core).collect();
            let mut k = i;
            for g in join_names(&cores, sink.oracle) {
                let width = g.written.split(' ').count();
                let span = (k, k + width - 1);
                k += width;
                let repair = (g.written != g.name).then_some(g.written.as_str());
                if let Some(c) =
                    consider(&at, &toks, span, &g.name, repair, Some(g.known), ctx, sink)
                {
                    out.push(c);
                }
            }
        } else {
            for k in i..j {
                if let Some(c) = consider(&at, &toks, (k, k), toks[k].core, None, None, ctx, sink) {
                    out.push(c);
                }
            }
        }
        i = j;
    }
    out
}

/// The declaration for tokens `span` (inclusive) read as `name`, when they are one.
#[allow(clippy::too_many_arguments)]
fn consider(
    at: &Place,
    toks: &[Tok],
    span: (usize, usize),
    name: &str,
    joined_from: Option<&str>,
    known: Option<bool>,
    ctx: Option<&Ctx>,
    sink: &mut Sink,
) -> Option<DeclaredCookie> {
    let (first, last) = span;
    let prev = first.checked_sub(1).map(|p| toks[p].core);
    let next = toks.get(last + 1).map(|t| t.core);
    let known = accept(name, known, &toks[first], prev, next, sink)?;
    let (start, end) = (toks[first].start, toks[last].end);
    let mut found = Found {
        name: name.to_string(),
        kind: DeclMatch::Exact,
        known,
        repair: None,
    };
    if let Some(written) = joined_from {
        found.repair = Some((
            written.to_string(),
            "joined fragments split by stray spaces into a known name",
        ));
    }
    if let Some(c) = sink
        .oracle
        .canonical(name)
        .filter(|c| c != name && c.eq_ignore_ascii_case(name))
    {
        let written = found.repair.take().map_or(name.to_string(), |r| r.0);
        found.repair = Some((written, "took the name database's spelling"));
        found.name = c;
    }
    let (n, kind) = classify_name(&found.name);
    found.name = n;
    found.kind = kind;
    let line = at.line0 + at.newlines.partition_point(|&p| p < start);
    Some(declare(at.text, start, end, found, line, ctx, sink))
}

fn tokens(text: &str) -> Vec<Tok<'_>> {
    let base = text.as_ptr() as usize;
    let mut in_code = false;
    let mut out = Vec::new();
    for raw in text.split_whitespace() {
        let start = raw.as_ptr() as usize - base;
        let opens = raw.starts_with('`');
        let code = in_code || opens;
        if opens && !(raw.len() > 1 && raw.ends_with('`')) {
            in_code = true;
        }
        if in_code && raw.ends_with('`') && (raw.len() > 1 || !opens) {
            in_code = false;
        }
        let quoted = raw.starts_with(['"', '\'', '‘', '“', '«']);
        let url = raw.contains("://") || raw.starts_with("www.") || raw.contains('@');
        // `*emphasis*` and `**bold**` go, the wildcard of `_pk_id.*` stays.
        let core = raw.trim_matches('`');
        let core = match core.strip_prefix('*') {
            Some(c) => c
                .trim_start_matches('*')
                .trim_end_matches(['*', '.', ',', ';', ':']),
            None => core,
        };
        let core = core
            .trim_start_matches(['"', '\'', '‘', '“', '«', '(', '['])
            .trim_end_matches([
                '.', ',', ':', ';', '"', '\'', '’', '”', '»', ')', ']', '!', '?', '`',
            ]);
        let stop_after = raw.ends_with([',', ';', '.', ':', ')', '!', '?', '`']) || url;
        let namey = !url
            && !core.is_empty()
            && core.len() <= 128
            && core.bytes().any(|b| b.is_ascii_alphanumeric())
            && core
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.*$<>{}[]#".contains(&b))
            && !(core.len() <= 7 && STOP.iter().any(|s| s.eq_ignore_ascii_case(core)));
        out.push(Tok {
            start,
            end: start + raw.len(),
            core,
            code,
            quoted,
            stop_after,
            namey,
        });
    }
    strip_emphasis(text, &mut out);
    out
}

/// Markdown `_emphasised words_` would read as names `_Last` and `2025_`: drop the
/// underscores of such a pair (on one line, a few words apart, outside code).
fn strip_emphasis(text: &str, toks: &mut [Tok]) {
    let single = |s: &str, lead: bool| {
        if lead {
            s.starts_with('_') && !s.starts_with("__") && !s[1..].contains('_')
        } else {
            s.ends_with('_') && !s.ends_with("__") && !s[..s.len() - 1].contains('_')
        }
    };
    let mut i = 0;
    while i < toks.len() {
        if toks[i].code || !single(toks[i].core, true) {
            i += 1;
            continue;
        }
        let close = (i + 1..toks.len().min(i + 12))
            .take_while(|&j| !text[toks[i].end..toks[j].start].contains('\n'))
            .find(|&j| single(toks[j].core, false) && !toks[j].code);
        if let Some(j) = close {
            toks[i].core = &toks[i].core[1..];
            toks[j].core = &toks[j].core[..toks[j].core.len() - 1];
            i = j + 1;
        } else {
            i += 1;
        }
    }
}

/// Whether a word in prose is a declared cookie name; `Some(known)` when it is.
fn accept(
    name: &str,
    known: Option<bool>,
    tok: &Tok,
    prev: Option<&str>,
    next: Option<&str>,
    sink: &Sink,
) -> Option<bool> {
    let is_cue = |w: Option<&str>, list: &[&str]| {
        w.is_some_and(|w| list.iter().any(|c| c.eq_ignore_ascii_case(w)))
    };
    let oracle = sink.oracle;
    let known = || known.unwrap_or_else(|| oracle.is_known(name));
    let known = if strong_shape(name) || tok.code {
        known()
    } else {
        let allcaps = name.len() >= 2
            && name.bytes().any(|b| b.is_ascii_uppercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        // "session", "Necessary": ordinary words need more than a neighbouring "cookies".
        let plain_word = name.chars().skip(1).all(|c| c.is_ascii_lowercase());
        let cue_after = is_cue(next, CUE_AFTER);
        if is_cue(prev, NAMING) && (tok.quoted || known()) {
            known()
        } else if allcaps && oracle.canonical(name).as_deref() == Some(name) {
            true
        } else if (tok.quoted || (cue_after && !plain_word) || is_cue(prev, CUE_BEFORE))
            && oracle.is_known(name)
        {
            true
        } else {
            return None;
        }
    };
    // `_emphasis_` in Markdown.
    let inner = name.strip_prefix('_').and_then(|n| n.strip_suffix('_'));
    if !known && inner.is_some_and(|i| !i.is_empty() && i.chars().all(char::is_alphabetic)) {
        return None;
    }
    let lower = name.to_lowercase();
    if FILE_EXT.iter().any(|e| lower.ends_with(e)) || (lower.contains('.') && is_host(&lower)) {
        return None;
    }
    (known || Category::from_label(name).is_none()).then_some(known)
}

fn declare(
    text: &str,
    start: usize,
    end: usize,
    found: Found,
    line: usize,
    ctx: Option<&Ctx>,
    sink: &mut Sink,
) -> DeclaredCookie {
    let (s0, s1) = sentence(text, start, end);
    let sent = flat(&text[s0..s1]);
    let line_text = text[..start].rsplit('\n').next().unwrap_or("");
    let lead = line_text
        .split_once(':')
        .map(|(l, _)| l.trim_start_matches(['-', '*', '•', ' ']))
        .filter(|l| l.len() <= 60);
    let (category, label) = match lead.and_then(|l| {
        category_of_cell(l)
            .or_else(|| category_in_heading(l))
            .map(|c| (c, l))
    }) {
        Some((c, l)) => (Some(c), Some(l.trim().to_string())),
        None => match ctx {
            Some(c) => (Some(c.category), Some(c.label.clone())),
            None => match category_in_sentence(&sent) {
                Some((c, l)) => (Some(c), Some(l)),
                None => (None, None),
            },
        },
    };
    let mut provider = None;
    let mut domains: Vec<String> = Vec::new();
    let after = text[end..].trim_start();
    // "the _ga cookie (Google Analytics)"
    let after = ["cookies", "cookie"]
        .iter()
        .find_map(|w| after.strip_prefix(w))
        .map_or(after, str::trim_start);
    if let Some(inner) = after
        .strip_prefix('(')
        .and_then(|a| a.split_once(')'))
        .map(|(i, _)| i.trim())
        .filter(|i| i.len() <= 60)
    {
        if is_host(&inner.to_lowercase()) {
            domains.push(inner.to_lowercase());
        } else if looks_like_provider(inner) {
            provider = Some(inner.to_string());
        }
    }
    if provider.is_none() {
        provider = by_provider(&sent);
    }
    for h in join_hosts(&text[s0..s1]).0 {
        if !domains.contains(&h) && !sent.contains(&format!("://{h}")) {
            domains.push(h);
        }
    }
    if let Some((written, how)) = &found.repair {
        sink.repair(written, &found.name, line, how);
    }
    sink.check_lookalike(&found.name, found.known, line);
    DeclaredCookie {
        name: found.name,
        match_kind: found.kind,
        category,
        category_label: label,
        provider,
        domains,
        purpose: Some(sent.clone()),
        // "sets _pk_ses for 30 minutes and _pk_id for 13 months": the words after the
        // name first.
        lifetime: lifetime_in(&text[end..s1.max(end)]).or_else(|| lifetime_in(&sent)),
        source: Some(SourceRef {
            file: sink.origin.to_string(),
            line,
        }),
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

/// Byte range of the sentence around `start..end`, bounded so long lines stay linear.
fn sentence(text: &str, start: usize, end: usize) -> (usize, usize) {
    let lo = floor(text, start.saturating_sub(SENTENCE_REACH));
    let hi = floor(text, (end + SENTENCE_REACH).min(text.len()));
    let before = &text[lo..start];
    let s0 = ends_at(before).map_or(lo, |i| lo + i);
    let after = &text[end..hi];
    let s1 = after
        .char_indices()
        .find(|&(i, c)| {
            (matches!(c, '.' | '!' | '?')
                && after[i + c.len_utf8()..].starts_with(char::is_whitespace))
                || (c == '\n' && after[i + 1..].trim_start().starts_with(['-', '*', '•']))
        })
        .map_or(hi, |(i, c)| end + i + c.len_utf8());
    (s0, s1)
}

fn ends_at(before: &str) -> Option<usize> {
    before
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            (matches!(c, '.' | '!' | '?')
                && before[i + c.len_utf8()..].starts_with(char::is_whitespace))
                || (c == '\n' && before[i + 1..].trim_start().starts_with(['-', '*', '•']))
        })
        .map(|(i, c)| i + c.len_utf8())
}

fn floor(text: &str, mut i: usize) -> usize {
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
