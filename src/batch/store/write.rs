//! Writing one site's results: every row of a finished scan goes in inside one transaction,
//! after its old rows are deleted, so a site is either fully in the store or not at all, and
//! writing it twice (a retry, a merge) never duplicates a row.

use sqlx::any::Any;
use sqlx::{AssertSqlSafe, Row, Transaction};

use super::{unix_after, unix_now, BatchError, Store};
use crate::report::{cookie_cells, Report};

/// A finished scan, as the `scans` row and its child rows.
pub struct FinishedScan<'a> {
    pub site: &'a str,
    pub seq: i64,
    pub policy: Option<&'a str>,
    pub config: Option<&'a str>,
    pub report: &'a Report,
    /// `pass` or `fail` (a finding at or above `--fail-on`).
    pub verdict: &'a str,
    /// The report as JSON, so merges and later exports can re-read it whole.
    pub report_json: &'a str,
    /// Failed attempts before this one.
    pub attempts: i64,
}

/// A site that could not be scanned this time.
pub struct FailedScan<'a> {
    pub site: &'a str,
    pub message: &'a str,
    /// How long the site waits before its next attempt (it may be claimed again after that).
    pub retry_after: std::time::Duration,
}

/// What happened to a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Written,
    /// Nothing was written: another worker holds the site's lease now (ours expired), or, in
    /// a merge, the site is already done in the target.
    Skipped,
}

impl Store {
    /// Records a finished scan held under `worker`'s lease (`None`: a merge, no lease).
    pub async fn record_done(
        &self,
        scan: &FinishedScan<'_>,
        worker: Option<&str>,
    ) -> Result<Outcome, BatchError> {
        let fail = |e| self.db_error(e);
        let mut tx = self.pool().begin().await.map_err(fail)?;
        if worker.is_none() {
            insert_pending(&mut tx, scan).await.map_err(fail)?;
        }
        if !mark_done(&mut tx, scan, worker).await.map_err(fail)? {
            tx.rollback().await.map_err(fail)?;
            return Ok(Outcome::Skipped);
        }
        delete_report_rows(&mut tx, scan.site).await.map_err(fail)?;
        insert_rows(&mut tx, scan.site, scan.report)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(Outcome::Written)
    }

    /// Records a failed attempt: the site's error, one more attempt, and an `errors` row.
    pub async fn record_failed(
        &self,
        failed: &FailedScan<'_>,
        worker: &str,
    ) -> Result<Outcome, BatchError> {
        let fail = |e| self.db_error(e);
        let mut tx = self.pool().begin().await.map_err(fail)?;
        let row = sqlx::query(
            "UPDATE scans SET status = 'failed', attempts = attempts + 1, error = $2, \
             verdict = 'error', lease_owner = NULL, lease_expires = $4 \
             WHERE site = $1 AND lease_owner = $3 AND status = 'running' RETURNING attempts",
        )
        .bind(failed.site)
        .bind(failed.message)
        .bind(worker)
        // On a failed site, `lease_expires` is the time its next attempt may start.
        .bind(unix_after(failed.retry_after))
        .fetch_optional(&mut *tx)
        .await
        .map_err(fail)?;
        let Some(row) = row else {
            tx.rollback().await.map_err(fail)?;
            return Ok(Outcome::Skipped);
        };
        let attempt: i64 = row.try_get("attempts").map_err(fail)?;
        insert_error(&mut tx, failed.site, "scan", attempt, "", failed.message)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(Outcome::Written)
    }
}

/// A merge may bring a site the target store has never seen: give it a row to update.
async fn insert_pending(
    tx: &mut Transaction<'_, Any>,
    scan: &FinishedScan<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO scans (site, seq, policy, config, status, attempts) \
         VALUES ($1, $2, $3, $4, 'pending', 0) ON CONFLICT (site) DO NOTHING",
    )
    .bind(scan.site)
    .bind(scan.seq)
    .bind(scan.policy)
    .bind(scan.config)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes the scan's summary into its `scans` row; false when the row was not ours to write.
