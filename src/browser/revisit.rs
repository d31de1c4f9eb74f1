//! Browser mode's second visit of the first pages (see `observe::Renewal`): once a pass has
//! crawled, the same profile opens the site's first pages again a few seconds later, and the
//! expiries the responses and scripts ask for, before and after, show which cookies every
//! visit renews. Requested, not stored: Chromium caps a stored lifetime at 400 days, which
//! makes a fixed far-away date look as if it followed the clock. The second visit's own
//! sightings are not recorded: it only measures.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

use super::capture::Capture;
use super::cdp::Cdp;
use super::run::store;
use super::storage;
use super::tab::{Injection, Tab};
use crate::observe::{
    first_pages, renewals, requested_expiries, wait_before_revisit, ConsentMode, CookieKey,
    Observation, PageVisit, Renewal, Requested,
};

/// The pass that looks for renewed cookies: the one that leaves the most cookies set (accept
/// when it runs), else the first; one check per scan keeps the cost at a few pages.
pub fn revisit_pass(passes: &[ConsentMode]) -> Option<ConsentMode> {
    passes
        .iter()
        .copied()
        .find(|p| *p == ConsentMode::Accept)
        .or_else(|| passes.first().copied())
}

/// What a second visit needs.
pub struct Revisit<'a> {
    pub cdp: &'a Cdp,
    pub inject: Injection,
    pub pass: ConsentMode,
    pub timeout: std::time::Duration,
    pub settle: std::time::Duration,
}

impl Revisit<'_> {
    /// Opens the first `n` pages of `pages` again once the cookies they set are a few seconds
    /// old (`observe::REVISIT_GAP`), and returns every persistent cookie in the store with the
    /// expiry its latest sighting in `seen` asked for, before and after.
    pub async fn run(&self, pages: &[PageVisit], seen: &[Observation], n: usize) -> Vec<Renewal> {
        let in_store = persistent(&store(self.cdp).await);
        let before: HashMap<CookieKey, Requested> = requested_expiries(seen.iter())
            .into_iter()
            .filter(|(k, _)| in_store.contains(k))
            .collect();
        let targets = first_pages(pages, n);
        if before.is_empty() || targets.is_empty() {
            return Vec::new();
        }
        let wait = wait_before_revisit(seen, &targets, OffsetDateTime::now_utc());
        tokio::time::sleep(wait).await;
        let mut after = HashMap::new();
        for page in &targets {
            for (k, e) in self.requested_on(page).await {
                after.insert(k, (e, page.clone()));
            }
        }
        renewals(before, &after)
    }

    /// Loads `page` in a new tab and returns the expiries its responses and scripts asked for.
    async fn requested_on(&self, page: &Url) -> HashMap<CookieKey, Requested> {
        let Ok(mut tab) = Tab::open(self.cdp, self.inject.clone(), self.pass.after()).await else {
            return HashMap::new();
        };
        if tab.navigate(page.as_str(), self.timeout).await.is_ok() {
            tab.settle(self.settle).await;
        }
        let cap = Capture {
            page,
            keep_values: false,
            now: OffsetDateTime::now_utc(),
        };
        let mut obs = Vec::new();
        for n in &tab.net {
            cap.net(n, &mut obs);
        }
        for w in tab.js.iter().filter(|w| storage::kind(&w.api).is_none()) {
            cap.js_write(w, |_| true, &mut obs);
        }
        tab.close().await;
        requested_expiries(obs.iter())
    }
}

/// The store's persistent cookies, as record keys.
fn persistent(cookies: &[Value]) -> HashSet<CookieKey> {
    cookies
        .iter()
        .filter(|c| !c["session"].as_bool().unwrap_or(true))
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["domain"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches('.')
                    .to_ascii_lowercase(),
                c["path"].as_str().unwrap_or("/").to_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_accept_pass_looks_for_renewed_cookies_when_it_runs() {
        use ConsentMode::*;
        assert_eq!(
            revisit_pass(&[None, Reject, Accept, Withdraw]),
            Some(Accept)
        );
        assert_eq!(revisit_pass(&[Reject]), Some(Reject));
        assert_eq!(revisit_pass(&[]), Option::None);
    }

    #[test]
    fn only_persistent_cookies_have_an_expiry_to_renew() {
        let store = [
            json!({"name": "_pk_id.1.f00d", "domain": "a.test", "path": "/", "expires": 1.9e9, "session": false}),
            json!({"name": "sid", "domain": "a.test", "path": "/", "expires": -1, "session": true}),
        ];
        let p = persistent(&store);
        let key = (
            "_pk_id.1.f00d".to_string(),
            "a.test".to_string(),
            "/".to_string(),
        );
        assert_eq!(p, HashSet::from([key]));
    }
}
