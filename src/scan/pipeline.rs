//! The pipeline: crawl (or browse) → observe → classify → compare with the policy → report.

use url::Url;

use crate::browser::{browse, BrowserOptions};
use crate::compliance::{evaluate, ComplianceSettings, Context};
use crate::crawl::{crawl, Cancel, CrawlConfig, Progress};
use crate::knowledge::{classify_records, KnowledgeBase};
use crate::observe::{aggregate, script_findings, ConsentReport, CrawlOutcome, StorageItem};
use crate::policy::Policy;
use crate::report::{PolicyReport, Report};

use super::ScanError;

/// Scans a site and returns its report with findings.
pub async fn scan(
    config: &CrawlConfig,
    kb: &KnowledgeBase,
    policy: &Policy,
    rules: &ComplianceSettings,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Report, ScanError> {
    let crawled = visit(config, None, progress, cancel).await?;
    finish(config, crawled, kb, policy, rules).await
}

/// Scans a site in headless Chromium (`--browser`), once per consent pass.
pub async fn scan_in_browser(
    config: &CrawlConfig,
    browser: &BrowserOptions,
    kb: &KnowledgeBase,
    policy: &Policy,
    rules: &ComplianceSettings,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Report, ScanError> {
    let crawled = visit(config, Some(browser), progress, cancel).await?;
    finish(config, crawled, kb, policy, rules).await
}

/// What a crawl saw in either mode, before anything is classified.
pub struct Crawled {
    pub outcome: CrawlOutcome,
    /// Browser mode: the consent passes.
    pub consent: Option<ConsentReport>,
    /// Browser mode: web storage seen in the browser.
    pub storage: Vec<StorageItem>,
}

/// The crawl alone: in headless Chromium when `browser` is given, else over HTTP. The CLI
/// calls it and [`finish`] itself, so that its knowledge base loads while the crawl runs.
pub async fn visit(
    config: &CrawlConfig,
    browser: Option<&BrowserOptions>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Crawled, ScanError> {
    Ok(match browser {
        Some(b) => {
            let b = browse(config, b, progress, cancel).await?;
            Crawled {
                outcome: b.outcome,
                consent: Some(b.consent),
                storage: b.storage,
            }
        }
        None => Crawled {
            outcome: crawl(config, progress, cancel).await?,
            consent: None,
            storage: Vec::new(),
        },
    })
}

/// Everything after the crawl, the same for both modes.
pub async fn finish(
    config: &CrawlConfig,
    crawled: Crawled,
    kb: &KnowledgeBase,
    policy: &Policy,
    rules: &ComplianceSettings,
) -> Result<Report, ScanError> {
    let Crawled {
        mut outcome,
        consent,
        storage: browser_storage,
    } = crawled;
    let site = site_host(&config.start_urls);
    // Page order, not crawl timing, decides "first seen" and the order of evidence.
    crate::report::crawl_in_page_order(&mut outcome);
    // Script analysis is CPU-bound: off the async runtime's threads.
    let bodies = std::mem::take(&mut outcome.scripts);
    let resources = outcome.resources.clone();
    let found = tokio::task::spawn_blocking(move || script_findings(&bodies, &resources))
        .await
        .unwrap_or_default();
    // HTTP sightings first, so a script's write joins the record its header created.
    // Script sightings count against the scan's caps too (`observe/budget.rs`).
    outcome.add_sightings(found.observations);
    outcome.close_budget();
    let observations = std::mem::take(&mut outcome.observations);
    let mut records = aggregate(&observations, &site);
    found.gates.mark(&mut records);
    crate::observe::apply_renewals(&mut records, &outcome.renewals);
    let mut cookies = classify_records(kb, records, &site);
    crate::report::sort_cookies(&mut cookies);
    // Tens of thousands of sightings are freed off this thread; the report need not wait.
    tokio::task::spawn_blocking(move || drop(observations));
    let ctx = Context::new(
        &cookies,
        &policy.declared,
        &policy.ignores,
        !policy.is_empty(),
        rules,
    )?
    .with_consent(consent.as_ref());
    let findings = evaluate(&ctx);
    let policy_report = PolicyReport::new(policy, &ctx);
    drop(ctx);
    let mut report = Report::new(
        config.summary(),
        site,
        outcome,
        cookies,
        findings,
        policy_report,
    );
    report.consent = consent;
    report.summary.scripts_analysed = found.scripts.len();
    report.scripts = found.scripts;
    report.storage = found.storage;
    report.storage.extend(browser_storage);
    report.summary.storage_keys = report.storage.len();
    // Stable order whatever order fetches finished in, so reports diff cleanly.
    report.sort_lists();
    Ok(report)
}

fn site_host(start: &[Url]) -> String {
    start
        .first()
        .and_then(|u| u.host_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}
