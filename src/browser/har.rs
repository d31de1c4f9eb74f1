//! The browser's side of `--har`: a tab's DevTools `Network` events gathered into one
//! [`Exchange`] per request and redirect hop. The real `Cookie` and `Set-Cookie` headers are
//! only in the `…ExtraInfo` events (the plain ones leave them out), so those are matched to
//! their hop, in order, whichever arrives first.

use std::collections::HashMap;

use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

use crate::observe::{ConsentMode, Exchange, ResourceKind, Timings};

/// Bodies read back from one tab at most, and the time all reads may take together: a HAR
/// must not hold up the scan.
const MAX_BODIES: usize = 200;
const BODIES_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// The tab's requests as exchanges of the pass's page group, with the text of its scripts
/// and documents (what `analyze` reads back). Empty when no HAR was asked for.
pub async fn collect(tab: &mut super::tab::Tab, page: &Url, pass: ConsentMode) -> Vec<Exchange> {
    let Some(mut log) = tab.har.take() else {
        return Vec::new();
    };
    let by = tokio::time::Instant::now() + BODIES_WITHIN;
    for (id, session) in log.bodies_wanted().into_iter().take(MAX_BODIES) {
        let call = tab.cdp.call(
            session.as_deref(),
            "Network.getResponseBody",
            serde_json::json!({ "requestId": id }),
        );
        match tokio::time::timeout_at(by, call).await {
            Ok(Ok(reply)) => log.set_body(&id, &reply),
            Ok(Err(_)) => {}
            Err(_) => break,
        }
    }
    let pass = serde_json::to_value(pass)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    log.into_exchanges(page, &format!("pass {pass}"))
}

/// Header lines in order, as (name, value).
type Headers = Vec<(String, String)>;

/// One request id's hops (a redirect keeps the id) and ExtraInfo events not matched yet.
#[derive(Default)]
struct Request {
    hops: Vec<Hop>,
    early_sent: Vec<Headers>,
    early_received: Vec<(Headers, Option<u16>)>,
}

struct Hop {
    exchange: Exchange,
    /// The session that loaded it, for reading its body.
    session: Option<String>,
    /// DevTools' monotonic clock at the request, seconds.
    request_time: Option<f64>,
    headers_end_ms: Option<f64>,
    sent_extra: bool,
    received_extra: bool,
    done: bool,
}

/// Everything one tab requested.
#[derive(Default)]
pub struct NetLog {
    requests: HashMap<String, Request>,
    order: Vec<String>,
}

impl NetLog {
    /// A `Network.*` event of the tab's page (`main`) or of one of its frames.
    pub fn on_event(&mut self, method: &str, p: &Value, session: Option<&str>, main: bool) {
        let Some(id) = p["requestId"].as_str() else {
            return;
        };
        if !self.requests.contains_key(id) {
            self.order.push(id.to_owned());
        }
        let req = self.requests.entry(id.to_owned()).or_default();
        match method {
            "Network.requestWillBeSent" => {
                if let Some(prev) = req.hops.last_mut() {
                    if !p["redirectResponse"].is_null() {
                        response(prev, &p["redirectResponse"]);
                        prev.done = true;
                    }
                }
                if let Some(hop) = hop(p, session, main) {
                    req.hops.push(hop);
                    req.match_early();
                }
            }
            "Network.requestWillBeSentExtraInfo" => {
                req.early_sent.push(header_list(&p["headers"]));
                req.match_early();
            }
            "Network.responseReceived" => {
                if let Some(h) = req.hops.last_mut() {
                    response(h, &p["response"]);
                }
            }
            "Network.responseReceivedExtraInfo" => {
                let status = p["statusCode"].as_u64().and_then(|s| u16::try_from(s).ok());
                req.early_received
                    .push((header_list(&p["headers"]), status));
                req.match_early();
            }
            "Network.loadingFinished" => {
                if let Some(h) = req.hops.last_mut() {
                    finished(h, p);
                }
            }
            "Network.loadingFailed" => {
                if let Some(h) = req.hops.last_mut() {
                    h.exchange.error = p["errorText"].as_str().map(str::to_owned);
                    h.done = true;
                }
            }
            _ => {}
        }
    }

