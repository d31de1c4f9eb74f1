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
    let mut walk = Walk::new(src);
    // (node, closing): a block element is seen again after its children to end its
    // paragraph.
    let mut stack = vec![(doc.tree.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        if walk.seen > budget {
            return (walk.out, true);
        }
        if closing {
            walk.flush();
            continue;
        }
        let visit = match node.value() {
            Node::Text(t) => {
                walk.text(t);
                Visit::Done
            }
            Node::Element(_) => ElementRef::wrap(node).map_or(Visit::Done, |el| walk.element(el)),
            _ => Visit::Inline,
        };
        match visit {
            Visit::Done => continue,
            Visit::Block => stack.push((node, true)),
            Visit::Inline => {}
        }
        let children: Vec<_> = node.children().collect();
        stack.extend(children.into_iter().rev().map(|c| (c, false)));
    }
    walk.flush();
    (walk.out, false)
}

/// What the walk does after visiting a node.
enum Visit {
    /// The node is read whole (or left out): its children are not visited.
    Done,
    /// Its children are visited, and its end closes the paragraph.
    Block,
    /// Its children are visited as part of the current paragraph.
    Inline,
}

/// The page walked in document order: the blocks so far, the paragraph being gathered,
/// and how much visible text was read, against the budget.
struct Walk<'s> {
    loc: Locator<'s>,
    out: Vec<Block>,
    para: String,
    para_line: usize,
    seen: usize,
}

impl<'s> Walk<'s> {
    fn new(src: &'s str) -> Self {
        Walk {
            loc: Locator {
                src,
                cursor: 0,
                line: 1,
            },
            out: Vec::new(),
            para: String::new(),
            para_line: 1,
            seen: 0,
        }
    }

    fn text(&mut self, t: &str) {
        if t.trim().is_empty() {
            if !self.para.is_empty() && !self.para.ends_with([' ', '\n']) {
                self.para.push(' ');
            }
            return;
        }
        if self.para.trim().is_empty() {
            self.para_line = self.loc.line_of(t);
        }
        self.seen += t.len();
        push_collapsed(&mut self.para, t);
    }

    fn element(&mut self, el: ElementRef) -> Visit {
        let name = el.value().name();
        if SKIP.contains(&name) {
            return Visit::Done;
        }
        if let Some(level) = heading_level(name) {
            self.heading(level, el);
            return Visit::Done;
        }
        match name {
            "table" => self.table(el),
            "summary" | "dt" | "legend" => self.heading(7, el),
            "br" => self.para.push('\n'),
            n if CODE.contains(&n) => self.code(el),
            n if BLOCKS.contains(&n) => {
                self.flush();
                return Visit::Block;
            }
            _ => return Visit::Inline,
        }
        Visit::Done
    }

    fn heading(&mut self, level: u8, el: ElementRef) {
        self.flush();
        let text = flat_text(el);
        let line = self.loc.line_of(&text);
        self.out.push(Block::Heading { level, text, line });
    }

    fn table(&mut self, el: ElementRef) {
        self.flush();
        let g = grid(el, &mut self.loc);
        self.seen += g
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(String::len)
            .sum::<usize>();
        self.out.push(Block::Table(g));
    }

    /// Code stays in the paragraph, in backticks: that marks a name as deliberately
    /// written.
    fn code(&mut self, el: ElementRef) {
        if self.para.trim().is_empty() {
            self.para_line = self.loc.line_of(&flat_text(el));
        }
        self.para.push_str(&format!(" `{}` ", flat_text(el)));
    }

    fn flush(&mut self) {
        let text = self.para.trim().to_string();
        self.para.clear();
        if text.is_empty() {
            return;
        }
        let line = self.para_line;
        // "<p><strong>Analytics cookies</strong></p>" is a heading in all but markup.
        if text.split_whitespace().count() <= 8
            && !text.ends_with(['.', ',', ';', ':'])
            && category_in_heading(&text).is_some()
        {
            self.out.push(Block::Heading {
                level: 8,
                text,
                line,
            });
        } else {
            self.out.push(Block::Para { text, line });
        }
    }
}

/// `h1`…`h6`.
fn heading_level(name: &str) -> Option<u8> {
    name.strip_prefix('h')
        .and_then(|l| l.parse::<u8>().ok())
        .filter(|l| (1..=6).contains(l))
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
