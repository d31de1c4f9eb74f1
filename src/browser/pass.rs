//! One consent pass in one fresh profile: every page is checked for a banner and the pass's
//! choice is made on each page that shows one; every cookie is credited to the page whose own
//! response or script left it in the store.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use url::Url;

use super::capture::{store_key_of, Capture, Explained};
use super::cdp::Cdp;
use super::consent;
use super::run::{names, store};
use super::signals;
use super::storage::{self, StorageSink, READ_HELD};
use super::tab::{Injection, Tab};
use super::tabs::{read_links, Visit};
use super::withdraw;
use super::BrowserError;
use crate::crawl::{CrawlConfig, PageJob};
use crate::observe::{
    Attribution, ChoiceMade, ConsentMode, ConsentPhase, ConsentSignals, Observation, PageVisit,
    PhaseReport, Withdrawal,
};

/// A banner one page showed.
struct Banner {
    manager: Option<String>,
    engine: &'static str,
    reject: bool,
    accept: bool,
}

/// A store cookie no page explained yet, with the page that first found it there.
struct Noticed {
    key: String,
    page: Url,
    phase: ConsentPhase,
    choice_page: Option<Url>,
    cookie: Value,
}

/// What the tabs of one pass share: the visitor's choices so far and who set what.
pub struct PassState {
    started: Instant,
    /// The page of the pass's first successful choice: it covers every page without a
    /// banner of its own that is opened after it.
    first_choice: Option<Url>,
    /// Page → the page of the choice that covered it when its visit ended. A page found on
    /// a covered page is covered by the same choice, as the visitor who clicked through.
    covers: HashMap<Url, Url>,
    choices: Vec<ChoiceMade>,
    banners: Vec<Banner>,
    /// Store keys some page's own response or script explains.
    explained: HashSet<String>,
    noticed: Vec<Noticed>,
    noticed_keys: HashSet<String>,
    /// The user's own cookies (`--cookie`): in the store from the start, not the site's.
    user: HashSet<String>,
    storage_seen: HashSet<String>,
    cookies_before: Option<Vec<String>>,
    /// TC strings and Google tag hits (browser/signals.rs).
    signals: ConsentSignals,
    /// A withdraw pass: each withdrawal tried, the pages whose accept choice could not be
    /// withdrawn (pages they cover stay "after accept"), and the store keys already counted
    /// as present after withdrawal.
    withdrawals: Vec<Withdrawal>,
    unwithdrawn: HashSet<Url>,
    withdraw_seen: HashSet<String>,
}

impl PassState {
    pub fn new(user: HashSet<String>) -> PassState {
        PassState {
            started: Instant::now(),
            first_choice: None,
            covers: HashMap::new(),
            choices: Vec::new(),
            banners: Vec::new(),
            explained: HashSet::new(),
            noticed: Vec::new(),
            noticed_keys: HashSet::new(),
            user,
            storage_seen: HashSet::new(),
            cookies_before: None,
            signals: ConsentSignals::default(),
            withdrawals: Vec::new(),
            unwithdrawn: HashSet::new(),
            withdraw_seen: HashSet::new(),
        }
    }

    /// Managers the visitor answered in this pass.
    fn answered(&self) -> Vec<String> {
        self.choices
            .iter()
            .filter(|c| c.succeeded)
            .filter_map(|c| c.manager.clone())
            .collect()
    }

    /// Notes the store cookies no page explained so far (nor the user gave), with the page
    /// that found them: [`PassState::store_only`] credits those nothing ever explains.
    fn notice(
        &mut self,
        in_store: &HashMap<String, &Value>,
        page: &Url,
        phase: ConsentPhase,
        choice_page: Option<&Url>,
    ) {
        let mut keys: Vec<&String> = in_store.keys().collect();
        keys.sort();
        for k in keys {
            if self.explained.contains(k) || self.user.contains(k) || self.noticed_keys.contains(k)
            {
                continue;
            }
            self.noticed_keys.insert(k.clone());
            self.noticed.push(Noticed {
                key: k.clone(),
                page: page.clone(),
                phase,
                choice_page: choice_page.cloned(),
                cookie: in_store[k].clone(),
            });
        }
    }

