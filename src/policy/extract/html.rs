//! HTML policies into blocks: headings, paragraphs and `<table>`s (with `colspan`,
//! `rowspan` and `<caption>`).

use scraper::{ElementRef, Html, Node};

use super::html_table::{flat_text, grid};
use super::labels::category_in_heading;
use super::Block;

pub const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "iframe", "select", "button",
];
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "dd",
    "blockquote",
    "pre",
    "form",
    "details",
    "figure",
    "figcaption",
    "address",
    "hr",
    "body",
];
const CODE: &[&str] = &["code", "kbd", "tt", "samp"];
/// How far ahead of the last located text a snippet is looked for, to keep locating
/// linear on large pages.
const LOCATE_WINDOW: usize = 64 * 1024;

pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(65536)
        .collect::<String>()
        .to_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return true;
    }
    let tags = [
        "<table", "<p>", "<p ", "<div", "<h1", "<h2", "<h3", "<ul", "<li", "<body", "<tr", "<td",
    ];
    tags.iter().map(|t| head.matches(t).count()).sum::<usize>() >= 3
}

/// Finds where texts of the parsed page sit in the source, in document order.
pub struct Locator<'s> {
    src: &'s str,
    cursor: usize,
    line: usize,
}

impl Locator<'_> {
    pub fn line_of(&mut self, text: &str) -> usize {
        let snippet: String = text
            .split_whitespace()
            .next()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        if snippet.is_empty() {
            return self.line;
        }
        let mut end = (self.cursor + LOCATE_WINDOW).min(self.src.len());
        while !self.src.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(pos) = self.src[self.cursor..end].find(&snippet) {
            self.line += self.src[self.cursor..self.cursor + pos]
                .matches('\n')
                .count();
            self.cursor += pos;
        }
        self.line
    }
}

/// Markup parsed from one page once scripts, styles and comments are out; parsing is
/// the slow step on huge inputs.
const MAX_MARKUP_BYTES: usize = 2 << 20;

/// Blocks of the page, and whether it was cut: past `budget` bytes of visible text, or of
/// `MAX_MARKUP_BYTES` of markup, the rest is left out.
pub fn blocks(src: &str, budget: usize) -> (Vec<Block>, bool) {
    let markup = without_scripts(src);
    let mut cut = false;
    let mut markup: &str = &markup;
    if markup.len() > MAX_MARKUP_BYTES {
        let mut end = MAX_MARKUP_BYTES;
        while !markup.is_char_boundary(end) {
            end -= 1;
        }
        markup = &markup[..markup[..end].rfind('<').unwrap_or(end)];
        cut = true;
    }
    let (blocks, over) = parse(markup, src, budget);
    (blocks, cut || over)
}

/// The page without the contents of `<script>` and `<style>` and without comments: they
/// can be most of a page and hold nothing a reader sees.
fn without_scripts(src: &str) -> std::borrow::Cow<'_, str> {
    // ASCII lower-casing keeps byte offsets.
    let lower = src.to_ascii_lowercase();
    let mut out = String::new();
    let mut pos = 0;
    loop {
        let next = ["<script", "<style", "<!--"]
            .iter()
            .filter_map(|t| lower[pos..].find(t).map(|i| (pos + i, *t)))
            .min_by_key(|(i, _)| *i);
        let Some((at, what)) = next else { break };
        if what == "<!--" {
            out.push_str(&src[pos..at]);
            pos = lower[at..].find("-->").map_or(src.len(), |e| at + e + 3);
            continue;
        }
        let Some(open_end) = lower[at..].find('>').map(|e| at + e + 1) else {
            break;
        };
        out.push_str(&src[pos..open_end]);
        let close = if what == "<script" {
            "</script"
        } else {
            "</style"
        };
        pos = lower[open_end..]
            .find(close)
            .map_or(src.len(), |e| open_end + e);
    }
    if pos == 0 {
        return src.into();
    }
    out.push_str(&src[pos..]);
    out.into()
}

