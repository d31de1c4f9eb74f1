//! The crawl loop: owns the frontier and the results; tasks only fetch and parse.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use url::Url;

use super::events::{MalformedCookie, PageVisit, ResourceVisit, ScriptBody, Warning, WarningKind};
use super::extract::{extract_with, is_html, PageContent};
use super::fetch::{Fetched, Fetcher};
use super::frontier::{Frontier, Offer, PageJob};
use super::memo::LinkMemo;
use super::pool::HostPool;
use super::robots::{RobotsCache, DISALLOWED};
use super::scope::Scope;
use super::seed;
use super::CrawlConfig;
use crate::cookies::Jar;
use crate::observe::{Observation, ResourceKind};

#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error("no start URL was given: pass at least one http(s) URL")]
    NoStartUrl,
    #[error("could not start the HTTP client: {0}")]
    Client(String),
    #[error("the header '{0}' is not a valid HTTP header: write it as 'Name: value'")]
    BadHeader(String),
    #[error("{url} could not be reached ({reason}); check the URL, your network, or --resolve")]
    Unreachable { url: String, reason: String },
}

/// Asks a running crawl to stop; it returns what it has, marked partial.
#[derive(Default)]
pub struct Cancel {
    flag: AtomicBool,
    notify: Notify,
}

impl Cancel {
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
    /// Resolves once the scan is cancelled (at once if it already is).
    pub async fn cancelled(&self) {
        let notified = self.notify.notified();
        tokio::pin!(notified);
        // Registered before the flag is read, so a cancel in between is not missed.
        notified.as_mut().enable();
        if !self.is_cancelled() {
            notified.await;
        }
    }
}

/// Progress callbacks (the CLI draws a bar with them; the library draws nothing).
pub trait Progress: Send + Sync {
    fn page_done(&self, _url: &Url, _pages_done: usize, _pages_known: usize) {}
}

impl Progress for () {}

/// Everything the crawl saw.
#[derive(Debug, Clone)]
pub struct CrawlOutcome {
    pub pages: Vec<PageVisit>,
    pub resources: Vec<ResourceVisit>,
    pub observations: Vec<Observation>,
    pub malformed: Vec<MalformedCookie>,
    pub warnings: Vec<Warning>,
    pub scripts: Vec<ScriptBody>,
    pub partial: bool,
    pub started_at: OffsetDateTime,
    pub finished_at: OffsetDateTime,
}

impl CrawlOutcome {
    /// Nothing seen yet; the clock starts now.
    pub fn starting_now() -> CrawlOutcome {
        let now = OffsetDateTime::now_utc();
        CrawlOutcome {
            pages: Vec::new(),
            resources: Vec::new(),
            observations: Vec::new(),
            malformed: Vec::new(),
            warnings: Vec::new(),
            scripts: Vec::new(),
            partial: false,
            started_at: now,
            finished_at: now,
        }
    }
}

enum Done {
    Page(PageJob, Fetched, Option<PageContent>),
    Resource(Url, ResourceKind, Url, Fetched),
}

struct State {
    out: CrawlOutcome,
    frontier: Frontier,
    resources: VecDeque<(Url, ResourceKind, Url)>,
    resources_seen: HashSet<String>,
    dispatched_pages: usize,
}

