//! The crawl's side of `--har`: each hop of a fetch kept as an [`Exchange`]. Only done when a
//! HAR is asked for, so a plain scan pays one branch per hop.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use hyper::header::{HeaderMap, CONTENT_TYPE, LOCATION, SET_COOKIE};
use time::OffsetDateTime;
use url::Url;

use super::http::HttpResponse;
use crate::observe::{Exchange, ResourceKind, Timings};

/// Bytes of response bodies a HAR keeps, all responses together: page and script bodies are
/// what `analyze` reads back, but a scan of thousands of pages must not hold them all.
pub const HAR_BODY_BUDGET: usize = 128 * 1024 * 1024;

/// One request being made: what was sent and when.
pub struct Request {
    pub started: OffsetDateTime,
    pub clock: Instant,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn now(headers: Vec<(String, String)>) -> Request {
        Request {
            started: OffsetDateTime::now_utc(),
            clock: Instant::now(),
            headers,
        }
    }

    fn exchange(self, url: &Url, page: &Url, kind: ResourceKind) -> Exchange {
        Exchange {
            group: page.to_string(),
            page_url: page.clone(),
            resource: kind,
            started: self.started,
            method: "GET".to_owned(),
            url: url.clone(),
            http_version: "HTTP/1.1".to_owned(),
            request_headers: self.headers,
            status: None,
            status_text: String::new(),
            response_headers: Vec::new(),
            mime_type: String::new(),
            body_size: None,
            body: None,
            redirect_url: None,
            timings: Timings {
                wait: ms(self.clock),
                ..Timings::default()
            },
            error: None,
        }
    }

    /// A request that got no response.
    pub fn failed(self, url: &Url, page: &Url, kind: ResourceKind, error: &str) -> Exchange {
        let mut e = self.exchange(url, page, kind);
        e.error = Some(error.to_owned());
        e
    }

    /// The response head arrived; `set_cookie` are its `Set-Cookie` lines as they arrived.
    pub fn answered(
        self,
        resp: &HttpResponse,
        set_cookie: &[&[u8]],
        at: (&Url, &Url, ResourceKind),
    ) -> Exchange {
        let (url, page, kind) = at;
        let mut e = self.exchange(url, page, kind);
        e.status = Some(resp.status);
        e.status_text = hyper::StatusCode::from_u16(resp.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or_default()
            .to_owned();
        e.response_headers = response_headers(&resp.headers, set_cookie);
        e.mime_type = header(&resp.headers, CONTENT_TYPE).unwrap_or_default();
        e.redirect_url = header(&resp.headers, LOCATION);
        e
    }
}

/// The body was read (or not): its size, the receive time and, for the pages and scripts
/// the static analysis reads, the text while the budget lasts.
pub fn body_read(e: &mut Exchange, body: &[u8], clock: Instant, budget: &AtomicUsize) {
    e.timings.receive = (ms(clock) - e.timings.wait).max(0.0);
    e.body_size = Some(body.len() as u64);
    let wanted = matches!(e.resource, ResourceKind::Script)
        || (e.resource == ResourceKind::Page && super::is_html(Some(&e.mime_type), body));
    if !wanted || body.is_empty() {
        return;
    }
    let before = budget.fetch_add(body.len(), Ordering::Relaxed);
    if before.saturating_add(body.len()) <= HAR_BODY_BUDGET {
        e.body = Some(String::from_utf8_lossy(body).into_owned());
    }
}

fn response_headers(headers: &HeaderMap, set_cookie: &[&[u8]]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| *n != SET_COOKIE)
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    out.extend(set_cookie.iter().map(|l| {
        (
            "set-cookie".to_owned(),
            String::from_utf8_lossy(l).into_owned(),
        )
    }));
    out
}

fn header(headers: &HeaderMap, name: hyper::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
