//! Cookie names in running text: "We use the `_ga` cookie (Google Analytics) to…",
//! "Analytics cookies: _ga, _gid and _gat."

use super::labels::{category_in_heading, category_of_cell, lifetime_in, looks_like_provider};
use super::names::{strong_shape, Found};
use super::repair::{is_host, join_names};
use super::sentence::{floor, sentences, what_sentence_says, Said};
use super::words::{tokens, Tok};
use super::{Ctx, Declared, Layout, Origin, Sink};
use crate::knowledge::Category;
use crate::policy::declared::{classify_name, DeclMatch, DeclaredCookie, SourceRef};

/// Names read from running text in one document; a real policy mentions a few hundred at
/// most, and the cap keeps pathological input (megabytes of `a_b a_b …`) to seconds.
const MAX_PROSE_NAMES: usize = 20_000;
const MAX_RUN: usize = 48;
/// How far back the start of a name's line is looked for.
const LINE_REACH: usize = 200;
/// Words that, right before a word, say it is a cookie name.
const NAMING: &[&str] = &["named", "called", "nommé", "appelé", "intitulé"];
const CUE_BEFORE: &[&str] = &["cookie", "cookies", "traceur"];
const CUE_AFTER: &[&str] = &["cookie", "cookies", "traceur"];
const FILE_EXT: &[&str] = &[
    ".pdf", ".html", ".htm", ".php", ".js", ".css", ".png", ".jpg", ".svg", ".json", ".xml", ".txt",
];

/// A paragraph and where its lines start, to give each name its line.
struct Place<'t> {
    text: &'t str,
    newlines: &'t [usize],
    line0: usize,
    /// Sentence spans in order, and what each sentence says, worked out once per sentence.
    sentences: Vec<(usize, usize)>,
    said: Vec<Option<Said>>,
}

