//! What an HTML page links to and loads (scraper). Pure: bytes in, URLs out.

//! What an HTML page links to and loads. Pure: text in, URLs out.
//!
//! A single forward scan over the bytes, not a DOM: a crawl needs only start tags, a few
//! attributes and inline script text. The scan follows the HTML tokenizer where it matters
//! for links (comments, raw-text elements such as `<script>` and `<textarea>`, quoted and
//! unquoted attributes, character references, first of duplicate attributes) and never
//! recurses or backtracks, so hostile markup costs linear time. Measured on the crawl
//! benchmark's pages it is several times faster than html5ever's tokenizer (see README).

use url::Url;

use crate::observe::ResourceKind;
use crate::scripts::{Element, Gate, Gating};

/// Links to follow, resources to fetch, and inline scripts, in document order.
#[derive(Debug, Default, PartialEq)]
pub struct PageContent {
    pub links: Vec<Url>,
    pub iframes: Vec<Url>,
    pub resources: Vec<(Url, ResourceKind)>,
    pub inline_scripts: Vec<String>,
    /// Links past the cap given to [`extract_with`], not read.
    pub links_dropped: usize,
    /// Inline scripts a consent manager holds back: (index in `inline_scripts`, gate).
    pub inline_gates: Vec<(usize, Gate)>,
    /// Scripts and iframes a consent manager holds back, with the URL they load once released.
    pub gates: Vec<(Url, Gate)>,
}

/// What the scan found, before URLs are resolved against `<base href>`.
#[derive(Default)]
struct Found {
    base: Option<String>,
    links: Vec<String>,
    max_links: usize,
    links_dropped: usize,
    iframes: Vec<String>,
    resources: Vec<(String, ResourceKind)>,
    inline_scripts: Vec<String>,
    inline_gates: Vec<(usize, Gate)>,
    gates: Vec<(String, Gate)>,
}

/// `class` and `data-*` attributes kept per script or iframe: consent managers use one or
/// two, and a hostile tag with thousands must not cost quadratic time.
const MAX_EXTRA: usize = 16;

/// The attributes the crawl reads; others are skipped without allocating.
#[derive(Default)]
struct Attrs {
    href: Option<String>,
    src: Option<String>,
    rel: Option<String>,
    kind: Option<String>,
    data: Option<String>,
    poster: Option<String>,
    /// Scripts and iframes only: `class` and `data-*` attributes, which consent managers
    /// use to hold them back (`data/consent_gating.toml`).
    extra: Vec<(String, String)>,
}

impl Attrs {
    fn slot(&mut self, name: &[u8]) -> Option<&mut Option<String>> {
        let slot = match name {
            n if n.eq_ignore_ascii_case(b"href") => &mut self.href,
            n if n.eq_ignore_ascii_case(b"src") => &mut self.src,
            n if n.eq_ignore_ascii_case(b"rel") => &mut self.rel,
            n if n.eq_ignore_ascii_case(b"type") => &mut self.kind,
            n if n.eq_ignore_ascii_case(b"data") => &mut self.data,
            n if n.eq_ignore_ascii_case(b"poster") => &mut self.poster,
            _ => return None,
        };
        // The first of duplicate attributes wins, as in browsers.
        slot.is_none().then_some(slot)
    }
}

/// Reads `html` fetched from `page_url`. Invalid markup is read as far as it makes sense.
pub fn extract(html: &str, page_url: &Url) -> PageContent {
    extract_with(html, page_url, None, usize::MAX)
}

/// [`extract`], skipping links `memo` has already seen in the same context from a page ranked
/// no later than this one (they were offered to the frontier before; resolving them again
/// would only find a duplicate), and reading at most `max_links` links (the first ones, in
/// document order).
pub fn extract_with(
    html: &str,
    page_url: &Url,
    memo: Option<(&super::memo::LinkMemo, u32)>,
    max_links: usize,
) -> PageContent {
    let found = scan(html, max_links);
    let base = found
        .base
        .as_deref()
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let resolve = |raw: &String| -> Option<Url> {
        let u = base.join(raw.trim()).ok()?;
        matches!(u.scheme(), "http" | "https").then_some(u)
    };
    let links: Vec<&String> = match memo {
        Some((m, rank)) => m.fresh(&base, &found.links, rank),
        None => found.links.iter().collect(),
    };
    PageContent {
        links: links.into_iter().filter_map(resolve).collect(),
        iframes: found.iframes.iter().filter_map(resolve).collect(),
        resources: found
            .resources
            .iter()
            .filter_map(|(u, k)| resolve(u).map(|u| (u, *k)))
            .collect(),
        inline_scripts: found.inline_scripts,
        links_dropped: found.links_dropped,
        inline_gates: found.inline_gates,
        gates: found
            .gates
            .into_iter()
            .filter_map(|(u, g)| resolve(&u).map(|u| (u, g)))
            .collect(),
    }
}

