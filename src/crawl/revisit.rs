//! The second visit of the site's first pages, a few seconds after the crawl saw them, with
//! the same jar: which persistent cookies it renews (see `observe::Renewal`). Only the page
//! documents are fetched again, not their sub-resources: a few requests, not a second crawl.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::fetch::Fetcher;
use super::run::Cancel;
use crate::observe::{
    first_pages, renewals, requested_expiries, wait_before_revisit, CrawlOutcome, Renewal,
    ResourceKind, Source,
};

/// Visits the first `pages` pages again once the cookies they set are a few seconds old
/// (`observe::REVISIT_GAP`), and returns every persistent cookie the crawl left in the jar
/// with the expiry its latest `Set-Cookie` asked for, before and after.
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
    let wait = wait_before_revisit(&out.observations, &targets, OffsetDateTime::now_utc());
    if !wait.is_zero() {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
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
            after.insert(k, (e, page.clone()));
        }
    }
    renewals(before, &after)
}
