//! Scans the sites of a store, several at once: each worker task claims a site, scans it with
//! [`crate::scan::scan`] (the crawl's per-host politeness holds inside each scan), and writes
//! the report in one transaction. A failing site is recorded and retried later, never
//! stopping the batch.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::store::{Claim, FailedScan, FinishedScan, Outcome, Progress};
use super::{BatchError, Store};
use crate::compliance::FailOn;
use crate::config::{BrowserSettings, Config, CrawlSettings, ScanFlags, ScanSetup};
use crate::crawl::Cancel;
use crate::knowledge::{Category, KnowledgeBase};
use crate::report::{ExportOptions, OutputPlan, Report};

/// Everything a batch run needs besides the store.
#[derive(Clone)]
pub struct BatchSettings {
    /// Crawl flags for every site (`urls` is replaced by each site's URL).
    pub base: CrawlSettings,
    /// The batch-wide cookiescan.toml (declarations and rule settings).
    pub config: Config,
    /// `--policy` sources for every site without its own.
    pub policies: Vec<String>,
    pub fail_on: FailOn,
    pub sites_in_parallel: usize,
    /// Attempts per site before it counts as failed for good.
    pub max_attempts: u32,
    /// How long a claimed site stays this worker's without a renewal.
    pub lease: Duration,
    /// Wait before a failed site's second attempt; doubled for each later one.
    pub retry_delay: Duration,
    /// Per-site reports go to `DIR/sites/SLUG/`.
    pub output_dir: Option<PathBuf>,
    pub include_values: bool,
    /// This process's name in the store's leases.
    pub worker: String,
}

/// What the runner tells the command line.
pub trait BatchEvents: Send + Sync {
    fn progress(&self, _progress: Progress) {}
    fn site_finished(&self, _result: &SiteResult) {}
}

impl BatchEvents for () {}

/// One site's result, for the line the command prints.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteResult {
    Done {
        site: String,
        pages: usize,
        cookies: usize,
        marketing: usize,
        errors: usize,
        warnings: usize,
        verdict: &'static str,
    },
    Failed {
        site: String,
        attempt: i64,
        max_attempts: u32,
        error: String,
    },
}

/// What this run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub scanned: u64,
    pub failed_attempts: u64,
    pub interrupted: bool,
}

/// Runs workers until no site is left to claim (or `cancel`); returns what this run did.
pub async fn run(
    store: Arc<Store>,
    settings: Arc<BatchSettings>,
    kb: Arc<KnowledgeBase>,
    events: Arc<dyn BatchEvents>,
    cancel: Arc<Cancel>,
) -> Result<Totals, BatchError> {
    events.progress(store.progress(settings.max_attempts).await?);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..settings.sites_in_parallel.max(1) {
        let worker = Worker {
            store: Arc::clone(&store),
            settings: Arc::clone(&settings),
            kb: Arc::clone(&kb),
            events: Arc::clone(&events),
            cancel: Arc::clone(&cancel),
        };
        tasks.spawn(async move { worker.run().await });
    }
    let mut totals = Totals::default();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(t)) => {
                totals.scanned += t.scanned;
                totals.failed_attempts += t.failed_attempts;
            }
            Ok(Err(e)) => {
                // A store that fails is fatal; stop the other workers so they release sites.
                cancel.cancel();
                first_error.get_or_insert(e);
            }
            Err(e) => {
                cancel.cancel();
                first_error.get_or_insert(BatchError::Database {
                    store: "worker".into(),
                    detail: e.to_string(),
                });
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    totals.interrupted = cancel.is_cancelled();
    Ok(totals)
}

struct Worker {
    store: Arc<Store>,
    settings: Arc<BatchSettings>,
    kb: Arc<KnowledgeBase>,
    events: Arc<dyn BatchEvents>,
    cancel: Arc<Cancel>,
}

