//! Words of running text, with what prose reading needs to know about each: inside code
//! formatting or quotes, followed by punctuation, shaped like a name.

const STOP: &[&str] = &[
    "and", "or", "et", "ou", "und", "the", "le", "la", "les", "de", "des", "du", "a", "an", "we",
    "use", "cookie", "cookies",
];

pub struct Tok<'t> {
    pub start: usize,
    pub end: usize,
    pub core: &'t str,
    pub code: bool,
    pub quoted: bool,
    /// Punctuation after the token ends a run of name fragments.
    pub stop_after: bool,
    pub namey: bool,
}

pub fn tokens(text: &str) -> Vec<Tok<'_>> {
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
