//! Where a batch keeps its results: one SQLite file, or a PostgreSQL database shared by many
//! workers. Both go through sqlx's `Any` driver with the same SQL (`schema.sql`), so there is
//! one code path; the only difference is the `FOR UPDATE SKIP LOCKED` a claim needs when
//! several processes share the database.
//!
//! A site's row in `scans` is its work item: `pending` → `running` (leased to one worker
//! until `lease_expires`) → `done` or `failed`. Each transition is one transaction.

mod write;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe};
use sqlx::{Executor, Row};

pub use write::{FailedScan, FinishedScan, Outcome};

use super::{BatchError, Target};

const SCHEMA: &str = include_str!("schema.sql");
pub const SCHEMA_VERSION: &str = "1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A claimed site: this worker scans it until its lease expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub site: String,
    pub policy: Option<String>,
    pub config: Option<String>,
    /// Failed attempts before this one.
    pub attempts: i64,
}

/// How far a batch has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub total: u64,
    pub done: u64,
    /// Failed and out of retries.
    pub failed: u64,
    /// Leased to a worker right now.
    pub running: u64,
    /// Failed with attempts left: waiting for their retry time.
    pub waiting: u64,
}

pub struct Store {
    pool: AnyPool,
    backend: Backend,
    location: String,
}

