//! An untyped DevTools protocol client: JSON values over one WebSocket.
//!
//! Typed bindings break when Chromium renames a field or adds an enum value (chromiumoxide 0.9.1
//! drops every `Network.requestWillBeSentExtraInfo` from Chromium 156, see FACTS.md). Here we
//! read only the fields we use, so protocol drift costs at most a missing detail, never a lost
//! event. Messages that are not JSON objects are logged and counted.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use super::BrowserError;

/// One protocol event, with the session it came on (None: the browser session).
#[derive(Debug, Clone)]
pub struct Event {
    pub session: Option<String>,
    pub method: String,
    pub params: Value,
}

type Pending = HashMap<u64, oneshot::Sender<Result<Value, String>>>;

#[derive(Default)]
struct Routes {
    /// Session id → the channel of the tab that owns it (iframe sessions route to their tab).
    sessions: HashMap<String, mpsc::UnboundedSender<Event>>,
}

/// A connection to one browser; cheap to clone.
#[derive(Clone)]
pub struct Cdp {
    out: mpsc::UnboundedSender<String>,
    pending: Arc<Mutex<Pending>>,
    routes: Arc<Mutex<Routes>>,
    next_id: Arc<AtomicU64>,
    undecoded: Arc<AtomicUsize>,
    timeout: Duration,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere cannot leave these maps half-updated: keep going.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Cdp {
    pub async fn connect(ws_url: &str, timeout: Duration) -> Result<Cdp, BrowserError> {
        let (ws, _) = tokio_tungstenite::connect_async(ws_url)
            .await
            .map_err(|e| BrowserError::Protocol(format!("could not connect to {ws_url}: {e}")))?;
        let (mut sink, mut stream) = ws.split();
        let (out, mut rx) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(text) = rx.recv().await {
                if sink.send(Message::text(text)).await.is_err() {
                    break;
                }
            }
        });
        let cdp = Cdp {
            out,
            pending: Arc::default(),
            routes: Arc::default(),
            next_id: Arc::new(AtomicU64::new(1)),
            undecoded: Arc::default(),
            timeout,
        };
        let reader = cdp.clone();
        tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                match msg {
                    Message::Text(t) => reader.dispatch(t.as_str()),
                    Message::Binary(b) => reader.dispatch(&String::from_utf8_lossy(&b)),
                    Message::Close(_) => break,
                    _ => {}
                }
            }
            // The browser went away: fail every waiting call at once instead of timing out.
            for (_, tx) in lock(&reader.pending).drain() {
                let _ = tx.send(Err("the browser closed the connection".into()));
            }
        });
        Ok(cdp)
    }

    /// Protocol messages that could not be decoded so far (each was logged).
    pub fn undecoded(&self) -> usize {
        self.undecoded.load(Ordering::Relaxed)
    }

    fn dispatch(&self, text: &str) {
        let v: Value = match serde_json::from_str(text) {
            Ok(v @ Value::Object(_)) => v,
            other => {
                self.undecoded.fetch_add(1, Ordering::Relaxed);
                // Lengths only: messages can carry cookie values.
                tracing::warn!(
                    "undecodable DevTools message ({} bytes): {}",
                    text.len(),
                    other
                        .err()
                        .map_or("not an object".into(), |e| e.to_string())
                );
                return;
            }
        };
        let session = v["sessionId"].as_str().map(str::to_owned);
        if let Some(id) = v["id"].as_u64() {
            if let Some(tx) = lock(&self.pending).remove(&id) {
                let r = match v.get("error") {
                    Some(e) => Err(e["message"].as_str().unwrap_or("error").to_owned()),
                    None => Ok(v.get("result").cloned().unwrap_or(Value::Null)),
                };
                let _ = tx.send(r);
            }
            return;
        }
        let Some(method) = v["method"].as_str() else {
            self.undecoded.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                "DevTools message with neither id nor method ({} bytes)",
                text.len()
            );
            return;
        };
        let params = v.get("params").cloned().unwrap_or(Value::Null);
        let mut routes = lock(&self.routes);
        let tx = session
            .as_ref()
            .and_then(|s| routes.sessions.get(s).cloned());
        // An iframe's session belongs to the tab whose session announced it.
        if method == "Target.attachedToTarget" {
            if let (Some(child), Some(tx)) = (params["sessionId"].as_str(), tx.clone()) {
                routes.sessions.insert(child.to_owned(), tx);
            }
        }
        drop(routes);
        if let Some(tx) = tx {
            let _ = tx.send(Event {
                session,
                method: method.to_owned(),
                params,
            });
        }
    }

    /// Routes a session's events (and its iframes') to `tx`.
    pub fn route(&self, session: &str, tx: mpsc::UnboundedSender<Event>) {
        lock(&self.routes).sessions.insert(session.to_owned(), tx);
    }

    pub fn unroute(&self, session: &str) {
        lock(&self.routes).sessions.remove(session);
    }

    /// Sends a command and waits for its result.
    pub async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, BrowserError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = Value::String(s.to_owned());
        }
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id, tx);
        if self.out.send(msg.to_string()).is_err() {
            lock(&self.pending).remove(&id);
            return Err(BrowserError::Protocol(
                "the browser connection is closed".into(),
            ));
        }
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(e))) => Err(BrowserError::Protocol(format!("{method}: {e}"))),
            Ok(Err(_)) => Err(BrowserError::Protocol(format!("{method}: no answer"))),
            Err(_) => {
                lock(&self.pending).remove(&id);
                Err(BrowserError::Protocol(format!(
                    "{method}: no answer in {:?}",
                    self.timeout
                )))
            }
        }
    }

    /// Sends a command without waiting (answers to page scripts, which may never reply).
    pub fn send(&self, session: Option<&str>, method: &str, params: Value) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = Value::String(s.to_owned());
        }
        let _ = self.out.send(msg.to_string());
    }
}
