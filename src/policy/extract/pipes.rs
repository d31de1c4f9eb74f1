//! Tables that web-to-text extraction writes with bars but without a Markdown separator,
//! and the "vertical" variant: one cell per line, each ending in `|`, a cell's text
//! sometimes wrapped over several lines before its bar. Rows are rebuilt from the stream
//! of cells: by the width a separator line gives, else by the width most lines have, else
//! by the period of the name-shaped cells.

use std::collections::HashMap;

use super::markdown::{cells, is_separator, MAX_COLUMNS};
use super::shape::name_like;
use super::{Grid, GridRow, Layout, RowKind};
use crate::policy::headers::{header_role, Role};

/// Lines and words of wrapped text one cell may hold; more is prose after the table.
const MAX_CELL_LINES: usize = 25;
const MAX_CELL_WORDS: usize = 90;
/// Lines looked at; bounds the work on a pathological document.
const MAX_LINES: usize = 4000;

/// One run of cells ending with a bar, and the line it started on.
struct Group {
    cells: Vec<String>,
    line: usize,
}

pub fn pipe_lines_at(lines: &[&str], i: usize) -> Option<(Grid, usize)> {
    let first = lines[i].trim();
    let opens = ends_with_bar(first)
        || (lines.get(i + 1).is_some_and(|l| l.trim() == "|")
            && first.split_whitespace().count() <= 6);
    if !opens {
        return None;
    }
    let (groups, sep, end) = collect(lines, i);
    let cells_total: usize = groups.iter().map(|g| g.cells.len()).sum();
    if groups.len() < 2 || cells_total < 4 {
        return None;
    }
    let (width, vertical) = width(&groups, sep.as_ref())?;
    let rows = match (&sep, vertical) {
        (Some((before, _)), _) => {
            let header: Vec<String> = groups[..*before]
                .iter()
                .flat_map(|g| g.cells.clone())
                .collect();
            let name_at = header
                .iter()
                .position(|h| header_role(h) == Some(Role::Name))
                .unwrap_or(0);
            let mut rows = vec![GridRow {
                cells: header,
                line: groups[0].line,
                kind: RowKind::Cells,
            }];
            rows.extend(assemble(&groups[*before..], width, name_at == 0));
            rows
        }
        (None, true) => vertical_rows(&groups, width)?,
        (None, false) => assemble(&groups, width, false),
    };
    let layout = if vertical {
        Layout::OneCellPerLine
    } else {
        Layout::PipeLines
    };
    Some((
        Grid {
            rows,
            caption: None,
            layout,
        },
        end,
    ))
}

fn ends_with_bar(t: &str) -> bool {
    t.ends_with('|') && !t.ends_with("\\|")
}

/// The groups of cells, the separator (groups before it, its width) and the line after the
/// block. Wrapped text is the start of the next cell; text never closed by a bar ends the
/// block, except one last line of cells whose closing bar was cut off.
fn collect(lines: &[&str], i: usize) -> (Vec<Group>, Option<(usize, usize)>, usize) {
    let mut groups: Vec<Group> = Vec::new();
    let mut sep = None;
    let mut pending: Vec<&str> = Vec::new();
    let mut pending_at = i;
    let mut j = i;
    while j < lines.len() && j - i < MAX_LINES {
        let t = lines[j].trim();
        if t.is_empty() {
            break;
        }
        if pending.is_empty() && is_separator(t) && sep.is_none() && !groups.is_empty() {
            sep = Some((groups.len(), cells(t).len()));
        } else if ends_with_bar(t) {
            let body = t.strip_prefix('|').unwrap_or(t);
            let mut cs = if body.trim().is_empty() {
                vec![String::new()]
            } else {
                cells(body)
            };
            if !pending.is_empty() {
                let mut joined = pending.join("\n");
                if !cs[0].is_empty() {
                    joined.push('\n');
                    joined.push_str(&cs[0]);
                }
                cs[0] = joined;
            }
            if cs.len() > MAX_COLUMNS {
                break;
            }
            groups.push(Group {
                cells: cs,
                line: if pending.is_empty() {
                    j + 1
                } else {
                    pending_at + 1
                },
            });
            pending.clear();
        } else {
            if pending.is_empty() {
                pending_at = j;
            }
            pending.push(t);
            let words: usize = pending.iter().map(|l| l.split_whitespace().count()).sum();
            if pending.len() > MAX_CELL_LINES || words > MAX_CELL_WORDS {
                break;
            }
        }
        j += 1;
    }
    if pending.len() == 1 && pending[0].contains('|') && groups.iter().any(|g| g.cells.len() > 1) {
        groups.push(Group {
            cells: cells(pending[0]),
            line: pending_at + 1,
        });
        pending.clear();
    }
    let end = if pending.is_empty() { j } else { pending_at };
    (groups, sep, end)
}

