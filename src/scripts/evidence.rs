//! Where a finding was seen, how it was found and how much to trust it.

use serde::{Deserialize, Serialize};

/// How a finding was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Found by walking the syntax tree of a script that parsed.
    ParsedWrite,
    /// Implied by a known vendor's URL or code marker (data/signatures.toml).
    Signature,
    /// Found by the token scan used when the script could not be parsed.
    LexicalFallback,
    /// Caught at run time in a real browser (`--browser`), located by the caller's stack.
    Observed,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::ParsedWrite => "parsed write",
            Method::Signature => "signature",
            Method::LexicalFallback => "lexical scan",
            Method::Observed => "observed in a browser",
        }
    }
}

/// Which browser API (or library wrapping it) writes the cookie or storage entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Api {
    #[serde(rename = "document.cookie")]
    DocumentCookie,
    #[serde(rename = "js-cookie")]
    JsCookie,
    #[serde(rename = "jquery-cookie")]
    JqueryCookie,
    /// A `setCookie(name, value, days)`-style helper, or a local function
    /// whose body writes `document.cookie`.
    #[serde(rename = "helper")]
    Helper,
    #[serde(rename = "cookie-store")]
    CookieStore,
    #[serde(rename = "local-storage")]
    LocalStorage,
    #[serde(rename = "session-storage")]
    SessionStorage,
    #[serde(rename = "indexeddb")]
    IndexedDb,
    /// Signature hits: the vendor's own code sets the cookie, by whatever means.
    #[serde(rename = "vendor-script")]
    VendorScript,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::DocumentCookie => "document.cookie",
            Api::JsCookie => "js-cookie",
            Api::JqueryCookie => "jquery-cookie",
            Api::Helper => "helper",
            Api::CookieStore => "cookie-store",
            Api::LocalStorage => "local-storage",
            Api::SessionStorage => "session-storage",
            Api::IndexedDb => "indexeddb",
            Api::VendorScript => "vendor-script",
        }
    }
}

/// Proof attached to every finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    /// Script URL, or page URL + ` inline #n`; for URL signature hits, the resource URL.
    pub location: String,
    /// 1-based; 0 when the evidence is a URL rather than a place in code.
    pub line: u32,
    /// 1-based, counted in Unicode scalar values; 0 like `line`.
    pub column: u32,
    /// At most [`SNIPPET_MAX`] chars, one line, starting at the write.
    pub snippet: String,
    pub method: Method,
    pub api: Api,
    /// 0.0–1.0.
    pub confidence: f32,
    /// Extra context, e.g. which local helper the call goes through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub const SNIPPET_MAX: usize = 120;

/// One line of source starting at `start`, whitespace runs collapsed, cut to
/// [`SNIPPET_MAX`] chars. `end` bounds it so a snippet shows the write itself
/// rather than the code after it.
pub(crate) fn snippet(src: &str, start: usize, end: usize) -> String {
    let start = floor_boundary(src, start.min(src.len()));
    let end = floor_boundary(src, end.clamp(start, src.len()));
    let mut out = String::new();
    let mut count = 0usize;
    let mut last_space = true;
    for ch in src[start..end].chars() {
        let ch = if ch.is_whitespace() { ' ' } else { ch };
        if ch == ' ' && last_space {
            continue;
        }
        last_space = ch == ' ';
        if count + 1 >= SNIPPET_MAX {
            out.push('…');
            return out;
        }
        out.push(ch);
        count += 1;
    }
    out.trim_end().to_string()
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based (line, column) of each byte offset, in one sweep over the source:
/// a 5 MB one-line bundle with many findings must not be rescanned per finding.
/// Line terminators are JavaScript's: LF, CR, CRLF, U+2028, U+2029.
pub(crate) fn positions(src: &str, offsets: &[u32]) -> Vec<(u32, u32)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut out = vec![(0, 0); offsets.len()];
    let b = src.as_bytes();
    let (mut line, mut col, mut pos) = (1u32, 1u32, 0usize);
    for i in order {
        let target = (offsets[i] as usize).min(b.len());
        while pos < target {
            match b[pos] {
                b'\r' if b.get(pos + 1) == Some(&b'\n') => col += 1,
                b'\n' | b'\r' => {
                    line += 1;
                    col = 1;
                }
                // U+2028 / U+2029 (E2 80 A8 / E2 80 A9): counted at their last byte.
                0xA8 | 0xA9 if pos >= 2 && b[pos - 2] == 0xE2 && b[pos - 1] == 0x80 => {
                    line += 1;
                    col = 1;
                }
                // UTF-8 continuation bytes do not start a character.
                c if c & 0xC0 == 0x80 => {}
                _ => col += 1,
            }
            pos += 1;
        }
        out[i] = (line, col);
    }
    out
}