fn scan(html: &str, max_links: usize) -> Found {
    let b = html.as_bytes();
    let mut f = Found {
        max_links,
        ..Found::default()
    };
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        i += lt + 1;
        let rest = &b[i..];
        if rest.starts_with(b"!--") {
            i = html[i + 3..].find("-->").map_or(b.len(), |e| i + 3 + e + 3);
            continue;
        }
        if rest
            .first()
            .is_some_and(|c| matches!(c, b'!' | b'?' | b'/'))
        {
            i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            continue;
        }
        let name_len = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !rest[0].is_ascii_alphabetic() {
            continue;
        }
        let name = html[i..i + name_len].to_ascii_lowercase();
        let gateable = matches!(name.as_str(), "script" | "iframe");
        let (attrs, end) = attributes(html, i + name_len, gateable);
        i = end;
        if let Some(raw_end) = f.start_tag(&name, attrs, html, i) {
            i = raw_end;
        }
        if name == "plaintext" {
            break;
        }
    }
    f
}

/// Reads attributes from `i` to the end of the tag; returns them and the index after `>`.
fn attributes(html: &str, mut i: usize, keep_extra: bool) -> (Attrs, usize) {
    let b = html.as_bytes();
    let mut attrs = Attrs::default();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, b.len());
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        // An attribute name may start with any character but space, '/' or '>' (even `=`).
        i += html[i..].chars().next().map_or(1, char::len_utf8);
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &b[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let (value, next) = match b.get(i) {
            Some(q @ (b'"' | b'\'')) => {
                let close = html[i + 1..]
                    .find(*q as char)
                    .map_or(b.len(), |e| i + 1 + e);
                (&html[i + 1..close], (close + 1).min(b.len()))
            }
            _ => {
                let end = html[i..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(b.len(), |e| i + e);
                (&html[i..end], end)
            }
        };
        i = next;
        if let Some(slot) = attrs.slot(name) {
            *slot = Some(decode_references(value));
        } else if keep_extra && attrs.extra.len() < MAX_EXTRA && is_gating_attribute(name) {
            let name = String::from_utf8_lossy(name).to_ascii_lowercase();
            if !attrs.extra.iter().any(|(n, _)| *n == name) {
                attrs.extra.push((name, decode_references(value)));
            }
        }
    }
}

impl Found {
    /// Records one start tag. For raw-text elements returns where their text ends, so the
    /// scan does not read `<a>` inside a script or a textarea as a link.
    fn start_tag(&mut self, name: &str, a: Attrs, html: &str, at: usize) -> Option<usize> {
        let mut resource = |value: Option<String>, kind| {
            if let Some(v) = value {
                self.resources.push((v, kind));
            }
        };
        match name {
            "a" | "area" if self.links.len() < self.max_links => self.links.extend(a.href),
            "a" | "area" => self.links_dropped += usize::from(a.href.is_some()),
            "base" if self.base.is_none() => self.base = a.href,
            "img" => resource(a.src, ResourceKind::Image),
            "input"
                if a.kind
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("image")) =>
            {
                resource(a.src, ResourceKind::Image)
            }
            "video" | "audio" | "source" | "track" => {
                resource(a.src, ResourceKind::Media);
                resource(a.poster, ResourceKind::Media);
            }
            "embed" => resource(a.src, ResourceKind::Other),
            "object" => resource(a.data, ResourceKind::Other),
            "link" => {
                let rel = a.rel.unwrap_or_default().to_ascii_lowercase();
                let has = |w: &str| rel.split_ascii_whitespace().any(|r| r == w);
                let kind = if has("stylesheet") {
                    Some(ResourceKind::Stylesheet)
                } else if has("icon") {
                    Some(ResourceKind::Image)
                } else if has("preload") || has("modulepreload") {
                    Some(ResourceKind::Other)
                } else {
                    None
                };
                if let Some(k) = kind {
                    resource(a.href, k);
                }
            }
            "iframe" | "frame" => {
                match element_gate(name, &a) {
                    Some((gate, Some(url))) => {
                        self.iframes.push(url.clone());
                        self.gates.push((url, gate));
                    }
                    _ => self.iframes.extend(a.src),
                }
                return Some(raw_text_end(html, at, name).1);
            }
            "script" => {
                let gated = element_gate(name, &a);
                let inline = a.src.is_none() && is_javascript(a.kind.as_deref().unwrap_or(""));
                let (text_end, after) = raw_text_end(html, at, name);
                let code = &html[at.min(text_end)..text_end];
                match gated {
                    Some((gate, Some(url))) => {
                        resource(Some(url.clone()), ResourceKind::Script);
                        self.gates.push((url, gate));
                    }
                    // Held back inline code is read like any other, and marked.
                    Some((gate, None)) if !code.trim().is_empty() => {
                        self.inline_gates.push((self.inline_scripts.len(), gate));
                        self.inline_scripts.push(code.to_string());
                    }
                    Some(_) => {}
                    None => {
                        resource(a.src, ResourceKind::Script);
                        if inline && !code.trim().is_empty() {
                            self.inline_scripts.push(code.to_string());
                        }
                    }
                }
                return Some(after);
            }
            "style" | "xmp" | "noembed" | "noframes" | "title" | "textarea" => {
                return Some(raw_text_end(html, at, name).1)
            }
            _ => {}
        }
        None
    }
}

