//! The breadth-first queue of pages: normalisation, de-duplication and the link-trap guard.
//!
//! The static crawl fills it one level at a time, so that what it finds does not depend on
//! which page answered first. The links found on the pages being crawled wait in `pending`,
//! each with the lowest key that offered it (the rank of the page it was found on, then its
//! place on that page). When the last page of the level is done, [`Frontier::advance`] queues
//! them in key order. A page's depth is then its shortest distance from the start, its
//! `found_on` the first page (in crawl order) linking to it, and the de-duplication, the
//! link-trap guard and `--max-pages` see the same links in the same order on every run.

use std::collections::{HashMap, VecDeque};

use rustc_hash::{FxHashMap, FxHashSet};

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
    /// Pages waiting (queued and pending) at most; 0 = no cap.
    max_queued: usize,
    /// Pages the current level queued: `pending` holds at most `max_queued` minus these, a
    /// figure that does not depend on how far the level has got.
    level_len: usize,
    /// Links for the next level not yet seen: normalised URL → (best key, depth, found_on).
    pending: FxHashMap<Url, Waiting>,
    /// Once `pending` is full: a key no better than this cannot be among the kept ones.
    pending_worst: Option<u64>,
}

/// A link waiting for the next level: its best key, depth and the page it was found on.
type Waiting = (u64, usize, Option<Url>);

/// Where a link stands among the next level's offers: first the crawl rank of the page it was
/// found on, then its place on that page.
pub fn link_key(page_rank: u32, place: u32) -> u64 {
    (u64::from(page_rank) << 32) | u64::from(place)
}

