//! One fetch: redirects followed by hand so every hop's `Set-Cookie` is seen, cookies sent
//! from and stored into the jar, the body read up to a cap.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use hyper::header::{HeaderMap, HeaderValue, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use time::OffsetDateTime;
use tokio::sync::OwnedSemaphorePermit;
use url::Url;

use super::head::set_cookie_lines;
use super::http::{HttpClient, HttpError, HttpResponse};
use super::pool::{HostPool, Verdict};
use super::record::{body_read, Request};
use crate::cookies::{parse_set_cookie, Jar};
use crate::observe::{Exchange, Hop, MalformedCookie, Warning, WarningKind};
use crate::observe::{Observation, ObservedCookie, ResourceKind, Source};

/// Set-Cookie lines read from one response. A browser keeps 180 cookies per domain; a
/// response may carry thousands of lines (its head may be 256 KB), and each line read
/// becomes a sighting in memory, so a site setting thousands on every page is cut here.
const MAX_SET_COOKIE_LINES: usize = 1000;

/// Everything one fetch produced, including what it saw before failing.
#[derive(Debug, Default)]
pub struct Fetched {
    pub hops: Vec<Hop>,
    pub final_url: Option<Url>,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub error: Option<String>,
    /// Set when no request was made because the host had been given up (the reason).
    pub not_tried: Option<String>,
    pub observations: Vec<Observation>,
    pub malformed: Vec<MalformedCookie>,
    pub warnings: Vec<Warning>,
    /// Every hop as a HAR entry, when the scan records them (`--har`).
    pub exchanges: Vec<Exchange>,
}

impl Fetched {
    pub fn cookies_set(&self) -> usize {
        self.hops.iter().map(|h| h.cookies_set).sum()
    }

    fn fail(&mut self, kind: WarningKind, url: &Url, message: String) {
        self.warnings
            .push(Warning::new(kind, Some(url), message.clone()));
        self.error = Some(message);
    }
}

/// Shared by all crawl tasks.
pub struct Fetcher {
    pub client: HttpClient,
    pub jar: Arc<Mutex<Jar>>,
    pub pool: HostPool,
    pub headers: HeaderMap,
    pub max_body: usize,
    pub max_redirects: usize,
    pub keep_values: bool,
    pub only_hosts: Option<HashSet<String>>,
    /// The pool's failure limit, for the warning's text.
    pub max_host_failures: usize,
    /// Keep every hop as an [`Exchange`] (`--har`).
    pub record: bool,
    /// Body bytes the recorded exchanges hold so far.
    pub har_bytes: std::sync::atomic::AtomicUsize,
}

impl Fetcher {
    /// Fetches `url` for `page` (the page being visited). `want_body` reads the body up to
    /// `max_body`; otherwise only headers are read.
    pub async fn fetch(
        &self,
        url: &Url,
        page: &Url,
        kind: ResourceKind,
        want_body: bool,
    ) -> Fetched {
        let mut out = Fetched::default();
        let mut current = url.clone();
        let mut visited = HashSet::new();
        for hop in 0..=self.max_redirects {
            if !self.may_visit(&current, url, &mut visited, &mut out) {
                return out;
            }
            let host = current.host_str().unwrap_or_default().to_string();
            let Some(_permit) = self.permit(&host, &mut out).await else {
                return out;
            };
            let headers = self.headers_for(&current);
            let request = self
                .record
                .then(|| Request::now(self.client.sent_headers(&current, &headers)));
            let mut resp = match self.client.get(&current, &headers).await {
                Ok(r) => r,
                Err(e) => {
                    let (warning, msg) = describe(&e, &current);
                    if let Some(r) = request {
                        out.exchanges.push(r.failed(&current, page, kind, &msg));
                    }
                    let kind = warning;
                    out.fail(kind, &current, msg);
                    self.record_outcome(&host, true, &mut out);
                    return out;
                }
            };
            self.record_response(&resp, &current, page, hop, kind, &mut out);
            let clock = request.as_ref().map(|r| r.clock);
            if let Some(r) = request {
                let lines = set_cookie_lines_of(&resp);
                out.exchanges
                    .push(r.answered(&resp, &lines, (&current, page, kind)));
            }
            match redirect_target(&resp, &current) {
                Redirect::To(next) => {
                    self.body_recorded(clock, &[], &mut out);
                    current = next;
                    continue;
                }
                Redirect::NotHttp(loc) => {
                    out.fail(
                        WarningKind::BadRedirect,
                        &current,
                        format!("{current} redirects to '{loc}', which is not an http(s) URL"),
                    );
                    return out;
                }
                Redirect::None => {}
            }
            out.content_type = resp
                .headers
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            if want_body {
                self.read_body(&mut resp, &current, &mut out).await;
            }
            let body = std::mem::take(&mut out.body);
            self.body_recorded(clock, &body, &mut out);
            out.body = body;
            return out;
        }
        out.fail(
            WarningKind::TooManyRedirects,
            url,
            format!(
                "{url} redirected more than {} times; gave up",
                self.max_redirects
            ),
        );
        out
    }

