//! The browser crawl: the static crawl's frontier, scope and limits, pages visited by a small
//! pool of tabs, one fresh browser profile per consent pass.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use serde_json::{json, Value};
use time::OffsetDateTime;
use tokio::task::JoinSet;
use url::Url;

use super::capture::Capture;
use super::cdp::Cdp;
use super::consent;
use super::consent::autoconsent::Autoconsent;
use super::launch::{find_chrome, launch};
use super::storage::{self, StorageSink, READ_HELD};
use super::tab::{Injection, Tab};
use super::{BrowserError, BrowserOptions};
use crate::crawl::{normalise, Cancel, CrawlConfig, Frontier, PageJob, Plan, Progress, Scope};
use crate::observe::{
    ConsentMode, ConsentPhase, ConsentReport, CrawlOutcome, Observation, PageVisit, PhaseReport,
    StorageItem, Warning, WarningKind,
};

const LINKS: &str = "Array.from(document.querySelectorAll('a[href], area[href], iframe[src]'), e => e.href || e.src)";

/// What a browser scan saw, every pass merged.
pub struct Browsed {
    pub outcome: CrawlOutcome,
    pub consent: ConsentReport,
    /// localStorage/sessionStorage keys and IndexedDB databases, each once per pass.
    pub storage: Vec<StorageItem>,
}

/// Crawls in the browser, once per consent pass, and merges what every pass saw.
pub async fn browse(
    config: &CrawlConfig,
    opts: &BrowserOptions,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Browsed, BrowserError> {
    if config.start_urls.is_empty() {
        return Err(crate::crawl::CrawlError::NoStartUrl.into());
    }
    let binary = find_chrome(opts.chrome.as_deref())?;
    let mut out = CrawlOutcome::starting_now();
    let mut report = ConsentReport::default();
    let ac = match Autoconsent::find(opts.autoconsent.as_deref()) {
        Ok(a) => {
            report.engine_available = format!("autoconsent {}", a.version);
            Some(Arc::new(a))
        }
        Err(why) => {
            // Said once per scan; the text rules take over.
            tracing::warn!("{why}; using cookiescan's text rules instead");
            report.engine_available = "text rules".into();
            report.notes.push(format!(
                "{why}; cookiescan's own text rules (data/consent_buttons.toml) were used instead"
            ));
            out.warnings.push(Warning::new(
                WarningKind::Browser,
                None,
                format!("{why}; the text rules were used instead"),
            ));
            None
        }
    };
    let rules = resolver_rules(config);
    let mut plan = Plan::new(config).await?;
    // The pass context borrows the scope while each pass asks the plan about robots.txt.
    let scope = plan.scope().clone();
    out.warnings.extend(plan.frontier(config).1);
    let headers = Arc::new(config.headers.clone());
    let mut storage = Vec::new();
    for (i, pass) in opts.consent.passes().into_iter().enumerate() {
        if cancel.is_cancelled() {
            out.partial = true;
            break;
        }
        let chrome = launch(&binary, opts, &rules).await?;
        let cdp = Cdp::connect(
            &chrome.ws_url,
            config.timeout.max(std::time::Duration::from_secs(10)),
        )
        .await?;
        if report.browser.is_empty() {
            if let Ok(v) = cdp.call(None, "Browser.getVersion", json!({})).await {
                report.browser = v["product"].as_str().unwrap_or_default().to_owned();
            }
        }
        give_user_cookies(&cdp, config).await;
        let inject = Injection {
            autoconsent: ac.clone(),
            headers: Arc::clone(&headers),
        };
        let ctx = PassContext {
            config,
            opts,
            scope: &scope,
            progress,
            cancel,
        };
        let (phase, pages) =
            run_pass(&ctx, &cdp, inject, pass, &mut plan, &mut out, &mut storage).await?;
        if cdp.undecoded() > 0 {
            out.warnings.push(Warning::new(
                WarningKind::Browser,
                None,
                format!(
                    "{} DevTools messages could not be decoded (logged)",
                    cdp.undecoded()
                ),
            ));
        }
        chrome.close(&cdp).await;
        // Pages appear once in the report: the first pass lists them.
        if i == 0 {
            out.pages.extend(pages);
        }
        report.passes.push(phase);
    }
    out.warnings.extend(plan.take_warnings());
    out.finished_at = OffsetDateTime::now_utc();
    Ok(Browsed {
        outcome: out,
        consent: report,
        storage,
    })
}

/// `--host-resolver-rules` for `--resolve`, and nothing else resolvable when the scan is
/// restricted to known hosts (tests, the demo).
fn resolver_rules(config: &CrawlConfig) -> String {
    let mut rules: Vec<String> = config
        .resolve
        .iter()
        .map(|r| format!("MAP {} {}", r.host, r.addr))
        .collect();
    if config.only_hosts.is_some() {
        rules.push("MAP * ~NOTFOUND".into());
    }
    rules.join(", ")
}

/// What every pass shares.
struct PassContext<'a> {
    config: &'a CrawlConfig,
    opts: &'a BrowserOptions,
    scope: &'a Scope,
    progress: &'a dyn Progress,
    cancel: &'a Cancel,
}

