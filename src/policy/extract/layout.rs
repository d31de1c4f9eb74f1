//! Tables as `pdftotext -layout` writes them: columns aligned with runs of spaces, a row
//! wrapping onto lines whose first column is blank.

use super::markdown::MAX_COLUMNS;
use super::{Grid, GridRow, Layout, RowKind};

/// Spaces that separate two columns; justified prose has fewer.
const GAP: &str = "   ";
/// Blank lines a table may contain (page layout leaves some between rows).
const MAX_BLANKS: usize = 2;
/// Lines looked at; longer blocks are split, which bounds the column search.
const MAX_LINES: usize = 2000;
/// Widest line considered, in characters.
const MAX_WIDTH: usize = 400;

pub fn layout_table_at(lines: &[&str], i: usize) -> Option<(Grid, usize)> {
    if !gapped(lines[i]) || lines[i].starts_with(' ') {
        return None;
    }
    // The block: gapped lines, lines indented past the first column (wrapped cells), and a
    // few blank lines, up to the first line that is none of these.
    let mut end = i + 1;
    let mut last = i;
    let mut blanks = 0;
    while end < lines.len() && end - i < MAX_LINES {
        let l = lines[end];
        if l.trim().is_empty() {
            blanks += 1;
            if blanks > MAX_BLANKS {
                break;
            }
        } else if gapped(l) || l.starts_with(GAP) {
            blanks = 0;
            last = end;
        } else {
            break;
        }
        end += 1;
    }
    let block: Vec<Vec<char>> = lines[i..=last]
        .iter()
        .map(|l| l.chars().take(MAX_WIDTH).collect())
        .collect();
    if block
        .iter()
        .filter(|l| l.iter().any(|c| !c.is_whitespace()))
        .count()
        < 2
    {
        return None;
    }
    let starts = column_starts(&block)?;
    let rows = block
        .iter()
        .enumerate()
        .filter(|(_, l)| l.iter().any(|c| !c.is_whitespace()))
        .map(|(k, l)| {
            let cells: Vec<String> = starts
                .iter()
                .enumerate()
                .map(|(c, &s)| {
                    let e = starts.get(c + 1).copied().unwrap_or(l.len()).min(l.len());
                    l.get(s.min(e)..e).map_or(String::new(), |cs| {
                        cs.iter().collect::<String>().trim().to_string()
                    })
                })
                .collect();
            let kind = if cells[0].is_empty() {
                RowKind::MayContinue
            } else {
                RowKind::Cells
            };
            GridRow {
                cells,
                line: i + k + 1,
                kind,
            }
        })
        .collect();
    Some((
        Grid {
            rows,
            caption: None,
            layout: Layout::SpaceAligned,
        },
        last + 1,
    ))
}

fn gapped(line: &str) -> bool {
    let t = line.trim();
    t.contains(GAP) && t.len() <= MAX_WIDTH * 4
}

/// Where columns start: after a gutter of spaces running down every line of the block.
fn column_starts(block: &[Vec<char>]) -> Option<Vec<usize>> {
    let width = block.iter().map(Vec::len).max()?;
    let blank_at = |p: usize| {
        block
            .iter()
            .all(|l| l.get(p).is_none_or(|c| c.is_whitespace()))
    };
    let mut starts = vec![0];
    let mut run = 0;
    for p in 0..width {
        if blank_at(p) {
            run += 1;
        } else {
            if run >= 2 && p > run {
                starts.push(p);
            }
            run = 0;
        }
    }
    (starts.len() >= 2 && starts.len() <= MAX_COLUMNS).then_some(starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_aligned_columns_and_wrapped_rows() {
        let text = "Cookie        Provider    Purpose                   Expiry\n\
                    _ga           Google      Distinguishes visitors    2 years\n\
                    \x20                          across sessions\n\
                    _fbp          Meta        Ads                       3 months";
        let lines: Vec<&str> = text.lines().collect();
        let (g, next) = layout_table_at(&lines, 0).expect("a table");
        assert_eq!(next, 4);
        assert_eq!(
            g.rows[1].cells,
            ["_ga", "Google", "Distinguishes visitors", "2 years"]
        );
        assert!(g.rows[2].kind == RowKind::MayContinue);
        assert_eq!(g.rows[2].cells[2], "across sessions");
        assert!(layout_table_at(&["Just a line of prose.", "And   another."], 0).is_none());
    }
}
