//! The crawl: sets up the shared state, seeds it, runs the workers (`worker.rs`) and waits.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use url::Url;

use super::fetch::Fetcher;
use super::http::{HttpClient, HttpSettings};
use super::plan::Plan;
use super::pool::HostPool;
use super::worker::{absorb, worker, Shared, State};
use super::CrawlConfig;
use crate::cookies::Jar;
use crate::observe::{CrawlOutcome, ResourceKind, Warning, WarningKind};

/// How often the progress display is told about the latest page.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

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

impl CrawlError {
    pub fn exit_code(&self) -> crate::exit_codes::ExitCode {
        use crate::exit_codes::ExitCode;
        match self {
            CrawlError::NoStartUrl | CrawlError::BadHeader(_) => ExitCode::Usage,
            CrawlError::Client(_) | CrawlError::Unreachable { .. } => ExitCode::ScanFailed,
        }
    }
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

/// Progress callbacks (the CLI draws a bar with them; the library draws nothing). An HTTP
/// crawl calls `page_done` about ten times a second with the latest page, and once at the end.
pub trait Progress: Send + Sync {
    fn page_done(&self, _url: &Url, _pages_done: usize, _pages_known: usize) {}
    /// The crawl is over (the bar can go before the report is printed).
    fn finished(&self) {}
}

impl Progress for () {}

/// Crawls from `config.start_urls` until the frontier is empty, a limit is hit, or `cancel` fires.
pub async fn crawl(
    config: &CrawlConfig,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<CrawlOutcome, CrawlError> {
    let mut plan = Plan::new(config).await?;
    let frontier = plan.frontier(config);
    let (fetcher, scope, robots, fetched, trap_warnings) = plan.into_parts();
    // Sitemap seeds fill it first; a flood of links cannot grow it past the cap.
    let mut st = State::new(frontier.with_max_queued(config.max_queued_pages));
    for f in fetched {
        absorb(&mut st.out, f);
    }
    st.out.warnings.extend(trap_warnings);

    let shared = Arc::new(Shared::new(config.clone(), fetcher, scope, robots, st));
    let mut workers = JoinSet::new();
    for _ in 0..config.concurrency.max(1) {
        workers.spawn(worker(Arc::clone(&shared)));
    }
    // This task only waits: for the workers, for a cancel, and to show progress now and then.
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut partial = false;
    loop {
        if cancel.is_cancelled() {
            partial = true;
            shared.stop();
            workers.abort_all();
            while workers.join_next().await.is_some() {}
            break;
        }
        tokio::select! {
            n = workers.join_next() => match n {
                None => break,
                Some(Err(e)) if e.is_panic() => shared.lock().out.warnings.push(Warning::new(
                    WarningKind::Transport,
                    None,
                    format!("a crawl worker failed unexpectedly ({e}); the scan went on without it"),
                )),
                Some(_) => {}
            },
            _ = cancel.notify.notified() => {}
            _ = tick.tick() => report_progress(&shared, progress),
        }
    }
    report_progress(&shared, progress);
    let mut out = take_outcome(&shared, config, partial);
    if config.revisit_pages > 0 && !out.partial {
        out.renewals =
            super::revisit::revisit(&shared.fetcher, &out, config.revisit_pages, cancel).await;
    }
    out.finished_at = OffsetDateTime::now_utc();
    if let Some(err) = unreachable(&out, &config.start_urls) {
        return Err(err);
    }
    Ok(out)
}

/// What the workers gathered, with the warnings about limits the crawl reached.
fn take_outcome(shared: &Shared, config: &CrawlConfig, partial: bool) -> CrawlOutcome {
    let mut st = shared.lock();
    let mut out = std::mem::replace(&mut st.out, CrawlOutcome::starting_now());
    out.partial = partial;
    let queued = st.frontier.len() + st.frontier.pending_len();
    if st.dispatched_pages >= config.max_pages && queued > 0 {
        out.warnings.push(Warning::new(
            WarningKind::LinkTrap,
            None,
            format!(
                "stopped at --max-pages {}; {queued} more pages were queued",
                config.max_pages
            ),
        ));
    }
    out.warnings.extend(st.limits.warnings(config));
    out
}

/// The latest page and the counts, for the progress display.
fn report_progress(shared: &Shared, progress: &dyn Progress) {
    let st = shared.lock();
    let done = st.out.pages.len();
    if let Some(p) = st.out.pages.last() {
        let waiting = st.frontier.len() + st.frontier.pending_len();
        let known = done + waiting.min(shared.config.max_pages.saturating_sub(done));
        progress.page_done(&p.url, done, known);
    }
}

pub(crate) fn build_fetcher(config: &CrawlConfig) -> Result<Fetcher, CrawlError> {
    let client = HttpClient::new(HttpSettings {
        timeout: config.timeout,
        user_agent: config.user_agent.clone(),
        per_host: config.per_host_concurrency,
        resolve: config
            .resolve
            .iter()
            .map(|r| (r.host.clone(), r.port, r.socket_addr()))
            .collect(),
        insecure: config.insecure,
    })
    .map_err(CrawlError::Client)?;
    let mut headers = HeaderMap::new();
    for (name, value) in &config.headers {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| CrawlError::BadHeader(format!("{name}: {value}")))?;
        let v = HeaderValue::from_str(value)
            .map_err(|_| CrawlError::BadHeader(format!("{name}: {value}")))?;
        headers.append(n, v);
    }
    let mut jar = Jar::new();
    for c in &config.cookies {
        // A cookie a browser would refuse is still sent: the user asked for it.
        match &c.domain {
            None => {
                for url in &config.start_urls {
                    let _ = jar.add_user_cookie(&c.name, &c.value, url);
                }
            }
            // An exported cookie goes only where its browser would have sent it.
            Some(d) => {
                let _ =
                    jar.add_exported_cookie(&c.name, &c.value, d, c.subdomains, &c.path, c.secure);
            }
        }
    }
    Ok(Fetcher {
        client,
        jar: Arc::new(Mutex::new(jar)),
        pool: HostPool::new(
            config.per_host_concurrency,
            config.rate,
            config.max_host_failures,
        ),
        max_host_failures: config.max_host_failures,
        headers,
        max_body: config.max_body,
        max_redirects: config.max_redirects,
        keep_values: config.include_values,
        only_hosts: config
            .only_hosts
            .as_ref()
            .map(|h| h.iter().map(|s| s.to_ascii_lowercase()).collect()),
        record: config.record_exchanges,
        har_bytes: Default::default(),
    })
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
