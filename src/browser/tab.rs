//! One tab visiting one page: its session (and its iframes' sessions), the events it has seen.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::capture::{JsWrite, NetCookies};
use super::cdp::{Cdp, Event};
use super::consent::autoconsent::{AcEvent, Autoconsent};
use super::har::NetLog;
use super::BrowserError;
use crate::observe::ConsentPhase;

const HOOK: &str = include_str!("hook.js");

/// Reading a page that outlived `--timeout` (a script that never ends holds its renderer) gets
/// this long after the settle time, all reads together: the visit stays bounded.
const READ_AFTER_TIMEOUT: Duration = Duration::from_secs(1);

/// What is injected into every document of a tab.
#[derive(Clone)]
pub struct Injection {
    pub autoconsent: Option<Arc<Autoconsent>>,
    /// `--header` lines, sent with every request of every frame.
    pub headers: Arc<Vec<(String, String)>>,
    /// Keep every request and response for a HAR (`--har`).
    pub record: bool,
}

pub struct Tab {
    pub cdp: Cdp,
    pub session: String,
    target: String,
    rx: mpsc::UnboundedReceiver<Event>,
    inject: Injection,
    pub phase: ConsentPhase,
    /// After a choice: the page where the choice covering what this tab sees now was made.
    pub choice_page: Option<url::Url>,
    pub loaded: bool,
    /// When the load event fired.
    pub loaded_at: Option<Instant>,
    pub nav_error: Option<String>,
    /// requestId → the URL it asked for last (redirects reuse the id).
    urls: HashMap<String, String>,
    /// requestId → what made the request.
    initiators: HashMap<String, String>,
    pub net: Vec<NetCookies>,
    pub js: Vec<JsWrite>,
    pub ac_events: Vec<AcEvent>,
    pub main_status: Option<u16>,
    /// TC strings read in this tab, and its Google tag hits (browser/signals.rs).
    pub tcf: Vec<crate::observe::TcfSeen>,
    pub hits: Vec<crate::observe::GoogleHit>,
    /// Set when the page did not finish loading in time: evaluations end by then.
    read_by: Option<Instant>,
    /// `--har`: every request the tab made.
    pub har: Option<NetLog>,
}

impl Tab {
    pub async fn open(
        cdp: &Cdp,
        inject: Injection,
        phase: ConsentPhase,
    ) -> Result<Tab, BrowserError> {
        let t = cdp
            .call(None, "Target.createTarget", json!({"url": "about:blank"}))
            .await?;
        let target = t["targetId"].as_str().unwrap_or_default().to_owned();
        let a = cdp
            .call(
                None,
                "Target.attachToTarget",
                json!({"targetId": target, "flatten": true}),
            )
            .await?;
        let session = a["sessionId"].as_str().unwrap_or_default().to_owned();
        let (tx, rx) = mpsc::unbounded_channel();
        cdp.route(&session, tx);
        setup_session(cdp, &session, &inject).await?;
        let har = inject.record.then(NetLog::default);
        Ok(Tab {
            cdp: cdp.clone(),
            session,
            target,
            rx,
            inject,
            phase,
            choice_page: None,
            loaded: false,
            loaded_at: None,
            nav_error: None,
            urls: HashMap::new(),
            initiators: HashMap::new(),
            net: Vec::new(),
            js: Vec::new(),
            ac_events: Vec::new(),
            main_status: None,
            tcf: Vec::new(),
            hits: Vec::new(),
            read_by: None,
            har,
        })
    }

