//! Table rows into declared cookies, whatever syntax the table came in.

use super::columns::{assign, is_header_row, Col, SAMPLE_ROWS};
use super::labels::{
    category_in_heading, category_of_cell, is_lifetime, lifetime_in, looks_like_provider,
};
use super::names::{clean_cell, split_names_checked};
use super::repair::join_hosts;
use super::{Ctx, Grid, GridRow, RowKind, Sink};
use crate::knowledge::Category;
use crate::policy::declared::{DeclaredCookie, SourceRef};
use crate::policy::oracle::NameOracle;

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
    let rows: Vec<GridRow> = grid
        .rows
        .iter()
        .map(|r| GridRow {
            cells: r.cells.iter().map(|c| clean_cell(c)).collect(),
            line: r.line,
            kind: r.kind,
        })
        .collect();
    let Some(columns) = Columns::of(&rows, sink.oracle) else {
        return (Vec::new(), String::new());
    };
    // Context: the caption, else the heading above the table; headings between rows and
    // rows with a single category cell switch it.
    let context = grid
        .caption
        .as_deref()
        .and_then(|c| category_in_heading(c).map(|cat| (cat, c.to_string())))
        .or_else(|| ctx.map(|c| (c.category, c.label.clone())));
    let mut table = Table {
        columns: &columns,
        context,
        pending: None,
        out: Vec::new(),
    };
    for row in rows.into_iter().skip(columns.body_start) {
        table.row(row, sink);
    }
    table.flush(sink);
    (table.out, columns.why)
}

/// What the header and the sampled rows say about the columns.
struct Columns {
    roles: Vec<Col>,
    why: String,
    body_start: usize,
    /// The header as compared with rows, to drop it where a page break repeats it.
    header_cells: Option<Vec<String>>,
    name_col: usize,
    cat_col: Option<usize>,
}

impl Columns {
    fn of(rows: &[GridRow], oracle: &dyn NameOracle) -> Option<Columns> {
        let header_at = rows.iter().position(|r| r.kind == RowKind::Cells);
        let header = header_at.filter(|&i| is_header_row(&rows[i].cells, oracle));
        let body_start = header.map_or(0, |i| i + 1);
        let sample: Vec<&[String]> = rows[body_start..]
            .iter()
            .filter(|r| r.kind == RowKind::Cells)
            .take(SAMPLE_ROWS)
            .map(|r| r.cells.as_slice())
            .collect();
        let (roles, why) = assign(header.map(|i| rows[i].cells.as_slice()), &sample, oracle)?;
        let col = |want: Col| roles.iter().position(|&r| r == want);
        let (name_col, cat_col) = (col(Col::Name).unwrap_or(0), col(Col::Category));
        Some(Columns {
            header_cells: header.map(|i| normalised(&rows[i].cells)),
            roles,
            why,
            body_start,
            name_col,
            cat_col,
        })
    }
}

/// The body of a table read row by row: the category in force, and the row still open
/// to continuation lines.
struct Table<'c> {
    columns: &'c Columns,
    context: Option<(Category, String)>,
    pending: Option<Row>,
    out: Vec<DeclaredCookie>,
}

impl Table<'_> {
    fn row(&mut self, row: GridRow, sink: &mut Sink) {
        let GridRow { cells, line, kind } = row;
        if self.switches_category(&cells, kind, sink) || self.repeats_header(&cells) {
            return;
        }
        if self.continues(&cells, kind, sink.oracle) {
            if let Some(p) = self.pending.as_mut() {
                p.append(cells);
            }
        } else {
            self.flush(sink);
            self.pending = Some(Row { cells, line });
        }
    }

    /// A heading between rows, or a row of one cell naming a category ("Analytics
    /// cookies" spanning the table), switches the category of the rows below. True when
    /// the row is used up by this.
    fn switches_category(&mut self, cells: &[String], kind: RowKind, sink: &mut Sink) -> bool {
        let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
        let lone_category = kind == RowKind::Cells
            && filled.len() == 1
            && cells
                .get(self.columns.name_col)
                .is_none_or(|n| n.is_empty() || category_of_cell(n).is_some());
        if kind != RowKind::Heading && !lone_category {
            return false;
        }
        if let Some(cat) = filled.first().and_then(|t| category_in_heading(t)) {
            self.flush(sink);
            self.context = Some((cat, filled[0].to_string()));
            return true;
        }
        kind == RowKind::Heading
    }

    /// The header repeated after a page break.
    fn repeats_header(&self, cells: &[String]) -> bool {
        let first = cells.iter().find(|c| !c.is_empty());
        self.columns.header_cells.as_ref().is_some_and(|h| {
            h.first()
                .is_some_and(|f| first.is_some_and(|c| flat(c).eq_ignore_ascii_case(f)))
                && *h == normalised(cells)
        })
    }

    /// Whether a line is the wrapped rest of the open row rather than a new row.
    fn continues(&self, cells: &[String], kind: RowKind, oracle: &dyn NameOracle) -> bool {
        let empty = |i: Option<usize>| i.is_none_or(|i| cells.get(i).is_none_or(|c| c.is_empty()));
        let name_cell = cells.get(self.columns.name_col).map_or("", String::as_str);
        let whole_names =
            !name_cell.is_empty() && name_cell.split_whitespace().all(|t| oracle.is_known(t));
        kind == RowKind::MayContinue
            && self.pending.is_some()
            && empty(self.columns.cat_col)
            && !whole_names
    }

    fn flush(&mut self, sink: &mut Sink) {
        if let Some(row) = self.pending.take() {
            row_cookies(
                &row,
                &self.columns.roles,
                &self.context,
                sink,
                &mut self.out,
            );
        }
    }
}

