//! The browser crawl: the static crawl's frontier, scope and limits, pages visited by a small
//! pool of tabs, one fresh browser profile per consent pass.

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};
use time::OffsetDateTime;

use super::capture::{store_key, store_key_of};
use super::cdp::Cdp;
use super::consent::autoconsent::Autoconsent;
use super::launch::{find_chrome, launch};
use super::pass::{PageRun, PassState};
use super::revisit::{revisit_pass, Revisit};
use super::tab::Injection;
use super::tabs::Tabs;
use super::{BrowserError, BrowserOptions};
use crate::crawl::{Cancel, CrawlConfig, Plan, Progress, Scope};
use crate::observe::{
    ConsentMode, ConsentReport, CrawlOutcome, PageVisit, PhaseReport, StorageItem, Warning,
    WarningKind,
};

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
    let autoconsent = consent_engine(opts, &mut report, &mut out);
    let rules = resolver_rules(config);
    let mut plan = Plan::new(config).await?;
    // The pass context borrows the scope while each pass asks the plan about robots.txt.
    let scope = plan.scope().clone();
    let ctx = PassContext {
        config,
        opts,
        scope: &scope,
        progress,
        cancel,
        binary: &binary,
        rules: &rules,
        autoconsent,
        headers: Arc::new(config.headers.clone()),
        shots: Arc::new(super::screenshot::Shots::new(opts.screenshots)),
    };
    let mut storage = Vec::new();
    for (i, pass) in opts.consent.passes().into_iter().enumerate() {
        if cancel.is_cancelled() {
            out.partial = true;
            break;
        }
        let (phase, pages) =
            browser_pass(&ctx, pass, &mut plan, &mut out, &mut storage, &mut report).await?;
        // Pages appear once in the report: the first pass lists them.
        if i == 0 {
            out.pages.extend(pages);
        }
        report.passes.push(phase);
    }
    out.warnings.extend(plan.take_warnings());
    once_each(&mut out.warnings);
    report.screenshots = ctx.shots.take_all();
    out.finished_at = OffsetDateTime::now_utc();
    Ok(Browsed {
        outcome: out,
        consent: report,
        storage,
    })
}

/// Each pass crawls the same pages and hits the same bounds: a warning is told once.
fn once_each(warnings: &mut Vec<Warning>) {
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| {
        seen.insert((
            format!("{:?}", w.kind),
            w.url.as_ref().map(ToString::to_string),
            w.message.clone(),
        ))
    });
}

/// Autoconsent when it can be found; otherwise the text rules, said once per scan.
fn consent_engine(
    opts: &BrowserOptions,
    report: &mut ConsentReport,
    out: &mut CrawlOutcome,
) -> Option<Arc<Autoconsent>> {
    match Autoconsent::find(opts.autoconsent.as_deref()) {
        Ok(a) => {
            report.engine_available = format!("autoconsent {}", a.version);
            Some(Arc::new(a))
        }
        Err(why) => {
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
    }
}

/// One consent pass in a browser of its own, so no pass sees another's cookies.
async fn browser_pass(
    ctx: &PassContext<'_>,
    pass: ConsentMode,
    plan: &mut Plan,
    out: &mut CrawlOutcome,
    storage: &mut Vec<StorageItem>,
    report: &mut ConsentReport,
) -> Result<(PhaseReport, Vec<PageVisit>), BrowserError> {
    let chrome = launch(ctx.binary, ctx.opts, ctx.rules).await?;
    let cdp = Cdp::connect(
        &chrome.ws_url,
        ctx.config.timeout.max(std::time::Duration::from_secs(10)),
    )
    .await?;
    if report.browser.is_empty() {
        if let Ok(v) = cdp.call(None, "Browser.getVersion", json!({})).await {
            report.browser = v["product"].as_str().unwrap_or_default().to_owned();
        }
    }
    give_user_cookies(&cdp, ctx.config).await;
    let inject = Injection {
        autoconsent: ctx.autoconsent.clone(),
        headers: Arc::clone(&ctx.headers),
        record: ctx.config.record_exchanges,
    };
    let (phase, pages) = run_pass(ctx, &cdp, inject, pass, plan, out, storage).await?;
    warn_undecoded(&cdp, out);
    chrome.close(&cdp).await;
    Ok((phase, pages))
}

fn warn_undecoded(cdp: &Cdp, out: &mut CrawlOutcome) {
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
pub(super) struct PassContext<'a> {
    pub config: &'a CrawlConfig,
    pub opts: &'a BrowserOptions,
    pub scope: &'a Scope,
    pub progress: &'a dyn Progress,
    pub cancel: &'a Cancel,
    binary: &'a Path,
    rules: &'a str,
    autoconsent: Option<Arc<Autoconsent>>,
    headers: Arc<Vec<(String, String)>>,
    shots: Arc<super::screenshot::Shots>,
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
    let frontier = plan
        .frontier(ctx.config)
        .with_max_queued(ctx.config.max_queued_pages);
    let user = user_cookies(ctx.config)
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    let run = Arc::new(PageRun {
        cdp: cdp.clone(),
        inject,
        config: ctx.config.clone(),
        settle: ctx.opts.settle,
        pass,
        state: Arc::new(tokio::sync::Mutex::new(PassState::new(user))),
        shots: Arc::clone(&ctx.shots),
    });
    let mut tabs = Tabs::new(frontier);
    loop {
        tabs.fill(ctx, &run, plan).await;
        let Some((job, result)) = tabs.next_done(ctx.cancel).await else {
            break;
        };
        tabs.record(ctx, job, result, out, storage);
    }
    if ctx.cancel.is_cancelled() {
        out.partial = true;
    }
    let pages = tabs.finish(ctx.config, out);
    let after = names(&store(cdp).await);
    revisit_first_pages(ctx, &run, &pages, out).await;
    let visited = pages.iter().filter(|p| p.skipped.is_none()).count();
    let st = run.state.lock().await;
    st.store_only(ctx.config.include_values, &mut out.observations);
    Ok((st.report(pass, visited, after), pages))
}

/// In the one pass that looks for them, the cookies a second visit renews.
async fn revisit_first_pages(
    ctx: &PassContext<'_>,
    run: &PageRun,
    pages: &[PageVisit],
    out: &mut CrawlOutcome,
) {
    if ctx.config.revisit_pages == 0
        || ctx.cancel.is_cancelled()
        || revisit_pass(&ctx.opts.consent.passes()) != Some(run.pass)
    {
        return;
    }
    let r = Revisit {
        cdp: &run.cdp,
        inject: run.inject.clone(),
        pass: run.pass,
        timeout: ctx.config.timeout,
        settle: ctx.opts.settle,
    };
    let found = r
        .run(pages, &out.observations, ctx.config.revisit_pages)
        .await;
    out.renewals.extend(found);
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
                        store_key(&c.name, host, "/"),
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
                let k = store_key_of(&param);
                out.push((param, k));
            }
        }
    }
    out
}

/// Every cookie of every domain in the browser (third-party and partitioned too).
pub(super) async fn store(cdp: &Cdp) -> Vec<Value> {
    cdp.call(None, "Storage.getCookies", json!({}))
        .await
        .ok()
        .and_then(|v| v["cookies"].as_array().cloned())
        .unwrap_or_default()
}

pub(super) fn names(cookies: &[Value]) -> Vec<String> {
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
