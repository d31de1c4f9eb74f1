//! Seeding a crawl before its first page: the pages the site's sitemaps list (the sitemaps
//! robots.txt names, else `/sitemap.xml`), shared by the static and the browser crawl.

use std::collections::{HashSet, VecDeque};

use url::Url;

use super::fetch::{Fetched, Fetcher};
use super::robots::RobotsCache;
use super::scope::Scope;
use super::sitemap;
use crate::observe::ResourceKind;
use crate::observe::{Warning, WarningKind};

/// Sitemaps read per scan at most, and URLs taken from them.
const MAX_SITEMAPS: usize = 20;
const MAX_SITEMAP_URLS: usize = 50_000;

/// What the sitemaps gave: in-scope page URLs with the sitemap that listed each, and every
/// fetch made on the way (robots.txt, sitemaps) for the caller to record.
#[derive(Default)]
pub(crate) struct Seeds {
    pub pages: Vec<(Url, Url)>,
    pub fetches: Vec<Fetched>,
}

pub(crate) async fn from_sitemaps(
    start_urls: &[Url],
    fetcher: &Fetcher,
    scope: &Scope,
    robots: &mut RobotsCache,
) -> Seeds {
    let mut seeds = Seeds::default();
    let mut queue = VecDeque::new();
    for start in start_urls {
        queue.extend(first_sitemaps(start, fetcher, robots, &mut seeds).await);
    }
    let mut seen = HashSet::new();
    let mut urls = 0;
    let mut not_read = HashSet::new();
    while let Some(sm) = queue.pop_front() {
        if urls >= MAX_SITEMAP_URLS {
            break;
        }
        if seen.contains(sm.as_str()) {
            continue;
        }
        if seen.len() >= MAX_SITEMAPS {
            not_read.insert(sm.to_string());
            continue;
        }
        seen.insert(sm.to_string());
        let fetched = read_sitemap(&sm, fetcher, scope, &mut urls, &mut queue, &mut seeds).await;
        seeds.fetches.push(fetched);
    }
    warn_about_caps(&not_read, urls, &mut seeds);
    seeds
}

/// The sitemaps robots.txt names for `start`, else its `/sitemap.xml`.
async fn first_sitemaps(
    start: &Url,
    fetcher: &Fetcher,
    robots: &mut RobotsCache,
    seeds: &mut Seeds,
) -> Vec<Url> {
    let (robot, fetched) = robots.get(fetcher, start).await;
    seeds.fetches.extend(fetched);
    let listed: Vec<Url> = robot
        .map(|r| {
            r.sitemaps
                .iter()
                .filter_map(|s| start.join(s).ok())
                .collect()
        })
        .unwrap_or_default();
    if listed.is_empty() {
        start.join("/sitemap.xml").ok().into_iter().collect()
    } else {
        listed
    }
}

/// Fetches one sitemap: its in-scope pages go to `seeds`, the sitemaps it lists to `queue`,
/// and `urls` counts the page URLs taken so far.
async fn read_sitemap(
    sm: &Url,
    fetcher: &Fetcher,
    scope: &Scope,
    urls: &mut usize,
    queue: &mut VecDeque<Url>,
    seeds: &mut Seeds,
) -> Fetched {
    let mut fetched = fetcher.fetch(sm, sm, ResourceKind::Sitemap, true).await;
    if fetched.status.is_none_or(|s| s >= 300) {
        // A missing /sitemap.xml is normal; failures only matter for sitemaps robots.txt named.
        fetched
            .warnings
            .retain(|w| w.kind != WarningKind::HttpError);
        return fetched;
    }
    let (map, err) = sitemap::parse(&fetched.body, MAX_SITEMAP_URLS.saturating_sub(*urls));
    if let Some(e) = err {
        fetched.warnings.push(Warning::new(
            WarningKind::Sitemap,
            Some(sm),
            format!("sitemap {sm}: {e}"),
        ));
    }
    for s in map.sitemaps {
        queue.extend(sm.join(&s).ok());
    }
    for p in map.pages {
        *urls += 1;
        if let Ok(u) = sm.join(&p) {
            if scope.contains(&u) {
                seeds.pages.push((u, sm.clone()));
            }
        }
    }
    fetched
}

/// One warning per cap the sitemaps reached: sitemaps read, and URLs taken.
fn warn_about_caps(not_read: &HashSet<String>, urls: usize, seeds: &mut Seeds) {
    if let Some(first) = not_read.iter().min() {
        let mut f = Fetched::default();
        f.warnings.push(Warning::new(
            WarningKind::Sitemap,
            None,
            format!(
                "read the first {MAX_SITEMAPS} sitemaps only (the cap per scan); {} more were not read, such as {first}",
                not_read.len()
            ),
        ));
        seeds.fetches.push(f);
    }
    if urls >= MAX_SITEMAP_URLS {
        let mut f = Fetched::default();
        f.warnings.push(Warning::new(
            WarningKind::Sitemap,
            None,
            format!("took the first {MAX_SITEMAP_URLS} URLs from the sitemaps (the cap per scan); the rest were not read"),
        ));
        seeds.fetches.push(f);
    }
}