async fn mark_done(
    tx: &mut Transaction<'_, Any>,
    scan: &FinishedScan<'_>,
    worker: Option<&str>,
) -> Result<bool, sqlx::Error> {
    use crate::knowledge::Category as C;
    let r = scan.report;
    let by = |c: C| r.summary.by_category.get(&c).copied().unwrap_or(0) as i64;
    // With a lease the row must still be ours. Without one (a merge) the row may not
    // exist yet, and a site already done is kept as it is, so merging twice changes nothing.
    let (guard, key) = match worker {
        Some(w) => ("AND lease_owner = $20 AND status = 'running'", w),
        None => ("AND status <> $20", "done"),
    };
    let sql = format!(
        "UPDATE scans SET status = 'done', lease_owner = NULL, lease_expires = NULL, \
         host = $2, started_at = $3, finished_at = $4, duration_ms = $5, pages = $6, \
         pages_failed = $7, cookies = $8, necessary = $9, functional = $10, analytics = $11, \
         marketing = $12, unclassified = $13, third_party = $14, errors = $15, \
         warnings = $16, infos = $17, verdict = $18, report_json = $19, error = NULL, \
         attempts = $21 WHERE site = $1 {guard}"
    );
    // Safe: `guard` is one of two constant strings.
    let q = sqlx::query(AssertSqlSafe(sql))
        .bind(scan.site)
        .bind(&r.site)
        .bind(rfc3339(r.started_at))
        .bind(rfc3339(r.finished_at))
        .bind(r.duration_ms as i64)
        .bind(r.summary.pages_visited as i64)
        .bind(r.summary.pages_failed as i64)
        .bind(r.summary.cookies as i64)
        .bind(by(C::Necessary))
        .bind(by(C::Functional))
        .bind(by(C::Analytics))
        .bind(by(C::Marketing))
        .bind(by(C::Unclassified))
        .bind(r.summary.third_party as i64)
        .bind(r.summary.findings.error as i64)
        .bind(r.summary.findings.warning as i64)
        .bind(r.summary.findings.info as i64)
        .bind(scan.verdict)
        .bind(scan.report_json)
        .bind(key)
        .bind(scan.attempts);
    Ok(q.execute(&mut **tx).await?.rows_affected() > 0)
}

/// Deletes the rows an earlier write of this site's report left, so a rewrite never
/// duplicates one.
async fn delete_report_rows(tx: &mut Transaction<'_, Any>, site: &str) -> Result<(), sqlx::Error> {
    for table in ["pages", "cookies", "findings"] {
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE site = $1"
        )))
        .bind(site)
        .execute(&mut **tx)
        .await?;
    }
    // Failed attempts and lease takeovers are the site's history; the rest is its report's.
    sqlx::query("DELETE FROM errors WHERE site = $1 AND kind NOT IN ('scan', 'lease')")
        .bind(site)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn insert_rows(
    tx: &mut Transaction<'_, Any>,
    site: &str,
    r: &Report,
) -> Result<(), sqlx::Error> {
    insert_pages(tx, site, r).await?;
    insert_cookies(tx, site, r).await?;
    insert_findings(tx, site, r).await?;
    insert_report_errors(tx, site, r).await
}