impl Store {
    /// Opens (and creates, for a SQLite file) the store at `location`: a file path, a
    /// `sqlite:` URL or a `postgres://` URL. `connections` is how many the pool may open.
    pub async fn open(location: &str, connections: u32) -> Result<Store, BatchError> {
        sqlx::any::install_default_drivers();
        let (backend, url) =
            if location.starts_with("postgres://") || location.starts_with("postgresql://") {
                (Backend::Postgres, location.to_string())
            } else if location.starts_with("sqlite:") {
                (Backend::Sqlite, location.to_string())
            } else {
                (Backend::Sqlite, format!("sqlite://{location}?mode=rwc"))
            };
        probe(location, &url, backend).await?;
        let options = match backend {
            // One connection: SQLite has one writer anyway, and one connection never waits
            // on its own lock.
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL lets people query the file while a batch writes to it;
                        // synchronous=FULL keeps every committed site through a power cut.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        Ok(())
                    })
                }),
            Backend::Postgres => AnyPoolOptions::new().max_connections(connections.max(2)),
        };
        let pool = options
            .acquire_timeout(Duration::from_secs(60))
            .connect(&url)
            .await
            .map_err(|e| BatchError::open(location, &e))?;
        let store = Store {
            pool,
            backend,
            location: redact(location),
        };
        store.create_schema().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) fn db_error(&self, e: sqlx::Error) -> BatchError {
        BatchError::Database {
            store: self.location.clone(),
            detail: e.to_string(),
        }
    }

    async fn create_schema(&self) -> Result<(), BatchError> {
        let mut tx = self.pool.begin().await.map_err(|e| self.db_error(e))?;
        // Two workers starting together on one PostgreSQL would race on CREATE TABLE; the
        // advisory lock makes the second wait for the first.
        if self.backend == Backend::Postgres {
            tx.execute("SELECT pg_advisory_xact_lock(727274)")
                .await
                .map_err(|e| self.db_error(e))?;
        }
        for statement in SCHEMA.split(";\n").map(str::trim) {
            let sql: String = statement
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            if !sql.trim().is_empty() {
                tx.execute(AssertSqlSafe(sql))
                    .await
                    .map_err(|e| self.db_error(e))?;
            }
        }
        let found: Option<String> = sqlx::query("SELECT value FROM meta WHERE key = 'schema'")
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.db_error(e))?
            .map(|r| r.try_get("value"))
            .transpose()
            .map_err(|e| self.db_error(e))?;
        match found {
            Some(v) if v != SCHEMA_VERSION => {
                return Err(BatchError::Schema {
                    store: self.location.clone(),
                    found: v,
                })
            }
            Some(_) => {}
            None => {
                sqlx::query("INSERT INTO meta (key, value) VALUES ('schema', $1)")
                    .bind(SCHEMA_VERSION)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.db_error(e))?;
            }
        }
        tx.commit().await.map_err(|e| self.db_error(e))
    }

    /// Adds the sites not in the store yet; sites already there keep their state, which is
    /// what makes running the same command again resume.
    pub async fn seed(&self, targets: &[Target]) -> Result<(), BatchError> {
        let mut tx = self.pool.begin().await.map_err(|e| self.db_error(e))?;
        for t in targets {
            sqlx::query(
                "INSERT INTO scans (site, seq, policy, config, status, attempts) \
                 VALUES ($1, $2, $3, $4, 'pending', 0) ON CONFLICT (site) DO NOTHING",
            )
            .bind(&t.site)
            .bind(t.line as i64)
            .bind(t.policy.clone())
            .bind(t.config.clone())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.db_error(e))?;
        }
        tx.commit().await.map_err(|e| self.db_error(e))
    }

    /// A SQLite file has one batch process, so a site still `running` when it starts was cut
    /// off by a crash or kill: it restarts now instead of waiting for its lease to expire, and
    /// an `errors` row of kind `lease` says which worker stopped.
    pub async fn recover_after_crash(&self, worker: &str) -> Result<u64, BatchError> {
        if self.backend != Backend::Sqlite {
            return Ok(0);
        }
        let fail = |e| self.db_error(e);
        let mut tx = self.pool.begin().await.map_err(fail)?;
        let cut_off = sqlx::query("SELECT site, lease_owner FROM scans WHERE status = 'running'")
            .fetch_all(&mut *tx)
            .await
            .map_err(fail)?;
        for row in &cut_off {
            let site: String = row.try_get("site").map_err(fail)?;
            let owner: Option<String> = row.try_get("lease_owner").map_err(fail)?;
            record_takeover(&mut tx, &site, owner.as_deref(), worker)
                .await
                .map_err(fail)?;
        }
        sqlx::query(
            "UPDATE scans SET status = 'pending', lease_owner = NULL, lease_expires = NULL \
             WHERE status = 'running'",
        )
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(cut_off.len() as u64)
    }

    /// Leases the next site to `worker`: a pending one, one whose lease expired (its worker
    /// died: recorded as a `lease` error), or a failed one with retries left whose retry time
    /// has come, in list order.
    pub async fn claim(
        &self,
        worker: &str,
        lease: Duration,
        max_attempts: u32,
    ) -> Result<Option<Claim>, BatchError> {
        let now = unix_now();
        let fail = |e| self.db_error(e);
        // SKIP LOCKED: two workers claiming at once take different sites instead of waiting.
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT site, status, lease_owner FROM scans WHERE status = 'pending' \
               OR (status = 'running' AND lease_expires < $1) \
               OR (status = 'failed' AND attempts < $2 \
                   AND (lease_expires IS NULL OR lease_expires <= $1)) \
             ORDER BY attempts, seq, site LIMIT 1{lock}"
        );
        let mut tx = self.pool.begin().await.map_err(fail)?;
        let Some(next) = sqlx::query(AssertSqlSafe(sql))
            .bind(now)
            .bind(i64::from(max_attempts))
            .fetch_optional(&mut *tx)
            .await
            .map_err(fail)?
        else {
            tx.commit().await.map_err(fail)?;
            return Ok(None);
        };
        let site: String = next.try_get("site").map_err(fail)?;
        let status: String = next.try_get("status").map_err(fail)?;
        if status == "running" {
            let owner: Option<String> = next.try_get("lease_owner").map_err(fail)?;
            record_takeover(&mut tx, &site, owner.as_deref(), worker)
                .await
                .map_err(fail)?;
        }
        let r = sqlx::query(
            "UPDATE scans SET status = 'running', lease_owner = $1, lease_expires = $2 \
             WHERE site = $3 RETURNING site, policy, config, attempts",
        )
        .bind(worker)
        .bind(now + lease.as_secs() as i64)
        .bind(&site)
        .fetch_one(&mut *tx)
        .await
        .map_err(fail)?;
        let claim = (|| {
            Ok(Claim {
                site: r.try_get("site")?,
                policy: r.try_get("policy")?,
                config: r.try_get("config")?,
                attempts: r.try_get("attempts")?,
            })
        })()
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(Some(claim))
    }

    /// Extends `worker`'s lease on `site`; false when another worker has taken it over.
    pub async fn renew(
        &self,
        site: &str,
        worker: &str,
        lease: Duration,
    ) -> Result<bool, BatchError> {
        let done = sqlx::query(
            "UPDATE scans SET lease_expires = $1 \
             WHERE site = $2 AND lease_owner = $3 AND status = 'running'",
        )
        .bind(unix_now() + lease.as_secs() as i64)
        .bind(site)
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(|e| self.db_error(e))?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a site back unscanned (the batch was interrupted): the next run starts it again.
    pub async fn release(&self, site: &str, worker: &str) -> Result<(), BatchError> {
        sqlx::query(
            "UPDATE scans SET status = 'pending', lease_owner = NULL, lease_expires = NULL \
             WHERE site = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(site)
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(|e| self.db_error(e))?;
        Ok(())
    }

    /// Counts of the whole store (every shard and worker writing to it).
    pub async fn progress(&self, max_attempts: u32) -> Result<Progress, BatchError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS total, \
             COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0) AS done, \
             COALESCE(SUM(CASE WHEN status = 'failed' AND attempts >= $1 THEN 1 ELSE 0 END), 0) AS failed, \
             COALESCE(SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0) AS running, \
             COALESCE(SUM(CASE WHEN status = 'failed' AND attempts < $1 THEN 1 ELSE 0 END), 0) AS waiting \
             FROM scans",
        )
        .bind(i64::from(max_attempts))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.db_error(e))?;
        let get = |c: &str| -> Result<u64, sqlx::Error> {
            Ok(u64::try_from(row.try_get::<i64, _>(c)?).unwrap_or(0))
        };
        (|| {
            Ok(Progress {
                total: get("total")?,
                done: get("done")?,
                failed: get("failed")?,
                running: get("running")?,
                waiting: get("waiting")?,
            })
        })()
        .map_err(|e| self.db_error(e))
    }

    /// Waits for every connection to finish and closes the store (SQLite folds its WAL back
    /// into the one file).
    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// An `errors` row of kind `lease`: the worker holding `site` stopped renewing its lease (it
