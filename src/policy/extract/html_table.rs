//! `<table>` elements into grids: `colspan`, `rowspan`, `<caption>`, nested tables left
//! out, `<br>` kept as a line break (it separates names in a cell).

use scraper::{ElementRef, Node};

use super::html::{push_collapsed, Locator, SKIP};
use super::markdown::MAX_COLUMNS;
use super::{Grid, GridRow, Layout, RowKind};

/// A `rowspan` larger than this is a broken page, not a cookie table.
const MAX_ROWSPAN: usize = 1000;

/// Text of an element; `<br>`, paragraphs and list items become line breaks, which in a
/// name cell separate names.
pub fn cell_text(el: ElementRef) -> String {
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

pub fn flat_text(el: ElementRef) -> String {
    cell_text(el)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn grid(table: ElementRef, loc: &mut Locator) -> Grid {
    let (caption, trs) = caption_and_rows(table);
    // Cells still owed to later rows by a rowspan.
    let mut carried: Vec<Carried> = Vec::new();
    let mut rows = Vec::new();
    for tr in trs {
        let cells = row_cells(tr, &mut carried);
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
    Grid {
        rows,
        caption,
        layout: Layout::HtmlTable,
    }
}

/// The caption and the rows of this table only, not of tables nested in its cells.
fn caption_and_rows(table: ElementRef) -> (Option<String>, Vec<ElementRef>) {
    let mut caption = None;
    let mut trs = Vec::new();
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
    (caption, trs)
}

/// A cell a rowspan carries down: its column, its text, and the rows still owed.
struct Carried {
    col: usize,
    text: String,
    left: usize,
}

/// The cells of one row: first those carried down by rowspans from rows above, then its
/// own cells in the columns still free.
fn row_cells(tr: ElementRef, carried: &mut Vec<Carried>) -> Vec<String> {
    let mut row = RowCells::default();
    for c in carried.iter_mut() {
        row.place(c.col, c.text.clone());
        c.left -= 1;
    }
    carried.retain(|c| c.left > 0);
    let mut col = 0;
    for cell in tr
        .child_elements()
        .filter(|c| matches!(c.value().name(), "td" | "th"))
    {
        while row.taken.get(col).copied().unwrap_or(false) {
            col += 1;
        }
        if col >= MAX_COLUMNS {
            break;
        }
        let text = cell_text(cell);
        let (colspan, rowspan) = (
            span(cell, "colspan").min(MAX_COLUMNS),
            span(cell, "rowspan").min(MAX_ROWSPAN),
        );
        if rowspan > 1 {
            carried.push(Carried {
                col,
                text: text.clone(),
                left: rowspan - 1,
            });
        }
        row.place(col, text);
        col += colspan;
    }
    row.cells
}

#[derive(Default)]
struct RowCells {
    cells: Vec<String>,
    taken: Vec<bool>,
}

impl RowCells {
    fn place(&mut self, col: usize, text: String) {
        if self.cells.len() <= col {
            self.cells.resize(col + 1, String::new());
            self.taken.resize(col + 1, false);
        }
        self.cells[col] = text;
        self.taken[col] = true;
    }
}

/// A `colspan` or `rowspan`, 1 when missing or unreadable.
fn span(cell: ElementRef, attr: &str) -> usize {
    cell.attr(attr)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}
