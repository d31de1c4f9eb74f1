//! The breadth-first queue of pages: normalisation, de-duplication and the link-trap guard.

use std::collections::{HashMap, VecDeque};

use rustc_hash::FxHashSet;

use url::Url;

use crate::observe::PageVisit;

/// A page waiting to be visited.
#[derive(Debug, Clone, PartialEq)]
pub struct PageJob {
    pub url: Url,
    pub depth: usize,
    pub found_on: Option<Url>,
}

impl PageJob {
    /// The report's entry for this page before anything is known of it (no response yet).
    pub fn unvisited(&self) -> PageVisit {
        PageVisit {
            url: self.url.clone(),
            depth: self.depth,
            found_on: self.found_on.clone(),
            status: None,
            final_url: None,
            redirects: Vec::new(),
            content_type: None,
            bytes: 0,
            cookies_set: 0,
            error: None,
            skipped: None,
        }
    }
}

/// What happened to a URL offered to the frontier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    Queued,
    Duplicate,
    /// Too many pages share this URL pattern: probably an infinite URL space.
    Trap(String),
    /// The queue holds its maximum of pages; the URL was not queued (nor remembered).
    Full,
}

#[derive(Debug, Default)]
pub struct Frontier {
    queue: VecDeque<PageJob>,
    /// Fx, not SipHash: the keys are URLs of the site being scanned, hashed once per link.
    seen: FxHashSet<String>,
    per_pattern: HashMap<String, usize>,
    max_per_pattern: usize,
    trapped: FxHashSet<String>,
    /// Pages the queue holds at most; 0 = no cap.
    max_queued: usize,
}

impl Frontier {
    pub fn new(max_per_pattern: usize) -> Frontier {
        Frontier {
            max_per_pattern,
            ..Frontier::default()
        }
    }

    /// Holds at most `max` pages at a time (0 = no cap): a site that links every page to
    /// thousands of new ones cannot grow the queue (and the memory of seen URLs) without end.
    pub fn with_max_queued(mut self, max: usize) -> Frontier {
        self.max_queued = max;
        self
    }

    /// A frontier holding the start URLs, at depth 0.
    pub fn starting_at(max_per_pattern: usize, start_urls: &[Url]) -> Frontier {
        let mut frontier = Frontier::new(max_per_pattern);
        for url in start_urls {
            frontier.offer(PageJob {
                url: url.clone(),
                depth: 0,
                found_on: None,
            });
        }
        frontier
    }

    /// Queues `job` unless its normalised URL was offered before or its pattern is full.
    pub fn offer(&mut self, mut job: PageJob) -> Offer {
        if !is_normal(&job.url) {
            job.url = normalise(&job.url);
        }
        if self.seen.contains(job.url.as_str()) {
            return Offer::Duplicate;
        }
        if self.max_queued > 0 && self.queue.len() >= self.max_queued {
            return Offer::Full;
        }
        self.seen.insert(job.url.as_str().to_owned());
        if self.max_per_pattern > 0 {
            let key = pattern(&job.url);
            let n = self.per_pattern.entry(key.clone()).or_insert(0);
            if *n >= self.max_per_pattern {
                let first = self.trapped.insert(key.clone());
                return if first {
                    Offer::Trap(key)
                } else {
                    Offer::Duplicate
                };
            }
            *n += 1;
        }
        self.queue.push_back(job);
        Offer::Queued
    }

    pub fn pop(&mut self) -> Option<PageJob> {
        self.queue.pop_front()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }
}

/// Already in the one spelling `normalise` gives (cheap: no allocation). Only URLs without
/// a query qualify: re-encoding a query can change its spelling.
fn is_normal(url: &Url) -> bool {
    url.fragment().is_none() && url.query().is_none()
}

/// One spelling per page: no fragment, sorted query, no empty query. The `url` crate
/// already lower-cases scheme and host and drops default ports.
pub fn normalise(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    let mut pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.is_empty() {
        u.set_query(None);
    } else {
        pairs.sort();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u
}

/// The shape of a URL: host, path with digit runs folded to `N`, sorted query keys.
/// `/calendar/2031/07?view=month` and `/calendar/2031/08?view=week` share one.
pub fn pattern(url: &Url) -> String {
    let mut out = String::new();
    out.push_str(url.host_str().unwrap_or(""));
    let mut in_digits = false;
    for c in url.path().chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    let mut keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    keys.sort();
    keys.dedup();
    if !keys.is_empty() {
        out.push('?');
        out.push_str(&keys.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(s: &str) -> PageJob {
        PageJob {
            url: Url::parse(s).unwrap(),
            depth: 0,
            found_on: None,
        }
    }

    #[test]
    fn same_page_spelled_differently_is_fetched_once() {
        let mut f = Frontier::new(0);
        assert_eq!(
            f.offer(job("http://A.test:80/x?b=2&a=1#top")),
            Offer::Queued
        );
        assert_eq!(f.offer(job("http://a.test/x?a=1&b=2")), Offer::Duplicate);
        assert_eq!(f.offer(job("http://a.test/x?")), Offer::Queued);
        assert_eq!(f.offer(job("http://a.test/x")), Offer::Duplicate);
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn full_queue_refuses_new_pages_until_one_is_taken() {
        let mut f = Frontier::new(0).with_max_queued(2);
        assert_eq!(f.offer(job("http://a.test/a")), Offer::Queued);
        assert_eq!(f.offer(job("http://a.test/b")), Offer::Queued);
        assert_eq!(f.offer(job("http://a.test/c")), Offer::Full);
        assert_eq!(f.offer(job("http://a.test/a")), Offer::Duplicate);
        f.pop();
        assert_eq!(
            f.offer(job("http://a.test/c")),
            Offer::Queued,
            "c was not remembered"
        );
    }

    #[test]
    fn calendar_trap_is_capped_once() {
        let mut f = Frontier::new(3);
        let mut outcomes = Vec::new();
        for m in 1..=6 {
            outcomes.push(f.offer(job(&format!("http://a.test/calendar/2024/{m:02}"))));
        }
        assert_eq!(outcomes.iter().filter(|o| **o == Offer::Queued).count(), 3);
        assert!(matches!(outcomes[3], Offer::Trap(_)));
        assert_eq!(outcomes[4], Offer::Duplicate);
    }

    #[test]
    fn pattern_folds_digits_and_query_values() {
        let p = |s: &str| pattern(&Url::parse(s).unwrap());
        assert_eq!(
            p("http://a.test/c/2024/07?v=1"),
            p("http://a.test/c/1999/12?v=9")
        );
        assert_ne!(p("http://a.test/c/2024"), p("http://a.test/d/2024"));
    }
}
