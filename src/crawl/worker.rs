//! The crawl's workers: a fixed pool of `--concurrency` tasks, each taking the next job from
//! the shared state, fetching and parsing it, and recording the result itself.
//!
//! No task per page and no coordinator: a page's result is recorded by the thread that parsed
//! it, under one short lock, and that thread takes its next job in the same critical section.
//! Tasks wake each other only when the queue runs dry (the start of a crawl, its end).

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use futures_util::FutureExt;
use tokio::sync::Notify;
use url::Url;

use super::extract::{extract_with, is_html, PageContent};
use super::fetch::{Fetched, Fetcher};
use super::frontier::{link_key, Frontier, Offer, PageJob, Pending};
use super::limits::{reached, LimitHits};
use super::memo::LinkMemo;
use super::robots::{RobotsCache, DISALLOWED};
use super::scope::Scope;
use super::CrawlConfig;
use crate::observe::ResourceKind;
use crate::observe::{CrawlOutcome, PageVisit, ResourceVisit, ScriptBody, Warning, WarningKind};
use crate::scripts::Gate;

/// What the crawl has seen and what it still has to do.
pub(super) struct State {
    pub out: CrawlOutcome,
    pub frontier: Frontier,
    pub resources: VecDeque<(Url, ResourceKind, Url)>,
    pub resources_seen: HashSet<String>,
    /// Resources a consent manager holds back, by URL; None once any page loads it freely.
    pub gates: HashMap<String, Option<Gate>>,
    pub dispatched_pages: usize,
    /// Bytes of script text kept for analysis so far.
    pub script_bytes: usize,
    pub limits: LimitHits,
    /// Jobs taken by a worker and not yet recorded.
    in_flight: usize,
    /// Pages among them: the next level starts when the last one is recorded.
    pages_in_flight: usize,
    /// Pages taken so far: the next page's rank in the crawl.
    next_rank: u32,
    /// Workers waiting for the queue to fill (or the crawl to end).
    waiting: usize,
}

impl State {
    pub fn new(frontier: Frontier) -> State {
        State {
            out: CrawlOutcome::starting_now(),
            frontier,
            resources: VecDeque::new(),
            resources_seen: HashSet::new(),
            gates: HashMap::new(),
            dispatched_pages: 0,
            script_bytes: 0,
            limits: LimitHits::default(),
            in_flight: 0,
            pages_in_flight: 0,
            next_rank: 0,
            waiting: 0,
        }
    }

    /// Sub-resources first (they belong to pages already visited), then pages up to the cap.
    fn next_job(&mut self, max_pages: usize) -> Option<Job> {
        if let Some((url, kind, page)) = self.resources.pop_front() {
            return Some(Job::Resource(url, kind, page));
        }
        if self.dispatched_pages >= max_pages {
            return None;
        }
        if self.frontier.is_empty() && self.pages_in_flight == 0 {
            self.next_level();
        }
        let job = self.frontier.pop()?;
        self.dispatched_pages += 1;
        self.pages_in_flight += 1;
        let rank = self.next_rank;
        self.next_rank = self.next_rank.saturating_add(1);
        Some(Job::Page(job, rank))
    }

    /// The level's last page is recorded: the links it found become the next level.
    fn next_level(&mut self) {
        for (outcome, job) in self.frontier.advance() {
            let on = job.found_on.as_ref().unwrap_or(&job.url);
            match outcome {
                Offer::Trap(pattern) => self.out.warnings.push(trap_warning(&job.url, &pattern)),
                Offer::Full => self.limits.queued_pages.add(1, on),
                Offer::Queued | Offer::Duplicate => {}
            }
        }
    }

    fn has_work(&self, max_pages: usize) -> bool {
        let level_ready = !self.frontier.is_empty()
            || (self.pages_in_flight == 0 && self.frontier.pending_len() > 0);
        !self.resources.is_empty() || (self.dispatched_pages < max_pages && level_ready)
    }
}

