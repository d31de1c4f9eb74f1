//! Table rows into declared cookies, whatever syntax the table came in.

use super::columns::{assign, is_header_row, Col, SAMPLE_ROWS};
use super::labels::{
    category_in_heading, category_of_cell, is_lifetime, lifetime_in, looks_like_provider,
};
use super::names::{clean_cell, split_names_checked};
use super::repair::join_hosts;
use super::{Ctx, Grid, RowKind, Sink};
use crate::knowledge::Category;
use crate::policy::declared::{DeclaredCookie, SourceRef};

/// One table row after wrapped lines are put back together.
struct Row {
    cells: Vec<String>,
    line: usize,
}

/// The cookies a table declares, and why its name column is the name column.
pub fn table_cookies(
    grid: &Grid,
    ctx: Option<&Ctx>,
    sink: &mut Sink,
) -> (Vec<DeclaredCookie>, String) {
    let oracle = sink.oracle;
    let rows: Vec<(Vec<String>, usize, RowKind)> = grid
        .rows
        .iter()
        .map(|r| {
            (
                r.cells.iter().map(|c| clean_cell(c)).collect(),
                r.line,
                r.kind,
            )
        })
        .collect();
    let header_at = rows.iter().position(|r| r.2 == RowKind::Cells);
    let header = header_at.filter(|&i| is_header_row(&rows[i].0, oracle));
    let body_start = header.map_or(0, |i| i + 1);
    let sample: Vec<&[String]> = rows[body_start..]
        .iter()
        .filter(|r| r.2 == RowKind::Cells)
        .take(SAMPLE_ROWS)
        .map(|r| r.0.as_slice())
        .collect();
    let Some((roles, why)) = assign(header.map(|i| rows[i].0.as_slice()), &sample, oracle) else {
        return (Vec::new(), String::new());
    };
    let header_cells = header.map(|i| normalised(&rows[i].0));
    let col = |want: Col| roles.iter().position(|&r| r == want);
    let (name_col, cat_col) = (col(Col::Name).unwrap_or(0), col(Col::Category));

    // Context: the caption, else the heading above the table; headings between rows and
    // rows with a single category cell switch it.
    let mut context: Option<(Category, String)> = grid
        .caption
        .as_deref()
        .and_then(|c| category_in_heading(c).map(|cat| (cat, c.to_string())))
        .or_else(|| ctx.map(|c| (c.category, c.label.clone())));
    let mut out = Vec::new();
    let mut pending: Option<Row> = None;
    for (cells, line, kind) in rows.into_iter().skip(body_start) {
        let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
        // A heading between rows, or a row of one cell naming a category ("Analytics
        // cookies" spanning the table), switches the category of the rows below.
        let lone_category = kind == RowKind::Cells
            && filled.len() == 1
            && cells
                .get(name_col)
                .is_none_or(|n| n.is_empty() || category_of_cell(n).is_some());
        if kind == RowKind::Heading || lone_category {
            if let Some(cat) = filled.first().and_then(|t| category_in_heading(t)) {
                flush(&mut pending, &roles, &context, sink, &mut out);
                context = Some((cat, filled[0].to_string()));
                continue;
            }
            if kind == RowKind::Heading {
                continue;
            }
        }
        let first_matches = |h: &Vec<String>| {
            h.first().is_some_and(|f| {
                filled
                    .first()
                    .is_some_and(|c| flat(c).eq_ignore_ascii_case(f))
            })
        };
        if header_cells
            .as_ref()
            .is_some_and(|h| first_matches(h) && *h == normalised(&cells))
        {
            continue; // header repeated after a page break
        }
        let empty = |i: Option<usize>| i.is_none_or(|i| cells.get(i).is_none_or(|c| c.is_empty()));
        let name_cell = cells.get(name_col).map_or("", String::as_str);
        let whole_names =
            !name_cell.is_empty() && name_cell.split_whitespace().all(|t| oracle.is_known(t));
        let continues =
            kind == RowKind::MayContinue && pending.is_some() && empty(cat_col) && !whole_names;
        if continues {
            if let Some(p) = pending.as_mut() {
                for (i, c) in cells.into_iter().enumerate() {
                    if c.is_empty() {
                        continue;
                    }
                    if p.cells.len() <= i {
                        p.cells.resize(i + 1, String::new());
                    }
                    if !p.cells[i].is_empty() {
                        p.cells[i].push(' ');
                    }
                    p.cells[i].push_str(&c);
                }
            }
        } else {
            flush(&mut pending, &roles, &context, sink, &mut out);
            pending = Some(Row { cells, line });
        }
    }
    flush(&mut pending, &roles, &context, sink, &mut out);
    (out, why)
}

