//! What an HTML page links to and loads (scraper). Pure: bytes in, URLs out.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
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

/// What the tokenizer found, before URLs are resolved against `<base href>`.
#[derive(Default)]
struct Found {
    base: Option<String>,
    links: Vec<String>,
    iframes: Vec<String>,
    resources: Vec<(String, ResourceKind)>,
    inline_scripts: Vec<String>,
    script: Option<String>,
}

/// The WHATWG tokenizer alone (no tree, no selectors): a crawl only needs start tags and
/// inline script text, and building a DOM per page costs several times more (see README).
struct Sink(RefCell<Found>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut f = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => return f.start_tag(&tag),
            Token::TagToken(tag) if &*tag.name == "script" => {
                if let Some(code) = f.script.take() {
                    if !code.trim().is_empty() {
                        f.inline_scripts.push(code);
                    }
                }
            }
            Token::CharacterTokens(text) => {
                if let Some(code) = f.script.as_mut() {
                    code.push_str(&text);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl Found {
    fn start_tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let attr = |name: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == name)
                .map(|a| a.value.to_string())
        };
        let mut resource = |value: Option<String>, kind| {
            if let Some(v) = value {
                self.resources.push((v, kind));
            }
        };
        match &*tag.name {
            "a" | "area" => self.links.extend(attr("href")),
            "base" if self.base.is_none() => self.base = attr("href"),
            "iframe" | "frame" => {
                self.iframes.extend(attr("src"));
                return TokenSinkResult::RawData(RawKind::Rawtext);
            }
            "img" => resource(attr("src"), ResourceKind::Image),
            "input" if attr("type").is_some_and(|t| t.eq_ignore_ascii_case("image")) => {
                resource(attr("src"), ResourceKind::Image)
            }
            "video" | "audio" | "source" | "track" => {
                resource(attr("src"), ResourceKind::Media);
                resource(attr("poster"), ResourceKind::Media);
            }
            "embed" => resource(attr("src"), ResourceKind::Other),
            "object" => resource(attr("data"), ResourceKind::Other),
            "link" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
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
                    resource(attr("href"), k);
                }
            }
            "script" => {
                match attr("src") {
                    Some(src) => resource(Some(src), ResourceKind::Script),
                    None if is_javascript(&attr("type").unwrap_or_default()) => {
                        self.script = Some(String::new())
                    }
                    None => {}
                }
                return TokenSinkResult::RawData(RawKind::ScriptData);
            }
            "style" | "xmp" | "noembed" | "noframes" => {
                return TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "title" | "textarea" => return TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => return TokenSinkResult::Plaintext,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Reads `html` fetched from `page_url`. Invalid markup is tokenized as browsers do.
pub fn extract(html: &str, page_url: &Url) -> PageContent {
    let tokenizer = Tokenizer::new(
        Sink(RefCell::new(Found::default())),
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let found = tokenizer.sink.0.into_inner();
    let base = found
        .base
        .as_deref()
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let resolve = |raw: &String| -> Option<Url> {
        let u = base.join(raw.trim()).ok()?;
        matches!(u.scheme(), "http" | "https").then_some(u)
    };
    PageContent {
        links: found.links.iter().filter_map(resolve).collect(),
        iframes: found.iframes.iter().filter_map(resolve).collect(),
        resources: found
            .resources
            .iter()
            .filter_map(|(u, k)| resolve(u).map(|u| (u, *k)))
            .collect(),
        inline_scripts: found.inline_scripts,
    }
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