enum Job {
    /// A page and its rank in the crawl (the order pages were taken in).
    Page(PageJob, u32),
    Resource(Url, ResourceKind, Url),
}

impl Job {
    fn is_page(&self) -> bool {
        matches!(self, Job::Page(..))
    }
}

pub(crate) fn trap_warning(url: &Url, pattern: &str) -> Warning {
    Warning::new(
        WarningKind::LinkTrap,
        Some(url),
        format!("URL pattern '{pattern}' looks like a link trap: no more pages of it are queued (--max-per-pattern)"),
    )
}

/// Everything the workers share.
pub(super) struct Shared {
    pub config: CrawlConfig,
    pub fetcher: Fetcher,
    pub scope: Scope,
    pub memo: LinkMemo,
    pub robots: tokio::sync::Mutex<RobotsCache>,
    pub state: Mutex<State>,
    wake: Notify,
    stop: AtomicBool,
}

impl Shared {
    pub fn new(
        config: CrawlConfig,
        fetcher: Fetcher,
        scope: Scope,
        robots: RobotsCache,
        state: State,
    ) -> Shared {
        Shared {
            config,
            fetcher,
            scope,
            memo: LinkMemo::default(),
            robots: tokio::sync::Mutex::new(robots),
            state: Mutex::new(state),
            wake: Notify::new(),
            stop: AtomicBool::new(false),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while recording a page leaves at worst that page half-recorded.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes idle and future job requests come back empty (cancellation).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake.notify_waiters();
    }

    /// Ends a job: wakes waiting workers when there is work for them or nothing is left.
    fn finish_job(&self, mut st: MutexGuard<'_, State>, page: bool) {
        st.in_flight -= 1;
        if page {
            st.pages_in_flight -= 1;
        }
        let wake = st.waiting > 0 && (st.in_flight == 0 || st.has_work(self.config.max_pages));
        drop(st);
        if wake {
            self.wake.notify_waiters();
        }
    }
}

/// One worker: takes jobs until the crawl has none left and no other worker can make more.
pub(super) async fn worker(sh: std::sync::Arc<Shared>) {
    let max_pages = sh.config.max_pages;
    loop {
        let job = loop {
            let notified = {
                let mut st = sh.lock();
                if sh.stop.load(Ordering::SeqCst) {
                    return;
                }
                if let Some(job) = st.next_job(max_pages) {
                    st.in_flight += 1;
                    break job;
                }
                if st.in_flight == 0 {
                    drop(st);
                    // Nothing queued and nothing running: the crawl is over.
                    sh.wake.notify_waiters();
                    return;
                }
                st.waiting += 1;
                // Created before the lock is released, so no wake-up is missed.
                sh.wake.notified()
            };
            notified.await;
            sh.lock().waiting -= 1;
        };
        let page = job.is_page();
        let run = AssertUnwindSafe(run_job(&sh, job)).catch_unwind().await;
        if let Err(panic) = run {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let mut st = sh.lock();
            st.out.warnings.push(Warning::new(
                WarningKind::Transport,
                None,
                format!("a fetch failed unexpectedly ({why}); the scan went on without it"),
            ));
            sh.finish_job(st, page);
        }
    }
}

/// Fetches and parses one job, records it and ends it (`finish_job`).
async fn run_job(sh: &Shared, job: Job) {
    let config = &sh.config;
    let (job, rank) = match job {
        Job::Resource(url, kind, page) => {
            // Past the script budget the body would be dropped unread: not downloaded at all.
            let want_body = kind == ResourceKind::Script
                && !reached(config.max_script_bytes, sh.lock().script_bytes);
            let fetched = sh.fetcher.fetch(&url, &page, kind, want_body).await;
            // Read outside the lock: the script may be megabytes long.
            let loads = script_loads(&url, kind, &page, &fetched);
            let mut st = sh.lock();
            handle_resource(config, &mut st, (url, kind, page), fetched, loads);
            sh.finish_job(st, false);
            return;
        }
        Job::Page(job, rank) => (job, rank),
    };
    if config.respect_robots {
        let (robot, fetched) = sh.robots.lock().await.get(&sh.fetcher, &job.url).await;
        let disallowed = robot.is_some_and(|r| !r.allowed(job.url.as_str()));
        if fetched.is_some() || disallowed {
            let mut st = sh.lock();
            if let Some(f) = fetched {
                absorb(&mut st.out, f);
            }
            if disallowed {
                st.dispatched_pages -= 1;
                st.out.pages.push(skipped(&job, DISALLOWED));
                sh.finish_job(st, true);
                return;
            }
        }
    }
    let fetched = sh
        .fetcher
        .fetch(&job.url, &job.url, ResourceKind::Page, true)
        .await;
    if let Some(why) = &fetched.not_tried {
        // Like a page robots.txt disallows: listed, and not counted against --max-pages.
        let mut st = sh.lock();
        st.dispatched_pages -= 1;
        st.out.pages.push(skipped(&job, why));
        sh.finish_job(st, true);
        return;
    }
    let depth_ok = config.max_depth.is_none_or(|max| job.depth < max);
    // Only links that will be offered may be remembered as offered.
    let follows = depth_ok
        && fetched
            .final_url
            .as_ref()
            .is_some_and(|u| sh.scope.contains(u));
    let content = page_content(
        &fetched,
        follows.then_some((&sh.memo, rank)),
        config.max_links_per_page,
    );
    let mut st = sh.lock();
    handle_page(config, &sh.scope, &mut st, (job, rank), fetched, content);
    sh.finish_job(st, true);
}

/// The scripts a fetched script's consent-manager configuration loads (read outside the lock).
fn script_loads(url: &Url, kind: ResourceKind, page: &Url, fetched: &Fetched) -> Vec<(Url, Gate)> {
    if kind != ResourceKind::Script
        || fetched.body.is_empty()
        || fetched.status.is_none_or(|s| s >= 400)
    {
        return Vec::new();
    }
    let url = fetched.final_url.as_ref().unwrap_or(url);
    super::gated::configured_loads(Some(url), &String::from_utf8_lossy(&fetched.body), page)
}

/// A parsed page, and the scripts its inline consent-manager configuration loads.
type Parsed = (PageContent, Vec<(Url, Gate)>);

/// Parsed in the worker, outside the lock: HTML parsing is the CPU-heavy part of a crawl, and
/// reading inline scripts for the services they configure is a scan of their text.
fn page_content(
    fetched: &Fetched,
    memo: Option<(&LinkMemo, u32)>,
    max_links: usize,
) -> Option<Parsed> {
    let url = fetched.final_url.as_ref()?;
    if fetched.body.is_empty() || !is_html(fetched.content_type.as_deref(), &fetched.body) {
        return None;
    }
    let html = String::from_utf8_lossy(&fetched.body);
    let mut content = extract_with(&html, url, memo, max_links);
    // Normalised here, outside the lock, so recording a page only looks links up.
    let mut seen = HashSet::new();
    content.links = content
        .links
        .iter()
        .map(super::frontier::normalise)
        .filter(|u| seen.insert(u.as_str().to_owned()))
        .collect();
    let loads = content
        .inline_scripts
        .iter()
        .flat_map(|code| super::gated::configured_loads(None, code, url))
        .collect();
    Some((content, loads))
}

fn handle_page(
    config: &CrawlConfig,
    scope: &Scope,
    st: &mut State,
    (job, rank): (PageJob, u32),
    mut fetched: Fetched,
    content: Option<Parsed>,
) {
    let html_lossy = content.is_some() && std::str::from_utf8(&fetched.body).is_err();
    let page_url = fetched.final_url.clone().unwrap_or_else(|| job.url.clone());
    if html_lossy {
        fetched.warnings.push(Warning::new(
            WarningKind::InvalidUtf8,
            Some(&page_url),
            format!("{page_url} is not valid UTF-8; invalid bytes were replaced before parsing"),
        ));
    }
    if let Some(s) = fetched.status.filter(|s| *s >= 400) {
        fetched.warnings.push(Warning::new(
            WarningKind::HttpError,
            Some(&job.url),
            format!("{} answered {s}", job.url),
        ));
    }
    st.out.pages.push(PageVisit {
        url: job.url.clone(),
        depth: job.depth,
        found_on: job.found_on.clone(),
        status: fetched.status,
        final_url: fetched.final_url.clone().filter(|u| *u != job.url),
        redirects: if fetched.hops.len() > 1 {
            fetched.hops.clone()
        } else {
            Vec::new()
        },
        content_type: fetched.content_type.clone(),
        bytes: fetched.body.len(),
        cookies_set: fetched.cookies_set(),
        error: fetched.error.clone(),
        skipped: None,
    });
    absorb(&mut st.out, fetched);
    let Some((content, loads)) = content else {
        return;
    };
    st.limits
        .links_per_page
        .add(content.links_dropped, &page_url);
    let mut queued_here = 0;
    for (url, gate) in &content.gates {
        note_gate(st, url, Some(gate));
    }
    for (i, code) in content.inline_scripts.into_iter().enumerate() {
        let gate = content
            .inline_gates
            .iter()
            .find(|(g, _)| *g == i)
            .map(|(_, g)| g.clone());
        keep_script(config, st, None, &page_url, Some(i + 1), code, gate);
    }
    queue_loads(config, st, loads, &page_url, &mut queued_here);
    if config.fetch_subresources {
        for (url, kind) in &content.resources {
            // Only scripts carry a gate; images and stylesheets need no entry.
            if *kind == ResourceKind::Script && !content.gates.iter().any(|(u, _)| u == url) {
                note_gate(st, url, None);
            }
            queue_resource(config, st, url, *kind, &page_url, &mut queued_here);
        }
    }
    let follow = scope.contains(&page_url);
    let depth_ok = config.max_depth.is_none_or(|max| job.depth < max);
    // A link's place on its page: iframes first, then links, each in document order.
    let mut place = 0u32;
    let mut offer_link = |st: &mut State, url: &Url| {
        offer(st, url, job.depth + 1, &page_url, link_key(rank, place));
        place = place.saturating_add(1);
    };
    for iframe in &content.iframes {
        if !content.gates.iter().any(|(u, _)| u == iframe) {
            note_gate(st, iframe, None);
        }
        // Iframes of the site are pages of the site; others are third-party resources.
        if follow && depth_ok && scope.contains(iframe) {
            offer_link(st, iframe);
        } else if config.fetch_subresources {
            queue_resource(
                config,
                st,
                iframe,
                ResourceKind::Iframe,
                &page_url,
                &mut queued_here,
            );
        }
    }
    if follow && depth_ok {
        for link in &content.links {
            if scope.contains(link) {
                offer_link(st, link);
            }
        }
    }
}

/// Keeps a link for the next level (see `frontier.rs`).
fn offer(st: &mut State, url: &Url, depth: usize, found_on: &Url, key: u64) {
    let job = PageJob {
        url: url.clone(),
        depth,
        found_on: Some(found_on.clone()),
    };
    if st.frontier.offer_next(job, key) == Pending::Full {
        st.limits.queued_pages.add(1, found_on);
    }
}

/// Queues a sub-resource not seen before, within the per-page and per-scan caps.
fn queue_resource(
    config: &CrawlConfig,
    st: &mut State,
    url: &Url,
    kind: ResourceKind,
    page: &Url,
    queued_here: &mut usize,
) {
    let mut u = url.clone();
    u.set_fragment(None);
    if st.resources_seen.contains(u.as_str()) {
        return;
    }
    if reached(config.max_subresources_per_page, *queued_here) {
        st.limits.subresources_per_page.add(1, page);
        return;
    }
    // Every queued resource is remembered as seen, so the set counts the scan's fetches.
    if reached(config.max_subresources, st.resources_seen.len()) {
        st.limits.subresources.add(1, page);
        return;
    }
    st.resources_seen.insert(u.to_string());
    st.resources.push_back((u, kind, page.clone()));
    *queued_here += 1;
}

/// Keeps a script's text for analysis while the scan's script budget lasts.
fn keep_script(
    config: &CrawlConfig,
    st: &mut State,
    url: Option<Url>,
    page_url: &Url,
    inline_index: Option<usize>,
    code: String,
    gate: Option<Gate>,
) {
    let total = st.script_bytes.saturating_add(code.len());
    if config.max_script_bytes > 0 && total > config.max_script_bytes {
        st.limits.script_bytes.add(1, page_url);
        return;
    }
    st.script_bytes = total;
    st.out.scripts.push(ScriptBody {
        url,
        page_url: page_url.clone(),
        inline_index,
        code,
        gate,
    });
}

fn handle_resource(
    config: &CrawlConfig,
    st: &mut State,
    (url, kind, page): (Url, ResourceKind, Url),
    mut fetched: Fetched,
    loads: Vec<(Url, Gate)>,
) {
    let gate = st.gates.get(url.as_str()).cloned().flatten();
    st.out.resources.push(ResourceVisit {
        url: url.clone(),
        kind,
        page_url: page.clone(),
        status: fetched.status,
        cookies_set: fetched.cookies_set(),
        error: fetched.error.clone(),
        gate: gate.clone(),
    });
    if kind == ResourceKind::Script && fetched.status.is_some_and(|s| s < 400) {
        if fetched.body.is_empty() {
            // Not downloaded: the budget was spent when it was fetched.
            if reached(config.max_script_bytes, st.script_bytes) {
                st.limits.script_bytes.add(1, &page);
            }
        } else {
            let url = fetched.final_url.clone().unwrap_or(url);
            // Valid UTF-8 (the usual case) becomes the String without a copy.
            let code = String::from_utf8(std::mem::take(&mut fetched.body))
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            keep_script(config, st, Some(url), &page, None, code, gate);
            queue_loads(config, st, loads, &page, &mut 0);
        }
    }
    absorb(&mut st.out, fetched);
}

/// Remembers whether a resource is held back by a consent manager; loaded freely anywhere,
/// it is not.
fn note_gate(st: &mut State, url: &Url, gate: Option<&Gate>) {
    let mut u = url.clone();
    u.set_fragment(None);
    match gate {
        Some(g) => {
            st.gates.entry(u.into()).or_insert_with(|| Some(g.clone()));
        }
        None => {
            st.gates.insert(u.into(), None);
        }
    }
}

/// Queues the scripts a consent manager's configuration loads once a service is released.
fn queue_loads(
    config: &CrawlConfig,
    st: &mut State,
    loads: Vec<(Url, Gate)>,
    page: &Url,
    queued_here: &mut usize,
) {
    if !config.fetch_subresources {
        return;
    }
    for (url, gate) in loads {
        note_gate(st, &url, Some(&gate));
        queue_resource(config, st, &url, ResourceKind::Script, page, queued_here);
    }
}

pub(super) fn absorb(out: &mut CrawlOutcome, f: Fetched) {
    out.add_sightings(f.observations);
    out.add_malformed(f.malformed);
    out.warnings.extend(f.warnings);
    out.exchanges.extend(f.exchanges);
}

pub(super) fn skipped(job: &PageJob, why: &str) -> PageVisit {
    PageVisit {
        skipped: Some(why.to_string()),
        ..job.unvisited()
    }
}
