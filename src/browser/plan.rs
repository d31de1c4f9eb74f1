//! What the browser crawl takes from the static crawl before any tab opens: the pages the
//! sitemaps list, and robots.txt. Both are read with the scan's HTTP client; a visitor's
//! browser never fetches them, so their cookies are not recorded, only their warnings.

use url::Url;

use super::BrowserError;
use crate::crawl::{
    build_fetcher, from_sitemaps, CrawlConfig, Fetcher, Frontier, PageJob, RobotsCache, Scope,
};
use crate::observe::Warning;

pub struct Plan {
    fetcher: Fetcher,
    robots: RobotsCache,
    respect_robots: bool,
    /// In-scope pages from the sitemaps, with the sitemap that listed each.
    seeds: Vec<(Url, Url)>,
    /// Warnings of the robots.txt and sitemap fetches, for the report.
    pub warnings: Vec<Warning>,
}

impl Plan {
    pub async fn new(config: &CrawlConfig, scope: &Scope) -> Result<Plan, BrowserError> {
        let mut plan = Plan {
            fetcher: build_fetcher(config)?,
            robots: RobotsCache::default(),
            respect_robots: config.respect_robots,
            seeds: Vec::new(),
            warnings: Vec::new(),
        };
        if config.use_sitemaps {
            let seeds =
                from_sitemaps(&config.start_urls, &plan.fetcher, scope, &mut plan.robots).await;
            plan.seeds = seeds.pages;
            plan.warnings
                .extend(seeds.fetches.into_iter().flat_map(|f| f.warnings));
        }
        Ok(plan)
    }

    /// A pass's frontier: the start URLs, then the sitemaps' pages.
    pub fn frontier(&self, config: &CrawlConfig) -> Frontier {
        let mut frontier = Frontier::starting_at(config.max_per_pattern, &config.start_urls);
        for (u, sitemap) in &self.seeds {
            frontier.offer(PageJob {
                url: u.clone(),
                depth: 1,
                found_on: Some(sitemap.clone()),
            });
        }
        frontier
    }

    /// Whether robots.txt lets the scan visit `url` (always, with `--ignore-robots`).
    pub async fn allowed(&mut self, url: &Url) -> bool {
        if !self.respect_robots {
            return true;
        }
        let (robot, fetched) = self.robots.get(&self.fetcher, url).await;
        if let Some(f) = fetched {
            self.warnings.extend(f.warnings);
        }
        robot.is_none_or(|r| r.allowed(url.as_str()))
    }
}