fn flush(
    pending: &mut Option<Row>,
    roles: &[Col],
    context: &Option<(Category, String)>,
    sink: &mut Sink,
    out: &mut Vec<DeclaredCookie>,
) {
    if let Some(row) = pending.take() {
        row_cookies(&row, roles, context, sink, out);
    }
}

fn row_cookies(
    row: &Row,
    roles: &[Col],
    context: &Option<(Category, String)>,
    sink: &mut Sink,
    out: &mut Vec<DeclaredCookie>,
) {
    let line = row.line;
    let cells_of = |want: Col| -> Vec<&str> {
        roles
            .iter()
            .zip(&row.cells)
            .filter(|(r, c)| **r == want && !c.is_empty())
            .map(|(_, c)| c.as_str())
            .collect()
    };
    let Some(name_cell) = cells_of(Col::Name).first().copied() else {
        return;
    };
    let (found, doubtful) = split_names_checked(name_cell, sink.oracle);
    for d in doubtful {
        sink.warn(line, format!("'{d}' may be one cookie name split by stray spaces; no known name joins it, so its parts are kept as written"));
    }
    if found.is_empty() {
        return;
    }

    let (category, category_label) = match cells_of(Col::Category).first() {
        Some(cell) => {
            let cat = category_of_cell(cell);
            if cat.is_none() {
                sink.warn(
                    line,
                    format!("category '{cell}' is not a known category word"),
                );
            }
            (cat, Some(flat(cell)))
        }
        None => match context {
            Some((c, l)) => (Some(*c), Some(l.clone())),
            None => (None, None),
        },
    };

    let mut domains = Vec::new();
    for cell in cells_of(Col::Domain) {
        let (hosts, repairs) = join_hosts(cell);
        for (written, repaired) in repairs {
            sink.repair(
                &written,
                &repaired,
                line,
                "joined a host name split by stray spaces",
            );
        }
        for h in hosts {
            if !domains.contains(&h) {
                domains.push(h);
            }
        }
    }

    let mut provider = cells_of(Col::Provider).first().map(|c| flat(c));
    let mut purpose_parts: Vec<String> = Vec::new();
    for label in cells_of(Col::Label) {
        if provider.is_none() && looks_like_provider(&flat(label)) {
            provider = Some(flat(label));
        } else {
            purpose_parts.push(flat(label));
        }
    }
    purpose_parts.extend(cells_of(Col::Purpose).into_iter().map(flat));
    let purpose = (!purpose_parts.is_empty()).then(|| purpose_parts.join(": "));
    if provider.as_deref().is_some_and(str::is_empty) {
        provider = None;
    }

    let lifetime = cells_of(Col::Lifetime)
        .first()
        .map(|c| flat(c))
        .filter(|c| is_lifetime(c) || c.split_whitespace().count() <= 6)
        .or_else(|| purpose.as_deref().and_then(lifetime_in));

    for f in found {
        if let Some((written, how)) = &f.repair {
            sink.repair(written, &f.name, line, how);
        }
        sink.check_lookalike(&f.name, f.known, line);
        out.push(DeclaredCookie {
            name: f.name,
            match_kind: f.kind,
            category,
            category_label: category_label.clone(),
            provider: provider.clone(),
            domains: domains.clone(),
            purpose: purpose.clone(),
            lifetime: lifetime.clone(),
            source: Some(SourceRef {
                file: sink.origin.to_string(),
                line,
            }),
        });
    }
}

fn normalised(cells: &[String]) -> Vec<String> {
    cells
        .iter()
        .map(|c| flat(c).to_lowercase())
        .filter(|c| !c.is_empty())
        .collect()
}

/// One line of text: cells keep line breaks only to separate names.
fn flat(cell: &str) -> String {
    cell.split_whitespace().collect::<Vec<_>>().join(" ")
}