async fn run_pass(
    ctx: &PassContext<'_>,
    cdp: &Cdp,
    inject: Injection,
    pass: ConsentMode,
    plan: &mut Plan,
    out: &mut CrawlOutcome,
    storage: &mut Vec<StorageItem>,
) -> Result<(PhaseReport, Vec<PageVisit>), BrowserError> {
    let PassContext {
        config,
        opts,
        scope,
        progress,
        cancel,
    } = *ctx;
    let started = Instant::now();
    let (mut frontier, _said_once_in_browse) = plan.frontier(config);
    let mut pages = Vec::new();
    // The user's own cookies (`--cookie`) are in the store from the start: not the site's.
    let mut seen: HashSet<String> = user_cookies(config).into_iter().map(|(_, k)| k).collect();
    let mut report = PhaseReport {
        pass,
        manager: None,
        engine: "none".into(),
        banner_found: false,
        reject_on_first_layer: false,
        accept_on_first_layer: false,
        action: None,
        succeeded: false,
        pages: 0,
        duration_ms: 0,
        consent_ms: None,
        cookies_before: Vec::new(),
        cookies_after: Vec::new(),
    };
    // The first page alone: the consent choice is made there, as a visitor would.
    let first = loop {
        let Some(job) = frontier.pop() else {
            return Ok((report, pages));
        };
        if plan.allowed(&job.url).await {
            break job;
        }
        pages.push(Plan::disallowed(&job));
    };
    let mut tab = Tab::open(cdp, inject.clone(), ConsentPhase::BeforeConsent).await?;
    let loading = tokio::select! {
        r = tab.navigate(first.url.as_str(), config.timeout) => Some(r),
        () = cancel.cancelled() => None,
    };
    let Some(loaded) = loading else {
        out.partial = true;
        pages.push(unfinished(&first, INTERRUPTED));
        tab.close().await;
        return Ok((report, pages));
    };
    loaded?;
    let loaded_at = Instant::now();
    tab.settle(opts.settle).await;
    let d = consent::detect(&mut tab, inject.autoconsent.is_some()).await;
    report.manager = d.manager.clone();
    report.banner_found = d.popup.is_some() || d.first_layer.accept || d.first_layer.reject;
    report.reject_on_first_layer = d.first_layer.reject;
    report.accept_on_first_layer = d.first_layer.accept;
    report.engine = if d.popup.is_some() {
        "autoconsent"
    } else if report.banner_found {
        "text-rules"
    } else {
        "none"
    }
    .into();
    let before = store(cdp).await;
    report.cookies_before = names(&before);
    let mut extra = Vec::new();
    let cap = Capture {
        page: &first.url,
        keep_values: config.include_values,
        now: OffsetDateTime::now_utc(),
    };
    if pass != ConsentMode::None {
        for c in before.iter().filter(|c| !seen.contains(&key(c))) {
            cap.stored(c, ConsentPhase::BeforeConsent, &mut extra);
        }
        tab.phase = pass.after();
        let (engine, action, ok) = consent::choose(&mut tab, &d, pass).await;
        if action.is_some() {
            report.engine = engine;
        }
        report.action = action;
        report.succeeded = ok;
        report.consent_ms =
            ok.then(|| u64::try_from(loaded_at.elapsed().as_millis()).unwrap_or(u64::MAX));
        if !ok {
            // No choice was made: everything seen is still "before consent".
            tab.phase = ConsentPhase::BeforeConsent;
        }
        tab.settle(opts.settle).await;
    }
    let phase = if report.succeeded {
        pass.after()
    } else {
        ConsentPhase::BeforeConsent
    };
    let v = finish_visit(tab, first, config, phase, &mut seen).await;
    out.observations.extend(extra);
    let visit = absorb(v, scope, config, &mut frontier, out, storage);
    progress.page_done(&visit.url, 1, 1 + frontier.len());
    pages.push(visit);

    let mut tasks: JoinSet<Result<Visit, BrowserError>> = JoinSet::new();
    let mut flying: HashMap<tokio::task::Id, PageJob> = HashMap::new();
    let seen = Arc::new(tokio::sync::Mutex::new(seen));
    let mut dispatched = 1;
    loop {
        while tasks.len() < opts.tabs.max(1)
            && dispatched < config.max_pages
            && !cancel.is_cancelled()
        {
            let Some(job) = frontier.pop() else { break };
            if !plan.allowed(&job.url).await {
                pages.push(Plan::disallowed(&job));
                continue;
            }
            dispatched += 1;
            // The choice is made on the first page; the others need only the cookie hook,
            // not autoconsent's ~800 rule sets run again on every document.
            let (cdp, inject, config, seen, settle) = (
                cdp.clone(),
                Injection {
                    autoconsent: None,
                    headers: Arc::clone(&inject.headers),
                },
                config.clone(),
                Arc::clone(&seen),
                opts.settle,
            );
            let queued = job.clone();
            let task = tasks.spawn(async move {
                let mut tab = Tab::open(&cdp, inject, phase).await?;
                tab.navigate(job.url.as_str(), config.timeout).await?;
                tab.settle(settle).await;
                let mut seen = seen.lock().await;
                Ok(finish_visit(tab, job, &config, phase, &mut seen).await)
            });
            flying.insert(task.id(), queued);
        }
        let next = tokio::select! {
            n = tasks.join_next_with_id() => n,
            () = cancel.cancelled() => {
                // Ctrl-C: pages still loading are listed as interrupted, the rest is kept.
                tasks.abort_all();
                pages.extend(flying.drain().map(|(_, job)| unfinished(&job, INTERRUPTED)));
                break;
            }
        };
        let Some(next) = next else {
            break;
        };
        let (id, result) = match next {
            Ok((id, r)) => (id, r.map_err(|e| e.to_string())),
            Err(e) => (e.id(), Err(format!("a browser tab failed ({e})"))),
        };
        let job = flying.remove(&id);
        match result {
            Ok(v) => {
                pages.push(absorb(v, scope, config, &mut frontier, out, storage));
                let done = pages.len();
                progress.page_done(&pages[done - 1].url, done, done + frontier.len());
            }
            Err(why) => {
                pages.extend(job.map(|j| unfinished(&j, &why)));
                out.warnings
                    .push(Warning::new(WarningKind::Browser, None, why));
            }
        }
    }
    if cancel.is_cancelled() {
        out.partial = true;
    }
    report.cookies_after = names(&store(cdp).await);
    report.pages = pages.iter().filter(|p| p.skipped.is_none()).count();
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok((report, pages))
}