/// died, was killed or hung), and `worker` takes the site over.
async fn record_takeover(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    site: &str,
    owner: Option<&str>,
    worker: &str,
) -> Result<(), sqlx::Error> {
    let seq: i64 = sqlx::query(
        "SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM errors WHERE site = $1 AND kind = 'lease'",
    )
    .bind(site)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    let message = format!(
        "worker {} stopped renewing its lease on this site (it died, was killed or hung); {worker} took it over",
        owner.unwrap_or("(unknown)")
    );
    write::insert_error(tx, site, "lease", seq, "", &message).await
}

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The first whole second (Unix time) that is at least `after` from now. The store keeps
/// whole seconds; rounding down would let a 2 s retry delay start 1.1 s later.
pub(crate) fn unix_after(after: Duration) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    whole_seconds_up(now.saturating_add(after))
}

fn whole_seconds_up(t: Duration) -> i64 {
    let up = t.as_secs().saturating_add(u64::from(t.subsec_nanos() > 0));
    i64::try_from(up).unwrap_or(i64::MAX / 2)
}

/// A PostgreSQL URL without its password, for error messages and logs.
/// How long opening a store may take before it counts as unreachable.
const OPEN_TIMEOUT: Duration = Duration::from_secs(5);

/// One connection and one query, at most [`OPEN_TIMEOUT`], before the pool is built: a file
/// that is not SQLite or a dead server fails in seconds with the driver's reason, where the
/// pool would retry for its whole acquire timeout, logging every attempt.
async fn probe(location: &str, url: &str, backend: Backend) -> Result<(), BatchError> {
    use sqlx::Connection;
    let check = match backend {
        Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master",
        Backend::Postgres => "SELECT 1",
    };
    let attempt = async {
        let mut conn = sqlx::AnyConnection::connect(url).await?;
        let checked = sqlx::query(check).fetch_one(&mut conn).await.map(|_| ());
        let _ = conn.close().await;
        checked
    };
    match tokio::time::timeout(OPEN_TIMEOUT, attempt).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(BatchError::open(location, &e)),
        Err(_) => Err(BatchError::Open {
            store: redact(location),
            detail: format!(
                "no answer within {} s; check the URL and that the server runs",
                OPEN_TIMEOUT.as_secs()
            ),
        }),
    }
}

pub(crate) fn redact(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => location.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_time_is_never_earlier_than_its_delay() {
        // Stored seconds are whole: a failure at 10.9 s with a 2 s delay may start at 13, not 12.
        assert_eq!(whole_seconds_up(Duration::from_millis(12_900)), 13);
        assert_eq!(whole_seconds_up(Duration::from_secs(12)), 12);
        assert_eq!(whole_seconds_up(Duration::MAX), i64::MAX / 2);
        let before = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let at = unix_after(Duration::from_secs(2));
        assert!(Duration::from_secs(at as u64) >= before + Duration::from_secs(2));
    }
}