/// Declarations found in one paragraph of prose.
pub fn mentions(text: &str, line0: usize, ctx: Option<&Ctx>, sink: &mut Sink) -> Vec<Declared> {
    let toks = tokens(text);
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let sentences = sentences(text);
    let said = vec![None; sentences.len()];
    let mut at = Place {
        text,
        newlines: &newlines,
        line0,
        sentences,
        said,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if sink.prose_names >= MAX_PROSE_NAMES {
            sink.warn(at.line0, format!("more than {MAX_PROSE_NAMES} cookie names in running text; the rest of the text was not read"));
            break;
        }
        // A run of name-like tokens near an underscore may be one name split by spaces.
        // Runs are cut at MAX_RUN tokens: a split name has a handful of pieces, and the
        // cut keeps the name cap effective on text that is all name-like words.
        let mut j = i;
        while j < toks.len() && toks[j].namey && j - i < MAX_RUN {
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
                if let Some(c) = consider(
                    &mut at,
                    &toks,
                    span,
                    &g.name,
                    repair,
                    Some(g.known),
                    ctx,
                    sink,
                ) {
                    out.push(c);
                }
            }
        } else {
            for k in i..j {
                if let Some(c) =
                    consider(&mut at, &toks, (k, k), toks[k].core, None, None, ctx, sink)
                {
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
    at: &mut Place,
    toks: &[Tok],
    span: (usize, usize),
    name: &str,
    joined_from: Option<&str>,
    known: Option<bool>,
    ctx: Option<&Ctx>,
    sink: &mut Sink,
) -> Option<Declared> {
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
    sink.prose_names += 1;
    // Code formatting or quotes mark a name as deliberately written; a plain word is only
    // mentioned.
    // As written: "consent" is a word even where the database spells a cookie `CONSENT`.
    let plain = name.starts_with(char::is_alphabetic)
        && name
            .chars()
            .skip(1)
            .all(|c| c.is_alphabetic() && c.is_lowercase());
    let strong = toks[first].code || (toks[first].quoted && !plain);
    let (cookie, listed) = declare(at, start, end, found, line, ctx, sink);
    Some(match listed {
        Some(label) => Declared {
            cookie,
            origin: Origin::Formal(Layout::NameList),
            why: format!("listed after '{label}:'"),
        },
        None => Declared {
            cookie,
            origin: Origin::Prose { strong, plain },
            why: if strong {
                "named in running text, in code formatting or quotes".to_string()
            } else {
                "mentioned in running text".to_string()
            },
        },
    })
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
        } else if (allcaps && oracle.canonical(name).as_deref() == Some(name))
            || ((tok.quoted || (cue_after && !plain_word) || is_cue(prev, CUE_BEFORE))
                && oracle.is_known(name))
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

impl Place<'_> {
    /// What the sentence holding `start..end` says, worked out on first use, and where
    /// that sentence ends.
    fn sentence(&mut self, start: usize, end: usize) -> Option<(&Said, usize)> {
        let text = self.text;
        let k = self
            .sentences
            .partition_point(|&(_, e)| e <= start)
            .min(self.sentences.len().saturating_sub(1));
        let (_, s1) = self.sentences.get(k).copied().unwrap_or((start, end));
        let raw = self.sentences.get(k).map_or("", |&(a, b)| &text[a..b]);
        let said = self.said.get_mut(k)?;
        Some((said.get_or_insert_with(|| what_sentence_says(raw)), s1))
    }
}

fn declare(
    at: &mut Place,
    start: usize,
    end: usize,
    found: Found,
    line: usize,
    ctx: Option<&Ctx>,
    sink: &mut Sink,
) -> (DeclaredCookie, Option<String>) {
    let text = at.text;
    let Some((said, s1)) = at.sentence(start, end) else {
        return (DeclaredCookie::new(found.name, found.kind), None);
    };
    let listed = listed_under(text, start);
    // Only a label or a heading gives a category: words elsewhere in the sentence are a
    // guess ("consent" in a sentence about analytics), and the database does better.
    let (category, label) = match &listed {
        Some((c, l)) => (Some(*c), Some(l.clone())),
        None => match ctx {
            Some(c) => (Some(c.category), Some(c.label.clone())),
            None => (None, None),
        },
    };
    let (provider, domains) = provider_and_domains(text, end, said);
    if let Some((written, how)) = &found.repair {
        sink.repair(written, &found.name, line, how);
    }
    sink.check_lookalike(&found.name, found.known, line);
    let cookie = DeclaredCookie {
        name: found.name,
        match_kind: found.kind,
        category,
        category_label: label,
        provider,
        domains,
        // "sets _pk_ses for 30 minutes and _pk_id for 13 months": the words after the
        // name first.
        // (A part of the sentence states a lifetime only if the sentence does.)
        lifetime: said
            .lifetime
            .as_ref()
            .and_then(|_| lifetime_in(&text[end..s1.max(end)]))
            .or_else(|| said.lifetime.clone()),
        purpose: Some(said.flat.clone()),
        purposes: Default::default(),
        source: Some(SourceRef {
            file: sink.origin.to_string(),
            line,
        }),
    };
    (cookie, listed.map(|(_, l)| l))
}

/// "Analytics cookies: _ga, _gid" names the category before the colon of its line: that
/// category and its label.
fn listed_under(text: &str, start: usize) -> Option<(Category, String)> {
    let line_text = text[floor(text, start.saturating_sub(LINE_REACH))..start]
        .rsplit('\n')
        .next()
        .unwrap_or("");
    let lead = line_text
        .split_once(':')
        .map(|(l, _)| l.trim_start_matches(['-', '*', '•', ' ']))
        .filter(|l| l.len() <= 60);
    lead.and_then(|l| {
        category_of_cell(l)
            .or_else(|| category_in_heading(l))
            .map(|c| (c, l.trim().to_string()))
    })
}

/// The provider and hosts of a name ending at `end`: what the parentheses right after it
/// say ("the _ga cookie (Google Analytics)"), then what its sentence says.
fn provider_and_domains(text: &str, end: usize, said: &Said) -> (Option<String>, Vec<String>) {
    let mut provider = None;
    let mut domains: Vec<String> = Vec::new();
    let after = &text[end..floor(text, (end + 120).min(text.len()))];
    let after = after.trim_start();
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
    let provider = provider.or_else(|| said.provider.clone());
    for h in said.domains.iter().cloned() {
        if !domains.contains(&h) {
            domains.push(h);
        }
    }
    (provider, domains)
}