    pub async fn navigate(&mut self, url: &str, timeout: Duration) -> Result<(), BrowserError> {
        let r = self
            .cdp
            .call(Some(&self.session), "Page.navigate", json!({"url": url}))
            .await?;
        if let Some(e) = r["errorText"].as_str() {
            self.nav_error = Some(e.to_owned());
            return Ok(());
        }
        self.pump_until(Instant::now() + timeout, |t| t.loaded)
            .await;
        if !self.loaded {
            self.nav_error = Some(format!(
                "timed out after {} s before the page finished loading (a script may never end); what it did until then is reported",
                timeout.as_secs_f64()
            ));
            self.read_by = Some(Instant::now() + READ_AFTER_TIMEOUT);
            // Stops an endless script so the page can still be read (links, storage).
            self.cdp
                .send(Some(&self.session), "Runtime.terminateExecution", json!({}));
        }
        Ok(())
    }

    /// Handles events until `done` holds or `deadline` passes.
    pub async fn pump_until(&mut self, deadline: Instant, done: impl Fn(&Tab) -> bool) {
        while !done(self) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(ev)) => self.handle(ev),
                Ok(None) | Err(_) => return,
            }
        }
    }

    pub async fn settle(&mut self, d: Duration) {
        let end = Instant::now() + d;
        if let Some(by) = &mut self.read_by {
            *by = (*by).max(end + READ_AFTER_TIMEOUT);
        }
        self.pump_until(end, |_| false).await;
    }

    fn handle(&mut self, ev: Event) {
        // Method and session only: the parameters can carry cookie values.
        tracing::trace!(method = %ev.method, session = ?ev.session, "DevTools event");
        let p = &ev.params;
        let main = ev.session.as_deref() == Some(self.session.as_str());
        if let (Some(log), true) = (&mut self.har, ev.method.starts_with("Network.")) {
            // The page's own frame has the target's id; same-site iframes share its session.
            let top = main && p["frameId"].as_str() == Some(self.target.as_str());
            log.on_event(&ev.method, p, ev.session.as_deref(), top);
        }
        match ev.method.as_str() {
            "Page.loadEventFired" if main => {
                self.loaded = true;
                self.loaded_at.get_or_insert_with(Instant::now);
            }
            "Page.javascriptDialogOpening" => self.cdp.send(
                ev.session.as_deref(),
                "Page.handleJavaScriptDialog",
                json!({"accept": true}),
            ),
            "Target.attachedToTarget" => self.on_attached(p),
            "Network.requestWillBeSent" => self.on_request(p),
            "Network.responseReceived"
                if main && p["type"].as_str() == Some("Document") && self.main_status.is_none() =>
            {
                self.main_status = p["response"]["status"]
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok());
            }
            "Network.responseReceivedExtraInfo" => self.on_extra_info(p),
            "Runtime.bindingCalled" => self.on_binding(p, ev.session.as_deref()),
            _ => {}
        }
    }

    /// A cross-site iframe: hook it like the page, then let it run.
    fn on_attached(&self, p: &Value) {
        let (cdp, inject) = (self.cdp.clone(), self.inject.clone());
        if let Some(child) = p["sessionId"].as_str().map(str::to_owned) {
            tokio::spawn(async move {
                let _ = setup_session(&cdp, &child, &inject).await;
                cdp.send(Some(&child), "Runtime.runIfWaitingForDebugger", json!({}));
            });
        }
    }

    fn on_request(&mut self, p: &Value) {
        let (Some(id), Some(url)) = (p["requestId"].as_str(), p["request"]["url"].as_str()) else {
            return;
        };
        self.urls.insert(id.to_owned(), url.to_owned());
        self.hits
            .extend(super::signals::google_hit(url, self.phase));
        if let Some(i) = super::capture::initiator(p) {
            self.initiators.entry(id.to_owned()).or_insert(i);
        }
        // ExtraInfo events may come before the request they belong to.
        for n in self
            .net
            .iter_mut()
            .filter(|n| n.url.is_empty() && n.request_id == id)
        {
            n.url = url.to_owned();
            n.initiator = self.initiators.get(id).cloned();
        }
    }

    fn on_extra_info(&mut self, p: &Value) {
        let id = p["requestId"].as_str().unwrap_or_default();
        let url = self.urls.get(id).cloned().unwrap_or_default();
        let initiator = self.initiators.get(id).cloned();
        if let Some(mut n) = NetCookies::from_extra_info(p, url, initiator, self.phase) {
            n.request_id = id.to_owned();
            n.choice_page.clone_from(&self.choice_page);
            self.net.push(n);
        }
    }

    /// A call from one of our hooks: a cookie written by a script, or autoconsent's messages.
    fn on_binding(&mut self, p: &Value, session: Option<&str>) {
        let payload = p["payload"].as_str().unwrap_or_default();
        match p["name"].as_str() {
            Some("__cookiescanCookie") => {
                if let Some(mut w) = JsWrite::from_payload(payload, self.phase) {
                    w.choice_page.clone_from(&self.choice_page);
                    self.js.push(w);
                }
            }
            Some("__cookiescanConsent") => {
                if let Some(ac) = &self.inject.autoconsent {
                    let ctx = p["executionContextId"].as_i64().unwrap_or_default();
                    let session = session.unwrap_or_default();
                    if let Some(e) = ac.on_message(&self.cdp, session, ctx, payload) {
                        self.ac_events.push(e);
                    }
                }
            }
            _ => {}
        }
    }

    /// The page showed a banner of its own: what it did so far came before the choice that
    /// covers it, whatever an earlier page's choice was.
    pub fn relabel_before_consent(&mut self) {
        self.phase = ConsentPhase::BeforeConsent;
        self.choice_page = None;
        for n in &mut self.net {
            n.phase = ConsentPhase::BeforeConsent;
            n.choice_page = None;
        }
        for w in &mut self.js {
            w.phase = ConsentPhase::BeforeConsent;
            w.choice_page = None;
        }
        super::signals::relabel_before_consent(self);
    }

    /// Evaluates an expression in the page's main frame and returns its value.
    pub async fn eval(&self, expr: &str) -> Result<Value, BrowserError> {
        let call = self.cdp.call(
            Some(&self.session),
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        let r = match self.read_by {
            None => call.await?,
            Some(by) => tokio::time::timeout_at(by, call).await.map_err(|_| {
                BrowserError::Protocol("the page is still busy after --timeout".into())
            })??,
        };
        Ok(r["result"]["value"].clone())
    }

    pub async fn close(self) {
        self.cdp.unroute(&self.session);
        let _ = self
            .cdp
            .call(None, "Target.closeTarget", json!({"targetId": self.target}))
            .await;
    }
}