    /// Cookies found only in the shared store, credited to the page that found them first,
    /// with `attribution: store`.
    pub fn store_only(&self, keep_values: bool, out: &mut Vec<Observation>) {
        for n in self
            .noticed
            .iter()
            .filter(|n| !self.explained.contains(&n.key))
        {
            let cap = Capture {
                page: &n.page,
                keep_values,
                now: OffsetDateTime::now_utc(),
            };
            let why = Explained {
                phase: n.phase,
                choice_page: n.choice_page.clone(),
                attribution: Attribution::Store,
                response_url: n.page.clone(),
                initiator: None,
            };
            cap.stored(&n.cookie, &why, out);
        }
    }

    /// The pass's report: every choice, and the summary fields read from them.
    pub fn report(&self, pass: ConsentMode, pages: usize, after: Vec<String>) -> PhaseReport {
        let first_ok = self.choices.iter().find(|c| c.succeeded);
        let first = first_ok.or(self.choices.first());
        let banner = self.banners.first();
        // Banners whose buttons the text rules could read; each must offer the button.
        let read: Vec<&Banner> = self
            .banners
            .iter()
            .filter(|b| b.reject || b.accept)
            .collect();
        PhaseReport {
            pass,
            manager: first
                .and_then(|c| c.manager.clone())
                .or_else(|| banner.and_then(|b| b.manager.clone())),
            engine: first
                .map(|c| c.engine.clone())
                .or_else(|| banner.map(|b| b.engine.to_owned()))
                .unwrap_or_else(|| "none".into()),
            banner_found: !self.banners.is_empty(),
            // Every banner of the crawl must offer it on its first layer.
            reject_on_first_layer: !read.is_empty() && read.iter().all(|b| b.reject),
            accept_on_first_layer: !read.is_empty() && read.iter().all(|b| b.accept),
            action: first.and_then(|c| c.action.clone()),
            succeeded: !self.choices.is_empty() && self.choices.iter().all(|c| c.succeeded),
            pages,
            duration_ms: millis(self.started),
            consent_ms: first_ok.and_then(|c| c.after_load_ms),
            cookies_before: self.cookies_before.clone().unwrap_or_else(|| after.clone()),
            cookies_after: after,
            choices: self.choices.clone(),
            signals: {
                let mut s = self.signals.clone();
                s.sort();
                s
            },
            withdrawals: self.withdrawals.clone(),
        }
    }
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// What every page visit of a pass needs.
pub struct PageRun {
    pub cdp: Cdp,
    pub inject: Injection,
    pub config: CrawlConfig,
    pub settle: std::time::Duration,
    pub pass: ConsentMode,
    pub state: Arc<Mutex<PassState>>,
    pub shots: Arc<super::screenshot::Shots>,
}

/// Visits one page: load, settle, answer its banner if it shows one, collect.
pub async fn visit(run: Arc<PageRun>, job: PageJob) -> Result<Visit, BrowserError> {
    let (phase, cover) = {
        let st = run.state.lock().await;
        let from = job.found_on.as_ref().and_then(|f| st.covers.get(f));
        match from.or(st.first_choice.as_ref()) {
            // An accept choice that could not be withdrawn covers its pages as accepted.
            Some(p) if st.unwithdrawn.contains(p) => (ConsentPhase::AfterAccept, Some(p.clone())),
            Some(p) => (run.pass.after(), Some(p.clone())),
            None => (ConsentPhase::BeforeConsent, None),
        }
    };
    let mut tab = Tab::open(&run.cdp, run.inject.clone(), phase).await?;
    tab.choice_page = cover;
    if let Err(e) = tab.navigate(job.url.as_str(), run.config.timeout).await {
        tab.close().await;
        return Err(e);
    }
    tab.settle(run.settle).await;
    signals::read_tcf_api(&mut tab, run.config.include_values).await;
    answer_banner(&run, &mut tab, &job.url).await;
    signals::read_tcf_api(&mut tab, run.config.include_values).await;
    Ok(finish_visit(tab, job, &run).await)
}

/// Checks the page for a banner and, in a reject or accept pass, makes the choice on it.
async fn answer_banner(run: &PageRun, tab: &mut Tab, page: &Url) {
    let answered = run.state.lock().await.answered();
    let t0 = Instant::now();
    let mut d = consent::detect(tab, run.inject.autoconsent.is_some(), &answered).await;
    tracing::debug!(
        page = %page,
        banner = d.banner(),
        engine = d.engine(),
        took_ms = t0.elapsed().as_millis(),
        "banner check"
    );
    if !d.banner() {
        return;
    }
    // What the page did before its own banner was answered came before consent.
    tab.relabel_before_consent();
    if !(d.first_layer.accept || d.first_layer.reject) {
        // autoconsent can name a popup before its buttons are drawn: look again once a
        // visitor would have read it.
        tab.pump_until(d.seen_at + consent::BANNER_READ_TIME, |_| false)
            .await;
        if let Ok(t) = consent::text::run(tab, None).await {
            d.first_layer = t;
        }
    }
    run.state.lock().await.banners.push(Banner {
        manager: d.manager.clone(),
        engine: d.engine(),
        reject: d.first_layer.reject,
        accept: d.first_layer.accept,
    });
    let shot = crate::observe::ShotMoment::Banner;
    run.shots.take(tab, run.pass, shot, page).await;
    let choice = withdraw::choice_for(run.pass);
    if !matches!(choice, ConsentMode::Reject | ConsentMode::Accept) {
        return;
    }
    let before = names(&store(&tab.cdp).await);
    tab.phase = choice.after();
    tab.choice_page = Some(page.clone());
    let (engine, action, ok) = consent::choose(tab, &d, choice).await;
    if !ok {
        // No choice was made: everything seen here is still "before consent".
        tab.phase = ConsentPhase::BeforeConsent;
        tab.choice_page = None;
    }
    let made = ChoiceMade {
        page: page.to_string(),
        manager: d.manager.clone(),
        engine,
        action,
        succeeded: ok,
        at_ms: millis(run.state.lock().await.started),
        after_load_ms: tab.loaded_at.map(|t| millis(t.into_std())),
    };
    let withdrawal = if ok && run.pass == ConsentMode::Withdraw {
        // The accepted categories run first, as they would for the visitor.
        tab.settle(run.settle).await;
        let manager = d.manager.as_deref();
        Some(withdraw::withdraw(tab, page, manager, run.config.timeout).await)
    } else {
        None
    };
    run.state
        .lock()
        .await
        .record_choice(page, made, before, withdrawal);
    tab.settle(run.settle).await;
    let shot = crate::observe::ShotMoment::AfterChoice;
    run.shots.take(tab, run.pass, shot, page).await;
}

impl PassState {
    /// Keeps a choice made on `page` (and in a withdraw pass, its withdrawal).
    fn record_choice(
        &mut self,
        page: &Url,
        made: ChoiceMade,
        before: Vec<String>,
        withdrawal: Option<Withdrawal>,
    ) {
        self.cookies_before.get_or_insert(before);
        if made.succeeded && self.first_choice.is_none() {
            self.first_choice = Some(page.clone());
        }
        if withdrawal.as_ref().is_some_and(|w| !w.succeeded) {
            self.unwithdrawn.insert(page.clone());
        }
        self.choices.push(made);
        self.withdrawals.extend(withdrawal);
    }

