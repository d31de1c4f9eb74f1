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
    let mut queue: VecDeque<Url> = VecDeque::new();
    let mut seen = HashSet::new();
    for start in start_urls {
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
            queue.extend(start.join("/sitemap.xml").ok());
        } else {
            queue.extend(listed);
        }
    }
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
        let mut fetched = fetcher.fetch(&sm, &sm, ResourceKind::Sitemap, true).await;
        if fetched.status.is_some_and(|s| s < 300) {
            let (map, err) = sitemap::parse(&fetched.body, MAX_SITEMAP_URLS.saturating_sub(urls));
            if let Some(e) = err {
                fetched.warnings.push(Warning::new(
                    WarningKind::Sitemap,
                    Some(&sm),
                    format!("sitemap {sm}: {e}"),
                ));
            }
            for s in map.sitemaps {
                queue.extend(sm.join(&s).ok());
            }
            for p in map.pages {
                urls += 1;
                if let Ok(u) = sm.join(&p) {
                    if scope.contains(&u) {
                        seeds.pages.push((u, sm.clone()));
                    }
                }
            }
        } else {
            // A missing /sitemap.xml is normal; failures only matter for sitemaps robots.txt named.
            fetched
                .warnings
                .retain(|w| w.kind != WarningKind::HttpError);
        }
        seeds.fetches.push(fetched);
    }
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
    seeds
}
