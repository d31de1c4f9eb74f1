//! Cookie names out of a table cell: `_pk_ses _pk_id`, `session_id, visitor_uuid`,
//! `pk_id and _pk_ses`, `All cookies starting with _hj`, split names repaired.

use std::sync::OnceLock;

use regex::Regex;

use super::repair::{is_host, join_names, Joined};
use super::shape::{camel, is_non_name};
use crate::knowledge::Category;
use crate::policy::declared::{classify_name, DeclMatch};
use crate::policy::headers::{header_role, Role};
use crate::policy::oracle::NameOracle;

#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub name: String,
    pub kind: DeclMatch,
    pub known: bool,
    /// Set when the name differs from what was written: (written, how).
    pub repair: Option<(String, &'static str)>,
}

const STOP: &[&str] = &[
    "and", "or", "et", "ou", "und", "oder", "y", "o", "e", "en", "the", "le", "la", "les", "de",
    "des", "du", "a", "an", "un", "une", "cookie", "cookies", "traceur", "traceurs", "name",
    "names", "nom", "noms", "etc", "also", "as", "well", "ainsi", "que",
];

/// Strips the inline markup PDF-to-text, Markdown and HTML leave in cells; line breaks
/// (`<br>`, `<p>`) become newlines, which separate names.
pub fn clean_cell(cell: &str) -> String {
    static TAG: OnceLock<Regex> = OnceLock::new();
    static LINK: OnceLock<Regex> = OnceLock::new();
    // Only real tag names: `_ga_<container-id>` is a placeholder, not markup.
    let tag = TAG.get_or_init(|| {
        Regex::new(r"(?i)</?(u|b|i|em|strong|code|span|a|br|p|div|li|ul|ol|sup|sub|mark|small|font|s|tt|kbd)(?:\s[^<>]*)?/?>")
            .expect("tag pattern is valid")
    });
    let link =
        LINK.get_or_init(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("link pattern is valid"));
    let mut s = std::borrow::Cow::Borrowed(cell);
    if s.contains('<') {
        s = tag
            .replace_all(&s, |c: &regex::Captures| {
                let t = c[1].to_ascii_lowercase();
                if matches!(t.as_str(), "br" | "p" | "div" | "li" | "ul" | "ol") {
                    "\n"
                } else {
                    ""
                }
            })
            .into_owned()
            .into();
    }
    if s.contains("](") {
        s = link.replace_all(&s, "$1").into_owned().into();
    }
    if s.contains('&') {
        s = s.replace("&nbsp;", " ").into();
    }
    // One pass: no backticks or `**`, spaces collapsed, line breaks kept (they separate
    // names), blank lines dropped.
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '`' => {}
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
            }
            '\n' => {
                pending_space = false;
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            c if c.is_whitespace() => pending_space = !out.is_empty() && !out.ends_with('\n'),
            c => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
            }
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Whether a token has the shape of a cookie name and not of a word.
pub fn strong_shape(t: &str) -> bool {
    t.contains('_')
        || (t.chars().any(|c| c.is_ascii_digit())
            && t.chars().any(|c| c.is_ascii_alphabetic())
            && !t.contains('.'))
}

fn name_chars(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 128
        && t.chars().any(|c| c.is_ascii_alphanumeric())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.*$:<>{}[]#@!%+~|".contains(c))
}

fn trim_token(t: &str) -> &str {
    let t = t
        .trim_start_matches(['"', '\'', '‘', '“', '«', '(', '[', ','])
        .trim_end_matches(['.', ',', ':', ';', '"', '\'', '’', '”', '»', ')', ']']);
    // `.matomo_sessid`: a sentence's full stop glued to the next name, never part of it
    // (a cookie domain keeps its dots further in).
    match t.strip_prefix('.') {
        Some(r)
            if !r.contains('.')
                && r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') =>
        {
            r
        }
        _ => t,
    }
}

/// `désactivation_pk_hsr`: the part after the last non-ASCII letter of a word glued to a
/// name, for `unglue` to split further.
fn ascii_tail(t: &str) -> &str {
    if t.is_ascii() || !t.contains('_') {
        return t;
    }
    match t.rfind(|c: char| !c.is_ascii()) {
        Some(i) => {
            let rest = &t[i..];
            let skip = rest.chars().next().map_or(0, char::len_utf8);
            &rest[skip..]
        }
        None => t,
    }
}

/// A word or a second name glued to a name by text extraction: `refuser_pk_ref` is
/// "refuser" + `_pk_ref`, `cc_cookiemtm_consent` is `cc_cookie` + `mtm_consent`. Only
/// splits into names the database knows; the word in front is dropped.
pub fn unglue(t: &str, oracle: &dyn NameOracle) -> Option<Vec<String>> {
    // Glued names seen in extracted text all involve an underscore; the check also keeps
    // the split search off ordinary words.
    if t.len() < 6 || t.len() > 128 || !t.contains('_') || oracle.is_known(t) {
        return None;
    }
    for (i, _) in t.char_indices().skip(1) {
        let (a, b) = t.split_at(i);
        if b.len() < 4 || !(oracle.is_complete(b) || (b.starts_with('_') && oracle.is_known(b))) {
            continue;
        }
        if oracle.is_complete(a) {
            return Some(vec![a.to_string(), b.to_string()]);
        }
        if b.starts_with('_') && a.chars().count() >= 3 && a.chars().all(char::is_alphabetic) {
            return Some(vec![b.to_string()]);
        }
    }
    None
}

