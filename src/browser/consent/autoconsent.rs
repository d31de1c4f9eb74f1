//! DuckDuckGo's autoconsent (npm `@duckduckgo/autoconsent`, MPL-2.0) as a runtime dependency:
//! its Playwright bundle is injected into every document and we play the host's part of its
//! message protocol (init, eval, opt out / opt in).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::browser::cdp::Cdp;

/// Where we look when neither `--autoconsent` nor the variable names it.
pub const ENV_VAR: &str = "COOKIESCAN_AUTOCONSENT";
const PACKAGE: &str = "@duckduckgo/autoconsent";

/// The loaded package: the bundle to inject and the rules to hand it.
pub struct Autoconsent {
    pub bundle: String,
    rules: Arc<String>,
    pub version: String,
    pub dir: PathBuf,
}

/// A message from autoconsent that matters to the scan.
#[derive(Debug, Clone)]
pub struct AcEvent {
    pub kind: String,
    /// When the message arrived.
    pub at: tokio::time::Instant,
    pub cmp: Option<String>,
    pub result: Option<bool>,
    pub session: String,
    pub context: i64,
}

/// Our name for autoconsent's report that it looked at the whole page once and found no
/// consent manager (it keeps looking, up to `detectRetries` times).
pub const LOOKED: &str = "looked";

/// Package directories to try, best first.
fn candidates(explicit: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = explicit {
        out.push(p.to_path_buf());
        return out;
    }
    if let Some(p) = std::env::var_os(ENV_VAR) {
        out.push(PathBuf::from(p));
        return out;
    }
    let rel = Path::new("node_modules").join(PACKAGE);
    out.push(Path::new("browser-deps").join(&rel));
    out.push(rel.clone());
    // The checkout this binary was built from (cargo run, the tests).
    out.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("browser-deps")
            .join(&rel),
    );
    if let Ok(o) = std::process::Command::new("npm")
        .args(["root", "-g"])
        .output()
    {
        let root = String::from_utf8_lossy(&o.stdout).trim().to_owned();
        if !root.is_empty() {
            out.push(Path::new(&root).join(PACKAGE));
        }
    }
    out
}

impl Autoconsent {
    /// Finds and loads the package; Err says where we looked.
    pub fn find(explicit: Option<&Path>) -> Result<Autoconsent, String> {
        let tried = candidates(explicit);
        for c in &tried {
            // `--autoconsent` may name the bundle file itself.
            let dir = if c.is_file() {
                c.parent().and_then(Path::parent).map(Path::to_path_buf)
            } else {
                Some(c.clone())
            };
            let Some(dir) = dir else { continue };
            if let Ok(a) = Autoconsent::load(&dir) {
                return Ok(a);
            }
        }
        Err(format!(
            "autoconsent is not installed (looked in {}); install it with `npm install --prefix browser-deps` or `npm install -g {PACKAGE}`, or pass --autoconsent PATH",
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    fn load(dir: &Path) -> std::io::Result<Autoconsent> {
        let code = std::fs::read_to_string(dir.join("dist/autoconsent.playwright.js"))?;
        let rules = std::fs::read_to_string(dir.join("rules/rules.json"))?;
        let version = std::fs::read_to_string(dir.join("package.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["version"].as_str().map(str::to_owned))
            .unwrap_or_default();
        // The bundle calls `autoconsentSendMessage(object)`; a DevTools binding takes a string.
        let bundle = format!(
            "window.autoconsentSendMessage = (m) => {{ try {{ window.__cookiescanConsent(JSON.stringify(m)); }} catch (_) {{}} }};\n{code}"
        );
        Ok(Autoconsent {
            bundle,
            rules: Arc::new(rules),
            version,
            dir: dir.to_path_buf(),
        })
    }

    /// Answers one message of the page's autoconsent; returns the ones the scan waits for.
    pub fn on_message(
        &self,
        cdp: &Cdp,
        session: &str,
        context: i64,
        payload: &str,
    ) -> Option<AcEvent> {
        // The page could call the binding itself: unreadable messages are ignored.
        let msg: Value = serde_json::from_str(payload).ok()?;
        let kind = msg["type"].as_str()?.to_owned();
        match kind.as_str() {
            "init" => {
                // autoAction null: we decide when to opt out or in, after the "before" snapshot.
                let config = json!({
                    "enabled": true, "autoAction": null, "disabledCmps": [],
                    "enablePrehide": false, "enableCosmeticRules": false,
                    "enableGeneratedRules": true, "detectRetries": 20,
                    // Every flag is spelled out: one left undefined turns on a JS default
                    // parameter (`logSteps = true`), and a console message per rule step.
                    "logs": {"lifecycle": false, "rulesteps": false, "detectionsteps": false,
                             "evals": false, "errors": false, "messages": false, "waits": false}
                });
                let expr = format!(
                    "autoconsentReceiveMessage({{type: 'initResp', config: {config}, rules: {}}})",
                    self.rules
                );
                evaluate(cdp, session, context, expr);
                None
            }
            "eval" => {
                let (cdp, session) = (cdp.clone(), session.to_owned());
                let id = msg["id"].clone();
                let code = msg["code"].as_str().unwrap_or("false").to_owned();
                tokio::spawn(async move {
                    let r = cdp
                        .call(
                            Some(&session),
                            "Runtime.evaluate",
                            json!({"expression": code, "contextId": context, "returnByValue": true, "awaitPromise": true}),
                        )
                        .await
                        .map(|v| v["result"]["value"].clone())
                        .unwrap_or(Value::Bool(false));
                    let reply = json!({"type": "evalResp", "id": id, "result": r});
                    evaluate(
                        &cdp,
                        &session,
                        context,
                        format!("autoconsentReceiveMessage({reply})"),
                    );
                });
                None
            }
            // Its state reports say how far detection got. One full look at the page that
            // found nothing (a second attempt started) is the page's own "no banner yet".
            "report" => {
                let state = &msg["state"];
                let looked = state["findCmpAttempts"].as_u64().unwrap_or(0) >= 2
                    || state["lifecycle"].as_str() == Some("nothingDetected");
                (msg["mainFrame"].as_bool() == Some(true) && looked).then(|| AcEvent {
                    kind: LOOKED.to_owned(),
                    at: tokio::time::Instant::now(),
                    cmp: None,
                    result: None,
                    session: session.to_owned(),
                    context,
                })
            }
            "popupFound" | "cmpDetected" | "optOutResult" | "optInResult" | "autoconsentDone"
            | "autoconsentError" => Some(AcEvent {
                kind,
                at: tokio::time::Instant::now(),
                cmp: msg["cmp"].as_str().map(str::to_owned),
                result: msg["result"].as_bool(),
                session: session.to_owned(),
                context,
            }),
            _ => None,
        }
    }
}

/// Tells the page's autoconsent to act ("optOut" or "optIn").
pub fn command(cdp: &Cdp, e: &AcEvent, what: &str) {
    evaluate(
        cdp,
        &e.session,
        e.context,
        format!("autoconsentReceiveMessage({{type: '{what}'}})"),
    );
}

fn evaluate(cdp: &Cdp, session: &str, context: i64, expr: String) {
    cdp.send(
        Some(session),
        "Runtime.evaluate",
        json!({"expression": expr, "contextId": context}),
    );
}