/// Enables the domains we read and injects the hooks, before the document's scripts run.
async fn setup_session(cdp: &Cdp, s: &str, inject: &Injection) -> Result<(), BrowserError> {
    let s = Some(s);
    cdp.call(s, "Page.enable", json!({})).await?;
    cdp.call(s, "Network.enable", json!({})).await?;
    if !inject.headers.is_empty() {
        let headers: serde_json::Map<String, Value> = inject
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), Value::String(v.clone())))
            .collect();
        cdp.call(
            s,
            "Network.setExtraHTTPHeaders",
            json!({ "headers": headers }),
        )
        .await?;
    }
    // Bindings are delivered only once Runtime is enabled (FACTS.md, chromey).
    cdp.call(s, "Runtime.enable", json!({})).await?;
    cdp.call(
        s,
        "Runtime.addBinding",
        json!({"name": "__cookiescanCookie"}),
    )
    .await?;
    cdp.call(
        s,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": HOOK}),
    )
    .await?;
    if let Some(ac) = &inject.autoconsent {
        cdp.call(
            s,
            "Runtime.addBinding",
            json!({"name": "__cookiescanConsent"}),
        )
        .await?;
        cdp.call(
            s,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": ac.bundle.as_str()}),
        )
        .await?;
    }
    cdp.call(
        s,
        "Target.setAutoAttach",
        json!({"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true}),
    )
    .await?;
    Ok(())
}
