//! Cookie values are secrets: without `--include-values` a HAR carries none, in the headers,
//! the `cookies` arrays, or echoed in a body or another header (a page that prints its
//! session id).

use aho_corasick::AhoCorasick;

use super::export::value_hints;
use super::model::Cookie;
use crate::cookies::parse_set_cookie;
use crate::observe::Exchange;

/// What replaces a value.
pub const REDACTED: &str = "[redacted]";

/// Values shorter than this are not searched for in bodies: `1` or `yes` would wreck the
/// text and give nothing away.
const MIN_ECHOED: usize = 6;

pub struct Redactor {
    keep: bool,
    echoed: Option<AhoCorasick>,
}

impl Redactor {
    /// Learns every cookie value the exchanges sent or received, to find them echoed.
    pub fn new(exchanges: &[Exchange], include_values: bool) -> Redactor {
        if include_values {
            return Redactor {
                keep: true,
                echoed: None,
            };
        }
        let mut values: Vec<String> = Vec::new();
        for e in exchanges {
            for h in e.request_header("cookie") {
                values.extend(h.split(';').map(|p| {
                    let p = p.trim();
                    p.split_once('=').map_or(p, |(_, v)| v).trim().to_owned()
                }));
            }
            for line in e.response_header("set-cookie") {
                if let Ok(c) = parse_set_cookie(line) {
                    values.push(c.value);
                }
            }
        }
        values.retain(|v| v.len() >= MIN_ECHOED);
        values.sort();
        values.dedup();
        // Longest first, so a value containing another is replaced whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        let echoed = (!values.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&values)
                    .ok()
            })
            .flatten();
        Redactor {
            keep: false,
            echoed,
        }
    }

    /// A `cookies` array element: the value, or the placeholder and the value's hints.
    pub fn cookie(&self, name: &str, value: &str, mut attrs: Cookie) -> Cookie {
        attrs.name = name.to_owned();
        if self.keep {
            attrs.value = value.to_owned();
        } else {
            attrs.value = REDACTED.to_owned();
            value_hints(value, &mut attrs);
        }
        attrs
    }

    pub fn header(&self, name: &str, value: &str) -> String {
        if self.keep {
            return value.to_owned();
        }
        if name.eq_ignore_ascii_case("cookie") {
            value
                .split(';')
                .map(|p| match p.split_once('=') {
                    Some((n, _)) => format!("{}={REDACTED}", n.trim()),
                    None if p.trim().is_empty() => String::new(),
                    None => REDACTED.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        } else if name.eq_ignore_ascii_case("set-cookie") {
            set_cookie_line(value)
        } else if name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("proxy-authorization")
        {
            REDACTED.to_owned()
        } else {
            self.body(value)
        }
    }

    /// A body (or any text) with every known cookie value replaced.
    pub fn body(&self, text: &str) -> String {
        self.replace(text, REDACTED)
    }

    /// A URL with every known cookie value replaced, percent-encoded so it stays a URL.
    pub fn url(&self, text: &str) -> String {
        self.replace(text, "%5Bredacted%5D")
    }

    fn replace(&self, text: &str, with: &str) -> String {
        match &self.echoed {
            Some(ac) if !self.keep => ac.replace_all(text, &vec![with; ac.patterns_len()]),
            _ => text.to_owned(),
        }
    }
}

/// `name=value; attrs` → `name=[redacted]; attrs`. A nameless cookie (no `=` before the
/// first `;`) is all value.
fn set_cookie_line(line: &str) -> String {
    let (pair, attrs) = match line.split_once(';') {
        Some((p, a)) => (p, Some(a)),
        None => (line, None),
    };
    let pair = match pair.split_once('=') {
        Some((n, _)) => format!("{n}={REDACTED}"),
        None => REDACTED.to_owned(),
    };
    match attrs {
        Some(a) => format!("{pair};{a}"),
        None => pair,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_lines_keep_names_and_attributes_but_no_value() {
        assert_eq!(
            set_cookie_line("sid=s3cr3t; Path=/; HttpOnly"),
            "sid=[redacted]; Path=/; HttpOnly"
        );
        assert_eq!(set_cookie_line("s3cr3t"), REDACTED);
        assert_eq!(set_cookie_line("a=b=c"), "a=[redacted]");
    }

    #[test]
    fn cookie_headers_keep_every_name() {
        let r = Redactor::new(&[], false);
        assert_eq!(
            r.header("Cookie", "a=1; b=two; lone"),
            "a=[redacted]; b=[redacted]; [redacted]"
        );
        assert_eq!(r.header("Authorization", "Bearer x"), REDACTED);
        assert_eq!(r.header("Accept", "*/*"), "*/*");
    }

    #[test]
    fn values_echoed_in_a_body_are_redacted_too() {
        let at = url::Url::parse("http://a.test/").unwrap();
        let e = crate::observe::Exchange {
            group: String::new(),
            page_url: at.clone(),
            resource: crate::observe::ResourceKind::Page,
            started: time::OffsetDateTime::UNIX_EPOCH,
            method: "GET".into(),
            url: at,
            http_version: String::new(),
            request_headers: vec![("Cookie".into(), "sid=abcdef123456; n=1".into())],
            status: Some(200),
            status_text: String::new(),
            response_headers: vec![("Set-Cookie".into(), "tok=zyx987654; Path=/".into())],
            mime_type: String::new(),
            body_size: None,
            body: None,
            redirect_url: None,
            timings: Default::default(),
            error: None,
        };
        let r = Redactor::new(std::slice::from_ref(&e), false);
        assert_eq!(
            r.body("<p>abcdef123456 and zyx987654, n=1</p>"),
            "<p>[redacted] and [redacted], n=1</p>"
        );
        assert_eq!(r.header("X-Echo", "zyx987654"), REDACTED);
        assert_eq!(
            r.url("http://t.test/p?cid=zyx987654"),
            "http://t.test/p?cid=%5Bredacted%5D"
        );
        let keep = Redactor::new(&[e], true);
        assert_eq!(keep.body("abcdef123456"), "abcdef123456");
    }
}
