//! `cookiescan merge`: folds the stores of shards (or of separate runs) into one.
//!
//! A finished site is rewritten from its stored JSON report through the same transaction a
//! scan uses, so the merged tables equal those of a single run. A site already done in the
//! target is kept, which makes merging the same file twice change nothing.

use sqlx::Row;

use super::store::{FinishedScan, Outcome};
use super::{BatchError, Store};
use crate::report::Report;

/// What one merge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    pub copied: u64,
    pub failed_copied: u64,
    pub already_there: u64,
}

/// Copies every finished or failed site of `source` into `target`.
pub async fn merge(target: &Store, source: &Store) -> Result<MergeCounts, BatchError> {
    let rows = sqlx::query(
        "SELECT site, seq, policy, config, status, attempts, verdict, error, report_json \
         FROM scans WHERE status IN ('done', 'failed') ORDER BY seq, site",
    )
    .fetch_all(source.pool())
    .await
    .map_err(|e| source.db_error(e))?;
    let mut counts = MergeCounts::default();
    for row in &rows {
        let get = |c: &str| row.try_get::<Option<String>, _>(c);
        let (site, status): (String, String) = (
            row.try_get("site").map_err(|e| source.db_error(e))?,
            row.try_get("status").map_err(|e| source.db_error(e))?,
        );
        let seq: i64 = row.try_get("seq").map_err(|e| source.db_error(e))?;
        let attempts: i64 = row.try_get("attempts").map_err(|e| source.db_error(e))?;
        let (policy, config, verdict, error, json) = (|| {
            Ok::<_, sqlx::Error>((
                get("policy")?,
                get("config")?,
                get("verdict")?,
                get("error")?,
                get("report_json")?,
            ))
        })()
        .map_err(|e| source.db_error(e))?;
        if status == "failed" {
            let wrote = target
                .copy_failed(source, &site, seq, attempts, error.as_deref().unwrap_or(""))
                .await?;
            if wrote {
                counts.failed_copied += 1;
            } else {
                counts.already_there += 1;
            }
            continue;
        }
        let report: Report = serde_json::from_str(json.as_deref().unwrap_or("")).map_err(|e| {
            BatchError::BadReport {
                site: site.clone(),
                store: "source".into(),
                detail: e.to_string(),
            }
        })?;
        let scan = FinishedScan {
            site: &site,
            seq,
            policy: policy.as_deref(),
            config: config.as_deref(),
            report: &report,
            verdict: verdict.as_deref().unwrap_or("pass"),
            report_json: json.as_deref().unwrap_or(""),
            attempts,
        };
        match target.record_done(&scan, None).await? {
            Outcome::Written => counts.copied += 1,
            Outcome::Skipped => counts.already_there += 1,
        }
    }
    for row in &rows {
        let site: String = row.try_get("site").map_err(|e| source.db_error(e))?;
        target.copy_takeovers(source, &site).await?;
    }
    Ok(counts)
}

impl Store {
    /// Copies a site's `lease` rows (workers that died on it), so the merged store still shows
    /// them; merging twice adds nothing.
    async fn copy_takeovers(&self, source: &Store, site: &str) -> Result<(), BatchError> {
        let rows = sqlx::query(
            "SELECT seq, url, message, at FROM errors WHERE site = $1 AND kind = 'lease'",
        )
        .bind(site)
        .fetch_all(source.pool())
        .await
        .map_err(|e| source.db_error(e))?;
        for e in rows {
            let get = |c: &str| e.try_get::<String, _>(c);
            let seq: i64 = e.try_get("seq").map_err(|e| self.db_error(e))?;
            let (url, message, at) =
                (|| Ok::<_, sqlx::Error>((get("url")?, get("message")?, get("at")?)))()
                    .map_err(|e| self.db_error(e))?;
            sqlx::query(
                "INSERT INTO errors (site, kind, seq, url, message, at) \
                 VALUES ($1, 'lease', $2, $3, $4, $5) ON CONFLICT (site, kind, seq) DO NOTHING",
            )
            .bind(site)
            .bind(seq)
            .bind(url)
            .bind(message)
            .bind(at)
            .execute(self.pool())
            .await
            .map_err(|e| self.db_error(e))?;
        }
        Ok(())
    }

    /// Copies a failed site and its `scan` errors unless the target has it done or has seen
    /// as many attempts already. True when something was written.
    async fn copy_failed(
        &self,
        source: &Store,
        site: &str,
        seq: i64,
        attempts: i64,
        error: &str,
    ) -> Result<bool, BatchError> {
        let errors = sqlx::query(
            "SELECT seq, url, message, at FROM errors WHERE site = $1 AND kind = 'scan'",
        )
        .bind(site)
        .fetch_all(source.pool())
        .await
        .map_err(|e| source.db_error(e))?;
        let fail = |e| self.db_error(e);
        let mut tx = self.pool().begin().await.map_err(fail)?;
        sqlx::query(
            "INSERT INTO scans (site, seq, status, attempts) VALUES ($1, $2, 'pending', 0) \
             ON CONFLICT (site) DO NOTHING",
        )
        .bind(site)
        .bind(seq)
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        let updated = sqlx::query(
            "UPDATE scans SET status = 'failed', attempts = $2, error = $3, verdict = 'error' \
             WHERE site = $1 AND status <> 'done' AND status <> 'running' AND attempts < $2",
        )
        .bind(site)
        .bind(attempts)
        .bind(error)
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        if updated.rows_affected() == 0 {
            tx.rollback().await.map_err(fail)?;
            return Ok(false);
        }
        for e in errors {
            let get = |c: &str| e.try_get::<String, _>(c);
            let n: i64 = e.try_get("seq").map_err(fail)?;
            sqlx::query(
                "INSERT INTO errors (site, kind, seq, url, message, at) \
                 VALUES ($1, 'scan', $2, $3, $4, $5) ON CONFLICT (site, kind, seq) DO NOTHING",
            )
            .bind(site)
            .bind(n)
            .bind(get("url").map_err(fail)?)
            .bind(get("message").map_err(fail)?)
            .bind(get("at").map_err(fail)?)
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)?;
        Ok(true)
    }
}