/// What [`Frontier::offer_next`] did with a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// Waiting for the level to end (or a better offer replaced an older one).
    Waiting,
    /// Already queued or visited, or offered before with a better key.
    Duplicate,
    /// `pending` was full: this link, or the worst waiting one, was dropped.
    Full,
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
    pub fn offer(&mut self, job: PageJob) -> Offer {
        self.push(job).0
    }

    /// [`Frontier::offer`], giving the job back when it is not queued.
    fn push(&mut self, mut job: PageJob) -> (Offer, Option<PageJob>) {
        if !is_normal(&job.url) {
            job.url = normalise(&job.url);
        }
        if self.seen.contains(job.url.as_str()) {
            return (Offer::Duplicate, Some(job));
        }
        if self.max_queued > 0 && self.queue.len() >= self.max_queued {
            return (Offer::Full, Some(job));
        }
        self.seen.insert(job.url.as_str().to_owned());
        if self.max_per_pattern > 0 {
            let key = pattern(&job.url);
            let n = self.per_pattern.entry(key.clone()).or_insert(0);
            if *n >= self.max_per_pattern {
                let first = self.trapped.insert(key.clone());
                let offer = if first {
                    Offer::Trap(key)
                } else {
                    Offer::Duplicate
                };
                return (offer, Some(job));
            }
            *n += 1;
        }
        self.queue.push_back(job);
        self.level_len += 1;
        (Offer::Queued, None)
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

    /// Links waiting for the current level to end.
    pub fn pending_len(&self) -> usize {
        self.room()
            .map_or(self.pending.len(), |r| self.pending.len().min(r))
    }

    /// How many links the next level may hold, `None` for no cap.
    fn room(&self) -> Option<usize> {
        (self.max_queued > 0).then(|| self.max_queued.saturating_sub(self.level_len))
    }

    /// Keeps a link found on the level being crawled, with its [`link_key`], for the next
    /// level. The lowest key offered for a URL wins, whatever the order of the offers.
    pub fn offer_next(&mut self, mut job: PageJob, key: u64) -> Pending {
        if !is_normal(&job.url) {
            job.url = normalise(&job.url);
        }
        if self.seen.contains(job.url.as_str()) {
            return Pending::Duplicate;
        }
        if let Some(entry) = self.pending.get_mut(&job.url) {
            if entry.0 <= key {
                return Pending::Duplicate;
            }
            *entry = (key, job.depth, job.found_on);
            return Pending::Waiting;
        }
        let mut outcome = Pending::Waiting;
        if let Some(room) = self.room() {
            // Full: the best keys are kept, so that the same links are kept on every run.
            // Worse ones are dropped in batches (at twice the room), not one by one.
            if room == 0 || self.pending_worst.is_some_and(|w| key >= w) {
                return Pending::Full;
            }
            if self.pending.len() >= room {
                outcome = Pending::Full;
                if self.pending.len() >= room.saturating_mul(2) {
                    self.keep_best(room);
                }
            }
        }
        self.pending.insert(job.url, (key, job.depth, job.found_on));
        if self.pending_worst.is_none() && self.room() == Some(self.pending.len()) {
            self.pending_worst = self.pending.values().map(|v| v.0).max();
        }
        outcome
    }

    /// Drops all but the `room` waiting links with the best keys.
    fn keep_best(&mut self, room: usize) {
        let mut keys: Vec<u64> = self.pending.values().map(|v| v.0).collect();
        if keys.len() <= room || room == 0 {
            return;
        }
        let (_, worst_kept, _) = keys.select_nth_unstable(room - 1);
        let worst_kept = *worst_kept;
        self.pending.retain(|_, v| v.0 <= worst_kept);
        self.pending_worst = Some(worst_kept);
    }

    /// Queues, in key order, the waiting links no page still being crawled can better: those
    /// found on pages ranked before `first_unfinished`, all of whose lower-ranked pages are
    /// done. They are queued where the end of the level would queue them, so a crawl that
    /// calls this as pages finish visits pages in the same order, only sooner.
    pub fn release_before(&mut self, first_unfinished: u32) -> Vec<(Offer, PageJob)> {
        let bound = link_key(first_unfinished, 0);
        if !self.pending.values().any(|w| w.0 < bound) {
            return Vec::new();
        }
        let mut ready: Vec<(Url, Waiting)> = Vec::new();
        self.pending.retain(|url, w| {
            if w.0 < bound {
                ready.push((url.clone(), w.clone()));
                false
            } else {
                true
            }
        });
        self.pending_worst = None;
        self.queue_in_key_order(ready)
    }

    /// Ends a level: queues the waiting links in key order and says what became of each
    /// one that was not queued (a link trap).
    pub fn advance(&mut self) -> Vec<(Offer, PageJob)> {
        if let Some(room) = self.room() {
            self.keep_best(room);
        }
        let waiting: Vec<(Url, Waiting)> = std::mem::take(&mut self.pending).into_iter().collect();
        self.pending_worst = None;
        self.level_len = 0;
        self.queue_in_key_order(waiting)
    }

    /// Queues `waiting` in key order; returns the links refused (link traps, a full queue).
    fn queue_in_key_order(&mut self, mut waiting: Vec<(Url, Waiting)>) -> Vec<(Offer, PageJob)> {
        waiting.sort_unstable_by_key(|(_, (key, _, _))| *key);
        let mut refused = Vec::new();
        for (url, (_, depth, found_on)) in waiting {
            let job = PageJob {
                url,
                depth,
                found_on,
            };
            match self.push(job) {
                (Offer::Queued | Offer::Duplicate, _) | (_, None) => {}
                (other, Some(job)) => refused.push((other, job)),
            }
        }
        refused
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

    fn found_on(page: &str) -> PageJob {
        PageJob {
            url: Url::parse("http://a.test/contact").unwrap(),
            depth: 1,
            found_on: Some(Url::parse(page).unwrap()),
        }
    }

    #[test]
    fn links_of_finished_pages_are_released_early_in_the_order_the_level_end_gives() {
        let paths = |f: &mut Frontier| -> Vec<String> {
            std::iter::from_fn(|| f.pop())
                .map(|j| j.url.path().to_owned())
                .collect()
        };
        // Pages ranked 1 and 2 are loading; 3 is done. Nothing of rank 3 can be released
        // while 1 might still offer the same links with a better key.
        let mut early = Frontier::new(0);
        early.offer_next(job("http://a.test/x"), link_key(3, 0));
        assert!(early.release_before(1).is_empty());
        assert!(early.is_empty());
        // Page 1 is done: its links are final; page 2 is still loading.
        early.offer_next(job("http://a.test/y"), link_key(1, 1));
        early.offer_next(job("http://a.test/x"), link_key(1, 0));
        early.release_before(2);
        assert_eq!(paths(&mut early), ["/x", "/y"]);
        // A later offer of a released link is a duplicate, whatever its key.
        assert_eq!(
            early.offer_next(job("http://a.test/x"), link_key(2, 0)),
            Pending::Duplicate
        );
        early.offer_next(job("http://a.test/z"), link_key(2, 5));
        assert!(early.advance().is_empty());
        assert_eq!(paths(&mut early), ["/z"]);

        // The same offers, all released at the level's end: the same order.
        let mut late = Frontier::new(0);
        for (u, k) in [("x", link_key(3, 0)), ("y", link_key(1, 1))] {
            late.offer_next(job(&format!("http://a.test/{u}")), k);
        }
        late.offer_next(job("http://a.test/x"), link_key(1, 0));
        late.offer_next(job("http://a.test/z"), link_key(2, 5));
        late.advance();
        assert_eq!(paths(&mut late), ["/x", "/y", "/z"]);
    }

    #[test]
    fn the_lowest_key_wins_whatever_the_order_of_offers() {
        for late_first in [false, true] {
            let mut f = Frontier::new(0);
            let offers = [
                (found_on("http://a.test/about"), link_key(5, 0)),
                (found_on("http://a.test/"), link_key(0, 3)),
            ];
            let order: Vec<usize> = if late_first { vec![0, 1] } else { vec![1, 0] };
            for i in order {
                f.offer_next(offers[i].0.clone(), offers[i].1);
            }
            assert!(f.is_empty(), "nothing is queued before the level ends");
            assert!(f.advance().is_empty());
            let job = f.pop().unwrap();
            assert_eq!(job.found_on.unwrap().as_str(), "http://a.test/");
            assert!(f.pop().is_none());
        }
    }

    #[test]
    fn a_level_is_queued_in_key_order_and_seen_pages_are_not_offered_again() {
        let mut f = Frontier::starting_at(0, &[Url::parse("http://a.test/").unwrap()]);
        let home = f.pop().unwrap();
        assert_eq!(
            f.offer_next(job("http://a.test/"), link_key(0, 0)),
            Pending::Duplicate
        );
        f.offer_next(job("http://a.test/b"), link_key(2, 0));
        f.offer_next(job("http://a.test/a"), link_key(1, 7));
        f.offer_next(job("http://a.test/c"), link_key(1, 9));
        f.advance();
        let order: Vec<String> = std::iter::from_fn(|| f.pop())
            .map(|j| j.url.path().to_string())
            .collect();
        assert_eq!(order, ["/a", "/c", "/b"]);
        assert_eq!(home.depth, 0);
    }

    #[test]
    fn full_pending_keeps_the_best_keys_whatever_the_order() {
        let mut outcomes = Vec::new();
        for reverse in [false, true] {
            let mut f = Frontier::new(0).with_max_queued(2);
            let mut offers: Vec<(String, u64)> = (0..5)
                .map(|i| (format!("http://a.test/p{i}"), link_key(i, 0)))
                .collect();
            if reverse {
                offers.reverse();
            }
            for (u, k) in offers {
                f.offer_next(job(&u), k);
            }
            assert!(f.pending_len() <= 2);
            f.advance();
            let kept: Vec<String> = std::iter::from_fn(|| f.pop())
                .map(|j| j.url.path().to_string())
                .collect();
            outcomes.push(kept);
        }
        assert_eq!(outcomes[0], ["/p0", "/p1"]);
        assert_eq!(outcomes[0], outcomes[1]);
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
