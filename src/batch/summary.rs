//! `summary.csv` and `index.html` over every site in a store: pages, cookies per category,
//! findings, verdict, and the error of a site that could not be scanned.

use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{context, AutoEscape, Environment};
use serde::Serialize;
use sqlx::Row;

use super::{BatchError, Store};

const TEMPLATE: &str = include_str!("../../templates/batch-index.html");

/// Columns of `summary.csv`, in order.
pub const SUMMARY_COLUMNS: [&str; 15] = [
    "site",
    "status",
    "attempts",
    "pages",
    "cookies",
    "necessary",
    "functional",
    "analytics",
    "marketing",
    "unclassified",
    "third_party",
    "errors",
    "warnings",
    "verdict",
    "error",
];

/// One site's line in the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteRow {
    pub site: String,
    pub status: String,
    pub attempts: i64,
    pub counts: [Option<i64>; 10],
    pub verdict: String,
    pub error: String,
    /// The site's HTML report, relative to the summary, when `--output-dir` wrote one.
    pub report: Option<String>,
}

impl Store {
    /// Every site's summary line, in list order.
    pub async fn site_rows(&self) -> Result<Vec<SiteRow>, BatchError> {
        let rows = sqlx::query(
            "SELECT site, status, attempts, pages, cookies, necessary, functional, analytics, \
             marketing, unclassified, third_party, errors, warnings, verdict, error \
             FROM scans ORDER BY seq, site",
        )
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.db_error(e))?;
        rows.iter()
            .map(|r| {
                let mut counts = [None; 10];
                for (i, c) in SUMMARY_COLUMNS[3..13].iter().enumerate() {
                    counts[i] = r.try_get(*c)?;
                }
                Ok(SiteRow {
                    site: r.try_get("site")?,
                    status: r.try_get("status")?,
                    attempts: r.try_get("attempts")?,
                    counts,
                    verdict: r
                        .try_get::<Option<String>, _>("verdict")?
                        .unwrap_or_default(),
                    error: r.try_get::<Option<String>, _>("error")?.unwrap_or_default(),
                    report: None,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| self.db_error(e))
    }
}

/// The names of the summary files: `summary.csv` and `index.html`, or with `--shard I/N`
/// `summary.shard-I-of-N.csv` and `index.shard-I-of-N.html`, so shards writing into one folder
/// keep their own (`merge` writes the plain names for the merged store).
pub fn summary_names(shard: Option<super::Shard>) -> (String, String) {
    match shard {
        None => ("summary.csv".into(), "index.html".into()),
        Some(s) => (
            format!("summary.shard-{}-of-{}.csv", s.index, s.count),
            format!("index.shard-{}-of-{}.html", s.index, s.count),
        ),
    }
}

/// Writes the summary CSV and HTML index (named by [`summary_names`]) into `dir`; links each
/// done site to its HTML report when `dir/sites/SLUG/` has one. Returns the files written.
pub async fn write_summary(
    store: &Store,
    dir: &Path,
    shard: Option<super::Shard>,
) -> Result<Vec<PathBuf>, BatchError> {
    let mut rows = store.site_rows().await?;
    for row in &mut rows {
        let rel = format!(
            "sites/{}/cookiescan-report.html",
            super::runner::slug(&row.site)
        );
        if dir.join(&rel).is_file() {
            row.report = Some(rel);
        }
    }
    let (csv_name, html_name) = summary_names(shard);
    let csv_path = dir.join(csv_name);
    let html_path = dir.join(html_name);
    write(&csv_path, &summary_csv(&rows)?)?;
    write(&html_path, index_html(&rows)?.as_bytes())?;
    Ok(vec![csv_path, html_path])
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), BatchError> {
    std::fs::write(path, bytes).map_err(|e| BatchError::Write {
        path: path.display().to_string(),
        detail: format!("{e}; check the folder exists and is writable"),
    })
}

fn render_error(what: &str, e: impl std::fmt::Display) -> BatchError {
    BatchError::Write {
        path: what.to_string(),
        detail: e.to_string(),
    }
}

pub fn summary_csv(rows: &[SiteRow]) -> Result<Vec<u8>, BatchError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(SUMMARY_COLUMNS)
        .map_err(|e| render_error("summary.csv", e))?;
    for r in rows {
        let mut cells = vec![r.site.clone(), r.status.clone(), r.attempts.to_string()];
        cells.extend(
            r.counts
                .iter()
                .map(|c| c.map(|n| n.to_string()).unwrap_or_default()),
        );
        cells.push(r.verdict.clone());
        // Errors are text a remote server chose: keep them single-line and formula-free.
        let error = r.error.replace(['\r', '\n'], " ");
        cells.push(if error.starts_with(['=', '+', '-', '@']) {
            format!("'{error}")
        } else {
            error
        });
        w.write_record(&cells)
            .map_err(|e| render_error("summary.csv", e))?;
    }
    w.into_inner().map_err(|e| render_error("summary.csv", e))
}

pub fn index_html(rows: &[SiteRow]) -> Result<String, BatchError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_template("index.html", TEMPLATE)
        .map_err(|e| render_error("index.html", e))?;
    let count = |v: &str| rows.iter().filter(|r| r.verdict == v).count();
    env.get_template("index.html")
        .and_then(|t| {
            t.render(context! {
                rows => Serde(rows),
                total => rows.len(),
                pass => count("pass"),
                fail => count("fail"),
                error => count("error"),
                version => env!("CARGO_PKG_VERSION"),
            })
        })
        .map_err(|e| render_error("index.html", format!("{e:#}")))
}
