//! The crawl: a breadth-first frontier of pages, their sub-resources, robots.txt and
//! sitemaps, fetched under per-host limits. Produces plain data for the later stages.
mod config;
mod cookie_file;
mod events;
mod extract;
mod fetch;
mod frontier;
mod head;
mod http;
mod limits;
mod memo;
mod pool;
mod robots;
mod scope;
mod seed;
mod sitemap;
mod tls;
mod worker;

pub use config::*;
pub use cookie_file::{parse_cookie_file, UserCookie};
pub use events::{
    Hop, MalformedCookie, PageVisit, ResourceVisit, ScriptBody, Warning, WarningKind,
};
pub use extract::{extract, extract_with, is_html, PageContent};
pub use frontier::{normalise, pattern, Frontier, Offer, PageJob};
pub use scope::Scope;

mod run;
pub use run::{crawl, fetch_document, Cancel, CrawlError, CrawlOutcome, Progress};
// For the browser crawl, which shares robots.txt and sitemap seeding with this one.
pub(crate) use fetch::Fetcher;
pub(crate) use robots::{RobotsCache, DISALLOWED};
pub(crate) use run::build_fetcher;
pub(crate) use seed::from_sitemaps;
pub(crate) use worker::skipped;