/// All cookie names a name cell declares, in order.
pub fn split_names(cell: &str, oracle: &dyn NameOracle) -> Vec<Found> {
    split_names_checked(cell, oracle).0
}

/// `split_names`, plus the pieces of the cell that look like one name split by spaces but
/// could not be joined (no known name results): `django_langua ge` without a database.
pub fn split_names_checked(cell: &str, oracle: &dyn NameOracle) -> (Vec<Found>, Vec<String>) {
    let text = starred_placeholders(without_urls(clean_cell(cell)));
    let (mut out, text) = take_prefixes(text, oracle);
    let text = without_parentheses(text);
    let prose = reads_as_prose(&text);
    let mut doubtful = Vec::new();
    for segment in text.split([',', ';', '/', '|', '\n', '&', '+']) {
        let tokens = name_tokens(segment, prose, oracle);
        let groups = join_names(&tokens, oracle);
        if groups.len() >= 2 && groups.iter().any(|g| !g.known && g.name.len() <= 3) {
            doubtful.push(tokens.join(" "));
        }
        for found in unglued(groups, oracle)
            .into_iter()
            .filter_map(|j| found_of(j, oracle))
        {
            if !out
                .iter()
                .any(|f| f.name == found.name && f.kind == found.kind)
            {
                out.push(found);
            }
        }
    }
    (out, doubtful)
}

