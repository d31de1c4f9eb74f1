//! Token-level reading for the fallback scan: matching brackets, and the
//! value of a string concatenation (`"a" + NAME + `b${x}``) as far as the
//! tokens tell.

use std::collections::HashMap;

use super::lexical::{Tok, Token};
use super::raw::Collected;
use super::value::{Part, Sym};

/// Tokens skipped looking for a closing bracket before giving up.
const MAX_SKIP: usize = 10_000;

pub(crate) struct Scan<'s> {
    pub toks: Vec<Token>,
    pub texts: Vec<&'s str>,
    /// `var NAME = "..."` constants seen so far.
    pub consts: HashMap<&'s str, Sym>,
    pub out: Collected,
}

/// Text of a string or template piece without its delimiters and escapes.
pub(crate) fn literal_text(kind: Tok, text: &str) -> String {
    let inner = match kind {
        Tok::Str | Tok::Template | Tok::TemplateTail => text.get(1..text.len().saturating_sub(1)),
        Tok::TemplateHead | Tok::TemplateMiddle => text.get(1..text.len().saturating_sub(2)),
        _ => None,
    };
    let mut out = String::new();
    let mut chars = inner.unwrap_or("").chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(c) => out.push(c),
            None => {}
        }
    }
    out
}

impl<'s> Scan<'s> {
    pub(crate) fn is(&self, i: usize, kind: Tok, text: &str) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == kind && self.texts[i] == text)
    }

    pub(crate) fn p(&self, i: usize, text: &str) -> bool {
        self.is(i, Tok::Punct, text)
    }

    pub(crate) fn ident(&self, i: usize) -> Option<&'s str> {
        self.toks
            .get(i)
            .filter(|t| t.kind == Tok::Ident)
            .map(|_| self.texts[i])
    }

    /// Index after the bracket group opening at `i`.
    pub(crate) fn skip_group(&self, i: usize) -> usize {
        let mut depth = 0usize;
        for j in i..self.toks.len().min(i + MAX_SKIP) {
            match (self.toks[j].kind, self.texts[j]) {
                (Tok::Punct, "(" | "[" | "{") | (Tok::TemplateHead, _) => depth += 1,
                (Tok::Punct, ")" | "]" | "}") | (Tok::TemplateTail, _) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
        }
        i + 1
    }

    /// `"a" + NAME + \`b${x}\` + f(y)...`: known text where literal or a known
    /// constant, holes elsewhere. Returns the index after the expression.
    pub(crate) fn concat(&self, mut i: usize) -> (Sym, usize) {
        let mut s = Sym::default();
        for _ in 0..64 {
            let Some(t) = self.toks.get(i) else { break };
            match t.kind {
                Tok::Str | Tok::Template | Tok::Num => {
                    s.push(Part::Lit(if t.kind == Tok::Num {
                        self.texts[i].to_string()
                    } else {
                        literal_text(t.kind, self.texts[i])
                    }));
                    i += 1;
                }
                Tok::TemplateHead => {
                    s.push(Part::Lit(literal_text(t.kind, self.texts[i])));
                    let mut depth = 1;
                    i += 1;
                    while let Some(t) = self.toks.get(i) {
                        match t.kind {
                            Tok::TemplateHead => depth += 1,
                            Tok::TemplateMiddle if depth == 1 => {
                                s.push(Part::Unknown);
                                s.push(Part::Lit(literal_text(t.kind, self.texts[i])));
                            }
                            Tok::TemplateTail => {
                                depth -= 1;
                                if depth == 0 {
                                    s.push(Part::Unknown);
                                    s.push(Part::Lit(literal_text(t.kind, self.texts[i])));
                                    i += 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                }
                Tok::Ident => {
                    let known = self.consts.get(self.texts[i]).cloned();
                    i += 1;
                    let mut plain = true;
                    loop {
                        if self.p(i, ".") && self.ident(i + 1).is_some() {
                            i += 2;
                        } else if self.p(i, "(") || self.p(i, "[") {
                            i = self.skip_group(i);
                        } else {
                            break;
                        }
                        plain = false;
                    }
                    s.append(known.filter(|_| plain).unwrap_or_else(Sym::unknown));
                }
                Tok::Punct if self.texts[i] == "(" => {
                    i = self.skip_group(i);
                    s.push(Part::Unknown);
                }
                _ => break,
            }
            if !self.p(i, "+") {
                break;
            }
            i += 1;
        }
        (s, i)
    }
}
