//! The scan used when a script does not parse: token patterns for the
//! common writes, with names from string concatenations and from
//! `var NAME = "..."` constants. Less sure than the parsed walk.

use std::collections::HashMap;

use super::evidence::{Api, Method};
use super::lexical::{Lexer, Tok};
use super::model::{ScriptCookieAttrs, StorageKind};
use super::names::{is_helper_name, STORAGE_METHODS};
use super::raw::{Collected, PendingCall, RawWrite, Target};
use super::token_expr::{literal_text, Scan};
use super::value::{Sym, Value};

const DOC_CONFIDENCE: f32 = 0.6;
const OTHER_CONFIDENCE: f32 = 0.5;

pub(crate) fn scan(src: &str) -> Collected {
    let mut lx = Lexer::new(src);
    let mut toks = Vec::new();
    let mut texts = Vec::new();
    while let Some(t) = lx.next() {
        texts.push(lx.text(&t));
        toks.push(t);
    }
    let mut s = Scan {
        toks,
        texts,
        consts: HashMap::new(),
        out: Collected::default(),
    };
    for i in 0..s.toks.len() {
        s.at_token(i);
    }
    s.out
}

impl<'s> Scan<'s> {
    fn end_of(&self, next: usize) -> u32 {
        self.toks.get(next.saturating_sub(1)).map_or(0, |t| t.end)
    }

    fn raw(&mut self, i: usize, next: usize, api: Api, confidence: f32, target: Target) {
        let (start, end) = (self.toks[i].start, self.end_of(next));
        self.out.raws.push(RawWrite {
            start,
            end,
            api,
            confidence,
            target,
            via: None,
            method: Method::LexicalFallback,
        });
    }

    fn at_token(&mut self, i: usize) {
        let Some(name) = self.ident(i) else { return };
        match name {
            "var" | "let" | "const" => {
                if let (Some(n), true) = (self.ident(i + 1), self.p(i + 2, "=")) {
                    let (v, _) = self.concat(i + 3);
                    let slot = self.consts.entry(n).or_insert_with(|| v.clone());
                    if *slot != v {
                        *slot = Sym::unknown();
                    }
                }
            }
            "document" => {
                let rhs = if self.p(i + 1, ".")
                    && self.is(i + 2, Tok::Ident, "cookie")
                    && (self.p(i + 3, "=") || self.p(i + 3, "+="))
                {
                    i + 4
                } else if self.p(i + 1, "[")
                    && self.toks.get(i + 2).is_some_and(|t| {
                        t.kind == Tok::Str && literal_text(Tok::Str, self.texts[i + 2]) == "cookie"
                    })
                    && self.p(i + 3, "]")
                    && self.p(i + 4, "=")
                {
                    i + 5
                } else {
                    return;
                };
                let (s, next) = self.concat(rhs);
                self.raw(
                    i,
                    next,
                    Api::DocumentCookie,
                    DOC_CONFIDENCE,
                    Target::CookieString(s),
                );
            }
            "Cookies" | "cookies" | "Cookie"
                if self.p(i + 1, ".")
                    && self.is(i + 2, Tok::Ident, "set")
                    && self.p(i + 3, "(") =>
            {
                let (s, next) = self.concat(i + 4);
                self.raw(
                    i,
                    next,
                    Api::JsCookie,
                    OTHER_CONFIDENCE,
                    Target::Cookie {
                        name: s,
                        attrs: ScriptCookieAttrs::default(),
                    },
                );
            }
            "$" | "jQuery"
                if self.p(i + 1, ".")
                    && self.is(i + 2, Tok::Ident, "cookie")
                    && self.p(i + 3, "(") =>
            {
                let (s, next) = self.concat(i + 4);
                if self.p(next, ",") && !self.is(next + 1, Tok::Ident, "null") {
                    self.raw(
                        i,
                        next,
                        Api::JqueryCookie,
                        OTHER_CONFIDENCE,
                        Target::Cookie {
                            name: s,
                            attrs: ScriptCookieAttrs::default(),
                        },
                    );
                }
            }
            "cookieStore"
                if self.p(i + 1, ".")
                    && self.is(i + 2, Tok::Ident, "set")
                    && self.p(i + 3, "(") =>
            {
                let (s, next) = if self.p(i + 4, "{") {
                    let end = self.skip_group(i + 4);
                    match (i + 5..end).find(|&j| {
                        (self.is(j, Tok::Ident, "name")
                            || self.is(j, Tok::Str, "\"name\"")
                            || self.is(j, Tok::Str, "'name'"))
                            && self.p(j + 1, ":")
                    }) {
                        Some(j) => (self.concat(j + 2).0, end),
                        None => (Sym::unknown(), end),
                    }
                } else {
                    self.concat(i + 4)
                };
                self.raw(
                    i,
                    next,
                    Api::CookieStore,
                    OTHER_CONFIDENCE,
                    Target::Cookie {
                        name: s,
                        attrs: ScriptCookieAttrs::default(),
                    },
                );
            }
            "localStorage" | "sessionStorage" => {
                let kind = if name == "localStorage" {
                    StorageKind::Local
                } else {
                    StorageKind::Session
                };
                let (key, next) = if self.p(i + 1, ".")
                    && self.is(i + 2, Tok::Ident, "setItem")
                    && self.p(i + 3, "(")
                {
                    self.concat(i + 4)
                } else if self.p(i + 1, "[") {
                    let (k, next) = self.concat(i + 2);
                    if !(self.p(next, "]") && self.p(next + 1, "=")) {
                        return;
                    }
                    (k, next + 2)
                } else if let (true, Some(p), true) =
                    (self.p(i + 1, "."), self.ident(i + 2), self.p(i + 3, "="))
                {
                    if STORAGE_METHODS.contains(&p) {
                        return;
                    }
                    (Sym::lit(p), i + 4)
                } else {
                    return;
                };
                self.raw(
                    i,
                    next,
                    kind.api(),
                    OTHER_CONFIDENCE,
                    Target::Storage { kind, key },
                );
            }
            n if is_helper_name(n)
                && self.p(i + 1, "(")
                && !(i > 0 && self.is(i - 1, Tok::Ident, "function")) =>
            {
                let after = self.skip_group(i + 1);
                if self.p(after, "{") {
                    return; // a method definition, not a call
                }
                let (s, _) = self.concat(i + 2);
                let (start, end) = (self.toks[i].start, self.end_of(after));
                let call = PendingCall {
                    func: None,
                    name: n.to_string(),
                    helper_like: true,
                    args: vec![Value::Str(s)],
                    start,
                    end,
                    method: Method::LexicalFallback,
                };
                self.out.calls.push(call);
            }
            _ => {}
        }
    }
}