    /// The scripts and documents whose bodies `analyze` reads: (request id, session) for
    /// `Network.getResponseBody`, with the hop to fill.
    pub fn bodies_wanted(&self) -> Vec<(String, Option<String>)> {
        self.order
            .iter()
            .filter_map(|id| {
                let h = self.requests.get(id)?.hops.last()?;
                let wanted = matches!(
                    h.exchange.resource,
                    ResourceKind::Script | ResourceKind::Page | ResourceKind::Iframe
                ) && h.exchange.status.is_some_and(|s| (200..300).contains(&s));
                wanted.then(|| (id.clone(), h.session.clone()))
            })
            .collect()
    }

    /// The text `Network.getResponseBody` gave for a request (not base64: binary is skipped).
    pub fn set_body(&mut self, id: &str, reply: &Value) {
        let Some(h) = self.requests.get_mut(id).and_then(|r| r.hops.last_mut()) else {
            return;
        };
        if reply["base64Encoded"].as_bool() == Some(false) {
            h.exchange.body = reply["body"].as_str().map(str::to_owned);
        }
    }

    /// Every hop, in the order the requests were made, grouped under `group`.
    pub fn into_exchanges(mut self, page: &Url, group: &str) -> Vec<Exchange> {
        let mut out = Vec::new();
        for id in &self.order {
            let Some(r) = self.requests.remove(id) else {
                continue;
            };
            for mut h in r.hops {
                h.exchange.group = group.to_owned();
                h.exchange.page_url = page.clone();
                out.push(h.exchange);
            }
        }
        out
    }
}

impl Request {
    /// ExtraInfo events belong to the hops in order: each goes to the first hop without one.
    fn match_early(&mut self) {
        while !self.early_sent.is_empty() {
            let Some(h) = self.hops.iter_mut().find(|h| !h.sent_extra) else {
                break;
            };
            h.exchange.request_headers = self.early_sent.remove(0);
            h.sent_extra = true;
        }
        while !self.early_received.is_empty() {
            let Some(h) = self.hops.iter_mut().find(|h| !h.received_extra) else {
                break;
            };
            let (headers, status) = self.early_received.remove(0);
            h.exchange.response_headers = headers;
            if h.exchange.status.is_none() {
                h.exchange.status = status;
            }
            h.received_extra = true;
        }
    }
}

/// A hop from `Network.requestWillBeSent`.
fn hop(p: &Value, session: Option<&str>, main: bool) -> Option<Hop> {
    let r = &p["request"];
    let url = Url::parse(r["url"].as_str()?).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let started = p["wallTime"]
        .as_f64()
        .and_then(|t| OffsetDateTime::from_unix_timestamp_nanos((t * 1e9) as i128).ok())
        .unwrap_or_else(OffsetDateTime::now_utc);
    let resource = match p["type"].as_str().unwrap_or_default() {
        "Document" if main => ResourceKind::Page,
        "Document" => ResourceKind::Iframe,
        "Script" => ResourceKind::Script,
        "Stylesheet" => ResourceKind::Stylesheet,
        "Image" => ResourceKind::Image,
        "Media" => ResourceKind::Media,
        _ => ResourceKind::Other,
    };
    Some(Hop {
        exchange: Exchange {
            group: String::new(),
            page_url: url.clone(),
            resource,
            started,
            method: r["method"].as_str().unwrap_or("GET").to_owned(),
            url,
            http_version: String::new(),
            request_headers: header_list(&r["headers"]),
            status: None,
            status_text: String::new(),
            response_headers: Vec::new(),
            mime_type: String::new(),
            body_size: None,
            body: None,
            redirect_url: None,
            timings: Timings::default(),
            error: None,
        },
        session: session.map(str::to_owned),
        request_time: p["timestamp"].as_f64(),
        headers_end_ms: None,
        sent_extra: false,
        received_extra: false,
        done: false,
    })
}

