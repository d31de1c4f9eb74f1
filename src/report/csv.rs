//! CSV for spreadsheets: one row per cookie (or per finding), RFC 4180 quoting, CRLF line ends.
//!
//! Cells hold text websites chose (cookie names, domains, URLs), so a cell that a spreadsheet
//! would read as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a
//! leading `'`, as OWASP's "CSV Injection" page recommends. Number columns are left alone.

use super::view::{cookie_views, party_word, same_site_word, source_word, CookieView};
use super::{Exporter, Report, ReportError};

/// Columns of the per-cookie file, in order. Documented in the README; never reordered: new
/// columns go at the end.
///
/// Multi-valued cells are joined with "; ". `consent_phases` (browser mode) lists the consent
/// phases the cookie was present in, of `before-consent`, `after-reject` and `after-accept`
/// (e.g. "before-consent; after-accept"); it is empty for static scans. `gated_by` and
/// `gate_category` name the consent manager holding the cookie back and the category that
/// releases it (a static scan reads the markup): it is set after consent. No column holds a
/// cookie's value.
pub const CSV_COLUMNS: [&str; 23] = [
    "name",
    "domain",
    "path",
    "party",
    "vendor",
    "category",
    "category_source",
    "purpose",
    "lifetime_days",
    "session",
    "secure",
    "httponly",
    "samesite",
    "first_seen_url",
    "pages_seen",
    "sources",
    "declared",
    "declared_category",
    "findings",
    "consent_phases",
    "gated_by",
    "gate_category",
    // true / false after the second visit of the first pages; empty when not checked.
    "renewed_on_visit",
];

/// One cookie's cells, in [`CSV_COLUMNS`] order.
pub type CookieCells = [String; CSV_COLUMNS.len()];

/// Columns of the per-finding file (`--csv-findings`).
pub const CSV_FINDING_COLUMNS: [&str; 10] = [
    "severity",
    "rule",
    "cookie_name",
    "cookie_domain",
    "cookie_path",
    "message",
    "page",
    "declaration_file",
    "declaration_line",
    "evidence",
];

/// What one row stands for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvRows {
    #[default]
    Cookies,
    Findings,
}

pub struct CsvExporter {
    pub bom: bool,
    pub rows: CsvRows,
}

impl Exporter for CsvExporter {
    fn render(&self, report: &Report) -> Result<Vec<u8>, ReportError> {
        let mut out = Vec::new();
        if self.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        let fail = |e: csv::Error| ReportError::Render {
            format: "csv",
            detail: e.to_string(),
        };
        match self.rows {
            CsvRows::Cookies => {
                w.write_record(CSV_COLUMNS).map_err(fail)?;
                for v in cookie_views(report) {
                    w.write_record(cookie_row(&v)).map_err(fail)?;
                }
            }
            CsvRows::Findings => {
                w.write_record(CSV_FINDING_COLUMNS).map_err(fail)?;
                for f in &report.findings {
                    let cookie = f.cookie.as_ref();
                    let decl = f.declaration.as_ref();
                    w.write_record([
                        text(f.severity.as_str()),
                        text(&f.rule),
                        text(cookie.map_or("", |c| &c.name)),
                        text(cookie.map_or("", |c| &c.domain)),
                        text(cookie.map_or("", |c| &c.path)),
                        text(&f.message),
                        text(f.page.as_deref().unwrap_or("")),
                        text(decl.map_or("", |d| &d.file)),
                        decl.map(|d| d.line.to_string()).unwrap_or_default(),
                        text(&f.evidence.join("; ")),
                    ])
                    .map_err(fail)?;
                }
            }
        }
        w.into_inner().map_err(|e| ReportError::Render {
            format: "csv",
            detail: e.to_string(),
        })
    }
}

/// Every cookie's cells in [`CSV_COLUMNS`] order, before spreadsheet escaping: the batch
/// store's `cookies` table is written from these (all but the trailing `consent_phases`,
/// `gated_by` and `gate_category`, which it does not store), so it and the CSV never disagree.
pub fn cookie_cells(report: &Report) -> Vec<CookieCells> {
    cookie_views(report).iter().map(raw_cookie_row).collect()
}

fn cookie_row(v: &CookieView) -> CookieCells {
    let mut row = raw_cookie_row(v);
    for (i, cell) in row.iter_mut().enumerate() {
        // lifetime_days and pages_seen are numbers, which spreadsheets must read as numbers.
        if i != 8 && i != 14 {
            *cell = text(cell);
        }
    }
    row
}

fn raw_cookie_row(v: &CookieView) -> CookieCells {
    let r = v.record();
    let k = &v.cookie.classification;
    let declared = match v.coverage_word() {
        "declared" => "true",
        "ignored" => "ignored",
        _ => "false",
    };
    let mut rules: Vec<&str> = v.findings.iter().map(|f| f.rule.as_str()).collect();
    rules.dedup();
    let [gated_by, gate_category] = super::gating::gate_cells(r);
    [
        r.name.clone(),
        r.domain.clone(),
        r.path.clone(),
        party_word(r.party).to_string(),
        k.vendor.as_deref().unwrap_or("").to_string(),
        v.category.as_str().to_string(),
        v.category_source.as_str().to_string(),
        k.purpose.as_deref().unwrap_or("").to_string(),
        r.lifetime_secs.map(days).unwrap_or_default(),
        r.session.to_string(),
        r.secure.to_string(),
        r.http_only.to_string(),
        same_site_word(r.same_site).to_string(),
        r.first_seen_url.as_str().to_string(),
        r.pages_seen.to_string(),
        r.sources
            .iter()
            .map(|s| source_word(*s))
            .collect::<Vec<_>>()
            .join("; "),
        declared.to_string(),
        v.declared_category().map_or("", |c| c.as_str()).to_string(),
        rules.join("; "),
        r.phases
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        gated_by,
        gate_category,
        r.renewed_on_visit
            .map(|b| b.to_string())
            .unwrap_or_default(),
    ]
}

/// Seconds as days, to two decimals without trailing zeros ("395", "0.02").
fn days(secs: i64) -> String {
    let s = format!("{:.2}", secs as f64 / 86_400.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A text cell a spreadsheet must not evaluate.
fn text(s: &str) -> String {
    let s = one_line(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// Line breaks inside a cell are legal CSV but most people's tools split on them.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_kept() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("-2+3"), "'-2+3");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("_ga"), "_ga");
    }

    #[test]
    fn days_read_cleanly() {
        assert_eq!(days(395 * 86_400), "395");
        assert_eq!(days(1800), "0.02");
        assert_eq!(days(86_400 * 3 / 2), "1.5");
    }
}