fn parse(markup: &str, src: &str, budget: usize) -> (Vec<Block>, bool) {
    let doc = Html::parse_document(markup);
    let mut loc = Locator {
        src,
        cursor: 0,
        line: 1,
    };
    let mut out = Vec::new();
    let mut para = String::new();
    let mut para_line = 1;
    let flush = |para: &mut String, line: usize, out: &mut Vec<Block>| {
        let text = para.trim().to_string();
        para.clear();
        if text.is_empty() {
            return;
        }
        // "<p><strong>Analytics cookies</strong></p>" is a heading in all but markup.
        if text.split_whitespace().count() <= 8
            && !text.ends_with(['.', ',', ';', ':'])
            && category_in_heading(&text).is_some()
        {
            out.push(Block::Heading {
                level: 8,
                text,
                line,
            });
        } else {
            out.push(Block::Para { text, line });
        }
    };
    let mut stack = vec![(doc.tree.root(), false)];
    let mut seen = 0usize;
    while let Some((node, closing)) = stack.pop() {
        if seen > budget {
            return (out, true);
        }
        if closing {
            flush(&mut para, para_line, &mut out);
            continue;
        }
        match node.value() {
            Node::Text(t) => {
                let t: &str = t;
                if t.trim().is_empty() {
                    if !para.is_empty() && !para.ends_with([' ', '\n']) {
                        para.push(' ');
                    }
                    continue;
                }
                if para.trim().is_empty() {
                    para_line = loc.line_of(t);
                }
                seen += t.len();
                push_collapsed(&mut para, t);
                continue;
            }
            Node::Element(e) => {
                let name = e.name();
                let Some(el) = ElementRef::wrap(node) else {
                    continue;
                };
                if SKIP.contains(&name) {
                    continue;
                }
                if let Some(level) = name
                    .strip_prefix('h')
                    .and_then(|l| l.parse::<u8>().ok())
                    .filter(|l| (1..=6).contains(l))
                {
                    flush(&mut para, para_line, &mut out);
                    let text = flat_text(el);
                    let line = loc.line_of(&text);
                    out.push(Block::Heading { level, text, line });
                    continue;
                }
                match name {
                    "table" => {
                        flush(&mut para, para_line, &mut out);
                        let g = grid(el, &mut loc);
                        seen += g
                            .rows
                            .iter()
                            .flat_map(|r| &r.cells)
                            .map(String::len)
                            .sum::<usize>();
                        out.push(Block::Table(g));
                        continue;
                    }
                    "summary" | "dt" | "legend" => {
                        flush(&mut para, para_line, &mut out);
                        let text = flat_text(el);
                        let line = loc.line_of(&text);
                        out.push(Block::Heading {
                            level: 7,
                            text,
                            line,
                        });
                        continue;
                    }
                    "br" => {
                        para.push('\n');
                        continue;
                    }
                    n if CODE.contains(&n) => {
                        if para.trim().is_empty() {
                            para_line = loc.line_of(&flat_text(el));
                        }
                        para.push_str(&format!(" `{}` ", flat_text(el)));
                        continue;
                    }
                    n if BLOCKS.contains(&n) => {
                        flush(&mut para, para_line, &mut out);
                        stack.push((node, true));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        let children: Vec<_> = node.children().collect();
        stack.extend(children.into_iter().rev().map(|c| (c, false)));
    }
    flush(&mut para, para_line, &mut out);
    (out, false)
}

pub fn push_collapsed(buf: &mut String, t: &str) {
    if t.starts_with(char::is_whitespace) && !buf.ends_with([' ', '\n']) && !buf.is_empty() {
        buf.push(' ');
    }
    buf.push_str(&t.split_whitespace().collect::<Vec<_>>().join(" "));
    if t.ends_with(char::is_whitespace) {
        buf.push(' ');
    }
}
