//! HTML policies into blocks: headings, paragraphs and `<table>`s (with `colspan`,
//! `rowspan` and `<caption>`).

use scraper::{ElementRef, Html, Node};

use super::labels::category_in_heading;
use super::markdown::MAX_COLUMNS;
use super::{Block, Grid, GridRow, RowKind};

const SKIP: &[&str] = &[
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
/// A `rowspan` larger than this is a broken page, not a cookie table.
const MAX_ROWSPAN: usize = 1000;
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
struct Locator<'s> {
    src: &'s str,
    cursor: usize,
    line: usize,
}

impl Locator<'_> {
    fn line_of(&mut self, text: &str) -> usize {
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
const MAX_MARKUP_BYTES: usize = 4 << 20;

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

fn push_collapsed(buf: &mut String, t: &str) {
    if t.starts_with(char::is_whitespace) && !buf.ends_with([' ', '\n']) && !buf.is_empty() {
        buf.push(' ');
    }
    buf.push_str(&t.split_whitespace().collect::<Vec<_>>().join(" "));
    if t.ends_with(char::is_whitespace) {
        buf.push(' ');
    }
}

/// Text of an element; `<br>`, paragraphs and list items become line breaks, which in a
/// name cell separate names.
fn cell_text(el: ElementRef) -> String {
    let mut out = String::new();
    let mut stack = vec![*el];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => push_collapsed(&mut out, t),
            Node::Element(e) => {
                let n = e.name();
                if SKIP.contains(&n) || (n == "table" && node != *el) {
                    continue;
                }
                if n == "br" || (node != *el && matches!(n, "p" | "div" | "li" | "tr")) {
                    out.push('\n');
                }
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev());
            }
            _ => {}
        }
    }
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn flat_text(el: ElementRef) -> String {
    cell_text(el)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn grid(table: ElementRef, loc: &mut Locator) -> Grid {
    let mut caption = None;
    let mut trs = Vec::new();
    // Rows of this table only, not of tables nested in its cells.
    let mut stack: Vec<ElementRef> = table.child_elements().collect();
    stack.reverse();
    while let Some(el) = stack.pop() {
        match el.value().name() {
            "caption" => caption = Some(flat_text(el)),
            "tr" => trs.push(el),
            "thead" | "tbody" | "tfoot" => {
                let mut kids: Vec<ElementRef> = el.child_elements().collect();
                kids.reverse();
                stack.extend(kids);
            }
            _ => {}
        }
    }
    // Cells still owed to later rows by a rowspan: (column, text, rows left).
    let mut carried: Vec<(usize, String, usize)> = Vec::new();
    let mut rows = Vec::new();
    for tr in trs {
        let mut cells: Vec<String> = Vec::new();
        let mut taken: Vec<bool> = Vec::new();
        let place = |cells: &mut Vec<String>, taken: &mut Vec<bool>, col: usize, text: String| {
            if cells.len() <= col {
                cells.resize(col + 1, String::new());
                taken.resize(col + 1, false);
            }
            cells[col] = text;
            taken[col] = true;
        };
        for (col, text, left) in carried.iter_mut() {
            place(&mut cells, &mut taken, *col, text.clone());
            *left -= 1;
        }
        carried.retain(|c| c.2 > 0);
        let mut col = 0;
        for cell in tr
            .child_elements()
            .filter(|c| matches!(c.value().name(), "td" | "th"))
        {
            while taken.get(col).copied().unwrap_or(false) {
                col += 1;
            }
            if col >= MAX_COLUMNS {
                break;
            }
            let text = cell_text(cell);
            let span = |a: &str| {
                cell.attr(a)
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .max(1)
            };
            let (colspan, rowspan) = (
                span("colspan").min(MAX_COLUMNS),
                span("rowspan").min(MAX_ROWSPAN),
            );
            if rowspan > 1 {
                carried.push((col, text.clone(), rowspan - 1));
            }
            place(&mut cells, &mut taken, col, text);
            col += colspan;
        }
        let first = cells
            .iter()
            .find(|c| !c.is_empty())
            .cloned()
            .unwrap_or_default();
        let line = loc.line_of(&first);
        rows.push(GridRow {
            cells,
            line,
            kind: RowKind::Cells,
        });
    }
    Grid { rows, caption }
}
