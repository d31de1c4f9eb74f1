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

    /// The guards stay in this match, not in the steps, so that a token
    /// failing one pattern's guard still reaches the later patterns.
    fn at_token(&mut self, i: usize) {
        let Some(name) = self.ident(i) else { return };
        match name {
            "var" | "let" | "const" => self.declaration(i),
            "document" => self.document_cookie(i),
            "Cookies" | "cookies" | "Cookie" if self.member_call(i, "set") => self.js_cookie_set(i),
            "$" | "jQuery" if self.member_call(i, "cookie") => self.jquery_cookie(i),
            "cookieStore" if self.member_call(i, "set") => self.cookie_store_set(i),
            "localStorage" | "sessionStorage" => self.storage_write(i, name),
            n if is_helper_name(n)
                && self.p(i + 1, "(")
                && !(i > 0 && self.is(i - 1, Tok::Ident, "function")) =>
            {
                self.helper_call(i, n)
            }
            _ => {}
        }
    }

    /// `OBJ.method(` starting at token `i`.
    fn member_call(&self, i: usize, method: &str) -> bool {
        self.p(i + 1, ".") && self.is(i + 2, Tok::Ident, method) && self.p(i + 3, "(")
    }

    fn cookie_write(&mut self, i: usize, next: usize, api: Api, name: Sym) {
        self.raw(
            i,
            next,
            api,
            OTHER_CONFIDENCE,
            Target::Cookie {
                name,
                attrs: ScriptCookieAttrs::default(),
            },
        );
    }

    /// `var NAME = ...`: a name given two different values is not a
    /// constant any more, so later uses of it read as unknown.
    fn declaration(&mut self, i: usize) {
        if let (Some(n), true) = (self.ident(i + 1), self.p(i + 2, "=")) {
            let (v, _) = self.concat(i + 3);
            let slot = self.consts.entry(n).or_insert_with(|| v.clone());
            if *slot != v {
                *slot = Sym::unknown();
            }
        }
    }

    /// `document.cookie = ...`, `+=`, or `document["cookie"] = ...`.
    fn document_cookie(&mut self, i: usize) {
        let Some(rhs) = self.document_cookie_rhs(i) else {
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

    fn document_cookie_rhs(&self, i: usize) -> Option<usize> {
        if self.p(i + 1, ".")
            && self.is(i + 2, Tok::Ident, "cookie")
            && (self.p(i + 3, "=") || self.p(i + 3, "+="))
        {
            Some(i + 4)
        } else if self.p(i + 1, "[")
            && self.toks.get(i + 2).is_some_and(|t| {
                t.kind == Tok::Str && literal_text(Tok::Str, self.texts[i + 2]) == "cookie"
            })
            && self.p(i + 3, "]")
            && self.p(i + 4, "=")
        {
            Some(i + 5)
        } else {
            None
        }
    }

    fn js_cookie_set(&mut self, i: usize) {
        let (s, next) = self.concat(i + 4);
        self.cookie_write(i, next, Api::JsCookie, s);
    }

    /// `$.cookie(name)` alone is a read, and `$.cookie(name, null)` a delete.
    fn jquery_cookie(&mut self, i: usize) {
        let (s, next) = self.concat(i + 4);
        if self.p(next, ",") && !self.is(next + 1, Tok::Ident, "null") {
            self.cookie_write(i, next, Api::JqueryCookie, s);
        }
    }

    /// `cookieStore.set(name, value)` or `cookieStore.set({ name: ... })`.
    fn cookie_store_set(&mut self, i: usize) {
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
        self.cookie_write(i, next, Api::CookieStore, s);
    }

    fn storage_write(&mut self, i: usize, name: &str) {
        let kind = if name == "localStorage" {
            StorageKind::Local
        } else {
            StorageKind::Session
        };
        let Some((key, next)) = self.storage_key(i) else {
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

    /// The key of `setItem(key, ...)`, `[key] = ...` or `.key = ...`; a
    /// property that is one of the storage methods is not a key.
    fn storage_key(&self, i: usize) -> Option<(Sym, usize)> {
        if self.member_call(i, "setItem") {
            Some(self.concat(i + 4))
        } else if self.p(i + 1, "[") {
            let (k, next) = self.concat(i + 2);
            if !(self.p(next, "]") && self.p(next + 1, "=")) {
                return None;
            }
            Some((k, next + 2))
        } else if let (true, Some(p), true) =
            (self.p(i + 1, "."), self.ident(i + 2), self.p(i + 3, "="))
        {
            if STORAGE_METHODS.contains(&p) {
                return None;
            }
            Some((Sym::lit(p), i + 4))
        } else {
            None
        }
    }

    /// Kept as a pending call: whether it writes a cookie is settled once the
    /// helpers' bodies are known.
    fn helper_call(&mut self, i: usize, n: &str) {
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
}