/// Where the text of a raw-text element opened at `at` ends (`</name`, any case) and where the
/// scan resumes after its end tag. An unclosed element runs to the end, as in browsers.
fn raw_text_end(html: &str, at: usize, name: &str) -> (usize, usize) {
    let b = html.as_bytes();
    let mut i = at.min(b.len());
    while let Some(p) = html[i..].find("</") {
        let start = i + p;
        let tag = start + 2;
        let after_name = tag + name.len();
        if b.len() >= after_name
            && b[tag..after_name].eq_ignore_ascii_case(name.as_bytes())
            && b.get(after_name)
                .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/'))
        {
            let resume = html[after_name..]
                .find('>')
                .map_or(b.len(), |e| after_name + e + 1);
            return (start, resume);
        }
        i = tag;
    }
    (b.len(), b.len())
}

/// Character references in attribute values: the ones URLs actually contain (`&amp;`,
/// numeric ones, the quotes and brackets). Others stay as written.
fn decode_references(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let tail = &rest[p..];
        let Some(semi) = tail[1..].find(';').map(|s| s + 1).filter(|s| *s <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_gating_attribute(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"class")
        || name.eq_ignore_ascii_case(b"suppressedsrc")
        || (name.len() > 5 && name[..5].eq_ignore_ascii_case(b"data-"))
}

/// The consent gate of a script or iframe start tag, and the URL it loads once released.
fn element_gate(tag: &str, a: &Attrs) -> Option<(Gate, Option<String>)> {
    if a.extra.is_empty() {
        return None;
    }
    let mut attrs = a.extra.clone();
    for (n, v) in [("type", &a.kind), ("src", &a.src)] {
        if let Some(v) = v {
            attrs.push((n.to_string(), v.clone()));
        }
    }
    Gating::builtin().element_gate(&Element { tag, attrs: &attrs })
}

fn is_javascript(mime: &str) -> bool {
    let m = mime.trim().to_ascii_lowercase();
    m.is_empty() || m == "module" || m.contains("javascript") || m.contains("ecmascript")
}

/// Is this body HTML? Trust the Content-Type, else sniff the start like browsers do.
pub fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    if let Some(ct) = content_type {
        let ct = ct.to_ascii_lowercase();
        if ct.contains("html") {
            return true;
        }
        if !ct.starts_with("text/plain") && !ct.is_empty() {
            return false;
        }
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_resources_iframes_and_inline_scripts() {
        let html = r##"<html><head><base href="http://a.test/sub/">
            <link rel="stylesheet" href="/s.css"><script src="https://cdn.test/x.js"></script>
            <script>document.cookie="a=1"</script><script type="application/ld+json">{}</script></head>
            <body><a href="p1">p1</a><a href="mailto:x@y">m</a><a href="#top">t</a>
            <img src="//img.test/i.png"><iframe src="https://www.youtube.com/embed/x"></iframe></body></html>"##;
        let page = Url::parse("http://a.test/").unwrap();
        let c = extract(html, &page);
        let links: Vec<&str> = c.links.iter().map(Url::as_str).collect();
        assert_eq!(
            links,
            vec!["http://a.test/sub/p1", "http://a.test/sub/#top"]
        );
        assert_eq!(c.iframes[0].as_str(), "https://www.youtube.com/embed/x");
        assert!(c
            .resources
            .iter()
            .any(|(u, k)| u.as_str() == "https://cdn.test/x.js" && *k == ResourceKind::Script));
        assert!(c
            .resources
            .iter()
            .any(|(u, k)| u.as_str() == "http://a.test/s.css" && *k == ResourceKind::Stylesheet));
        assert!(c
            .resources
            .iter()
            .any(|(u, _)| u.as_str() == "http://img.test/i.png"));
        assert_eq!(c.inline_scripts, vec![r#"document.cookie="a=1""#]);
    }

    #[test]
    fn garbage_html_does_not_panic() {
        let page = Url::parse("http://a.test/").unwrap();
        let c = extract(
            "<a href=\"x\"<<<<>>><script>\u{0}<a href='http://[::1'>",
            &page,
        );
        assert!(c.links.len() <= 2);
    }

    #[test]
    fn raw_text_comments_entities_and_case() {
        let html = "<!-- <a href='/c'> --><SCRIPT>var s='<a href=\\'/s\\'>';</ScRiPt>\
            <textarea><a href='/t'></textarea><A HREF=/u?a=1&amp;b=2&#38;c=&#x33;>x</A>\
            <a href=\"/first\" href=\"/second\"><a data-x=1 href = '/spaced' >";
        let page = Url::parse("http://a.test/").unwrap();
        let c = extract(html, &page);
        let links: Vec<&str> = c.links.iter().map(Url::as_str).collect();
        assert_eq!(
            links,
            vec![
                "http://a.test/u?a=1&b=2&c=3",
                "http://a.test/first",
                "http://a.test/spaced"
            ]
        );
        assert_eq!(c.inline_scripts.len(), 1);
    }

    #[test]
    fn unclosed_and_truncated_markup_ends_cleanly() {
        let page = Url::parse("http://a.test/").unwrap();
        for html in [
            "<a href=\"/x",
            "<script>never closed <a href=/y>",
            "<!-- open",
            "<a href=",
            "<",
            "<a \u{0} href=/z>",
        ] {
            let _ = extract(html, &page);
        }
        assert_eq!(extract("<a \u{0} href=/z>", &page).links.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(html in "(<|>|=|'|\"|&|#|/|!|-|a|href|script|é|\\s|[a-z]){0,200}") {
            let page = Url::parse("http://a.test/").unwrap();
            let _ = extract(&html, &page);
        }
    }

    #[test]
    fn consent_gated_scripts_and_iframes_are_read_and_marked() {
        let html = r#"<script>var a=1</script>
            <script type="text/plain" data-category="analytics">document.cookie="_x=1"</script>
            <script type="text/plain" data-type="text/javascript" data-name="hotjar" data-src="/hj.js"></script>
            <iframe data-name="youtube" data-src="https://yt.test/embed/x"></iframe>
            <script type="text/plain" data-foo="1">not read</script>"#;
        let page = Url::parse("http://a.test/").unwrap();
        let c = extract(html, &page);
        assert_eq!(c.inline_scripts.len(), 2);
        assert_eq!(c.inline_gates.len(), 1);
        assert_eq!(c.inline_gates[0].0, 1);
        assert_eq!(c.inline_gates[0].1.manager, "vanilla-cookieconsent");
        let gated: Vec<(&str, &str)> = c
            .gates
            .iter()
            .map(|(u, g)| (u.as_str(), g.manager.as_str()))
            .collect();
        assert_eq!(
            gated,
            vec![
                ("http://a.test/hj.js", "klaro"),
                ("https://yt.test/embed/x", "klaro")
            ]
        );
        assert!(c
            .resources
            .iter()
            .any(|(u, k)| u.as_str() == "http://a.test/hj.js" && *k == ResourceKind::Script));
        assert_eq!(c.iframes[0].as_str(), "https://yt.test/embed/x");
    }

    #[test]
    fn sniffs_html() {
        assert!(is_html(Some("text/html; charset=utf-8"), b""));
        assert!(!is_html(Some("application/javascript"), b"<html>"));
        assert!(is_html(None, b"  <!DOCTYPE html><html>"));
    }
}
