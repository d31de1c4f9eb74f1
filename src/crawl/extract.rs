//! What an HTML page links to and loads (scraper). Pure: bytes in, URLs out.

use scraper::{Html, Selector};
use std::sync::OnceLock;
use url::Url;

use crate::observe::ResourceKind;

/// Links to follow, resources to fetch, and inline scripts, in document order.
#[derive(Debug, Default, PartialEq)]
pub struct PageContent {
    pub links: Vec<Url>,
    pub iframes: Vec<Url>,
    pub resources: Vec<(Url, ResourceKind)>,
    pub inline_scripts: Vec<String>,
}

struct Selectors {
    base: Selector,
    links: Selector,
    resources: Vec<(Selector, &'static str, ResourceKind)>,
    iframes: Selector,
    inline_scripts: Selector,
}

fn selectors() -> &'static Selectors {
    static S: OnceLock<Selectors> = OnceLock::new();
    S.get_or_init(|| {
        let sel = |s: &str| Selector::parse(s).expect("static selectors are valid");
        Selectors {
            base: sel("base[href]"),
            links: sel("a[href], area[href]"),
            resources: vec![
                (sel("script[src]"), "src", ResourceKind::Script),
                (
                    sel("link[href][rel~=stylesheet]"),
                    "href",
                    ResourceKind::Stylesheet,
                ),
                (
                    sel("link[href][rel~=preload], link[href][rel~=modulepreload]"),
                    "href",
                    ResourceKind::Other,
                ),
                (sel("link[href][rel~=icon]"), "href", ResourceKind::Image),
                (sel("img[src]"), "src", ResourceKind::Image),
                (sel("input[type=image][src]"), "src", ResourceKind::Image),
                (
                    sel("video[src], audio[src], source[src], track[src], video[poster]"),
                    "src",
                    ResourceKind::Media,
                ),
                (sel("embed[src]"), "src", ResourceKind::Other),
                (sel("object[data]"), "data", ResourceKind::Other),
            ],
            iframes: sel("iframe[src], frame[src]"),
            inline_scripts: sel("script:not([src])"),
        }
    })
}

/// Parses `html` fetched from `page_url`. Invalid markup is parsed as browsers do (html5ever).
pub fn extract(html: &str, page_url: &Url) -> PageContent {
    let doc = Html::parse_document(html);
    let s = selectors();
    let base = doc
        .select(&s.base)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page_url.join(h).ok())
        .unwrap_or_else(|| page_url.clone());
    let resolve = |raw: &str| -> Option<Url> {
        let raw = raw.trim();
        let u = base.join(raw).ok()?;
        matches!(u.scheme(), "http" | "https").then_some(u)
    };
    let mut out = PageContent::default();
    for a in doc.select(&s.links) {
        if let Some(u) = a.value().attr("href").and_then(resolve) {
            out.links.push(u);
        }
    }
    for f in doc.select(&s.iframes) {
        if let Some(u) = f.value().attr("src").and_then(resolve) {
            out.iframes.push(u);
        }
    }
    for (sel, attr, kind) in &s.resources {
        for el in doc.select(sel) {
            let value = el.value().attr(attr).or_else(|| el.value().attr("poster"));
            if let Some(u) = value.and_then(resolve) {
                out.resources.push((u, *kind));
            }
        }
    }
    for script in doc.select(&s.inline_scripts) {
        let kind = script.value().attr("type").unwrap_or("text/javascript");
        if is_javascript(kind) {
            let code: String = script.text().collect();
            if !code.trim().is_empty() {
                out.inline_scripts.push(code);
            }
        }
    }
    out
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
    fn sniffs_html() {
        assert!(is_html(Some("text/html; charset=utf-8"), b""));
        assert!(!is_html(Some("application/javascript"), b"<html>"));
        assert!(is_html(None, b"  <!DOCTYPE html><html>"));
    }
}