/// URLs are split on `/` later and would leave "https" behind.
fn without_urls(text: String) -> String {
    if !(text.contains("://") || text.contains("www.")) {
        return text;
    }
    text.lines()
        .map(|l| {
            l.split_whitespace()
                .filter(|w| !w.contains("://") && !w.starts_with("www."))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `_ga_<ID du conteneur>` becomes `_ga_*`: a placeholder with spaces would split into
/// two "names".
fn starred_placeholders(text: String) -> String {
    // The regexes are the slow part in debug builds; most cells need none of them.
    if !text.contains(['<', '{', '[']) {
        return text;
    }
    static HOLDER: OnceLock<Regex> = OnceLock::new();
    let holder = HOLDER.get_or_init(|| {
        Regex::new(r"([A-Za-z0-9_.\-])(?:<[^<>\n]{1,40}>|\{[^{}\n]{1,40}\}|\[[^\[\]\n]{1,40}\])")
            .expect("placeholder pattern is valid")
    });
    holder.replace_all(&text, "$1*").into_owned()
}

/// "All cookies starting with _hj": the prefixes declared in the cell, and the cell
/// without those phrases so their words are not read as names.
fn take_prefixes(text: String, oracle: &dyn NameOracle) -> (Vec<Found>, String) {
    let lower = text.to_lowercase();
    let has_prefix_words = [
        "start", "begin", "prefix", "commen", "débu", "debu", "beginn", "empiez", "inizi",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if !has_prefix_words {
        return (Vec::new(), text);
    }
    static PREFIX: OnceLock<Regex> = OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        Regex::new(r#"(?i)\b(?:starting|beginning|begins|starts|prefixed|commençant|commencant|débutant|debutant|beginnend|empiezan|iniziano)\s+(?:with|by|par|mit|con|por)?\s*["'“‘«]?([A-Za-z0-9_.\-]+)"#)
            .expect("prefix pattern is valid")
    });
    let found = prefix
        .captures_iter(&text)
        .map(|c| c[1].trim_end_matches(['.', ',', ';']).to_string())
        .filter(|stem| name_chars(stem) && !stem.contains('*'))
        .map(|stem| Found {
            known: oracle.is_known(&stem),
            name: stem,
            kind: DeclMatch::Prefix,
            repair: None,
        })
        .collect();
    (found, prefix.replace_all(&text, " ").into_owned())
}

fn without_parentheses(text: String) -> String {
    if !text.contains('(') {
        return text;
    }
    static PAREN: OnceLock<Regex> = OnceLock::new();
    let paren = PAREN.get_or_init(|| Regex::new(r"\([^()]*\)").expect("paren pattern is valid"));
    paren.replace_all(&text, " ").into_owned()
}

/// A sentence in a name cell ("Cookies set by Google, such as _ga"), where only what
/// clearly is a name counts. Judged on the whole cell so a list's last words ("…, so") do
/// not pass for names.
fn reads_as_prose(text: &str) -> bool {
    let plain = text
        .split_whitespace()
        .map(trim_token)
        .filter(|t| !t.is_empty() && t.chars().all(char::is_alphabetic))
        .count();
    plain >= 4
}

/// The tokens of one separated segment that may be (pieces of) names.
fn name_tokens<'s>(segment: &'s str, prose: bool, oracle: &dyn NameOracle) -> Vec<&'s str> {
    segment
        .split_whitespace()
        .map(trim_token)
        .map(ascii_tail)
        .filter(|t| !t.is_empty() && !STOP.contains(&t.to_lowercase().as_str()))
        .filter(|t| name_chars(t))
        .filter(|t| !prose || strong_shape(t) || oracle.is_known(t))
        .collect()
}

/// Joined groups with names glued together by text extraction taken apart; a group that
/// was already repaired or is known stays whole.
fn unglued(groups: Vec<Joined>, oracle: &dyn NameOracle) -> Vec<Joined> {
    let mut out = Vec::new();
    for j in groups {
        let parts = if j.known || j.written != j.name {
            None
        } else {
            unglue(&j.name, oracle)
        };
        match parts {
            Some(parts) => out.extend(parts.into_iter().map(|p| Joined {
                known: true,
                written: j.written.clone(),
                name: p,
            })),
            None => out.push(j),
        }
    }
    out
}

/// The declaration a joined group makes, in the database's spelling, with how it differs
/// from what was written; `None` when it is not a name.
fn found_of(j: Joined, oracle: &dyn NameOracle) -> Option<Found> {
    if !acceptable(&j.name, j.known) {
        return None;
    }
    let mut name = j.name.clone();
    let mut repair = (j.written != j.name).then(|| {
        if j.written.contains(' ') {
            (
                j.written.clone(),
                "joined fragments split by stray spaces into a known name",
            )
        } else {
            (
                j.written.clone(),
                "split a word or a name glued to a known name",
            )
        }
    });
    if let Some(canon) = oracle
        .canonical(&name)
        .filter(|c| c != &name && c.eq_ignore_ascii_case(&name))
    {
        let how = if repair.is_some() {
            "joined fragments and took the name database's spelling"
        } else {
            "took the name database's spelling"
        };
        repair = Some((j.written.clone(), how));
        name = canon;
    }
    let (name, kind) = classify_name(&name);
    Some(Found {
        name,
        kind,
        known: j.known,
        repair,
    })
}

/// Rejects words that sit in name cells but are not names: URLs, e-mail addresses, host
/// names, category words, numbers.
fn acceptable(name: &str, known: bool) -> bool {
    if known {
        return true;
    }
    let lower = name.to_lowercase();
    !(lower.contains("://")
        || lower.starts_with("www.")
        || lower.contains('@')
        || is_host(&lower)
        || name.chars().all(|c| c.is_ascii_digit() || c == '.')
        || (name.starts_with(|c: char| c.is_ascii_digit() || c == 'v' || c == 'V')
            && is_non_name(name))
        || (name.chars().all(|c| c.is_alphabetic() || c == '-')
            && names_a_name_column(&lower)
            && header_role(&name.replace('-', " ")) == Some(Role::Name))
        // `cookielawinfo-checkbox-necessary` is a name even though it ends in a category.
        || (!name.contains('_')
            && name.matches('-').count() < 2
            && Category::from_label(name).is_some()))
}

/// A cheap test before `header_role`: the words a name column's header is made of.
fn names_a_name_column(lower: &str) -> bool {
    [
        "name",
        "nom",
        "naam",
        "cookie",
        "key",
        "identifier",
        "traceur",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// How much a cell looks like a list of cookie names, 0..=1, to find the name column.
pub fn name_score(cell: &str, oracle: &dyn NameOracle) -> f32 {
    if cell.split_whitespace().count() > 10 {
        return 0.0;
    }
    let found = split_names(cell, oracle);
    if found.is_empty() {
        return 0.0;
    }
    let sum: f32 = found
        .iter()
        .map(|f| {
            if f.known {
                1.0
            } else if strong_shape(&f.name) || camel(&f.name) || f.kind != DeclMatch::Exact {
                0.7
            } else if f.name.len() >= 2 && f.name.chars().all(|c| !c.is_ascii_lowercase()) {
                0.4
            } else {
                0.1
            }
        })
        .sum();
    sum / found.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::oracle::ListOracle;

    fn names(cell: &str) -> Vec<String> {
        let o = ListOracle::new(["sessionid", "_hjSession"], ["_pk_id.", "_pk_ses.", "_hj"]);
        split_names(cell, &o).into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn several_names_per_cell() {
        assert_eq!(names("pk_id and _pk_ses"), ["pk_id", "_pk_ses"]);
        assert_eq!(
            names("session_id, visitor_uuid, frontend_lang"),
            ["session_id", "visitor_uuid", "frontend_lang"]
        );
        assert_eq!(names("_ga<br>_gid"), ["_ga", "_gid"]);
        assert_eq!(names("Sessionid"), ["sessionid"]);
        assert_eq!(names("`_ga_<container-id>` (Google)"), ["_ga_"]);
        assert_eq!(names("_ga_<ID du conteneur>"), ["_ga_"]);
        assert_eq!(
            names("All cookies starting with _hj are set by Hotjar"),
            ["_hj"]
        );
        assert_eq!(names("Necessary"), Vec::<String>::new());
        assert_eq!(names("https://example.com www.x.fr"), Vec::<String>::new());
    }
}
