//! The crawl: a breadth-first frontier of pages, their sub-resources, robots.txt and
//! sitemaps, fetched under per-host limits. Produces plain data for the later stages.
mod config;
mod cookie_file;
mod extract;
mod fetch;
mod frontier;
mod gated;
mod head;
mod http;
mod limits;
mod memo;
mod plan;
mod pool;
mod record;
mod revisit;
mod robots;
mod scope;
mod seed;
mod sitemap;
mod tls;
mod worker;

/// Which URLs are pages of the site: a crawl option, recorded in the report's settings.
pub use crate::observe::ScopeMode;
pub use config::{CrawlConfig, Resolve, DEFAULT_USER_AGENT};
pub use cookie_file::{parse_cookie_file, UserCookie};
pub use extract::{extract, extract_with, is_html, PageContent};
pub use frontier::{link_key, normalise, pattern, Frontier, Offer, PageJob, Pending};
pub(crate) use limits::LimitHits;
pub use scope::Scope;
pub(crate) use worker::trap_warning;

mod run;
pub use plan::Plan;
pub use run::{crawl, fetch_document, Cancel, CrawlError, Progress};