/// Crawls from `config.start_urls` until the frontier is empty, a limit is hit, or `cancel` fires.
pub async fn crawl(
    config: &CrawlConfig,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<CrawlOutcome, CrawlError> {
    if config.start_urls.is_empty() {
        return Err(CrawlError::NoStartUrl);
    }
    let fetcher = Arc::new(build_fetcher(config)?);
    let scope = Arc::new(Scope::new(
        config.scope,
        &config.start_urls,
        config.include.clone(),
        config.exclude.clone(),
    ));
    let mut st = State {
        out: CrawlOutcome::starting_now(),
        frontier: Frontier::new(config.max_per_pattern),
        resources: VecDeque::new(),
        resources_seen: HashSet::new(),
        dispatched_pages: 0,
    };
    for url in &config.start_urls {
        st.frontier.offer(PageJob {
            url: url.clone(),
            depth: 0,
            found_on: None,
        });
    }
    let mut robots = RobotsCache::default();
    if config.use_sitemaps {
        let seeds = seed::from_sitemaps(&config.start_urls, &fetcher, &scope, &mut robots).await;
        for f in seeds.fetches {
            absorb(&mut st.out, f);
        }
        for (url, sitemap) in &seeds.pages {
            offer(&mut st, url, 1, sitemap);
        }
    }

    let memo = Arc::new(LinkMemo::default());
    let mut tasks: JoinSet<Done> = JoinSet::new();
    loop {
        if cancel.is_cancelled() {
            st.out.partial = true;
            tasks.abort_all();
            break;
        }
        while tasks.len() < config.concurrency.max(1) {
            if let Some((url, kind, page)) = st.resources.pop_front() {
                let f = Arc::clone(&fetcher);
                tasks.spawn(async move {
                    let fetched = f
                        .fetch(&url, &page, kind, kind == ResourceKind::Script)
                        .await;
                    Done::Resource(url, kind, page, fetched)
                });
                continue;
            }
            if st.dispatched_pages >= config.max_pages {
                break;
            }
            let Some(job) = st.frontier.pop() else { break };
            if config.respect_robots {
                let (robot, fetched) = robots.get(&fetcher, &job.url).await;
                if let Some(f) = fetched {
                    absorb(&mut st.out, f);
                }
                if robot.is_some_and(|r| !r.allowed(job.url.as_str())) {
                    st.out.pages.push(skipped(&job, DISALLOWED));
                    continue;
                }
            }
            st.dispatched_pages += 1;
            let f = Arc::clone(&fetcher);
            let memo = Arc::clone(&memo);
            let scope = Arc::clone(&scope);
            let depth_ok = config.max_depth.is_none_or(|max| job.depth < max);
            tasks.spawn(async move {
                let fetched = f.fetch(&job.url, &job.url, ResourceKind::Page, true).await;
                // Only links that will be offered may be remembered as offered.
                let follows = depth_ok
                    && fetched
                        .final_url
                        .as_ref()
                        .is_some_and(|u| scope.contains(u));
                let content = page_content(&fetched, follows.then_some(&*memo));
                Done::Page(job, fetched, content)
            });
        }
        if tasks.is_empty() {
            break;
        }
        let next = tokio::select! {
            n = tasks.join_next() => n,
            _ = cancel.notify.notified() => continue,
        };
        match next {
            Some(Ok(Done::Page(job, fetched, content))) => {
                handle_page(config, &scope, &mut st, job, fetched, content);
                let done = st.out.pages.len();
                if let Some(p) = st.out.pages.last() {
                    progress.page_done(
                        &p.url,
                        done,
                        done + st.frontier.len().min(config.max_pages.saturating_sub(done)),
                    );
                }
            }
            Some(Ok(Done::Resource(url, kind, page, fetched))) => {
                handle_resource(&mut st, url, kind, page, fetched)
            }
            Some(Err(e)) if e.is_panic() => st.out.warnings.push(Warning::new(
                WarningKind::Transport,
                None,
                format!("a fetch task failed unexpectedly ({e}); the scan went on without it"),
            )),
            _ => {}
        }
    }
    if st.dispatched_pages >= config.max_pages && !st.frontier.is_empty() {
        st.out.warnings.push(Warning::new(
            WarningKind::LinkTrap,
            None,
            format!(
                "stopped at --max-pages {}; {} more pages were queued",
                config.max_pages,
                st.frontier.len()
            ),
        ));
    }
    st.out.finished_at = OffsetDateTime::now_utc();
    if let Some(err) = unreachable(&st.out, &config.start_urls) {
        return Err(err);
    }
    Ok(st.out)
}

pub(crate) fn build_fetcher(config: &CrawlConfig) -> Result<Fetcher, CrawlError> {
    // reqwest is built without a default TLS provider; ring keeps the build small.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .user_agent(config.user_agent.clone())
        .pool_max_idle_per_host(config.per_host_concurrency.max(1))
        .http1_ignore_invalid_headers_in_responses(true)
        .no_proxy()
        .danger_accept_invalid_certs(config.insecure);
    for r in &config.resolve {
        builder = builder.resolve(&r.host, r.socket_addr());
    }
    let client = builder
        .build()
        .map_err(|e| CrawlError::Client(e.to_string()))?;
    let mut headers = HeaderMap::new();
    for (name, value) in &config.headers {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| CrawlError::BadHeader(format!("{name}: {value}")))?;
        let v = HeaderValue::from_str(value)
            .map_err(|_| CrawlError::BadHeader(format!("{name}: {value}")))?;
        headers.append(n, v);
    }
    let mut jar = Jar::new();
    for (name, value) in &config.cookies {
        for url in &config.start_urls {
            // A cookie a browser would refuse is still sent: the user asked for it.
            let _ = jar.add_user_cookie(name, value, url);
        }
    }
    Ok(Fetcher {
        client,
        jar: Arc::new(Mutex::new(jar)),
        pool: HostPool::new(config.per_host_concurrency, config.rate),
        headers,
        max_body: config.max_body,
        max_redirects: config.max_redirects,
        keep_values: config.include_values,
        only_hosts: config
            .only_hosts
            .as_ref()
            .map(|h| h.iter().map(|s| s.to_ascii_lowercase()).collect()),
    })
}

/// Parsed in the task, off the crawl loop: HTML parsing is the CPU-heavy part of a crawl.
fn page_content(fetched: &Fetched, memo: Option<&LinkMemo>) -> Option<PageContent> {
    let url = fetched.final_url.as_ref()?;
    if fetched.body.is_empty() || !is_html(fetched.content_type.as_deref(), &fetched.body) {
        return None;
    }
    let html = String::from_utf8_lossy(&fetched.body);
    let mut content = extract_with(&html, url, memo);
    // Normalised here, in parallel, so the crawl loop only looks links up.
    let mut seen = HashSet::new();
    content.links = content
        .links
        .iter()
        .map(super::frontier::normalise)
        .filter(|u| seen.insert(u.as_str().to_owned()))
        .collect();
    Some(content)
}