/// A `Response` object: status, type, protocol, timings; its headers only when no
/// ExtraInfo gave the raw ones.
fn response(h: &mut Hop, r: &Value) {
    let e = &mut h.exchange;
    e.status = r["status"].as_u64().and_then(|s| u16::try_from(s).ok());
    e.status_text = r["statusText"].as_str().unwrap_or_default().to_owned();
    e.mime_type = r["mimeType"].as_str().unwrap_or_default().to_owned();
    e.http_version = match r["protocol"].as_str() {
        Some("h2") => "HTTP/2".to_owned(),
        Some("h3") => "HTTP/3".to_owned(),
        Some(p) => p.to_ascii_uppercase(),
        None => "HTTP/1.1".to_owned(),
    };
    if !h.received_extra {
        e.response_headers = header_list(&r["headers"]);
    }
    e.redirect_url = e
        .response_headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.clone());
    let t = &r["timing"];
    let span = |a: &str, b: &str| {
        let (a, b) = (t[a].as_f64()?, t[b].as_f64()?);
        (a >= 0.0 && b >= a).then_some(b - a)
    };
    e.timings = Timings {
        blocked: t["dnsStart"]
            .as_f64()
            .or(t["connectStart"].as_f64())
            .filter(|v| *v >= 0.0),
        dns: span("dnsStart", "dnsEnd"),
        connect: span("connectStart", "connectEnd"),
        ssl: span("sslStart", "sslEnd"),
        send: span("sendStart", "sendEnd").unwrap_or(0.0),
        wait: span("sendEnd", "receiveHeadersEnd").unwrap_or(0.0),
        receive: 0.0,
    };
    h.headers_end_ms = t["receiveHeadersEnd"].as_f64();
    if let Some(rt) = t["requestTime"].as_f64() {
        h.request_time = Some(rt);
    }
}

fn finished(h: &mut Hop, p: &Value) {
    h.done = true;
    h.exchange.body_size = p["encodedDataLength"].as_f64().map(|n| n.max(0.0) as u64);
    if let (Some(start), Some(end), Some(head)) =
        (h.request_time, p["timestamp"].as_f64(), h.headers_end_ms)
    {
        h.exchange.timings.receive = ((end - start) * 1000.0 - head).max(0.0);
    }
}

/// A DevTools headers object as (name, value) lines; raw headers join repeated ones (every
/// `Set-Cookie`) with newlines, which become one line each, as on the wire.
fn header_list(v: &Value) -> Vec<(String, String)> {
    let Some(map) = v.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, value) in map {
        let Some(value) = value.as_str() else {
            continue;
        };
        for line in value.split('\n') {
            out.push((name.clone(), line.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_info_headers_reach_their_own_redirect_hop_whatever_comes_first() {
        let mut log = NetLog::default();
        let s = Some("S");
        // The first hop's raw response arrives before the plain events.
        log.on_event(
            "Network.responseReceivedExtraInfo",
            &json!({"requestId": "1", "statusCode": 302,
                    "headers": {"Location": "/b", "Set-Cookie": "a=1\nb=2; Path=/"}}),
            s,
            true,
        );
        log.on_event(
            "Network.requestWillBeSent",
            &json!({"requestId": "1", "type": "Document", "wallTime": 1.7e9, "timestamp": 5.0,
                    "request": {"url": "http://a.test/", "method": "GET", "headers": {}}}),
            s,
            true,
        );
        log.on_event(
            "Network.requestWillBeSentExtraInfo",
            &json!({"requestId": "1", "headers": {"Cookie": "x=1"}}),
            s,
            true,
        );
        log.on_event(
            "Network.requestWillBeSent",
            &json!({"requestId": "1", "type": "Document", "wallTime": 1.7e9, "timestamp": 5.1,
                    "redirectResponse": {"status": 302, "headers": {"Location": "/b"}},
                    "request": {"url": "http://a.test/b", "method": "GET", "headers": {}}}),
            s,
            true,
        );
        log.on_event(
            "Network.responseReceived",
            &json!({"requestId": "1", "response": {"status": 200, "mimeType": "text/html",
                    "headers": {"Content-Type": "text/html"}}}),
            s,
            true,
        );
        let page = Url::parse("http://a.test/").unwrap();
        let e = log.into_exchanges(&page, "pass none");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].status, Some(302));
        assert_eq!(e[0].response_header("set-cookie").count(), 2);
        assert_eq!(e[0].request_header("cookie").collect::<Vec<_>>(), ["x=1"]);
        assert_eq!(e[0].redirect_url.as_deref(), Some("/b"));
        assert_eq!((e[1].status, e[1].url.path()), (Some(200), "/b"));
        assert_eq!(e[1].response_header("set-cookie").count(), 0);
        assert!(e
            .iter()
            .all(|x| x.group == "pass none" && x.page_url == page));
    }
}