    /// After withdrawal, every cookie still in the store counts as present after it, once
    /// per pass, credited to the page that found it (what a page sets again is also credited
    /// by its own sightings).
    fn still_present(
        &mut self,
        in_store: &HashMap<String, &Value>,
        cap: &Capture,
        choice_page: Option<&Url>,
        out: &mut Vec<Observation>,
    ) {
        let mut keys: Vec<&String> = in_store.keys().collect();
        keys.sort();
        for k in keys {
            if self.user.contains(k) || !self.withdraw_seen.insert(k.clone()) {
                continue;
            }
            let why = Explained {
                phase: ConsentPhase::AfterWithdraw,
                choice_page: choice_page.cloned(),
                attribution: Attribution::Store,
                response_url: cap.page.clone(),
                initiator: None,
            };
            cap.stored(in_store[k], &why, out);
        }
    }
}

/// The explanation to keep for a key: the latest phase, so a cookie set again after the
/// choice counts as present after it.
fn keep_latest(map: &mut HashMap<String, Explained>, key: String, e: Explained) {
    match map.get(&key) {
        Some(old) if old.phase >= e.phase => {}
        _ => {
            map.insert(key, e);
        }
    }
}

/// Collects what the tab saw, credits the stored cookies its own responses and scripts
/// explain, notes the ones nothing explains yet, then closes the tab.
async fn finish_visit(mut tab: Tab, job: PageJob, run: &PageRun) -> Visit {
    let held_cookies = store(&tab.cdp).await;
    let in_store: HashMap<String, &Value> =
        held_cookies.iter().map(|c| (store_key_of(c), c)).collect();
    let cap = Capture {
        page: &job.url,
        keep_values: run.config.include_values,
        now: OffsetDateTime::now_utc(),
    };
    let (mut observations, explained) = credit(&tab, &cap, &in_store);
    signals::read_tcf_cookies(&mut tab, &in_store, &explained, run.config.include_values);
    let held_storage = tab.eval(READ_HELD).await.ok();
    let storage = {
        let mut st = run.state.lock().await;
        if tab.phase == ConsentPhase::AfterWithdraw {
            st.still_present(&in_store, &cap, tab.choice_page.as_ref(), &mut observations);
        }
        if let Some(c) = &tab.choice_page {
            st.covers.insert(job.url.clone(), c.clone());
        }
        st.explained.extend(explained);
        signals::absorb(&tab, &job.url, &mut st.signals);
        st.notice(&in_store, &job.url, tab.phase, tab.choice_page.as_ref());
        let mut sink = StorageSink {
            page: &job.url,
            phase: tab.phase,
            seen: &mut st.storage_seen,
            out: Vec::new(),
        };
        for w in tab.js.iter().filter(|w| storage::kind(&w.api).is_some()) {
            sink.written(w);
        }
        if let Some(held) = &held_storage {
            sink.held(held);
        }
        sink.out
    };
    let (links, links_dropped) = read_links(&tab, run.config.max_links_per_page).await;
    let final_url = tab
        .eval("location.href")
        .await
        .ok()
        .and_then(|v| v.as_str().and_then(|s| Url::parse(s).ok()));
    let cookie_writes = tab
        .js
        .iter()
        .filter(|w| storage::kind(&w.api).is_none())
        .count();
    let visit = PageVisit {
        url: job.url.clone(),
        depth: job.depth,
        found_on: job.found_on.clone(),
        status: tab.main_status,
        final_url: final_url.filter(|u| *u != job.url),
        redirects: Vec::new(),
        content_type: None,
        bytes: 0,
        cookies_set: tab.net.iter().map(|n| n.lines.len()).sum::<usize>() + cookie_writes,
        error: tab.nav_error.clone(),
        skipped: None,
    };
    let exchanges = super::har::collect(&mut tab, &job.url, run.pass).await;
    tab.close().await;
    Visit {
        visit,
        observations,
        storage,
        links,
        links_dropped,
        depth: job.depth,
        exchanges,
    }
}

/// The tab's own sightings, and the stored cookies they explain credited to its page;
/// returns the observations and the store keys explained.
fn credit(
    tab: &Tab,
    cap: &Capture,
    in_store: &HashMap<String, &Value>,
) -> (Vec<Observation>, Vec<String>) {
    let mut obs = Vec::new();
    let mut explained: HashMap<String, Explained> = HashMap::new();
    for n in &tab.net {
        for (k, e) in cap.net(n, &mut obs) {
            keep_latest(&mut explained, k, e);
        }
    }
    for w in tab.js.iter().filter(|w| storage::kind(&w.api).is_none()) {
        if let Some((k, e)) = cap.js_write(w, |k| in_store.contains_key(k), &mut obs) {
            keep_latest(&mut explained, k, e);
        }
    }
    let mut keys: Vec<String> = explained.keys().cloned().collect();
    keys.sort();
    for k in &keys {
        if let Some(c) = in_store.get(k) {
            cap.stored(c, &explained[k], &mut obs);
        }
    }
    (obs, keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    /// Tab A reads the store while tab B's page is still setting its cookie: B, not A, gets
    /// the credit; only what no page explains falls back to the store, marked so.
    #[test]
    fn a_cookie_another_tab_set_is_not_credited_to_the_page_that_read_the_store_first() {
        let user = HashSet::from([store_key_of(
            &json!({"name": "mine", "domain": "a.test", "path": "/"}),
        )]);
        let mut st = PassState::new(user);
        let cookies = [
            json!({"name": "_ga", "domain": ".a.test", "path": "/", "value": "x"}),
            json!({"name": "mine", "domain": "a.test", "path": "/", "value": "y"}),
            json!({"name": "orphan", "domain": "a.test", "path": "/", "value": "z"}),
        ];
        let in_store: HashMap<String, &Value> =
            cookies.iter().map(|c| (store_key_of(c), c)).collect();
        let (a, b) = (url("http://a.test/about"), url("http://a.test/blog/"));
        st.notice(&in_store, &a, ConsentPhase::BeforeConsent, None);
        // B's own response explains _ga when its visit ends.
        st.explained.insert(store_key_of(&cookies[0]));
        st.notice(&in_store, &b, ConsentPhase::AfterReject, Some(&b));
        let mut out = Vec::new();
        st.store_only(false, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].cookie.name, "orphan");
        assert_eq!(out[0].page_url, a);
        assert_eq!(out[0].attribution, Some(Attribution::Store));
    }

    #[test]
    fn the_pass_summary_reads_every_choice_and_every_banner() {
        let mut st = PassState::new(HashSet::new());
        let choice = |page: &str, ok: bool| ChoiceMade {
            page: page.into(),
            manager: Some("Klaro".into()),
            engine: "autoconsent".into(),
            action: Some("optOut".into()),
            succeeded: ok,
            at_ms: 1,
            after_load_ms: Some(2),
        };
        st.choices = vec![
            choice("http://a.test/shop/", false),
            choice("http://a.test/blog/", true),
        ];
        st.banners = vec![
            Banner {
                manager: None,
                engine: "autoconsent",
                reject: true,
                accept: true,
            },
            Banner {
                manager: None,
                engine: "text-rules",
                reject: false,
                accept: true,
            },
            // Buttons not read: says nothing about the first layer.
            Banner {
                manager: None,
                engine: "autoconsent",
                reject: false,
                accept: false,
            },
        ];
        let r = st.report(ConsentMode::Reject, 3, Vec::new());
        assert!(r.banner_found && !r.succeeded, "{r:?}");
        assert!(r.accept_on_first_layer && !r.reject_on_first_layer, "{r:?}");
        assert_eq!(r.consent_ms, Some(2));
        assert_eq!(r.choices.len(), 2);
        assert_eq!(st.answered(), vec!["Klaro".to_owned()]);
    }
}
