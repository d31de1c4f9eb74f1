//! The crawl's HTTP/1.1 client: hyper-util's pooled client over a connector of our own, so the
//! scan reads response heads as a browser does.
//!
//! reqwest (and hyper under it) fail a whole response on one bare CR in a header, and drop
//! header lines holding control characters without a trace, so a `Set-Cookie` line a browser
//! ignores (and the report must list) never reached us. The connector wraps every connection
//! in [`HeadFilter`](super::head::HeadFilter), which keeps each response head as it arrived and
//! turns a bare CR into a space before hyper parses it (RFC 9110 §5.5 allows exactly that);
//! `Set-Cookie` lines are then read from the kept head.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue, ACCEPT, USER_AGENT};
use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::Instant;
use url::Url;

use super::head::{HeadCapture, HeadFilter};

pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Header lines one response may carry. Browsers cap the size of a head (Chromium: 256 KB),
/// not its lines; hyper's default of 100 lines failed pages that set 100 cookies. hyper's
/// default buffer (about 400 KB) already holds a 256 KB head.
const MAX_HEADER_LINES: usize = 8192;

/// How long an idle connection is kept for the next request to its host.
const POOL_IDLE: Duration = Duration::from_secs(30);

/// What [`HttpClient::get`] can fail with.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("timed out")]
    Timeout,
    #[error("{0}")]
    Other(String),
}

impl HttpError {
    fn from_chain(e: &dyn StdError) -> HttpError {
        let mut msg = e.to_string();
        let mut src = e.source();
        while let Some(s) = src {
            msg = format!("{msg}: {s}");
            src = s.source();
        }
        HttpError::Other(msg)
    }
}

/// One response: status and headers as hyper read them, the head as it arrived, the body.
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    /// The response head byte for byte (bare CRs and control characters included), when
    /// the connection kept it.
    pub raw_head: Option<Vec<u8>>,
    body: Incoming,
    deadline: Instant,
}