const INTERRUPTED: &str = "interrupted (Ctrl-C or SIGTERM) before the page finished loading";

/// A page that was visited but yielded nothing: interrupted, or its tab failed.
fn unfinished(job: &PageJob, why: &str) -> PageVisit {
    PageVisit {
        error: Some(why.to_owned()),
        ..job.unvisited()
    }
}

struct Visit {
    visit: PageVisit,
    observations: Vec<Observation>,
    storage: Vec<StorageItem>,
    links: Vec<Url>,
    depth: usize,
}

/// Collects what the tab saw and the cookies new to this phase, then closes the tab.
async fn finish_visit(
    tab: Tab,
    job: PageJob,
    config: &CrawlConfig,
    phase: ConsentPhase,
    seen: &mut HashSet<String>,
) -> Visit {
    let cap = Capture {
        page: &job.url,
        keep_values: config.include_values,
        now: OffsetDateTime::now_utc(),
    };
    let mut obs = Vec::new();
    for n in &tab.net {
        cap.net(n, &mut obs);
    }
    let mut sink = StorageSink {
        page: &job.url,
        phase,
        seen,
        out: Vec::new(),
    };
    let mut cookie_writes = 0;
    for w in &tab.js {
        if storage::kind(&w.api).is_some() {
            sink.written(w);
        } else {
            cookie_writes += 1;
            cap.js_write(w, &mut obs);
        }
    }
    if let Ok(held) = tab.eval(READ_HELD).await {
        sink.held(&held);
    }
    let StorageSink {
        out: storage, seen, ..
    } = sink;
    for c in store(&tab.cdp).await {
        // The store is shared by all tabs: a cookie is credited to the first page it shows up on.
        if seen.insert(key(&c)) {
            cap.stored(&c, phase, &mut obs);
        }
    }
    let links = tab
        .eval(LINKS)
        .await
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|s| Url::parse(s).ok())
        .collect();
    let final_url = tab
        .eval("location.href")
        .await
        .ok()
        .and_then(|v| v.as_str().and_then(|s| Url::parse(s).ok()));
    let cookies_set = tab.net.iter().map(|n| n.lines.len()).sum::<usize>() + cookie_writes;
    let visit = PageVisit {
        url: job.url.clone(),
        depth: job.depth,
        found_on: job.found_on.clone(),
        status: tab.main_status,
        final_url: final_url.filter(|u| *u != job.url),
        redirects: Vec::new(),
        content_type: None,
        bytes: 0,
        cookies_set,
        error: tab.nav_error.clone(),
        skipped: None,
    };
    tab.close().await;
    Visit {
        visit,
        observations: obs,
        storage,
        links,
        depth: job.depth,
    }
}

