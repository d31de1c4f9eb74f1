//! The pipeline in one call: crawl → observe → report.

use url::Url;

use crate::crawl::{crawl, Cancel, CrawlConfig, CrawlError, Progress};
use crate::observe::aggregate;
use crate::report::Report;

/// Scans a site and returns its report.
pub async fn scan(
    config: &CrawlConfig,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Report, CrawlError> {
    let outcome = crawl(config, progress, cancel).await?;
    let site = site_host(&config.start_urls);
    let cookies = aggregate(&outcome.observations, &site);
    Ok(Report::new(config.summary(), site, outcome, cookies))
}

fn site_host(start: &[Url]) -> String {
    start
        .first()
        .and_then(|u| u.host_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}
