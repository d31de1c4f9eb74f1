//! Markdown pipe tables.

use super::{Grid, GridRow, Layout, RowKind};

/// Tables wider than this are not cookie tables; the cap also bounds the work per line.
pub const MAX_COLUMNS: usize = 64;

/// The pipe table whose header is line `i`, and the index of the first line after it.
pub fn table_at(lines: &[&str], i: usize) -> Option<(Grid, usize)> {
    let head = lines[i];
    if !head.contains('|') || i + 1 >= lines.len() || !is_separator(lines[i + 1]) {
        return None;
    }
    let header = cells(head);
    if header.len() < 2 || header.len() > MAX_COLUMNS {
        return None;
    }
    let mut rows = vec![GridRow {
        cells: header,
        line: i + 1,
        kind: RowKind::Cells,
    }];
    let mut j = i + 2;
    while j < lines.len() && lines[j].contains('|') && !lines[j].trim().is_empty() {
        let c = cells(lines[j]);
        if c.len() <= MAX_COLUMNS {
            rows.push(GridRow {
                cells: c,
                line: j + 1,
                kind: RowKind::Cells,
            });
        }
        j += 1;
    }
    // One cell per line under a separator is the vertical layout `pipes` reads.
    let thin = rows[1..]
        .iter()
        .filter(|r| r.cells.len() * 2 <= rows[0].cells.len())
        .count();
    if rows.len() > 1 && thin * 2 >= rows.len() - 1 {
        return None;
    }
    Some((
        Grid {
            rows,
            caption: None,
            layout: Layout::PipeTable,
        },
        j,
    ))
}

/// `|---|:---:|` and friends.
pub(super) fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && (t.contains('|') || t.starts_with('-'))
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
        && cells(t)
            .iter()
            .all(|c| c.trim_matches(':').len() >= 3 || c.is_empty())
}

/// Cells of one row; `\|` is a literal bar and the outer bars are optional.
pub(super) fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = if t.ends_with('|') && !t.ends_with("\\|") {
        &t[..t.len() - 1]
    } else {
        t
    };
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_tables_with_and_without_outer_bars() {
        let lines = [
            "| Nom | Durée |",
            "|:---|---:|",
            "| `_ga` | 13 mois |",
            "_gid | 1 jour",
            "",
            "after",
        ];
        let (g, next) = table_at(&lines, 0).expect("a table");
        assert_eq!(next, 4);
        assert_eq!(g.rows.len(), 3);
        assert_eq!(g.rows[1].cells, ["`_ga`", "13 mois"]);
        assert_eq!(g.rows[2].cells, ["_gid", "1 jour"]);
        assert!(table_at(&["a | b", "not a separator"], 0).is_none());
    }
}