/// Records what a visit saw, queues its links, and returns the page for the report.
fn absorb(
    v: Visit,
    scope: &Scope,
    config: &CrawlConfig,
    frontier: &mut Frontier,
    out: &mut CrawlOutcome,
    storage: &mut Vec<StorageItem>,
) -> PageVisit {
    out.observations.extend(v.observations);
    storage.extend(v.storage);
    if !scope.contains(&v.visit.url) || config.max_depth.is_some_and(|m| v.depth >= m) {
        return v.visit;
    }
    for l in &v.links {
        let u = normalise(l);
        if scope.contains(&u) {
            frontier.offer(PageJob {
                url: u,
                depth: v.depth + 1,
                found_on: Some(v.visit.url.clone()),
            });
        }
    }
    v.visit
}

/// `--cookie`/`--cookie-file` cookies, given as in static mode.
async fn give_user_cookies(cdp: &Cdp, config: &CrawlConfig) {
    let cookies: Vec<Value> = user_cookies(config).into_iter().map(|(c, _)| c).collect();
    if !cookies.is_empty() {
        let _ = cdp
            .call(None, "Storage.setCookies", json!({ "cookies": cookies }))
            .await;
    }
}

/// The user's cookies as `Storage.setCookies` takes them, each with the [`key`] Chromium's
/// store then gives it: `--cookie` ones host-only on every start host, path `/`; exported ones
/// on their own domain (with a leading dot when their subdomains share them) and path.
fn user_cookies(config: &CrawlConfig) -> Vec<(Value, String)> {
    let mut out = Vec::new();
    for c in &config.cookies {
        match &c.domain {
            None => {
                for u in &config.start_urls {
                    let Some(host) = u.host_str() else { continue };
                    out.push((
                        json!({"name": c.name, "value": c.value, "url": u.as_str()}),
                        format!("{}\u{0}{host}\u{0}/", c.name),
                    ));
                }
            }
            Some(d) => {
                let domain = if c.subdomains {
                    format!(".{d}")
                } else {
                    d.clone()
                };
                let param = json!({
                    "name": c.name, "value": c.value, "path": c.path, "secure": c.secure,
                    "domain": domain,
                });
                let k = key(&param);
                out.push((param, k));
            }
        }
    }
    out
}

/// Every cookie of every domain in the browser (third-party and partitioned too).
async fn store(cdp: &Cdp) -> Vec<Value> {
    cdp.call(None, "Storage.getCookies", json!({}))
        .await
        .ok()
        .and_then(|v| v["cookies"].as_array().cloned())
        .unwrap_or_default()
}

fn key(c: &Value) -> String {
    format!(
        "{}\u{0}{}\u{0}{}",
        c["name"].as_str().unwrap_or(""),
        c["domain"].as_str().unwrap_or(""),
        c["path"].as_str().unwrap_or("")
    )
}

fn names(cookies: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = cookies
        .iter()
        .map(|c| {
            format!(
                "{}@{}",
                c["name"].as_str().unwrap_or(""),
                c["domain"].as_str().unwrap_or("").trim_start_matches('.')
            )
        })
        .collect();
    v.sort();
    v.dedup();
    v
}
