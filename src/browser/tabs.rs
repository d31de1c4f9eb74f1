//! One pass's pages: those waiting, those loading in a tab, and those done.
//!
//! Like the static crawl, the tabs take the site in breadth-first order that does not depend on
//! timing (see `crawl/frontier.rs`): the links a page finds wait until every page ranked before
//! it is done, then go into the queue in the order of the page that found them and their place
//! on it. A page's `depth` and `found_on` then do not depend on which tab finished first, and
//! the link-trap guard and `--max-pages` see the same links on every run. Unlike a strict level
//! barrier, a tab starts a next-level page as soon as the pages before it are done.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tokio::task::JoinSet;
use url::Url;

use super::pass::{self, PageRun};
use super::run::PassContext;
use super::tab::Tab;
use super::BrowserError;
use crate::crawl::{
    link_key, normalise, trap_warning, Cancel, CrawlConfig, Frontier, LimitHits, Offer, PageJob,
    Pending, Plan, Scope,
};
use crate::observe::{CrawlOutcome, Observation, PageVisit, StorageItem, Warning, WarningKind};

/// The page's distinct links (anchors, image-map areas, iframes), at most `cap` of them
/// (0 = all), after how many there were: a page of 400,000 links sends 10,000 over DevTools.
fn links_script(cap: usize) -> String {
    format!(
        "(() => {{ const all = [...new Set(Array.from(document.querySelectorAll('a[href], area[href], iframe[src]'), e => e.href || e.src))]; \
         return [all.length, {cap} > 0 ? all.slice(0, {cap}) : all]; }})()"
    )
}

/// The page's links, at most `cap`, and how many more there were.
pub(super) async fn read_links(tab: &Tab, cap: usize) -> (Vec<Url>, usize) {
    let Ok(v) = tab.eval(&links_script(cap)).await else {
        return (Vec::new(), 0);
    };
    let total = v[0]
        .as_u64()
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let links: Vec<Url> = v[1]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter_map(|s| Url::parse(s).ok())
                .collect()
        })
        .unwrap_or_default();
    let listed = v[1].as_array().map_or(0, Vec::len);
    (links, total.saturating_sub(listed))
}

/// What one tab brought back from its page.
pub(super) struct Visit {
    pub visit: PageVisit,
    pub observations: Vec<Observation>,
    pub storage: Vec<StorageItem>,
    pub links: Vec<Url>,
    /// Links past the links-per-page cap, not followed.
    pub links_dropped: usize,
    pub depth: usize,
    /// `--har`: the page's requests and responses.
    pub exchanges: Vec<crate::observe::Exchange>,
}

pub(super) struct Tabs {
    frontier: Frontier,
    tasks: JoinSet<Result<Visit, BrowserError>>,
    /// The page each loading tab has, and that page's rank (the order pages were taken in).
    flying: HashMap<tokio::task::Id, (PageJob, u32)>,
    dispatched: usize,
    next_rank: u32,
    pub pages: Vec<PageVisit>,
    limits: LimitHits,
    warnings: Vec<Warning>,
}

impl Tabs {
    pub fn new(frontier: Frontier) -> Self {
        Tabs {
            frontier,
            tasks: JoinSet::new(),
            flying: HashMap::new(),
            dispatched: 0,
            next_rank: 0,
            pages: Vec::new(),
            limits: LimitHits::default(),
            warnings: Vec::new(),
        }
    }

    /// Opens pages until every tab is busy, the page limit is reached or the scan is cancelled.
    /// A link is queued once no page still loading can have found it first.
    pub async fn fill(&mut self, ctx: &PassContext<'_>, run: &Arc<PageRun>, plan: &mut Plan) {
        self.release_settled();
        while self.tasks.len() < ctx.opts.tabs.max(1)
            && self.dispatched < ctx.config.max_pages
            && !ctx.cancel.is_cancelled()
        {
            if self.frontier.is_empty() && self.tasks.is_empty() {
                self.next_level();
            }
            let Some(job) = self.frontier.pop() else {
                break;
            };
            if !plan.allowed(&job.url).await {
                self.pages.push(Plan::disallowed(&job));
                continue;
            }
            self.dispatched += 1;
            let rank = self.next_rank;
            self.next_rank = self.next_rank.saturating_add(1);
            let task = self.tasks.spawn(pass::visit(Arc::clone(run), job.clone()));
            self.flying.insert(task.id(), (job, rank));
        }
    }

    /// Queues the links found on pages ranked before every page still loading: no tab can
    /// still offer them with a better key, so they go where the level's end would put them,
    /// and an idle tab need not wait for the level's slowest page.
    fn release_settled(&mut self) {
        let Some(first) = self.flying.values().map(|(_, rank)| *rank).min() else {
            return;
        };
        let refused = self.frontier.release_before(first);
        self.note_refused(refused);
    }

