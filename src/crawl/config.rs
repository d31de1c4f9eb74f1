//! Settings of one crawl.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

use regex::Regex;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::observe::{ScopeMode, SettingsSummary};

/// `--resolve HOST:PORT:ADDR`, as curl takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolve {
    pub host: String,
    pub port: u16,
    pub addr: IpAddr,
}

impl Resolve {
    pub fn socket_addr(&self) -> SocketAddr {
        SocketAddr::new(self.addr, self.port)
    }
}

impl FromStr for Resolve {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!("--resolve '{s}' is not HOST:PORT:ADDR (e.g. www.example.test:8080:127.0.0.1)")
        };
        let (host, rest) = s.split_once(':').ok_or_else(bad)?;
        let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(bad());
        }
        Ok(Resolve {
            host: host.to_ascii_lowercase(),
            port: port.parse().map_err(|_| bad())?,
            addr: addr.parse().map_err(|_| bad())?,
        })
    }
}

/// Everything a crawl needs to know. `Default` gives the CLI's defaults.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    pub start_urls: Vec<Url>,
    pub scope: ScopeMode,
    pub include: Vec<Regex>,
    pub exclude: Vec<Regex>,
    pub max_pages: usize,
    pub max_depth: Option<usize>,
    /// Pages per URL pattern (digits folded) before the pattern is treated as a link trap; 0 = no cap.
    pub max_per_pattern: usize,
    pub concurrency: usize,
    pub per_host_concurrency: usize,
    /// Requests per second per host.
    pub rate: Option<f64>,
    pub timeout: Duration,
    pub max_body: usize,
    pub max_redirects: usize,
    pub user_agent: String,
    pub headers: Vec<(String, String)>,
    pub cookies: Vec<crate::crawl::UserCookie>,
    pub respect_robots: bool,
    pub use_sitemaps: bool,
    pub fetch_subresources: bool,
    pub resolve: Vec<Resolve>,
    /// When set, only these hosts are ever contacted (the demo's guarantee that it stays offline).
    pub only_hosts: Option<Vec<String>>,
    pub include_values: bool,
    /// Accept invalid TLS certificates (`--insecure`, like curl's -k).
    pub insecure: bool,
    /// New sub-resources fetched for one page at most (repeats are never fetched); 0 = no cap.
    pub max_subresources_per_page: usize,
    /// Sub-resources fetched in the whole scan at most; 0 = no cap.
    pub max_subresources: usize,
    /// Links read from one page at most; the rest of the page's links are not followed.
    pub max_links_per_page: usize,
    /// Pages waiting to be visited at most; links found while it is full are not queued.
    pub max_queued_pages: usize,
    /// Bytes of script text kept for static analysis, all scripts together; later scripts are
    /// still fetched for their cookies but not analysed (and not downloaded past their headers).
    pub max_script_bytes: usize,
    /// Consecutive failed requests (no answer, or 5xx) after which a host is given up.
    pub max_host_failures: usize,
    /// Keep every request and response for a HAR file (`--har`).
    pub record_exchanges: bool,
    /// The site's first pages visited a second time, a few seconds later with the same jar,
    /// to find cookies renewed on every visit; 0 = none (`--no-revisit`).
    pub revisit_pages: usize,
}

/// Defaults of the bounds a hostile site could otherwise push without limit (README,
/// "Reliability and limits").
pub const DEFAULT_MAX_SUBRESOURCES_PER_PAGE: usize = 500;
pub const DEFAULT_MAX_SUBRESOURCES: usize = 10_000;
pub const DEFAULT_MAX_LINKS_PER_PAGE: usize = 10_000;
pub const DEFAULT_MAX_QUEUED_PAGES: usize = 100_000;
pub const DEFAULT_MAX_SCRIPT_BYTES: usize = 64 * 1024 * 1024;
pub const DEFAULT_MAX_HOST_FAILURES: usize = 5;
/// A few pages: enough to reach the home page's trackers, not a second crawl.
pub const DEFAULT_REVISIT_PAGES: usize = 3;

pub const DEFAULT_USER_AGENT: &str = concat!(
    "cookiescan/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/cookiescan/cookiescan)"
);

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            start_urls: Vec::new(),
            scope: ScopeMode::Domain,
            include: Vec::new(),
            exclude: Vec::new(),
            max_pages: 500,
            max_depth: None,
            max_per_pattern: 50,
            concurrency: 8,
            per_host_concurrency: 4,
            rate: None,
            timeout: Duration::from_secs(15),
            max_body: 10 * 1024 * 1024,
            max_redirects: 10,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            headers: Vec::new(),
            cookies: Vec::new(),
            respect_robots: true,
            use_sitemaps: true,
            fetch_subresources: true,
            resolve: Vec::new(),
            only_hosts: None,
            include_values: false,
            insecure: false,
            max_subresources_per_page: DEFAULT_MAX_SUBRESOURCES_PER_PAGE,
            max_subresources: DEFAULT_MAX_SUBRESOURCES,
            max_links_per_page: DEFAULT_MAX_LINKS_PER_PAGE,
            max_queued_pages: DEFAULT_MAX_QUEUED_PAGES,
            max_script_bytes: DEFAULT_MAX_SCRIPT_BYTES,
            max_host_failures: DEFAULT_MAX_HOST_FAILURES,
            record_exchanges: false,
            revisit_pages: DEFAULT_REVISIT_PAGES,
        }
    }
}

impl CrawlConfig {
    pub fn summary(&self) -> SettingsSummary {
        SettingsSummary {
            start_urls: self.start_urls.iter().map(Url::to_string).collect(),
            scope: self.scope,
            include: self.include.iter().map(|r| r.to_string()).collect(),
            exclude: self.exclude.iter().map(|r| r.to_string()).collect(),
            max_pages: self.max_pages,
            max_depth: self.max_depth,
            max_per_pattern: self.max_per_pattern,
            concurrency: self.concurrency,
            per_host_concurrency: self.per_host_concurrency,
            rate: self.rate,
            timeout_ms: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
            max_body: self.max_body,
            user_agent: self.user_agent.clone(),
            respect_robots: self.respect_robots,
            use_sitemaps: self.use_sitemaps,
            include_values: self.include_values,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_parses_like_curl() {
        let r: Resolve = "www.a.test:8080:127.0.0.1".parse().unwrap();
        assert_eq!((r.host.as_str(), r.port), ("www.a.test", 8080));
        let v6: Resolve = "a.test:443:[::1]".parse().unwrap();
        assert!(v6.addr.is_loopback());
        assert!("a.test:80".parse::<Resolve>().is_err());
        assert!("a.test:x:127.0.0.1".parse::<Resolve>().is_err());
    }
}
