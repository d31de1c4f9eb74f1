//! What one scan keeps of a site that sets cookies without end. Each response reads at most
//! 1000 `Set-Cookie` lines, but a site can answer every page and every sub-resource with 1000
//! new names: 10,000 sub-resources made 10 million sightings, and the scan was killed at
//! 24 GB. The budget keeps every new cookie up to [`MAX_COOKIES`], repeat sightings of known
//! cookies up to [`MAX_SIGHTINGS`], and malformed lines up to [`MAX_MALFORMED`]; what is past
//! a cap is counted and told in one warning each.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashSet, FxHasher};
use url::Url;

use super::{MalformedCookie, Observation, Warning, WarningKind};

/// Different cookies (name, domain, path) one scan records. Real sites set a few hundred.
pub const MAX_COOKIES: usize = 10_000;
/// Sightings one scan keeps in all; a new cookie is still recorded past it (up to
/// [`MAX_COOKIES`]), only further sightings of cookies already known are not.
pub const MAX_SIGHTINGS: usize = 100_000;
/// Malformed `Set-Cookie` lines one scan lists.
pub const MAX_MALFORMED: usize = 10_000;

/// How often one cap was hit: items left out, and the page where that first happened.
#[derive(Debug, Clone, Default)]
pub struct LimitHit {
    pub count: usize,
    pub first: Option<Url>,
}

impl LimitHit {
    pub fn add(&mut self, n: usize, page: &Url) {
        if n == 0 {
            return;
        }
        self.count += n;
        if self.first.is_none() {
            self.first = Some(page.clone());
        }
    }
}

/// One `limit` warning per cap that was hit, in the order given: each text's `{n}` becomes the
/// count left out and `{first}` the page where that first happened.
pub fn limit_warnings<'a>(caps: impl IntoIterator<Item = (&'a LimitHit, String)>) -> Vec<Warning> {
    caps.into_iter()
        .filter(|(hit, _)| hit.count > 0)
        .map(|(hit, text)| {
            let first = hit.first.as_ref().map(Url::to_string).unwrap_or_default();
            let message = text
                .replace("{n}", &hit.count.to_string())
                .replace("{first}", &first);
            Warning::new(WarningKind::Limit, hit.first.as_ref(), message)
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// Hashes of (name, domain, path) of the cookies recorded.
    cookies: FxHashSet<u64>,
    sightings: usize,
    malformed: usize,
    left_cookies: LimitHit,
    left_sightings: LimitHit,
    left_malformed: LimitHit,
}

impl Budget {
    /// Whether `o` is kept: a new cookie while fewer than [`MAX_COOKIES`] are known, or
    /// another sighting of a known one while fewer than [`MAX_SIGHTINGS`] are kept.
    pub fn admit(&mut self, o: &Observation) -> bool {
        let c = &o.cookie;
        // A hash of the borrowed triple: no allocation per sighting on the crawl's hot path.
        // Two cookies whose 64-bit hashes collide would share one count, nothing more.
        let key = {
            let mut h = FxHasher::default();
            (&c.name, &c.domain, &c.path).hash(&mut h);
            h.finish()
        };
        let known = self.cookies.contains(&key);
        if !known && self.cookies.len() >= MAX_COOKIES {
            self.left_cookies.add(1, &o.page_url);
            return false;
        }
        if known && self.sightings >= MAX_SIGHTINGS {
            self.left_sightings.add(1, &o.page_url);
            return false;
        }
        if !known {
            self.cookies.insert(key);
        }
        self.sightings += 1;
        true
    }

    pub fn admit_malformed(&mut self, m: &MalformedCookie) -> bool {
        if self.malformed >= MAX_MALFORMED {
            self.left_malformed.add(1, &m.page_url);
            return false;
        }
        self.malformed += 1;
        true
    }

    /// One warning per cap that was hit, in a fixed order.
    pub fn warnings(&self) -> Vec<Warning> {
        limit_warnings([
            (
                &self.left_cookies,
                format!("{{n}} cookies were not recorded: the scan had already recorded {MAX_COOKIES} different cookies (the cookies cap); first on {{first}}"),
            ),
            (
                &self.left_sightings,
                format!("{{n}} repeat sightings of known cookies were not kept: the scan held {MAX_SIGHTINGS} (the sightings cap); their cookies are reported, their page counts and evidence stop there; first on {{first}}"),
            ),
            (
                &self.left_malformed,
                format!("{{n}} malformed Set-Cookie lines were not listed: the scan had listed {MAX_MALFORMED} (the malformed-lines cap); first on {{first}}"),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::test_sighting as sighting;

    #[test]
    fn new_cookies_are_kept_past_the_sightings_cap_and_stop_at_the_cookies_cap() {
        let mut b = Budget::default();
        // Fill the sightings with repeats of one cookie.
        let repeats = (0..MAX_SIGHTINGS + 5)
            .filter(|_| b.admit(&sighting("same", "http://a.test/1")))
            .count();
        assert_eq!(repeats, MAX_SIGHTINGS);
        // New cookies still count: the report lists every cookie up to the cookies cap.
        let new = (0..MAX_COOKIES + 3)
            .filter(|i| b.admit(&sighting(&format!("c{i}"), "http://a.test/2")))
            .count();
        assert_eq!(new, MAX_COOKIES - 1);
        let w = b.warnings();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].message.starts_with("4 cookies were not recorded"),
            "{}",
            w[0].message
        );
        assert!(
            w[0].message.ends_with("first on http://a.test/2"),
            "{}",
            w[0].message
        );
        assert!(
            w[1].message.starts_with("5 repeat sightings"),
            "{}",
            w[1].message
        );
    }

    #[test]
    fn an_unhit_budget_says_nothing() {
        let mut b = Budget::default();
        assert!(b.admit(&sighting("a", "http://a.test/")));
        assert!(b.admit(&sighting("a", "http://a.test/")));
        assert!(b.warnings().is_empty());
    }
}