async fn insert_pages(
    tx: &mut Transaction<'_, Any>,
    site: &str,
    r: &Report,
) -> Result<(), sqlx::Error> {
    for p in &r.pages {
        sqlx::query(
            "INSERT INTO pages (site, url, depth, status, final_url, content_type, bytes, \
             cookies_set, error, skipped) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (site, url) DO NOTHING",
        )
        .bind(site)
        .bind(p.url.as_str())
        .bind(p.depth as i64)
        .bind(p.status.map(i64::from))
        .bind(p.final_url.as_ref().map(|u| u.to_string()))
        .bind(p.content_type.clone())
        .bind(p.bytes as i64)
        .bind(p.cookies_set as i64)
        .bind(p.error.clone())
        .bind(p.skipped.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The cookie rows hold the CSV report's cells, so the store and the CSV agree.
async fn insert_cookies(
    tx: &mut Transaction<'_, Any>,
    site: &str,
    r: &Report,
) -> Result<(), sqlx::Error> {
    for c in cookie_cells(r) {
        let flag = |s: &str| i64::from(s == "true");
        sqlx::query(
            "INSERT INTO cookies (site, name, domain, path, party, vendor, category, \
             category_source, purpose, lifetime_days, session, secure, httponly, samesite, \
             first_seen_url, pages_seen, sources, declared, declared_category, findings) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST(CAST($10 AS TEXT) AS DOUBLE PRECISION), \
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
             ON CONFLICT (site, name, domain, path) DO NOTHING",
        )
        .bind(site)
        .bind(&c[0])
        .bind(&c[1])
        .bind(&c[2])
        .bind(&c[3])
        .bind(&c[4])
        .bind(&c[5])
        .bind(&c[6])
        .bind(&c[7])
        // Sent as text: sqlx 0.9's Any driver sends a NULL f64 to PostgreSQL as float4,
        // which a float8 parameter rejects ("incorrect binary data format").
        .bind((!c[8].is_empty()).then(|| c[8].clone()))
        .bind(flag(&c[9]))
        .bind(flag(&c[10]))
        .bind(flag(&c[11]))
        .bind(&c[12])
        .bind(&c[13])
        .bind(c[14].parse::<i64>().unwrap_or(0))
        .bind(&c[15])
        .bind(&c[16])
        .bind(&c[17])
        .bind(&c[18])
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_findings(
    tx: &mut Transaction<'_, Any>,
    site: &str,
    r: &Report,
) -> Result<(), sqlx::Error> {
    for (i, f) in r.findings.iter().enumerate() {
        let cookie = f.cookie.as_ref();
        let decl = f.declaration.as_ref();
        sqlx::query(
            "INSERT INTO findings (site, seq, severity, rule, cookie_name, cookie_domain, \
             cookie_path, message, page, declaration_file, declaration_line, evidence) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(site)
        .bind(i as i64)
        .bind(f.severity.as_str())
        .bind(&f.rule)
        .bind(cookie.map_or("", |c| &c.name))
        .bind(cookie.map_or("", |c| &c.domain))
        .bind(cookie.map_or("", |c| &c.path))
        .bind(&f.message)
        .bind(f.page.as_deref().unwrap_or(""))
        .bind(decl.map_or("", |d| &d.file))
        .bind(decl.map(|d| d.line as i64))
        .bind(f.evidence.join("; "))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Page errors, then the scan's warnings, numbered in one sequence.
async fn insert_report_errors(
    tx: &mut Transaction<'_, Any>,
    site: &str,
    r: &Report,
) -> Result<(), sqlx::Error> {
    let page_errors = r
        .pages
        .iter()
        .filter_map(|p| Some(("page", p.url.as_str(), p.error.clone()?)));
    let warnings = r.warnings.iter().map(|w| {
        let url = w.url.as_deref().unwrap_or("");
        ("warning", url, w.message.clone())
    });
    for (i, (kind, url, message)) in page_errors.chain(warnings).enumerate() {
        insert_error(tx, site, kind, i as i64, url, &message).await?;
    }
    Ok(())
}

pub(super) async fn insert_error(
    tx: &mut Transaction<'_, Any>,
    site: &str,
    kind: &str,
    seq: i64,
    url: &str,
    message: &str,
) -> Result<(), sqlx::Error> {
    let at = time::OffsetDateTime::from_unix_timestamp(unix_now())
        .map(rfc3339)
        .unwrap_or_default();
    sqlx::query(
        "INSERT INTO errors (site, kind, seq, url, message, at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (site, kind, seq) DO NOTHING",
    )
    .bind(site)
    .bind(kind)
    .bind(seq)
    .bind(url)
    .bind(message)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
