//! One request and its response as the scan saw them, kept only when a HAR is asked for
//! (`--har`): the evidence a HAR file replays. The crawl and the browser fill these; `har/`
//! writes them out. Header values here are raw (cookie values included): they never reach a
//! report, and the HAR writer redacts them unless values were asked for.

use time::OffsetDateTime;
use url::Url;

use super::ResourceKind;

/// Milliseconds per phase of one exchange; `None` where the client cannot tell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    pub blocked: Option<f64>,
    pub dns: Option<f64>,
    pub connect: Option<f64>,
    pub ssl: Option<f64>,
    pub send: f64,
    pub wait: f64,
    pub receive: f64,
}

impl Timings {
    pub fn total(&self) -> f64 {
        [self.blocked, self.dns, self.connect]
            .iter()
            .map(|t| t.unwrap_or(0.0).max(0.0))
            .sum::<f64>()
            + self.send.max(0.0)
            + self.wait.max(0.0)
            + self.receive.max(0.0)
    }
}

/// One request, one response (a redirect hop is an exchange of its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// The group it belongs to: the page visited (static mode) or the consent pass
    /// (browser mode: `pass before-consent`, ...).
    pub group: String,
    /// The page whose visit made the request.
    pub page_url: Url,
    pub resource: ResourceKind,
    pub started: OffsetDateTime,
    pub method: String,
    pub url: Url,
    pub http_version: String,
    /// In the order sent, `Cookie` included.
    pub request_headers: Vec<(String, String)>,
    /// None when no response came (`error` says why).
    pub status: Option<u16>,
    pub status_text: String,
    /// In the order received, every `Set-Cookie` line included.
    pub response_headers: Vec<(String, String)>,
    pub mime_type: String,
    /// Bytes of body received; None when unknown.
    pub body_size: Option<u64>,
    /// The body, for the pages and scripts the static analysis reads; None otherwise.
    pub body: Option<String>,
    pub redirect_url: Option<String>,
    pub timings: Timings,
    pub error: Option<String>,
}

impl Exchange {
    /// The values of every header named `name` (ASCII case-insensitive), in order.
    pub fn response_header<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.response_headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn request_header<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.request_headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
