//! A small JavaScript tokenizer: strings, template literals, comments and
//! regular expressions are told apart from code, so text inside them is
//! never mistaken for a write. Used for the nesting pre-scan that guards
//! the parser (`prescan.rs`) and for the scan of scripts that do not parse
//! (`fallback.rs`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Ident,
    Num,
    Str,
    /// A template literal without substitutions.
    Template,
    /// `` `...${ ``
    TemplateHead,
    /// `}...${`
    TemplateMiddle,
    /// `` }...` ``
    TemplateTail,
    Regex,
    Punct,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
    /// A line terminator separates this token from the previous one.
    pub nl_before: bool,
}

/// After these keywords a `/` starts a regular expression, not a division.
fn regex_after(word: &str) -> bool {
    matches!(
        word,
        "return"
            | "typeof"
            | "case"
            | "do"
            | "else"
            | "in"
            | "of"
            | "new"
            | "delete"
            | "void"
            | "throw"
            | "instanceof"
            | "yield"
            | "await"
    )
}

/// Length of the punctuator at `i` (longest match; unknown bytes count as one).
fn punct_len(b: &[u8], i: usize) -> usize {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match (at(0), at(1), at(2), at(3)) {
        (b'>', b'>', b'>', b'=') => 4,
        (b'.', b'.', b'.', _)
        | (b'=' | b'!', b'=', b'=', _)
        | (b'*', b'*', b'=', _)
        | (b'<', b'<', b'=', _)
        | (b'>', b'>', b'=' | b'>', _)
        | (b'&', b'&', b'=', _)
        | (b'|', b'|', b'=', _)
        | (b'?', b'?', b'=', _) => 3,
        (b'?', b'.', d, _) if !d.is_ascii_digit() => 2,
        (b'=', b'>' | b'=', ..)
        | (b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^', b'=', ..)
        | (b'&', b'&', ..)
        | (b'|', b'|', ..)
        | (b'?', b'?', ..)
        | (b'+', b'+', ..)
        | (b'-', b'-', ..)
        | (b'*', b'*', ..)
        | (b'<', b'<', ..)
        | (b'>', b'>', ..) => 2,
        _ => 1,
    }
}

pub(crate) struct Lexer<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    regex_ok: bool,
    /// One entry per open `{`; `true` when it is a template's `${`.
    braces: Vec<bool>,
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Self {
        Lexer {
            src,
            b: src.as_bytes(),
            pos: 0,
            regex_ok: true,
            braces: Vec::new(),
        }
    }

    pub fn text(&self, t: &Token) -> &'s str {
        self.src.get(t.start as usize..t.end as usize).unwrap_or("")
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn starts(&self, s: &str) -> bool {
        self.b[self.pos..].starts_with(s.as_bytes())
    }

    fn skip_line(&mut self) {
        while self.pos < self.b.len() && !matches!(self.b[self.pos], b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    /// Skips blanks and comments; reports whether a line ended on the way.
    fn skip_trivia(&mut self) -> bool {
        let mut nl = self.pos == 0;
        loop {
            let c = self.at(self.pos);
            match c {
                b'\n' | b'\r' => {
                    nl = true;
                    self.pos += 1;
                }
                b' ' | b'\t' | 0x0b | 0x0c => self.pos += 1,
                0xE2 if self.at(self.pos + 1) == 0x80
                    && matches!(self.at(self.pos + 2), 0xA8 | 0xA9) =>
                {
                    nl = true;
                    self.pos += 3;
                }
                0xC2 if self.at(self.pos + 1) == 0xA0 => self.pos += 2,
                0xEF if self.at(self.pos + 1) == 0xBB && self.at(self.pos + 2) == 0xBF => {
                    self.pos += 3
                }
                b'/' if self.at(self.pos + 1) == b'/' => self.skip_line(),
                b'/' if self.at(self.pos + 1) == b'*' => {
                    let rest = &self.src[self.pos + 2..];
                    let len = rest.find("*/").map_or(rest.len(), |i| i + 2);
                    nl |= rest[..len].contains(['\n', '\r']);
                    self.pos += 2 + len;
                }
                // HTML-like comments, which browsers accept in classic scripts.
                b'<' if self.starts("<!--") => self.skip_line(),
                b'-' if nl && self.starts("-->") => self.skip_line(),
                _ => return nl,
            }
        }
    }

    fn scan_template(&mut self, start: usize, tail: Tok, head: Tok) -> Token {
        loop {
            match self.at(self.pos) {
                0 if self.pos >= self.b.len() => break,
                b'\\' => self.pos = (self.pos + 2).min(self.b.len()),
                b'`' => {
                    self.pos += 1;
                    self.regex_ok = false;
                    return self.tok(tail, start);
                }
                b'$' if self.at(self.pos + 1) == b'{' => {
                    self.pos += 2;
                    self.braces.push(true);
                    self.regex_ok = true;
                    return self.tok(head, start);
                }
                _ => self.pos += 1,
            }
        }
        self.tok(tail, start)
    }

    fn tok(&self, kind: Tok, start: usize) -> Token {
        Token {
            kind,
            start: start as u32,
            end: self.pos as u32,
            nl_before: false,
        }
    }

    /// `/.../flags` when it is a well-formed regular expression on one line.
    fn scan_regex(&mut self) -> bool {
        let mut i = self.pos + 1;
        let mut class = false;
        loop {
            match self.at(i) {
                0 if i >= self.b.len() => return false,
                b'\n' | b'\r' => return false,
                b'\\' => i += 1,
                b'[' => class = true,
                b']' => class = false,
                b'/' if !class => break,
                _ => {}
            }
            i += 1;
        }
        i += 1;
        while is_id_part(self.at(i)) {
            i += 1;
        }
        self.pos = i;
        true
    }
}

fn is_id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c == b'\\' || c >= 0x80
}

fn is_id_part(c: u8) -> bool {
    is_id_start(c) || c.is_ascii_digit()
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let nl = self.skip_trivia();
        if self.pos >= self.b.len() {
            return None;
        }
        let start = self.pos;
        let c = self.b[start];
        let mut t = if is_id_start(c) {
            while is_id_part(self.at(self.pos)) {
                self.pos += 1;
            }
            self.regex_ok = regex_after(self.src.get(start..self.pos).unwrap_or(""));
            self.tok(Tok::Ident, start)
        } else if c.is_ascii_digit() || (c == b'.' && self.at(start + 1).is_ascii_digit()) {
            while {
                let d = self.at(self.pos);
                d.is_ascii_alphanumeric()
                    || d == b'_'
                    || d == b'.'
                    || (matches!(d, b'+' | b'-') && matches!(self.at(self.pos - 1), b'e' | b'E'))
            } {
                self.pos += 1;
            }
            self.regex_ok = false;
            self.tok(Tok::Num, start)
        } else if c == b'"' || c == b'\'' {
            self.pos += 1;
            loop {
                match self.at(self.pos) {
                    0 if self.pos >= self.b.len() => break,
                    b'\\' => self.pos = (self.pos + 2).min(self.b.len()),
                    // An unterminated string ends at the line (HTML served as JS).
                    b'\n' | b'\r' => break,
                    q if q == c => {
                        self.pos += 1;
                        break;
                    }
                    _ => self.pos += 1,
                }
            }
            self.regex_ok = false;
            self.tok(Tok::Str, start)
        } else if c == b'`' {
            self.pos += 1;
            self.scan_template(start, Tok::Template, Tok::TemplateHead)
        } else if c == b'}' && self.braces.last() == Some(&true) {
            self.braces.pop();
            self.pos += 1;
            self.scan_template(start, Tok::TemplateTail, Tok::TemplateMiddle)
        } else if c == b'/' && self.regex_ok && self.scan_regex() {
            self.regex_ok = false;
            self.tok(Tok::Regex, start)
        } else {
            self.pos += punct_len(self.b, start);
            match c {
                b'{' => self.braces.push(false),
                b'}' => {
                    self.braces.pop();
                }
                _ => {}
            }
            self.regex_ok = !matches!(c, b')' | b']')
                && !matches!(self.src.get(start..self.pos), Some("++" | "--"));
            self.tok(Tok::Punct, start)
        };
        t.nl_before = nl;
        Some(t)
    }
}
