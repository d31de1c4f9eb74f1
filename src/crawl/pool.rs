//! Per-host politeness in one place: how many requests may be in flight to a host, how fast
//! they may start, and when a host that keeps failing is backed off from and then given up.
//! The crawl loop only asks for a permit and says how each request went.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The first pause after two failures in a row; it doubles with each further failure.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(4);

struct Host {
    slots: Arc<Semaphore>,
    rate: Option<DefaultDirectRateLimiter>,
    /// Failed requests in a row (no answer, or a 5xx); a success resets it.
    failures: AtomicUsize,
    given_up: AtomicBool,
}

/// Why a request was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenUp {
    pub failures: usize,
}

/// What [`HostPool::record`] concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Fine,
    /// This failure made the pool give up on the host (reported once, by this caller).
    GaveUp,
}

/// Concurrency and rate limits, per host name.
pub struct HostPool {
    per_host: usize,
    quota: Option<Quota>,
    /// Failures in a row after which a host is given up; 0 = never.
    max_failures: usize,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl HostPool {
    /// `rate` is requests per second per host (fractions allowed: 0.5 = one every 2 s); a host
    /// is given up after `max_failures` failed requests in a row (0 = never).
    pub fn new(per_host: usize, rate: Option<f64>, max_failures: usize) -> HostPool {
        let quota = rate.filter(|r| *r > 0.0 && r.is_finite()).map(|r| {
            if r >= 1.0 {
                let n = NonZeroU32::new(r.round().min(f64::from(u32::MAX)) as u32)
                    .unwrap_or(NonZeroU32::MIN);
                Quota::per_second(n).allow_burst(NonZeroU32::MIN)
            } else {
                Quota::with_period(Duration::from_secs_f64(1.0 / r))
                    .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            }
        });
        HostPool {
            per_host: per_host.max(1),
            quota,
            max_failures,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    fn host(&self, host: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(hosts.entry(host.to_string()).or_insert_with(|| {
            Arc::new(Host {
                slots: Arc::new(Semaphore::new(self.per_host)),
                rate: self.quota.map(RateLimiter::direct),
                failures: AtomicUsize::new(0),
                given_up: AtomicBool::new(false),
            })
        }))
    }

    /// Waits for a free slot, for the host's rate and for its back-off after failures, then
    /// holds the slot until dropped. Err when the host has been given up.
    pub async fn acquire(&self, host: &str) -> Result<OwnedSemaphorePermit, GivenUp> {
        let entry = self.host(host);
        let given_up = || GivenUp {
            failures: entry.failures.load(Ordering::SeqCst),
        };
        if entry.given_up.load(Ordering::SeqCst) {
            return Err(given_up());
        }
        let permit = Arc::clone(&entry.slots)
            .acquire_owned()
            .await
            .expect("host semaphores are never closed");
        // Checked again: the host may have been given up while this request waited.
        if entry.given_up.load(Ordering::SeqCst) {
            return Err(given_up());
        }
        if let Some(pause) = backoff(entry.failures.load(Ordering::SeqCst)) {
            tokio::time::sleep(pause).await;
        }
        if let Some(rate) = &entry.rate {
            rate.until_ready().await;
        }
        Ok(permit)
    }

    /// Records how a request to `host` went: `failed` = no answer, or a 5xx.
    pub fn record(&self, host: &str, failed: bool) -> Verdict {
        let entry = self.host(host);
        if !failed {
            entry.failures.store(0, Ordering::SeqCst);
            return Verdict::Fine;
        }
        let n = entry.failures.fetch_add(1, Ordering::SeqCst) + 1;
        let limit_hit = self.max_failures > 0 && n >= self.max_failures;
        if limit_hit && !entry.given_up.swap(true, Ordering::SeqCst) {
            return Verdict::GaveUp;
        }
        Verdict::Fine
    }
}

/// The pause before the next request to a host after `failures` failures in a row: none
/// after one (a single blip), then 250 ms doubling up to 4 s.
fn backoff(failures: usize) -> Option<Duration> {
    let steps = failures.checked_sub(2)?;
    let factor = 1u32 << steps.min(5);
    Some((FIRST_BACKOFF * factor).min(MAX_BACKOFF))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn rate_spaces_requests_to_one_host() {
        let pool = HostPool::new(4, Some(20.0), 0);
        let start = Instant::now();
        for _ in 0..5 {
            drop(pool.acquire("a.test").await.unwrap());
        }
        // 5 requests at 20/s: the first is free, four more need about 200 ms.
        assert!(start.elapsed() >= Duration::from_millis(150));
    }

    #[tokio::test]
    async fn hosts_do_not_share_slots() {
        let pool = HostPool::new(1, None, 0);
        let _a = pool.acquire("a.test").await;
        let b = tokio::time::timeout(Duration::from_millis(200), pool.acquire("b.test")).await;
        assert!(b.is_ok());
    }

    #[tokio::test]
    async fn host_failing_in_a_row_is_backed_off_then_given_up_once() {
        let pool = HostPool::new(4, None, 3);
        assert_eq!(pool.record("a.test", true), Verdict::Fine);
        // One success forgives earlier failures.
        assert_eq!(pool.record("a.test", false), Verdict::Fine);
        assert_eq!(pool.record("a.test", true), Verdict::Fine);
        assert_eq!(pool.record("a.test", true), Verdict::Fine);
        let start = Instant::now();
        assert!(pool.acquire("a.test").await.is_ok());
        assert!(
            start.elapsed() >= FIRST_BACKOFF,
            "two failures in a row back off"
        );
        assert_eq!(pool.record("a.test", true), Verdict::GaveUp);
        assert_eq!(pool.record("a.test", true), Verdict::Fine, "given up once");
        assert_eq!(
            pool.acquire("a.test").await.err(),
            Some(GivenUp { failures: 4 })
        );
        assert!(pool.acquire("b.test").await.is_ok(), "other hosts go on");
        assert_eq!(backoff(1), None);
        assert_eq!(backoff(40), Some(MAX_BACKOFF));
    }
}
