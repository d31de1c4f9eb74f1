//! Per-host politeness in one place: how many requests may be in flight to a host, and how
//! fast they may start. The crawl loop only asks for a permit.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

struct Host {
    slots: Arc<Semaphore>,
    rate: Option<DefaultDirectRateLimiter>,
}

/// Concurrency and rate limits, per host name.
pub struct HostPool {
    per_host: usize,
    quota: Option<Quota>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl HostPool {
    /// `rate` is requests per second per host (fractions allowed: 0.5 = one every 2 s).
    pub fn new(per_host: usize, rate: Option<f64>) -> HostPool {
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
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a free slot and for the host's rate, then holds the slot until dropped.
    pub async fn acquire(&self, host: &str) -> OwnedSemaphorePermit {
        let entry = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(hosts.entry(host.to_string()).or_insert_with(|| {
                Arc::new(Host {
                    slots: Arc::new(Semaphore::new(self.per_host)),
                    rate: self.quota.map(RateLimiter::direct),
                })
            }))
        };
        let permit = Arc::clone(&entry.slots)
            .acquire_owned()
            .await
            .expect("host semaphores are never closed");
        if let Some(rate) = &entry.rate {
            rate.until_ready().await;
        }
        permit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn rate_spaces_requests_to_one_host() {
        let pool = HostPool::new(4, Some(20.0));
        let start = Instant::now();
        for _ in 0..5 {
            drop(pool.acquire("a.test").await);
        }
        // 5 requests at 20/s: the first is free, four more need about 200 ms.
        assert!(start.elapsed() >= Duration::from_millis(150));
    }

    #[tokio::test]
    async fn hosts_do_not_share_slots() {
        let pool = HostPool::new(1, None);
        let _a = pool.acquire("a.test").await;
        let b = tokio::time::timeout(Duration::from_millis(200), pool.acquire("b.test")).await;
        assert!(b.is_ok());
    }
}
