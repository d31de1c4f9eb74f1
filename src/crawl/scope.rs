//! Which URLs are part of the site being scanned.

use regex::Regex;
use url::Url;

use crate::cookies::registrable_domain;
use crate::observe::ScopeMode;

/// The include/exclude filter and the host scope, decided once per URL.
#[derive(Debug, Clone)]
pub struct Scope {
    mode: ScopeMode,
    hosts: Vec<String>,
    domains: Vec<String>,
    include: Vec<Regex>,
    exclude: Vec<Regex>,
}

impl Scope {
    pub fn new(mode: ScopeMode, start: &[Url], include: Vec<Regex>, exclude: Vec<Regex>) -> Scope {
        let hosts: Vec<String> = start
            .iter()
            .filter_map(|u| u.host_str().map(str::to_ascii_lowercase))
            .collect();
        let domains = hosts.iter().filter_map(|h| registrable_domain(h)).collect();
        Scope {
            mode,
            hosts,
            domains,
            include,
            exclude,
        }
    }

    /// Is `url` a page of the site (to be crawled for links)?
    pub fn contains(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let in_hosts = match self.mode {
            ScopeMode::Any => true,
            ScopeMode::Host => self.hosts.contains(&host),
            // A suffix test, not a Public Suffix List lookup per link (this runs for every
            // link): a host ending in ".<registrable domain>" has that registrable domain.
            ScopeMode::Domain => self.domains.iter().any(|d| {
                host == *d
                    || host
                        .strip_suffix(d.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            }),
        };
        in_hosts && self.filters_allow(url)
    }

    fn filters_allow(&self, url: &Url) -> bool {
        let s = url.as_str();
        (self.include.is_empty() || self.include.iter().any(|r| r.is_match(s)))
            && !self.exclude.iter().any(|r| r.is_match(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn domain_scope_takes_subdomains_not_other_sites() {
        let s = Scope::new(
            ScopeMode::Domain,
            &[u("https://www.shop.co.uk/")],
            vec![],
            vec![],
        );
        assert!(s.contains(&u("https://blog.shop.co.uk/x")));
        assert!(!s.contains(&u("https://other.co.uk/")));
    }

    #[test]
    fn host_scope_and_filters() {
        let s = Scope::new(
            ScopeMode::Host,
            &[u("http://www.a.test/")],
            vec![],
            vec![Regex::new("/private/").unwrap()],
        );
        assert!(s.contains(&u("http://www.a.test/x")));
        assert!(!s.contains(&u("http://shop.a.test/x")));
        assert!(!s.contains(&u("http://www.a.test/private/1")));
    }
}
