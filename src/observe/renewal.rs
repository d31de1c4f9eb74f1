//! Cookies renewed on every visit: the site's first pages are visited a second time, a few
//! seconds later with the same jar, and a cookie whose expiry moved forward with the clock
//! is renewed on every visit. A 13-month analytics cookie renewed that way never expires.
//! `crawl/` and `browser/` produce [`Renewal`]s; [`apply_renewals`] marks the records.

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use time::OffsetDateTime;

use super::{CookieRecord, Observation, PageVisit};

/// The least time between the sighting of a cookie and the second visit that may renew it.
/// Expiry dates have a resolution of one second (`Expires`, a script's `toUTCString()`), so
/// two seconds apart an expiry computed from the clock moves by more than one second, and a
/// fixed one by less.
pub const REVISIT_GAP: Duration = Duration::from_secs(2);

/// An expiry that moved forward by at least this much between the two visits was renewed.
const RENEWED_BY_SECS: f64 = 1.0;

/// One persistent cookie in the jar before the second visit of the first pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Renewal {
    pub name: String,
    pub domain: String,
    pub path: String,
    /// The page whose second visit set the cookie again, when one did.
    pub page: Option<Url>,
    /// Expiry (Unix seconds) before the second visit, and after it.
    pub expiry_before: f64,
    pub expiry_after: f64,
}

impl Renewal {
    pub fn renewed(&self) -> bool {
        is_renewed(self.expiry_before, self.expiry_after)
    }
}

/// Whether an expiry moved forward with the clock, given visits at least [`REVISIT_GAP`]
/// apart: a fixed `Expires`, or a cookie not set again, moves by less than a second.
pub fn is_renewed(before: f64, after: f64) -> bool {
    after - before >= RENEWED_BY_SECS
}

/// A cookie as (name, domain, path), the key of its record.
pub type CookieKey = (String, String, String);

/// The expiry a cookie's latest sighting asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requested {
    /// Unix seconds.
    pub expiry: f64,
    /// When it was seen, Unix seconds.
    pub seen_at: f64,
}

/// Each persistent cookie's requested expiry, from its latest sighting that was not refused:
/// what the `Set-Cookie` or the script asked for, not what a browser kept (Chromium caps
/// lifetimes at 400 days, which would make a fixed far-away date follow the clock). A cookie
/// whose latest sighting deleted it, a session cookie, and what the browser's store reported
/// are left out.
pub fn requested_expiries<'a>(
    obs: impl Iterator<Item = &'a Observation>,
) -> HashMap<CookieKey, Requested> {
    let mut latest: HashMap<CookieKey, (f64, Option<i64>)> = HashMap::new();
    for o in obs.filter(|o| o.rejected.is_none() && o.cookie.stored_lifetime_secs.is_none()) {
        let c = &o.cookie;
        let at = unix(o.time);
        let key = (c.name.clone(), c.domain.clone(), c.path.clone());
        let e = latest.entry(key).or_insert((at, c.lifetime_secs));
        if at >= e.0 {
            *e = (at, c.lifetime_secs);
        }
    }
    latest
        .into_iter()
        .filter_map(|(k, (at, life))| match life {
            Some(l) if l > 0 => Some((
                k,
                Requested {
                    expiry: at + l as f64,
                    seen_at: at,
                },
            )),
            _ => None,
        })
        .collect()
}

