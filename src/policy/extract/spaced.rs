//! Tables whose columns lost their alignment (PDF text, web-to-text): a header line of
//! column words separated by single spaces, then one row per line that starts with the
//! cookie name. Only the name can be cut off reliably; the rest of the line is the
//! purpose, with its first duration as the lifetime. Lines that do not start with a name
//! continue the row above ("(1st Party)" wrapped under `_ga`).

use super::labels::duration_in;
use super::shape::name_like;
use super::{Grid, GridRow, Layout, RowKind};
use crate::policy::headers::{header_role, Role};

/// Words in a header line, at most.
const MAX_HEADER_WORDS: usize = 12;
/// Rows read per table; bounds the work.
const MAX_ROWS: usize = 2000;

pub fn spaced_table_at(lines: &[&str], i: usize) -> Option<(Grid, usize)> {
    if !is_header(lines[i]) {
        return None;
    }
    let mut rows: Vec<GridRow> = Vec::new();
    let mut j = i + 1;
    while j < lines.len() && rows.len() < MAX_ROWS {
        let t = lines[j].trim();
        if t.is_empty() || t.contains(['|', '\t']) || is_header(t) {
            break;
        }
        match row_start(t) {
            Some((name, rest)) => rows.push(GridRow {
                cells: vec![name.to_string(), String::new(), rest.to_string()],
                line: j + 1,
                kind: RowKind::Cells,
            }),
            None => match rows.last_mut() {
                Some(r) => {
                    r.cells[2].push(' ');
                    r.cells[2].push_str(t);
                }
                // A first row without a name ("Unique name (generated)") is skipped.
                None if j - i <= 2 => {}
                None => break,
            },
        }
        j += 1;
    }
    if rows.is_empty() {
        return None;
    }
    for r in &mut rows {
        r.cells[1] = duration_in(&r.cells[2]).unwrap_or_default();
    }
    let header = GridRow {
        cells: ["Name", "Lifetime", "Purpose"].map(String::from).to_vec(),
        line: i + 1,
        kind: RowKind::Cells,
    };
    rows.insert(0, header);
    Some((
        Grid {
            rows,
            caption: None,
            layout: Layout::SpaceSeparated,
        },
        j,
    ))
}

/// "Cookie name Type Function Lifetime", "Nom du cookie Type Fonction Durée de vie": the
/// first words name the name column, and more column words follow.
fn is_header(line: &str) -> bool {
    let t = line.trim();
    let first = t.split_whitespace().next().unwrap_or("").to_lowercase();
    // Cheap test first: this runs on every line of a document.
    if !["cookie", "name", "nom", "naam", "nombre", "nome", "key"]
        .iter()
        .any(|w| first.starts_with(w))
    {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().filter(|w| *w != "*").collect();
    if words.len() < 3
        || words.len() > MAX_HEADER_WORDS
        || t.contains(['|', '\t'])
        // Columns still aligned with runs of spaces are the layout reader's.
        || t.contains("   ")
        || t.chars().any(|c| c.is_ascii_digit())
        || t.ends_with(['.', ',', ':', ';', '?', '!'])
    {
        return false;
    }
    let names_first = first.starts_with("cookie")
        || header_role(words[0]) == Some(Role::Name)
        || header_role(&words[..3].join(" ")) == Some(Role::Name);
    let others = words[1..]
        .iter()
        .filter(|w| header_role(w).is_some_and(|r| r != Role::Name))
        .count();
    names_first && others >= 1 && others * 4 >= words.len() - 1
}

/// The name a row starts with, and the rest of the line.
fn row_start(t: &str) -> Option<(&str, &str)> {
    let (first, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
    name_like(first).then_some((first, rest.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_start_with_a_name_and_wrapped_lines_continue_them() {
        let text = "Cookie name Type Function Lifetime\nPHPSESSID Technical Session ID Session\ncpnbCookiesDeclined Essential Persistent Up to 180 days Keeps the banner shut.\n_ga   Your domain\n(1st Party)\nA random ID. 2 years\n\nAfter.";
        let lines: Vec<&str> = text.lines().collect();
        let (g, next) = spaced_table_at(&lines, 0).expect("a table");
        assert_eq!(next, 6);
        let names: Vec<&str> = g.rows.iter().map(|r| r.cells[0].as_str()).collect();
        assert_eq!(names, ["Name", "PHPSESSID", "cpnbCookiesDeclined", "_ga"]);
        assert_eq!(g.rows[2].cells[1], "180 days");
        assert!(g.rows[3].cells[2].ends_with("(1st Party) A random ID. 2 years"));
        assert!(spaced_table_at(&["The cookie name is set by us.", "_ga x"], 0).is_none());
    }
}