    /// The last recorded exchange gets its body's size, time and (for pages and scripts) text.
    fn body_recorded(&self, clock: Option<std::time::Instant>, body: &[u8], out: &mut Fetched) {
        if let (Some(clock), Some(e)) = (clock, out.exchanges.last_mut()) {
            body_read(e, body, clock, &self.har_bytes);
        }
    }

    /// Whether this hop may be requested: its host is one the scan may reach, and the chain
    /// of redirects has not come back to it.
    fn may_visit(
        &self,
        current: &Url,
        url: &Url,
        visited: &mut HashSet<String>,
        out: &mut Fetched,
    ) -> bool {
        if !self.may_contact(current) {
            out.fail(
                WarningKind::NotContacted,
                current,
                format!("{current} was not contacted: its host is outside the hosts this scan may reach"),
            );
            return false;
        }
        if !visited.insert(current.to_string()) {
            out.fail(
                WarningKind::RedirectLoop,
                url,
                format!("redirect loop: {current} was reached twice while fetching {url}"),
            );
            return false;
        }
        true
    }

    /// The host's permit, or None (with the page marked "not tried") when the pool gave up
    /// on the host.
    async fn permit(&self, host: &str, out: &mut Fetched) -> Option<OwnedSemaphorePermit> {
        match self.pool.acquire(host).await {
            Ok(permit) => Some(permit),
            Err(g) => {
                let why = format!(
                    "not tried: {host} had failed {} requests in a row, so the scan gave up on it",
                    g.failures
                );
                out.error = Some(why.clone());
                out.not_tried = Some(why);
                None
            }
        }
    }

    /// The scan's headers plus the jar's `Cookie` header for `url`.
    fn headers_for(&self, url: &Url) -> HeaderMap {
        let mut headers = self.headers.clone();
        let cookie_header = lock(&self.jar).cookie_header(url);
        if let Some(v) = cookie_header.and_then(|c| HeaderValue::from_bytes(c.as_bytes()).ok()) {
            headers.insert(COOKIE, v);
        }
        headers
    }

    /// One hop's response: its outcome for the host's pool, its cookies and the hop itself.
    fn record_response(
        &self,
        resp: &HttpResponse,
        current: &Url,
        page: &Url,
        hop: usize,
        kind: ResourceKind,
        out: &mut Fetched,
    ) {
        let status = resp.status;
        let host = current.host_str().unwrap_or_default();
        self.record_outcome(host, status >= 500, out);
        let cookies_set = self.record_cookies(resp, current, page, hop, kind, out);
        out.hops.push(Hop {
            url: current.clone(),
            status,
            cookies_set,
        });
        out.status = Some(status);
        out.final_url = Some(current.clone());
    }

    /// Tells the pool how a request to `host` went; the failure that makes it give up on the
    /// host is the one warning about it.
    fn record_outcome(&self, host: &str, failed: bool, out: &mut Fetched) {
        if self.pool.record(host, failed) == Verdict::GaveUp {
            out.warnings.push(Warning::new(
                WarningKind::HostGivenUp,
                None,
                format!(
                    "{host} failed {} requests in a row (no answer, or a 5xx status); the scan gave up on it, and its other URLs were not tried (listed as skipped)",
                    self.max_host_failures
                ),
            ));
        }
    }

    fn may_contact(&self, url: &Url) -> bool {
        match (&self.only_hosts, url.host_str()) {
            (None, _) => true,
            (Some(allowed), Some(h)) => allowed.contains(&h.to_ascii_lowercase()),
            (Some(_), None) => false,
        }
    }

    /// Records every `Set-Cookie` line of `resp`: read from the head as it arrived, so lines
    /// with control characters (which hyper drops) are listed as malformed, as browsers
    /// ignore them.
    fn record_cookies(
        &self,
        resp: &HttpResponse,
        response_url: &Url,
        page: &Url,
        hop: usize,
        kind: ResourceKind,
        out: &mut Fetched,
    ) -> usize {
        let at = Hit {
            page,
            response_url,
            status: resp.status,
            hop,
            kind,
            now: OffsetDateTime::now_utc(),
        };
        // Locked once per response, at its first cookie.
        let mut jar = None;
        let raw = set_cookie_lines_of(resp);
        let lines = raw.len();
        if lines > MAX_SET_COOKIE_LINES {
            out.warnings.push(Warning::new(
                WarningKind::Limit,
                Some(response_url),
                format!(
                    "{response_url} sent {lines} Set-Cookie lines; only the first {MAX_SET_COOKIE_LINES} were read"
                ),
            ));
        }
        let mut n = 0;
        for raw in raw.into_iter().take(MAX_SET_COOKIE_LINES) {
            let line = String::from_utf8_lossy(raw);
            n += 1;
            match parse_set_cookie(&line) {
                Ok(parsed) => {
                    let jar = jar.get_or_insert_with(|| lock(&self.jar));
                    let rejected = jar.store(&parsed, response_url).err().map(|r| r.reason);
                    out.observations
                        .push(self.observation(parsed, &at, rejected));
                }
                Err(e) => malformed(&line, &e.to_string(), &at, out),
            }
        }
        n
    }

