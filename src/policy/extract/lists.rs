//! Declarations written as lists rather than tables: definition lists (a name alone on
//! its line, its description below, "`_ga` – 2 years" heading its paragraph) and lists
//! of names (one per line or bullet, as web-to-text leaves a `<ul>` of names, sometimes
//! with the next word glued on).

use super::labels::{duration_in, is_lifetime};
use super::names::{split_names, strong_shape, Found};
use super::shape::{camel, name_like};
use super::text::is_bullet;
use super::{Block, Ctx, Declared, Layout, Origin, Sink};
use crate::policy::declared::{DeclaredCookie, SourceRef};
use crate::policy::headers::header_role;

/// Blocks that may sit between two terms of one definition list (descriptions, a
/// lifetime line).
const MAX_GAP: usize = 4;
/// Characters of a description kept as the purpose.
const MAX_PURPOSE: usize = 400;

/// A term: the names it gives, whether their shape alone makes them names, a lifetime
/// written beside them, and the description that follows.
struct Term {
    names: String,
    strong: bool,
    lifetime: Option<String>,
    purpose: Option<String>,
    line: usize,
    ctx: Option<Ctx>,
}

/// Declarations written as lists; `ctxs` is the heading context at each block.
pub fn list_declarations(blocks: &[Block], ctxs: &[Option<Ctx>], sink: &mut Sink) -> Vec<Declared> {
    let mut out = Vec::new();
    let mut run: Vec<Term> = Vec::new();
    let mut gap = 0;
    let mut bullets = Bullets::default();
    for (k, (block, ctx)) in blocks.iter().zip(ctxs).enumerate() {
        let next = blocks.get(k + 1);
        let term = match block {
            Block::Heading { level, text, line } => {
                (*level >= 7).then(|| term(text, "", *line, next)).flatten()
            }
            Block::Para { text, line } => {
                let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
                name_lines(text, *line, ctx.as_ref(), sink, &mut out);
                bullet_name(text, *line, &mut bullets, ctx.as_ref(), sink, &mut out);
                term(first, rest, *line, next)
            }
            Block::Table(_) => None,
        };
        match term {
            Some(mut t) => {
                t.ctx = ctx.clone();
                run.push(t);
                gap = 0;
            }
            None => {
                // Bullets under a term are its description.
                let bullet = matches!(block, Block::Para { text, .. } if is_bullet(text.trim()));
                gap += usize::from(!bullet);
                let ends = gap > MAX_GAP
                    || matches!(block, Block::Table(_))
                    || matches!(block, Block::Heading { level, .. } if *level <= 6);
                if ends {
                    finish_run(&mut run, sink, &mut out);
                }
            }
        }
    }
    finish_run(&mut run, sink, &mut out);
    out
}

/// `Session_id.sig` alone, or "`_Ga` – 2 years" opening a paragraph, followed by a
/// description.
fn term(first: &str, rest: &str, line: usize, next: Option<&Block>) -> Option<Term> {
    let t = first.trim().trim_end_matches(':').trim();
    let (names, lifetime) = match t.split_once(' ') {
        None => (t, None),
        // "_Ga – 2 years": a dash, then nothing but the lifetime.
        Some((n, after)) => {
            let after = after.trim_start();
            let rest = after.trim_start_matches(['–', '-', '—', ':']).trim();
            if rest.len() == after.len()
                || !is_lifetime(rest)
                || !rest.starts_with(|c: char| c.is_ascii_digit() || c.is_alphabetic())
            {
                return None;
            }
            if duration_in(rest).is_some_and(|d| d.len() + 12 < rest.len()) {
                return None;
            }
            (n, Some(rest.to_string()))
        }
    };
    let described = !rest.trim().is_empty()
        || matches!(next, Some(Block::Para { text, .. }) if text.split_whitespace().count() >= 4);
    if !described || names.is_empty() {
        return None;
    }
    let strong = name_like(names);
    let weak = names.chars().count() >= 6
        && names.chars().all(char::is_alphabetic)
        && header_role(names).is_none()
        && !names.to_lowercase().ends_with("cookies");
    if !strong && !weak {
        return None;
    }
    let purpose = if rest.trim().is_empty() {
        match next {
            Some(Block::Para { text, .. }) => Some(flat(text)),
            _ => None,
        }
    } else {
        Some(flat(rest))
    };
    Some(Term {
        names: names.to_string(),
        strong,
        lifetime,
        purpose,
        line,
        ctx: None,
    })
}

/// A run of terms is a definition list when it has two terms or more and at least one
/// is shaped like a cookie name: a lone "Epcookieconsent" could be any word.
fn finish_run(run: &mut Vec<Term>, sink: &mut Sink, out: &mut Vec<Declared>) {
    let terms = std::mem::take(run);
    if terms.len() < 2 || !terms.iter().any(|t| t.strong) {
        return;
    }
    for t in terms {
        let found = split_names(&t.names, sink.oracle);
        for f in found {
            let mut c = cookie(f, t.line, t.ctx.as_ref(), sink);
            c.purpose = t.purpose.clone();
            c.lifetime = t.lifetime.clone();
            out.push(Declared {
                cookie: c,
                origin: Origin::Formal(Layout::DefinitionList),
                why: "a name alone on its line, its description below, among other such names"
                    .to_string(),
            });
        }
    }
}

