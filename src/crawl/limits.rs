//! The bounds a hostile site would otherwise push without end (links per page, queued pages,
//! sub-resources, script bytes): what each left out, told once per scan in one warning.

use super::CrawlConfig;
use crate::observe::{limit_warnings, LimitHit as Hit, Warning};

/// Every bound of one crawl.
#[derive(Debug, Default)]
pub(crate) struct LimitHits {
    pub links_per_page: Hit,
    pub queued_pages: Hit,
    pub subresources_per_page: Hit,
    pub subresources: Hit,
    pub script_bytes: Hit,
}

/// True when `used` has reached `cap` (0 = no cap).
pub(super) fn reached(cap: usize, used: usize) -> bool {
    cap > 0 && used >= cap
}

impl LimitHits {
    /// One warning per bound that was hit, in a fixed order.
    pub fn warnings(&self, config: &CrawlConfig) -> Vec<Warning> {
        let lines = [
            (
                &self.links_per_page,
                format!(
                    "{{n}} links were not followed: pages linked to more than {} URLs (the links-per-page cap); first on {{first}}",
                    config.max_links_per_page
                ),
            ),
            (
                &self.queued_pages,
                format!(
                    "{{n}} links were not queued: {} pages were already waiting (the queue cap); first on {{first}}",
                    config.max_queued_pages
                ),
            ),
            (
                &self.subresources_per_page,
                format!(
                    "{{n}} sub-resources were not fetched: pages loaded more than {} new ones (--max-subresources-per-page); first on {{first}}",
                    config.max_subresources_per_page
                ),
            ),
            (
                &self.subresources,
                format!(
                    "{{n}} sub-resources were not fetched: the scan had fetched {} (--max-subresources); first on {{first}}",
                    config.max_subresources
                ),
            ),
            (
                &self.script_bytes,
                format!(
                    "{{n}} scripts were not analysed: the scan already held {} bytes of script (the script-bytes cap); their cookies were still recorded; first on {{first}}",
                    config.max_script_bytes
                ),
            ),
        ];
        limit_warnings(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    #[test]
    fn one_warning_per_bound_hit_with_its_count_and_first_page() {
        let mut hits = LimitHits::default();
        let a = Url::parse("http://a.test/1").unwrap();
        let b = Url::parse("http://a.test/2").unwrap();
        hits.subresources.add(3, &a);
        hits.subresources.add(4, &b);
        hits.script_bytes.add(0, &a);
        let w = hits.warnings(&CrawlConfig::default());
        assert_eq!(w.len(), 1);
        assert!(
            w[0].message.starts_with("7 sub-resources"),
            "{}",
            w[0].message
        );
        assert!(
            w[0].message.ends_with("http://a.test/1"),
            "{}",
            w[0].message
        );
        assert!(reached(2, 2) && !reached(2, 1) && !reached(0, 99));
    }
}
