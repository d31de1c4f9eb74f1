//! What a crawl knows before its first page, shared by the static and the browser crawl: the
//! scope, the start URLs and the pages the sitemaps list (the frontier), and robots.txt. Both
//! are read with the scan's HTTP client. The static crawl records those fetches like any other;
//! a visitor's browser never makes them, so the browser crawl keeps only their warnings.

use url::Url;

use super::fetch::{Fetched, Fetcher};
use super::frontier::{Frontier, Offer, PageJob};
use super::robots::{RobotsCache, DISALLOWED};
use super::run::{build_fetcher, CrawlError};
use super::scope::Scope;
use super::seed::from_sitemaps;
use super::worker::skipped;
use super::CrawlConfig;
use crate::observe::{PageVisit, Warning};

pub struct Plan {
    fetcher: Fetcher,
    scope: Scope,
    robots: RobotsCache,
    respect_robots: bool,
    /// In-scope pages from the sitemaps, with the sitemap that listed each.
    seeds: Vec<(Url, Url)>,
    /// The robots.txt and sitemap fetches made so far, not yet taken by the crawl.
    fetched: Vec<Fetched>,
    /// Link-trap warnings about the sitemap seeds, told once however many frontiers are built.
    traps: Option<Vec<Warning>>,
}

impl Plan {
    /// Reads robots.txt and the sitemaps of the start URLs (unless `--no-sitemaps`).
    pub async fn new(config: &CrawlConfig) -> Result<Plan, CrawlError> {
        if config.start_urls.is_empty() {
            return Err(CrawlError::NoStartUrl);
        }
        let mut plan = Plan {
            fetcher: build_fetcher(config)?,
            scope: Scope::new(
                config.scope,
                &config.start_urls,
                config.include.clone(),
                config.exclude.clone(),
            ),
            robots: RobotsCache::default(),
            respect_robots: config.respect_robots,
            seeds: Vec::new(),
            fetched: Vec::new(),
            traps: None,
        };
        if config.use_sitemaps {
            let seeds = from_sitemaps(
                &config.start_urls,
                &plan.fetcher,
                &plan.scope,
                &mut plan.robots,
            )
            .await;
            plan.seeds = seeds.pages;
            plan.fetched = seeds.fetches;
        }
        Ok(plan)
    }

    /// Which URLs are pages of the site.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// A crawl's frontier (each browser pass builds its own): the start URLs, then the
    /// sitemaps' pages. A URL pattern the sitemaps list so often that it looks like a link
    /// trap gets a warning, kept with the plan's other warnings the first time.
    pub fn frontier(&mut self, config: &CrawlConfig) -> Frontier {
        let mut frontier = Frontier::starting_at(config.max_per_pattern, &config.start_urls);
        let mut warnings = Vec::new();
        for (url, sitemap) in &self.seeds {
            let job = PageJob {
                url: url.clone(),
                depth: 1,
                found_on: Some(sitemap.clone()),
            };
            if let Offer::Trap(pattern) = frontier.offer(job) {
                warnings.push(super::worker::trap_warning(url, &pattern));
            }
        }
        self.traps.get_or_insert(warnings);
        frontier
    }

    /// Whether robots.txt lets the scan visit `url` (always, with `--ignore-robots`).
    pub async fn allowed(&mut self, url: &Url) -> bool {
        if !self.respect_robots {
            return true;
        }
        let (robot, fetched) = self.robots.get(&self.fetcher, url).await;
        self.fetched.extend(fetched);
        robot.is_none_or(|r| r.allowed(url.as_str()))
    }

    /// The page as the report lists one robots.txt disallows.
    pub fn disallowed(job: &PageJob) -> PageVisit {
        skipped(job, DISALLOWED)
    }

    /// Warnings of the robots.txt and sitemap fetches so far, and the link-trap ones (for a
    /// crawl that does not record those fetches' cookies).
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        let mut warnings: Vec<Warning> = self.fetched.drain(..).flat_map(|f| f.warnings).collect();
        warnings.extend(self.traps.iter_mut().flat_map(std::mem::take));
        warnings
    }

    /// The static crawl's share: the client, the scope, robots.txt so far, the fetches made
    /// (whose cookies it records like any other response's) and the link-trap warnings.
    pub(super) fn into_parts(self) -> (Fetcher, Scope, RobotsCache, Vec<Fetched>, Vec<Warning>) {
        let traps = self.traps.unwrap_or_default();
        (self.fetcher, self.scope, self.robots, self.fetched, traps)
    }
}