/// Every cookie of `before`, with the expiry the second visit asked for (its own when the
/// second visit did not set it again) and the page that set it again; sorted by key. A
/// cookie set again less than [`REVISIT_GAP`] after its first sighting is left out: a second
/// apart, an expiry written at second resolution may not have moved.
pub fn renewals(
    before: HashMap<CookieKey, Requested>,
    after: &HashMap<CookieKey, (Requested, Url)>,
) -> Vec<Renewal> {
    let gap = REVISIT_GAP.as_secs_f64();
    let mut out: Vec<Renewal> = before
        .into_iter()
        .filter(|(key, b)| {
            after
                .get(key)
                .is_none_or(|(a, _)| a.seen_at - b.seen_at >= gap)
        })
        .map(|(key, b)| {
            let again = after.get(&key);
            let (name, domain, path) = key;
            Renewal {
                name,
                domain,
                path,
                page: again.map(|(_, p)| p.clone()),
                expiry_before: b.expiry,
                expiry_after: again.map_or(b.expiry, |(a, _)| a.expiry),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.name, &a.domain, &a.path).cmp(&(&b.name, &b.domain, &b.path)));
    out
}

/// How long to wait before the second visit: until the cookies the first pages set are
/// [`REVISIT_GAP`] old. On a crawl longer than that, not at all.
pub fn wait_before_revisit(
    seen: &[Observation],
    pages: &[Url],
    now: OffsetDateTime,
) -> std::time::Duration {
    let latest = seen
        .iter()
        .filter(|o| pages.contains(&o.page_url))
        .map(|o| unix(o.time))
        .fold(f64::MIN, f64::max);
    let wait = latest + REVISIT_GAP.as_secs_f64() - unix(now);
    std::time::Duration::from_secs_f64(wait.clamp(0.0, REVISIT_GAP.as_secs_f64()))
}

fn unix(t: OffsetDateTime) -> f64 {
    t.unix_timestamp_nanos() as f64 / 1e9
}

/// The first pages of the crawl: the shallowest that answered, by URL within a depth, so the
/// same pages are chosen whatever order the fetches finished in.
pub fn first_pages(pages: &[PageVisit], n: usize) -> Vec<Url> {
    let mut pages: Vec<(usize, &Url)> = pages
        .iter()
        .filter(|p| p.status.is_some() && p.error.is_none() && p.skipped.is_none())
        .map(|p| (p.depth, &p.url))
        .collect();
    pages.sort_by(|a, b| (a.0, a.1.as_str()).cmp(&(b.0, b.1.as_str())));
    pages.into_iter().take(n).map(|(_, u)| u.clone()).collect()
}

/// Marks each record the second visit looked at with `renewed_on_visit`, and the page that
/// renewed it. A cookie seen by several checks (several hosts, passes) is renewed when any
/// check saw it renewed.
pub fn apply_renewals(records: &mut [CookieRecord], renewals: &[Renewal]) {
    let mut by_key: HashMap<(&str, &str, &str), (bool, Option<&Url>)> = HashMap::new();
    for r in renewals {
        let e = by_key
            .entry((r.name.as_str(), r.domain.as_str(), r.path.as_str()))
            .or_insert((false, None));
        if r.renewed() && !e.0 {
            *e = (true, r.page.as_ref());
        }
    }
    for rec in records {
        let key = (rec.name.as_str(), rec.domain.as_str(), rec.path.as_str());
        if let Some((renewed, page)) = by_key.get(&key) {
            rec.renewed_on_visit = Some(*renewed);
            rec.renewed_on = page.cloned();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::test_sighting as sighting;

    /// A header sighting on `http://a.test/` at `at`, asking for `life` seconds; `stored`:
    /// the browser store's copy, whose lifetime is what it kept.
    fn obs(name: &str, at: i64, life: Option<i64>, stored: bool) -> Observation {
        let mut o = sighting(name, "http://a.test/");
        o.cookie.lifetime_secs = life;
        o.cookie.stored_lifetime_secs = stored.then_some(life).flatten();
        o.time = OffsetDateTime::from_unix_timestamp(at).unwrap();
        o
    }

    #[test]
    fn the_latest_request_gives_the_expiry_and_deletions_session_cookies_and_the_store_do_not() {
        let o = [
            obs("_pk_id", 1_000, Some(100), false),
            obs("_pk_id", 1_010, Some(100), false),
            // The store's capped copy says nothing about what was asked for.
            obs("_pk_id", 1_020, Some(5), true),
            obs("gone", 1_000, Some(100), false),
            obs("gone", 1_020, Some(0), false),
            obs("sess", 1_000, None, false),
        ];
        let e = requested_expiries(o.iter());
        assert_eq!(e.len(), 1, "{e:?}");
        let k = ("_pk_id".to_string(), "a.test".to_string(), "/".to_string());
        assert_eq!(
            e[&k],
            Requested {
                expiry: 1_110.0,
                seen_at: 1_010.0
            }
        );
        let page = Url::parse("http://a.test/").unwrap();
        let again = |seen_at: f64| {
            let r = Requested {
                expiry: seen_at + 100.0,
                seen_at,
            };
            HashMap::from([(k.clone(), (r, page.clone()))])
        };
        let r = renewals(e.clone(), &again(1_015.0));
        assert_eq!((r[0].page.as_ref(), r[0].renewed()), (Some(&page), true));
        // Set again a second after the first sighting: too close to judge.
        assert!(renewals(e.clone(), &again(1_011.0)).is_empty());
        let r = renewals(e, &HashMap::new());
        assert_eq!((r[0].page.as_ref(), r[0].renewed()), (None, false));
    }

    #[test]
    fn the_wait_counts_from_the_first_pages_own_cookies_only() {
        let mut late = obs("late", 1_010, Some(100), false);
        late.page_url = Url::parse("http://a.test/deep").unwrap();
        let o = [obs("_pk_id", 1_000, Some(100), false), late];
        let first = [Url::parse("http://a.test/").unwrap()];
        let at = |secs: i64| OffsetDateTime::from_unix_timestamp(secs).unwrap();
        assert_eq!(wait_before_revisit(&o, &first, at(1_001)), REVISIT_GAP / 2);
        assert_eq!(
            wait_before_revisit(&o, &first, at(1_005)),
            std::time::Duration::ZERO
        );
        assert_eq!(
            wait_before_revisit(&o, &[], at(1_001)),
            std::time::Duration::ZERO
        );
    }

    #[test]
    fn an_expiry_that_follows_the_clock_is_renewed_and_a_fixed_one_is_not() {
        // Max-Age 13 months, seen again 2.3 s later.
        assert!(is_renewed(1_000.2, 1_002.5));
        // Expires computed by the server at whole seconds, two seconds apart.
        assert!(is_renewed(999.9, 1_001.1));
        // A fixed Expires read at second resolution: moves by less than a second.
        assert!(!is_renewed(1_000.0, 1_000.7));
        assert!(!is_renewed(1_000.0, 1_000.0));
        // An expiry pulled back (a shorter cookie written over it) is not renewal.
        assert!(!is_renewed(1_000.0, 900.0));
    }
}