fn handle_page(
    config: &CrawlConfig,
    scope: &Scope,
    st: &mut State,
    job: PageJob,
    mut fetched: Fetched,
    content: Option<PageContent>,
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
    let Some(content) = content else { return };
    for (i, code) in content.inline_scripts.iter().enumerate() {
        st.out.scripts.push(ScriptBody {
            url: None,
            page_url: page_url.clone(),
            inline_index: Some(i + 1),
            code: code.clone(),
        });
    }
    if config.fetch_subresources {
        for (url, kind) in &content.resources {
            queue_resource(st, url, *kind, &page_url);
        }
    }
    let follow = scope.contains(&page_url);
    let depth_ok = config.max_depth.is_none_or(|max| job.depth < max);
    for iframe in &content.iframes {
        // Iframes of the site are pages of the site; others are third-party resources.
        if follow && depth_ok && scope.contains(iframe) {
            offer(st, iframe, job.depth + 1, &page_url);
        } else if config.fetch_subresources {
            queue_resource(st, iframe, ResourceKind::Iframe, &page_url);
        }
    }
    if follow && depth_ok {
        for link in &content.links {
            if scope.contains(link) {
                offer(st, link, job.depth + 1, &page_url);
            }
        }
    }
}

fn offer(st: &mut State, url: &Url, depth: usize, found_on: &Url) {
    let job = PageJob {
        url: url.clone(),
        depth,
        found_on: Some(found_on.clone()),
    };
    if let Offer::Trap(pattern) = st.frontier.offer(job) {
        st.out.warnings.push(Warning::new(
            WarningKind::LinkTrap,
            Some(url),
            format!("URL pattern '{pattern}' looks like a link trap: no more pages of it are queued (--max-per-pattern)"),
        ));
    }
}

fn queue_resource(st: &mut State, url: &Url, kind: ResourceKind, page: &Url) {
    let mut u = url.clone();
    u.set_fragment(None);
    if st.resources_seen.insert(u.to_string()) {
        st.resources.push_back((u, kind, page.clone()));
    }
}

fn handle_resource(st: &mut State, url: Url, kind: ResourceKind, page: Url, fetched: Fetched) {
    st.out.resources.push(ResourceVisit {
        url: url.clone(),
        kind,
        page_url: page.clone(),
        status: fetched.status,
        cookies_set: fetched.cookies_set(),
        error: fetched.error.clone(),
    });
    if kind == ResourceKind::Script
        && fetched.status.is_some_and(|s| s < 400)
        && !fetched.body.is_empty()
    {
        st.out.scripts.push(ScriptBody {
            url: Some(fetched.final_url.clone().unwrap_or(url)),
            page_url: page,
            inline_index: None,
            code: String::from_utf8_lossy(&fetched.body).into_owned(),
        });
    }
    absorb(&mut st.out, fetched);
}

fn absorb(out: &mut CrawlOutcome, f: Fetched) {
    out.observations.extend(f.observations);
    out.malformed.extend(f.malformed);
    out.warnings.extend(f.warnings);
}

pub(crate) fn skipped(job: &PageJob, why: &str) -> PageVisit {
    PageVisit {
        url: job.url.clone(),
        depth: job.depth,
        found_on: job.found_on.clone(),
        status: None,
        final_url: None,
        redirects: Vec::new(),
        content_type: None,
        bytes: 0,
        cookies_set: 0,
        error: None,
        skipped: Some(why.to_string()),
    }
}

/// The scan could not run when no start URL got any response at all.
fn unreachable(out: &CrawlOutcome, start: &[Url]) -> Option<CrawlError> {
    if out.partial {
        return None;
    }
    let mut first_error = None;
    for url in start {
        let normal = super::frontier::normalise(url);
        let visit = out.pages.iter().find(|p| p.url == normal)?;
        if visit.status.is_some() || visit.skipped.is_some() || !visit.redirects.is_empty() {
            return None;
        }
        first_error.get_or_insert((url.to_string(), visit.error.clone().unwrap_or_default()));
    }
    first_error.map(|(url, reason)| CrawlError::Unreachable { url, reason })
}

/// Fetches one document (a published cookie policy) with the scan's client settings.
pub async fn fetch_document(
    config: &CrawlConfig,
    url: &Url,
) -> Result<(Vec<u8>, Option<String>), CrawlError> {
    let fetcher = build_fetcher(config)?;
    let f = fetcher.fetch(url, url, ResourceKind::Other, true).await;
    match (f.status, f.error) {
        (_, Some(e)) => Err(CrawlError::Unreachable {
            url: url.to_string(),
            reason: e,
        }),
        (Some(s), None) if s >= 400 => Err(CrawlError::Unreachable {
            url: url.to_string(),
            reason: format!("it answered HTTP {s}"),
        }),
        _ => Ok((f.body, f.content_type)),
    }
}