/// Cells per row, and whether the table is written one cell per line.
fn width(groups: &[Group], sep: Option<&(usize, usize)>) -> Option<(usize, bool)> {
    let multi: Vec<usize> = groups
        .iter()
        .map(|g| g.cells.len())
        .filter(|&n| n >= 2)
        .collect();
    let vertical = multi.len() * 2 < groups.len();
    if let Some(&(_, w)) = sep {
        return (w >= 2).then_some((w, vertical));
    }
    if !vertical {
        return mode(multi.into_iter()).map(|w| (w, false));
    }
    // One cell per line: the period of the name-shaped cells, or the header's width when
    // that period is a multiple of it (rows with names of other shapes in between).
    let flat: Vec<&String> = groups.iter().flat_map(|g| &g.cells).collect();
    let anchors: Vec<usize> = (0..flat.len()).filter(|&k| name_like(flat[k])).collect();
    let header = flat.iter().take_while(|c| header_role(c).is_some()).count();
    let (w, seen) =
        mode_count(anchors.windows(2).map(|w| w[1] - w[0]).filter(|&d| d >= 2)).unwrap_or((0, 0));
    let w = if w >= 2 && (seen >= 2 || header < 2 || w % header != 0) {
        w
    } else if header >= 2 {
        header
    } else {
        return None;
    };
    Some((w, true))
}

fn mode(values: impl Iterator<Item = usize>) -> Option<usize> {
    mode_count(values).map(|(v, _)| v)
}

/// The most frequent value and how often it occurs.
fn mode_count(values: impl Iterator<Item = usize>) -> Option<(usize, usize)> {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// Rows from groups: a line of several cells starts a row unless it completes the row
/// begun by single cells above it. With `labels`, a lone short cell right before a
/// name-shaped one is a group label ("Google Analytics", "Custom Cookies"), not a row start.
fn assemble(groups: &[Group], width: usize, labels: bool) -> Vec<GridRow> {
    let mut rows = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut at = 0;
    let flush = |cur: &mut Vec<String>, at: usize, rows: &mut Vec<GridRow>| {
        if !cur.is_empty() {
            rows.push(GridRow {
                cells: std::mem::take(cur),
                line: at,
                kind: RowKind::Cells,
            });
        }
    };
    for (k, g) in groups.iter().enumerate() {
        if g.cells.len() >= 2 {
            if cur.len() + g.cells.len() > width {
                flush(&mut cur, at, &mut rows);
            }
            if cur.is_empty() {
                at = g.line;
            }
            cur.extend(g.cells.iter().cloned());
        } else {
            let cell = &g.cells[0];
            let next_named = groups.get(k + 1).is_some_and(|n| name_like(&n.cells[0]));
            if labels
                && cur.is_empty()
                && !name_like(cell)
                && next_named
                && !cell.is_empty()
                && cell.split_whitespace().count() <= 6
            {
                rows.push(GridRow {
                    cells: vec![cell.clone()],
                    line: g.line,
                    kind: RowKind::Heading,
                });
                continue;
            }
            if cur.is_empty() {
                at = g.line;
            }
            cur.push(cell.clone());
        }
        if cur.len() >= width {
            flush(&mut cur, at, &mut rows);
        }
    }
    flush(&mut cur, at, &mut rows);
    rows
}

/// One cell per line without a separator: the cells before the first name-shaped cell
/// are the header (its first `width` cells) and group labels.
fn vertical_rows(groups: &[Group], width: usize) -> Option<Vec<GridRow>> {
    let first = groups.iter().position(|g| name_like(&g.cells[0]))?;
    let mut rows = Vec::new();
    let header: Vec<String> = groups[..first.min(width)]
        .iter()
        .map(|g| g.cells[0].clone())
        .collect();
    if !header.is_empty() {
        rows.push(GridRow {
            cells: header,
            line: groups[0].line,
            kind: RowKind::Cells,
        });
    }
    for g in groups.iter().take(first).skip(width) {
        if !g.cells[0].is_empty() {
            rows.push(GridRow {
                cells: vec![g.cells[0].clone()],
                line: g.line,
                kind: RowKind::Heading,
            });
        }
    }
    rows.extend(assemble(&groups[first..], width, true));
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(text: &str) -> Grid {
        let lines: Vec<&str> = text.lines().collect();
        pipe_lines_at(&lines, 0).expect("a table").0
    }

    fn cells_of(g: &Grid) -> Vec<Vec<&str>> {
        g.rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn one_cell_per_line_with_wrapped_cells_and_a_group_label() {
        let g = grid("Cookie Name |\nExpiry |\nDescription |\nAcme Analytics |\n_ga |\n2 years |\nTells visitors\napart |\nlang |\n1 year |\nKeeps the language |\n_gid |\n1 day |\nCounts |\nAfter the table.");
        assert_eq!(
            cells_of(&g),
            [
                vec!["Cookie Name", "Expiry", "Description"],
                vec!["Acme Analytics"],
                vec!["_ga", "2 years", "Tells visitors\napart"],
                vec!["lang", "1 year", "Keeps the language"],
                vec!["_gid", "1 day", "Counts"],
            ]
        );
        assert!(g.rows[1].kind == RowKind::Heading);
    }

    #[test]
    fn bar_tables_without_a_separator_keep_one_row_per_line() {
        let g = grid("Name | Domain | Expiry | Description |\nCFID | | permanent | An id. |\nCFTOKEN | permanent | A token. |\n_ga | example.com | 2 years | Us");
        assert_eq!(g.rows.len(), 4);
        assert_eq!(g.rows[2].cells, ["CFTOKEN", "permanent", "A token."]);
        assert_eq!(g.rows[3].cells[0], "_ga");
    }
}
