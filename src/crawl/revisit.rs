//! The second visit of the site's first pages, a few seconds after the crawl saw them, with
//! the same jar: which persistent cookies it renews (see `observe::Renewal`). Only the page
//! documents are fetched again, not their sub-resources: a few requests, not a second crawl.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::fetch::Fetcher;
use super::run::Cancel;
use crate::observe::{
    first_pages, renewals, requested_expiries, CrawlOutcome, Renewal, ResourceKind, Source,
    REVISIT_GAP,
};

/// Visits the first `pages` pages again once [`REVISIT_GAP`] has passed since the latest
/// sighting, and returns every persistent cookie the crawl left in the jar with the expiry
/// its latest `Set-Cookie` asked for, before and after.
pub(super) async fn revisit(
    fetcher: &Fetcher,
    out: &CrawlOutcome,
    pages: usize,
    cancel: &Cancel,
) -> Vec<Renewal> {
    let before = requested_expiries(out.observations.iter().filter(|o| o.source == Source::Http));
    let targets = first_pages(&out.pages, pages);
    if before.is_empty() || targets.is_empty() {
        return Vec::new();
    }
    let latest = before.values().map(|e| e.seen_at).fold(0.0, f64::max);
    let wait = latest + REVISIT_GAP.as_secs_f64() - unix_now();
    if wait > 0.0 {
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_secs_f64(wait)) => {}
            () = cancel.cancelled() => return Vec::new(),
        }
    }
    let mut after = HashMap::new();
    for page in targets {
        if cancel.is_cancelled() {
            return Vec::new();
        }
        let f = fetcher.fetch(&page, &page, ResourceKind::Page, false).await;
        for (k, e) in requested_expiries(f.observations.iter()) {
            after.insert(k, (e.expiry, page.clone()));
        }
    }
    renewals(before, &after)
}

fn unix_now() -> f64 {
    OffsetDateTime::now_utc().unix_timestamp_nanos() as f64 / 1e9
}
