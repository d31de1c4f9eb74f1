//! Tables in extracted text, one cell per tab. A row may wrap onto lines that start with
//! tabs, and page breaks put blank lines, page headers or logos between rows.

use super::labels::category_in_heading;
use super::markdown::MAX_COLUMNS;
use super::{Grid, GridRow, Layout, RowKind};

/// Most lines between two rows of one table (blank lines, a page header, a logo).
const MAX_GAP: usize = 5;
/// Longest line, in words, that may sit between rows without ending the table.
const GAP_WORDS: usize = 10;

pub fn tab_table_at(lines: &[&str], i: usize) -> Option<(Grid, usize)> {
    let first = split(lines[i])?;
    if first.iter().filter(|c| !c.is_empty()).count() < 2 || first[0].is_empty() {
        return None;
    }
    let mut rows = vec![GridRow {
        cells: first,
        line: i + 1,
        kind: RowKind::Cells,
    }];
    let mut j = i + 1;
    loop {
        if j < lines.len() {
            if let Some(cells) = split(lines[j]) {
                let kind = if cells[0].is_empty() {
                    RowKind::MayContinue
                } else {
                    RowKind::Cells
                };
                rows.push(GridRow {
                    cells,
                    line: j + 1,
                    kind,
                });
                j += 1;
                continue;
            }
        }
        // Look past a short gap for the next row of the same table.
        let mut k = j;
        let mut gap_headings = Vec::new();
        while k < lines.len() && k - j < MAX_GAP && split(lines[k]).is_none() {
            let t = lines[k].trim();
            if t.split_whitespace().count() > GAP_WORDS {
                break;
            }
            if !t.is_empty() && category_in_heading(t).is_some() {
                gap_headings.push(GridRow {
                    cells: vec![t.trim_start_matches('#').trim().to_string()],
                    line: k + 1,
                    kind: RowKind::Heading,
                });
            }
            k += 1;
        }
        if k > j && k < lines.len() && split(lines[k]).is_some() {
            rows.extend(gap_headings);
            j = k;
            continue;
        }
        break;
    }
    if rows.len() < 2 {
        return None;
    }
    Some((
        Grid {
            rows,
            caption: None,
            layout: Layout::TabSeparated,
        },
        j,
    ))
}

/// Cells of a tab-separated line; `None` when the line is not a table line.
fn split(line: &str) -> Option<Vec<String>> {
    let tabs = line.bytes().filter(|&b| b == b'\t').count();
    if tabs == 0 || tabs > MAX_COLUMNS {
        return None;
    }
    let cells: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
    let filled = cells.iter().filter(|c| !c.is_empty()).count();
    (filled >= 1 && (filled >= 2 || cells[0].is_empty())).then_some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_rows_and_page_breaks_stay_in_one_table() {
        let text = "Provider\tFunction\tCookie name(s)\tPurposes\nAcme\tAuth (front and\tsessionid\tTo remember\n\tback office)\t\tthe user\n\n# acme**logo**\n\nAcme\tAPI\tcsrftoken\tTo call\nAfter the table.";
        let lines: Vec<&str> = text.lines().collect();
        let (g, next) = tab_table_at(&lines, 0).expect("a table");
        assert_eq!(next, 7);
        let kinds: Vec<bool> = g
            .rows
            .iter()
            .map(|r| r.kind == RowKind::MayContinue)
            .collect();
        assert_eq!(kinds, [false, false, true, false]);
        assert!(tab_table_at(&["\tindented text"], 0).is_none());
    }
}