/// A paragraph where three lines or more hold a name and nothing else is a list of names;
/// every name-shaped word in it is declared, glued ones split.
fn name_lines(
    text: &str,
    line0: usize,
    ctx: Option<&Ctx>,
    sink: &mut Sink,
    out: &mut Vec<Declared>,
) {
    let oracle = sink.oracle;
    // A title in capitals ("SECAFI") stands alone on its line too.
    fn listed<'l>(l: &'l str, oracle: &dyn crate::policy::oracle::NameOracle) -> Option<&'l str> {
        single_name(l).filter(|n| oracle.is_known(n) || !n.chars().all(|c| c.is_ascii_uppercase()))
    }
    let alone = text.lines().filter(|l| listed(l, oracle).is_some()).count();
    if alone < 3 {
        return;
    }
    for (k, l) in text.lines().enumerate() {
        let only = listed(l, oracle).is_some();
        if !only && l.trim().chars().all(|c| !c.is_ascii_lowercase()) {
            continue;
        }
        for f in split_names(l, sink.oracle) {
            if only || strong_shape(&f.name) && (f.known || f.repair.is_some()) {
                out.push(Declared {
                    cookie: cookie(f, line0 + k, ctx, sink),
                    origin: Origin::Formal(Layout::NameList),
                    why: if only {
                        format!("alone on its line, one of {alone} such lines")
                    } else {
                        format!("glued into a line of a list of {alone} names, one per line")
                    },
                });
            }
        }
    }
}

/// Bullets holding one name each: two such bullets in a row make a list.
#[derive(Default)]
struct Bullets {
    held: Vec<(String, usize)>,
    open: bool,
}

fn bullet_name(
    text: &str,
    line: usize,
    bullets: &mut Bullets,
    ctx: Option<&Ctx>,
    sink: &mut Sink,
    out: &mut Vec<Declared>,
) {
    let t = text.trim();
    let item = (is_bullet(t) && !t.contains('\n'))
        .then(|| single_name(t))
        .flatten();
    let Some(n) = item else {
        *bullets = Bullets::default();
        return;
    };
    bullets.held.push((n.to_string(), line));
    if bullets.held.len() < 2 && !bullets.open {
        return;
    }
    bullets.open = true;
    for (n, at) in bullets.held.drain(..) {
        for f in split_names(&n, sink.oracle) {
            out.push(Declared {
                cookie: cookie(f, at, ctx, sink),
                origin: Origin::Formal(Layout::NameList),
                why:
                    "a bullet that holds a cookie name and nothing else, in a list of such bullets"
                        .to_string(),
            });
        }
    }
}

/// The name a line holds alone (list marks, a glued comma and "et"/"and" aside).
fn single_name(l: &str) -> Option<&str> {
    let t = l
        .trim()
        .trim_start_matches(['-', '•', '*', '·', '–', '▪', '◦', ',', ';'])
        .trim();
    let t = ["et ", "and ", "und ", "y ", "e ", "en ", "ou ", "or "]
        .iter()
        .find_map(|w| t.strip_prefix(w))
        .unwrap_or(t)
        .trim_end_matches([',', ';', '.']);
    (!t.is_empty()
        && !t.contains(char::is_whitespace)
        && (name_like(t) || camel(t) || strong_shape(t)))
    .then_some(t)
}

fn cookie(f: Found, line: usize, ctx: Option<&Ctx>, sink: &mut Sink) -> DeclaredCookie {
    if let Some((written, how)) = &f.repair {
        sink.repair(written, &f.name, line, how);
    }
    let mut c = DeclaredCookie::new(f.name, f.kind);
    if let Some(ctx) = ctx {
        c.category = Some(ctx.category);
        c.category_label = Some(ctx.label.clone());
    }
    c.source = Some(SourceRef {
        file: sink.origin.to_string(),
        line,
    });
    c
}

fn flat(s: &str) -> String {
    let f: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match f.char_indices().nth(MAX_PURPOSE) {
        Some((i, _)) => format!("{}…", &f[..i]),
        None => f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::extract::text::blocks;
    use crate::policy::oracle::ListOracle;

    fn read(text: &str) -> Vec<(String, Layout)> {
        let oracle = ListOracle::new(["_ga", "_gid"], ["_pk_id."]);
        let mut sink = Sink::new("t.txt", &oracle);
        let b = blocks(text);
        let ctxs = vec![None; b.len()];
        list_declarations(&b, &ctxs, &mut sink)
            .into_iter()
            .map(|d| {
                let Origin::Formal(l) = d.origin else {
                    panic!("lists are declarations")
                };
                (d.cookie.name, l)
            })
            .collect()
    }

    #[test]
    fn definition_terms_need_a_name_shaped_neighbour() {
        let got = read("sess_state\n\nKeeps you signed in between pages.\n\nBasketcookie\n\nHolds the basket until you pay.\n");
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sess_state", "Basketcookie"]);
        // Words alone on their lines, none shaped like a name: headings, not terms.
        assert!(read(
            "Overview\n\nWhat we do with data.\n\nContacts\n\nWho to write to about it.\n"
        )
        .is_empty());
    }

    #[test]
    fn bullets_of_single_names_and_lines_of_names() {
        let got = read("- cookielawinfo-checkbox-analytics\n- cookielawinfo-checkbox-others\n");
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|(_, l)| *l == Layout::NameList));
        let got = read("They start with:\n_pk_id\n_pk_ses\n,_pk_ref\nand more.\n");
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["_pk_id", "_pk_ses", "_pk_ref"]);
        assert!(read("- Analytics\n- Marketing\n").is_empty());
    }
}