impl Worker {
    async fn run(&self) -> Result<Totals, BatchError> {
        let s = &self.settings;
        let mut totals = Totals::default();
        while !self.cancel.is_cancelled() {
            let Some(claim) = self.store.claim(&s.worker, s.lease, s.max_attempts).await? else {
                // Sites leased elsewhere may still come back (a dead worker's lease expires);
                // wait for them while any remain, then stop.
                // Failed sites wait for their retry time the same way.
                let p = self.store.progress(s.max_attempts).await?;
                if p.running == 0 && p.waiting == 0 {
                    break;
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(500)) => {}
                    () = self.cancel.cancelled() => {}
                }
                continue;
            };
            match self.scan_claimed(&claim).await? {
                Some(true) => totals.scanned += 1,
                Some(false) => totals.failed_attempts += 1,
                None => {}
            }
            self.events
                .progress(self.store.progress(s.max_attempts).await?);
        }
        Ok(totals)
    }

    /// Some(true): done; Some(false): failed attempt; None: released or taken over.
    async fn scan_claimed(&self, claim: &Claim) -> Result<Option<bool>, BatchError> {
        let s = &self.settings;
        let heartbeat = self.keep_lease(claim);
        let result = self.scan_site(claim).await;
        heartbeat.abort();
        match result {
            Ok(report) if !report.partial => self.record_report(claim, &report).await,
            // An interrupted scan is not a failure of the site: another run scans it whole.
            Ok(_) => {
                self.store.release(&claim.site, &s.worker).await?;
                Ok(None)
            }
            Err(_) if self.cancel.is_cancelled() => {
                self.store.release(&claim.site, &s.worker).await?;
                Ok(None)
            }
            Err(message) => self.record_failure(claim, message).await,
        }
    }

    /// Renews the claim's lease while its scan runs, so no other worker takes the site over;
    /// stops once a renewal fails (the lease is someone else's by then).
    fn keep_lease(&self, claim: &Claim) -> tokio::task::JoinHandle<()> {
        let s = &self.settings;
        let (store, site, worker, lease) = (
            Arc::clone(&self.store),
            claim.site.clone(),
            s.worker.clone(),
            s.lease,
        );
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                if !matches!(store.renew(&site, &worker, lease).await, Ok(true)) {
                    break;
                }
            }
        })
    }

    async fn record_failure(
        &self,
        claim: &Claim,
        message: String,
    ) -> Result<Option<bool>, BatchError> {
        let s = &self.settings;
        let failed = FailedScan {
            site: &claim.site,
            message: &message,
            retry_after: retry_delay(s.retry_delay, claim.attempts + 1),
        };
        if self.store.record_failed(&failed, &s.worker).await? == Outcome::Skipped {
            return Ok(None);
        }
        self.events.site_finished(&SiteResult::Failed {
            site: claim.site.clone(),
            attempt: claim.attempts + 1,
            max_attempts: s.max_attempts,
            error: message,
        });
        Ok(Some(false))
    }

    /// Stores a finished scan, then writes its per-site reports and tells the command line.
    async fn record_report(
        &self,
        claim: &Claim,
        report: &Report,
    ) -> Result<Option<bool>, BatchError> {
        let s = &self.settings;
        let failing = report.findings.iter().any(|f| s.fail_on.fails(f.severity));
        let verdict = if failing { "fail" } else { "pass" };
        let json = serde_json::to_string(report).map_err(|e| BatchError::Write {
            path: claim.site.clone(),
            detail: e.to_string(),
        })?;
        let finished = FinishedScan {
            site: &claim.site,
            seq: 0,
            policy: claim.policy.as_deref(),
            config: claim.config.as_deref(),
            report,
            verdict,
            report_json: &json,
            attempts: claim.attempts,
        };
        if self.store.record_done(&finished, Some(&s.worker)).await? == Outcome::Skipped {
            return Ok(None);
        }
        if let Some(dir) = &s.output_dir {
            write_site_reports(&dir.join("sites").join(slug(&claim.site)), report)?;
        }
        let by = |c| report.summary.by_category.get(&c).copied().unwrap_or(0);
        self.events.site_finished(&SiteResult::Done {
            site: claim.site.clone(),
            pages: report.summary.pages_visited,
            cookies: report.summary.cookies,
            marketing: by(Category::Marketing),
            errors: report.summary.findings.error,
            warnings: report.summary.findings.warning,
            verdict,
        });
        Ok(Some(true))
    }

    /// The site's scan with its own config and policy; Err is the one-sentence reason.
    async fn scan_site(&self, claim: &Claim) -> Result<Report, String> {
        let s = &self.settings;
        let own;
        let config = match &claim.config {
            Some(path) => {
                own = Config::load(Path::new(path)).map_err(|e| e.to_string())?;
                &own
            }
            None => &s.config,
        };
        let flags = ScanFlags {
            crawl: CrawlSettings {
                urls: Some(vec![claim.site.clone()]),
                ..s.base.clone()
            },
            browser: BrowserSettings::default(),
            policies: claim
                .policy
                .clone()
                .map_or_else(|| s.policies.clone(), |p| vec![p]),
            fail_on: Some(s.fail_on),
            include_values: s.include_values,
        };
        let setup = ScanSetup::build(&flags, config, s.fail_on).map_err(|e| e.to_string())?;
        let (policy, _notes) = setup
            .read_policy(&self.kb)
            .await
            .map_err(|e| e.to_string())?;
        crate::scan::scan(
            &setup.crawl,
            &self.kb,
            &policy,
            &setup.rules,
            &(),
            &self.cancel,
        )
        .await
        .map_err(|e| e.to_string())
    }
}

/// The longest wait between two attempts at one site.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(3600);

/// The wait after failed attempt `attempt` (1-based): `base`, then doubled each time, at most
/// an hour. A brief outage then costs one attempt, not all of them.
pub fn retry_delay(base: Duration, attempt: i64) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    base.saturating_mul(1 << doublings).min(MAX_RETRY_DELAY)
}

/// Every per-site report format the single-site scan writes, into `dir`.
fn write_site_reports(dir: &Path, report: &Report) -> Result<(), BatchError> {
    let write_err = |e: crate::report::ReportError| BatchError::Write {
        path: dir.display().to_string(),
        detail: e.to_string(),
    };
    let plan = OutputPlan::new(&[], None, Some(dir)).map_err(write_err)?;
    plan.prepare().map_err(write_err)?;
    plan.write(report, ExportOptions::default(), &mut std::io::sink())
        .map_err(write_err)?;
    Ok(())
}

/// A folder name for a site: its URL without the scheme, anything but letters, digits, `.`
/// and `-` as `_` (so `https://shop.example.org:8443/fr/` is `shop.example.org_8443_fr`).
pub fn slug(site: &str) -> String {
    let rest = site.split_once("://").map_or(site, |(_, r)| r);
    let s: String = rest
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "site".into()
    } else {
        s
    }
}

#[cfg(test)]
mod retry_tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let base = Duration::from_secs(30);
        let waits: Vec<u64> = (1..=4).map(|a| retry_delay(base, a).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240]);
        assert_eq!(retry_delay(base, 40), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(Duration::ZERO, 3), Duration::ZERO);
    }
}
