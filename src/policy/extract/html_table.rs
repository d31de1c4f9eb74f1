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
    Grid {
        rows,
        caption,
        layout: Layout::HtmlTable,
    }
}