    /// What one stored (or refused) `Set-Cookie` line tells the later stages.
    fn observation(
        &self,
        mut parsed: crate::cookies::SetCookie,
        at: &Hit<'_>,
        rejected: Option<String>,
    ) -> Observation {
        Observation {
            cookie: ObservedCookie::from_set_cookie(
                &parsed,
                at.response_url,
                at.now,
                self.keep_values,
            ),
            page_url: at.page.clone(),
            response_url: at.response_url.clone(),
            status: at.status,
            hop: at.hop,
            resource: at.kind,
            source: Source::Http,
            time: at.now,
            rejected,
            problems: std::mem::take(&mut parsed.problems),
            script: None,
            phase: None,
            initiator: None,
            choice_page: None,
            attribution: None,
        }
    }

    async fn read_body(&self, resp: &mut HttpResponse, url: &Url, out: &mut Fetched) {
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = self.max_body.saturating_sub(out.body.len());
                    if chunk.len() > room {
                        out.body.extend_from_slice(&chunk[..room]);
                        out.warnings.push(Warning::new(
                            WarningKind::BodyTruncated,
                            Some(url),
                            format!(
                                "the body of {url} is larger than --max-body ({} bytes); only the first {} bytes were read",
                                self.max_body, self.max_body
                            ),
                        ));
                        return;
                    }
                    out.body.extend_from_slice(&chunk);
                }
                Ok(None) => return,
                Err(e) => {
                    let (kind, msg) = describe(&e, url);
                    out.warnings.push(Warning::new(
                        kind,
                        Some(url),
                        format!("{msg} (while reading the body; kept what arrived)"),
                    ));
                    return;
                }
            }
        }
    }
}

fn lock(jar: &Mutex<Jar>) -> std::sync::MutexGuard<'_, Jar> {
    // A panic while holding the jar cannot leave it half-written in a way that matters here.
    jar.lock().unwrap_or_else(|e| e.into_inner())
}

fn describe(e: &HttpError, url: &Url) -> (WarningKind, String) {
    match e {
        HttpError::Timeout => (
            WarningKind::Timeout,
            format!("{url} did not answer within the timeout (--timeout)"),
        ),
        HttpError::Other(msg) => (
            WarningKind::Transport,
            format!("could not fetch {url}: {msg}"),
        ),
    }
}

/// Where a response was seen, for the observations its cookies become.
struct Hit<'a> {
    page: &'a Url,
    response_url: &'a Url,
    status: u16,
    hop: usize,
    kind: ResourceKind,
    now: OffsetDateTime,
}

/// The response's `Set-Cookie` lines, read from the head as it arrived when we have it, so
/// lines with control characters (which hyper drops) are listed as malformed, as browsers
/// ignore them.
fn set_cookie_lines_of(resp: &HttpResponse) -> Vec<&[u8]> {
    match &resp.raw_head {
        Some(head) => set_cookie_lines(head),
        None => resp
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .map(HeaderValue::as_bytes)
            .collect(),
    }
}

/// A `Set-Cookie` line no browser would store: a warning and a malformed entry, both with
/// the name only, never the value.
fn malformed(line: &str, reason: &str, at: &Hit<'_>, out: &mut Fetched) {
    let excerpt = crate::cookies::name_excerpt(line);
    out.warnings.push(Warning::new(
        WarningKind::MalformedSetCookie,
        Some(at.response_url),
        format!(
            "ignored a Set-Cookie header starting '{}': {reason}",
            excerpt.escape_debug()
        ),
    ));
    out.malformed.push(MalformedCookie {
        page_url: at.page.clone(),
        response_url: at.response_url.clone(),
        excerpt,
        reason: reason.to_string(),
    });
}

/// Where a hop's response sends the fetch next.
enum Redirect {
    To(Url),
    /// A `Location` that is not an http(s) URL.
    NotHttp(String),
    None,
}

fn redirect_target(resp: &HttpResponse, current: &Url) -> Redirect {
    if !(300..400).contains(&resp.status) {
        return Redirect::None;
    }
    let Some(loc) = resp.headers.get(LOCATION) else {
        return Redirect::None;
    };
    let loc = String::from_utf8_lossy(loc.as_bytes()).into_owned();
    match current.join(loc.trim()) {
        Ok(next) if matches!(next.scheme(), "http" | "https") => Redirect::To(next),
        _ => Redirect::NotHttp(loc),
    }
}