impl HttpResponse {
    /// The next piece of the body; None at its end. Times out at the request's deadline.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, HttpError> {
        loop {
            let frame = tokio::time::timeout_at(self.deadline, self.body.frame())
                .await
                .map_err(|_| HttpError::Timeout)?;
            match frame {
                None => return Ok(None),
                Some(Err(e)) => return Err(HttpError::from_chain(&e)),
                Some(Ok(f)) => {
                    if let Ok(data) = f.into_data() {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }
}

/// Settings of [`HttpClient::new`].
pub struct HttpSettings {
    pub timeout: Duration,
    pub user_agent: String,
    pub per_host: usize,
    pub resolve: Vec<(String, u16, SocketAddr)>,
    pub insecure: bool,
}

#[derive(Clone)]
pub struct HttpClient {
    client: Client<Connector, Empty<Bytes>>,
    timeout: Duration,
    user_agent: HeaderValue,
}

impl HttpClient {
    pub fn new(s: HttpSettings) -> Result<HttpClient, String> {
        let user_agent = HeaderValue::from_str(&s.user_agent)
            .map_err(|_| "the user agent is not a valid header value".to_string())?;
        let connector = Connector {
            overrides: Arc::new(
                s.resolve
                    .into_iter()
                    .map(|(h, p, a)| ((h.to_ascii_lowercase(), p), a))
                    .collect(),
            ),
            tls: tokio_rustls::TlsConnector::from(Arc::new(super::tls::client_config(s.insecure)?)),
            timeout: s.timeout,
        };
        let client = Client::builder(TokioExecutor::new())
            // Without a timer idle connections are never closed; a scan meets many hosts.
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE)
            .pool_max_idle_per_host(s.per_host.max(1))
            .http1_max_headers(MAX_HEADER_LINES)
            .http1_ignore_invalid_headers_in_responses(true)
            .build(connector);
        Ok(HttpClient {
            client,
            timeout: s.timeout,
            user_agent,
        })
    }

    /// The headers [`get`](Self::get) sends with `headers`, in order, for a HAR: the defaults
    /// the user did not replace, then the user's (and the Cookie header).
    pub fn sent_headers(&self, url: &Url, headers: &HeaderMap) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(host) = url.host_str() {
            let host = match url.port() {
                Some(p) => format!("{host}:{p}"),
                None => host.to_owned(),
            };
            out.push(("Host".to_owned(), host));
        }
        let defaults = [
            (USER_AGENT, &self.user_agent),
            (ACCEPT, &HeaderValue::from_static("*/*")),
        ];
        for (name, value) in defaults {
            if !headers.contains_key(&name) {
                out.push((
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                ));
            }
        }
        for (name, value) in headers {
            out.push((
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            ));
        }
        out
    }

    /// GET `url` with `headers` (the user's, then a Cookie header); the whole exchange, body
    /// included, must finish within the timeout.
    pub async fn get(&self, url: &Url, headers: &HeaderMap) -> Result<HttpResponse, HttpError> {
        let uri: Uri = url
            .as_str()
            .parse()
            .map_err(|e: hyper::http::uri::InvalidUri| HttpError::Other(e.to_string()))?;
        let mut req = hyper::Request::get(uri)
            .body(Empty::new())
            .map_err(|e| HttpError::Other(e.to_string()))?;
        let h = req.headers_mut();
        h.insert(USER_AGENT, self.user_agent.clone());
        h.insert(ACCEPT, HeaderValue::from_static("*/*"));
        // The user's headers replace these defaults (a --header User-Agent wins).
        for name in headers.keys() {
            h.remove(name);
        }
        for (name, value) in headers {
            h.append(name, value.clone());
        }
        let deadline = Instant::now() + self.timeout;
        let resp = tokio::time::timeout_at(deadline, self.client.request(req))
            .await
            .map_err(|_| HttpError::Timeout)?
            .map_err(|e| HttpError::from_chain(&e))?;
        let raw_head = resp
            .extensions()
            .get::<HeadCapture>()
            .and_then(HeadCapture::take);
        let (parts, body) = resp.into_parts();
        Ok(HttpResponse {
            status: parts.status.as_u16(),
            headers: parts.headers,
            raw_head,
            body,
            deadline,
        })
    }
}

/// Opens TCP (and TLS for https) connections, honouring `--resolve`, each wrapped in a
/// [`HeadFilter`].
#[derive(Clone)]
struct Connector {
    overrides: Arc<HashMap<(String, u16), SocketAddr>>,
    tls: tokio_rustls::TlsConnector,
    timeout: Duration,
}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            tokio::time::timeout(this.timeout, this.connect(uri))
                .await
                .map_err(|_| BoxError::from("connect timed out"))?
        })
    }
}

impl Connector {
    async fn connect(&self, uri: Uri) -> Result<Conn, BoxError> {
        let https = uri.scheme_str() == Some("https");
        let host = uri
            .host()
            .ok_or("the URL has no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let addrs: Vec<SocketAddr> = match self.overrides.get(&(host.to_ascii_lowercase(), port)) {
            Some(a) => vec![SocketAddr::new(a.ip(), port)],
            None => tokio::net::lookup_host((host.as_str(), port))
                .await?
                .collect(),
        };
        let mut last: Option<std::io::Error> = None;
        let mut tcp = None;
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let tcp = match (tcp, last) {
            (Some(t), _) => t,
            (None, Some(e)) => return Err(e.into()),
            (None, None) => return Err(format!("no address found for {host}").into()),
        };
        let _ = tcp.set_nodelay(true);
        let capture = HeadCapture::default();
        let stream: Box<dyn Stream> = if https {
            let name = rustls::pki_types::ServerName::try_from(host.clone())?;
            Box::new(self.tls.connect(name, tcp).await?)
        } else {
            Box::new(tcp)
        };
        Ok(Conn {
            io: TokioIo::new(HeadFilter::new(stream, capture.clone())),
            capture,
        })
    }
}

trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// One connection, as hyper-util's pool holds it. Its capture travels with every response
/// read over it (as a response extension).
struct Conn {
    io: TokioIo<HeadFilter<Box<dyn Stream>>>,
    capture: HeadCapture,
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new().extra(self.capture.clone())
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