    /// The level's last tab is done: the links its pages found become the next level.
    fn next_level(&mut self) {
        let refused = self.frontier.advance();
        self.note_refused(refused);
    }

    /// Warns of the links a level could not queue (link traps, a full queue).
    fn note_refused(&mut self, refused: Vec<(Offer, PageJob)>) {
        for (outcome, job) in refused {
            let on = job.found_on.as_ref().unwrap_or(&job.url);
            match outcome {
                Offer::Trap(pattern) => self.warnings.push(trap_warning(&job.url, &pattern)),
                Offer::Full => self.limits.queued_pages.add(1, on),
                Offer::Queued | Offer::Duplicate => {}
            }
        }
    }

    /// The next tab to finish, with the page it loaded and its rank; `None` once no tab is
    /// left or the scan is cancelled.
    pub async fn next_done(
        &mut self,
        cancel: &Cancel,
    ) -> Option<(Option<(PageJob, u32)>, Result<Visit, String>)> {
        let next = tokio::select! {
            n = self.tasks.join_next_with_id() => n,
            () = cancel.cancelled() => {
                // Ctrl-C: pages still loading are listed as interrupted, the rest is kept.
                self.tasks.abort_all();
                self.pages.extend(
                    self.flying.drain().map(|(_, (job, _))| unfinished(&job, INTERRUPTED)),
                );
                return None;
            }
        }?;
        let (id, result) = match next {
            Ok((id, r)) => (id, r.map_err(|e| e.to_string())),
            Err(e) => (e.id(), Err(format!("a browser tab failed ({e})"))),
        };
        Some((self.flying.remove(&id), result))
    }

    /// Lists a finished page, and keeps its links for the next level or warns why its tab
    /// failed.
    pub fn record(
        &mut self,
        ctx: &PassContext<'_>,
        job: Option<(PageJob, u32)>,
        result: Result<Visit, String>,
        out: &mut CrawlOutcome,
        storage: &mut Vec<StorageItem>,
    ) {
        match result {
            Ok(v) => {
                let rank = job.map_or(u32::MAX, |(_, r)| r);
                let page = self.absorb(v, rank, ctx.scope, ctx.config, out, storage);
                self.pages.push(page);
                let done = self.pages.len();
                let waiting = self.frontier.len() + self.frontier.pending_len();
                ctx.progress
                    .page_done(&self.pages[done - 1].url, done, done + waiting);
            }
            Err(why) => {
                self.pages.extend(job.map(|(j, _)| unfinished(&j, &why)));
                out.warnings
                    .push(Warning::new(WarningKind::Browser, None, why));
            }
        }
    }

    /// Records what a visit saw, keeps its links for the next level, and returns the page.
    fn absorb(
        &mut self,
        v: Visit,
        rank: u32,
        scope: &Scope,
        config: &CrawlConfig,
        out: &mut CrawlOutcome,
        storage: &mut Vec<StorageItem>,
    ) -> PageVisit {
        out.add_sightings(v.observations);
        out.exchanges.extend(v.exchanges);
        storage.extend(v.storage);
        if !scope.contains(&v.visit.url) || config.max_depth.is_some_and(|m| v.depth >= m) {
            return v.visit;
        }
        self.limits
            .links_per_page
            .add(v.links_dropped, &v.visit.url);
        for (place, l) in v.links.iter().enumerate() {
            let url = normalise(l);
            if !scope.contains(&url) {
                continue;
            }
            let job = PageJob {
                url,
                depth: v.depth + 1,
                found_on: Some(v.visit.url.clone()),
            };
            let key = link_key(rank, u32::try_from(place).unwrap_or(u32::MAX));
            if self.frontier.offer_next(job, key) == Pending::Full {
                self.limits.queued_pages.add(1, &v.visit.url);
            }
        }
        v.visit
    }

    /// The pass's pages, and its warnings: link traps, then each bound that was hit.
    pub fn finish(self, config: &CrawlConfig, out: &mut CrawlOutcome) -> Vec<PageVisit> {
        out.warnings.extend(self.warnings);
        out.warnings.extend(self.limits.warnings(config));
        self.pages
    }
}

const INTERRUPTED: &str = "interrupted (Ctrl-C or SIGTERM) before the page finished loading";

/// A page that was visited but yielded nothing: interrupted, or its tab failed.
fn unfinished(job: &PageJob, why: &str) -> PageVisit {
    PageVisit {
        error: Some(why.to_owned()),
        ..job.unvisited()
    }
}