impl Row {
    /// Adds a continuation line, cell by cell.
    fn append(&mut self, cells: Vec<String>) {
        for (i, c) in cells.into_iter().enumerate() {
            if c.is_empty() {
                continue;
            }
            if self.cells.len() <= i {
                self.cells.resize(i + 1, String::new());
            }
            if !self.cells[i].is_empty() {
                self.cells[i].push(' ');
            }
            self.cells[i].push_str(&c);
        }
    }

    /// The filled cells of the columns that hold `want`, in order.
    fn cells_of(&self, roles: &[Col], want: Col) -> Vec<&str> {
        roles
            .iter()
            .zip(&self.cells)
            .filter(|(r, c)| **r == want && !c.is_empty())
            .map(|(_, c)| c.as_str())
            .collect()
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
    let Some(name_cell) = row.cells_of(roles, Col::Name).first().copied() else {
        return;
    };
    let (found, doubtful) = split_names_checked(name_cell, sink.oracle);
    for d in doubtful {
        sink.warn(line, format!("'{d}' may be one cookie name split by stray spaces; no known name joins it, so its parts are kept as written"));
    }
    if found.is_empty() {
        return;
    }
    let (category, category_label) = row_category(row, roles, context, sink);
    let domains = row_domains(row, roles, sink);
    let (provider, purpose) = provider_and_purpose(row, roles);
    let lifetime = row
        .cells_of(roles, Col::Lifetime)
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
            purposes: Default::default(),
            lifetime: lifetime.clone(),
            source: Some(SourceRef {
                file: sink.origin.to_string(),
                line,
            }),
        });
    }
}

/// The row's category cell, else the category the table is under.
fn row_category(
    row: &Row,
    roles: &[Col],
    context: &Option<(Category, String)>,
    sink: &mut Sink,
) -> (Option<Category>, Option<String>) {
    match row.cells_of(roles, Col::Category).first() {
        Some(cell) => {
            let cat = category_of_cell(cell);
            if cat.is_none() {
                sink.warn(
                    row.line,
                    format!("category '{cell}' is not a known category word"),
                );
            }
            (cat, Some(flat(cell)))
        }
        None => match context {
            Some((c, l)) => (Some(*c), Some(l.clone())),
            None => (None, None),
        },
    }
}

/// The hosts of all domain cells, split host names joined, each once.
fn row_domains(row: &Row, roles: &[Col], sink: &mut Sink) -> Vec<String> {
    let mut domains = Vec::new();
    for cell in row.cells_of(roles, Col::Domain) {
        let (hosts, repairs) = join_hosts(cell);
        for (written, repaired) in repairs {
            sink.repair(
                &written,
                &repaired,
                row.line,
                "joined a host name split by stray spaces",
            );
        }
        for h in hosts {
            if !domains.contains(&h) {
                domains.push(h);
            }
        }
    }
    domains
}

/// The provider, and the purpose: short titles that read like a provider fill in a
/// missing provider, the others start the purpose.
fn provider_and_purpose(row: &Row, roles: &[Col]) -> (Option<String>, Option<String>) {
    let mut provider = row.cells_of(roles, Col::Provider).first().map(|c| flat(c));
    let mut purpose_parts: Vec<String> = Vec::new();
    for label in row.cells_of(roles, Col::Label) {
        if provider.is_none() && looks_like_provider(&flat(label)) {
            provider = Some(flat(label));
        } else {
            purpose_parts.push(flat(label));
        }
    }
    purpose_parts.extend(row.cells_of(roles, Col::Purpose).into_iter().map(flat));
    let purpose = (!purpose_parts.is_empty()).then(|| purpose_parts.join(": "));
    if provider.as_deref().is_some_and(str::is_empty) {
        provider = None;
    }
    (provider, purpose)
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
