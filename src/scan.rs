//! The pipeline in one call: crawl → observe → classify → report.

use url::Url;

use crate::crawl::{crawl, Cancel, CrawlConfig, CrawlError, Progress};
use crate::knowledge::{classify_records, KnowledgeBase};
use crate::observe::aggregate;
use crate::report::Report;

/// Scans a site and returns its report.
pub async fn scan(
    config: &CrawlConfig,
    kb: &KnowledgeBase,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Report, CrawlError> {
    let outcome = crawl(config, progress, cancel).await?;
    let site = site_host(&config.start_urls);
    let cookies = classify_records(kb, aggregate(&outcome.observations, &site), &site);
    Ok(Report::new(config.summary(), site, outcome, cookies))
}

fn site_host(start: &[Url]) -> String {
    start
        .first()
        .and_then(|u| u.host_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}
