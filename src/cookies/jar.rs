//! A cookie jar that replays cookies as a browser would (RFC 6265bis §5.7 storage, §5.8.3
//! retrieval).
//!
//! Not a wrapper of `cookie_store::CookieStore`: that store cannot be told the time (it reads the
//! clock itself, so replays and the IETF suite would depend on the day they run), keeps no
//! creation time (the §5.4 order needs it), ignores the host-only flag in a cookie's identity,
//! and reads Expires with the `cookie` crate. What is left of it, domain- and path-match, is a
//! few lines here.

use time::{Duration, OffsetDateTime};
use url::Url;

pub use super::accept::{check_acceptance, Rejection};
use super::accept::{scope, Scope};
use super::domain::{domain_match, is_secure_origin, registrable_domain};
use super::parse::{SameSite, SetCookie, MAX_NAME_VALUE_BYTES};

/// Chromium (and RFC 6265bis §5.5 "SHOULD") caps every stored lifetime at 400 days.
const MAX_LIFETIME: Duration = Duration::days(400);
/// Cookies kept per registrable domain; past it the oldest go (Chromium's kDomainMaxCookies,
/// RFC 6265bis §5.7 leaves the number to the user agent and asks for at least 50).
pub const MAX_COOKIES_PER_DOMAIN: usize = 180;
/// Cookies kept in all (Chromium keeps about 3000 after a purge): a site that spreads cookies
/// over many domains cannot make every request carry them, nor grow the jar without end.
pub const MAX_COOKIES: usize = 3000;

/// A cookie as the jar keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCookie {
    pub name: String,
    pub value: String,
    /// The host for host-only cookies, else the (canonical) Domain attribute.
    pub domain: String,
    pub host_only: bool,
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    /// Kept for reporting; the jar does not apply it (see `Jar`).
    pub same_site: Option<SameSite>,
    /// Kept for reporting; the jar does not apply it (see `Jar`).
    pub partitioned: bool,
    /// None = session cookie.
    pub expires: Option<OffsetDateTime>,
    /// Order of first creation; a replaced cookie keeps its predecessor's (RFC 6265bis §5.7).
    creation: u64,
    /// The registrable domain the per-domain limit counts under (the domain itself for IP
    /// addresses and public suffixes).
    site: String,
}

impl StoredCookie {
    fn same_identity(&self, other: &StoredCookie) -> bool {
        self.name == other.name
            && self.domain == other.domain
            && self.host_only == other.host_only
            && self.path == other.path
    }

    fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires.is_some_and(|at| at <= now)
    }

    fn applies_to(&self, host: &str, path: &str, secure: bool) -> bool {
        let domain_ok = if self.host_only {
            host == self.domain
        } else {
            domain_match(host, &self.domain)
        };
        domain_ok && path_match(path, &self.path) && (secure || !self.secure)
    }
}

/// A browser-like cookie jar. SameSite and partitioning are not applied when sending: the jar
/// has no notion of the top-level site, and a crawler's requests are same-site navigations.
#[derive(Debug, Clone, Default)]
pub struct Jar {
    cookies: Vec<StoredCookie>,
    next_creation: u64,
    /// When set, the jar's clock stands still at this time (replays, tests).
    fixed_now: Option<OffsetDateTime>,
}

/// `name=value` as given by the user, checked: attributes come from the caller, not the text.
fn user_cookie(name: &str, value: &str) -> Result<SetCookie, Rejection> {
    let bad = |s: &str| s.chars().any(|c| c == ';' || c.is_ascii_control());
    if name.is_empty() || name.contains('=') || bad(name) || bad(value) {
        return Err(Rejection::new(format!(
            "\"{name}={value}\" is not a usable cookie: the name must be non-empty without '=', and neither part may contain ';' or control characters"
        )));
    }
    let line = format!("{name}={value}");
    super::parse_set_cookie(&line)
        .map_err(|e| Rejection::new(format!("\"{line}\" is not a usable cookie: {e}")))
}

impl Jar {
    pub fn new() -> Self {
        Self::default()
    }

    /// A jar whose clock is frozen at `now`: expiry is judged against it instead of the system
    /// clock, so a recorded crawl (or the IETF suite, written in 2011) replays the same way
    /// on any day.
    pub fn at_fixed_time(now: OffsetDateTime) -> Self {
        Jar {
            fixed_now: Some(now),
            ..Self::default()
        }
    }

    /// Moves a frozen clock (or freezes the clock) to `now`.
    pub fn set_fixed_time(&mut self, now: OffsetDateTime) {
        self.fixed_now = Some(now);
    }

    fn now(&self) -> OffsetDateTime {
        self.fixed_now.unwrap_or_else(OffsetDateTime::now_utc)
    }

    /// check_acceptance, then store (a past Expires / Max-Age<=0 deletes a stored cookie).
    pub fn store(&mut self, cookie: &SetCookie, response_url: &Url) -> Result<(), Rejection> {
        let Scope { domain, host_only } = scope(cookie, response_url)?;
        let now = self.now();
        let path = match cookie.path.as_deref() {
            Some(p) if p.starts_with('/') => p.to_owned(),
            _ => default_path(response_url),
        };
        let mut new = StoredCookie {
            name: cookie.name.clone(),
            value: cookie.value.clone(),
            domain,
            host_only,
            path,
            secure: cookie.secure,
            http_only: cookie.http_only,
            same_site: cookie.same_site,
            partitioned: cookie.partitioned,
            expires: expiry(cookie, now),
            creation: self.next_creation,
            site: String::new(),
        };
        new.site = registrable_domain(&new.domain).unwrap_or_else(|| new.domain.clone());
        let len = new.name.len() + new.value.len();
        if len > MAX_NAME_VALUE_BYTES {
            return Err(Rejection::new(format!(
                "name and value together are {len} bytes, over the {MAX_NAME_VALUE_BYTES}-byte limit browsers apply"
            )));
        }
        if !new.secure && !is_secure_origin(response_url) {
            self.check_secure_cookies_alone(&new)?;
        }
        self.cookies.retain(|c| !c.is_expired(now));
        if let Some(pos) = self.cookies.iter().position(|old| old.same_identity(&new)) {
            let old = self.cookies.remove(pos);
            new.creation = old.creation;
        } else {
            self.next_creation += 1;
        }
        if !new.is_expired(now) {
            let key = new.site.clone();
            self.cookies.push(new);
            self.evict_over_limits(&key);
        }
        Ok(())
    }

    /// Drops the oldest cookies (by creation) of the domain `key` past
    /// [`MAX_COOKIES_PER_DOMAIN`], then the oldest of all past [`MAX_COOKIES`], as browsers do.
    fn evict_over_limits(&mut self, key: &str) {
        // Creation numbers are unique among stored cookies: a replacement inherits its
        // predecessor's, which it removed.
        let mut evict: Vec<u64> = Vec::new();
        let mut same: Vec<u64> = self
            .cookies
            .iter()
            .filter(|c| c.site == key)
            .map(|c| c.creation)
            .collect();
        if same.len() > MAX_COOKIES_PER_DOMAIN {
            same.sort_unstable();
            evict.extend_from_slice(&same[..same.len() - MAX_COOKIES_PER_DOMAIN]);
        }
        let left = self.cookies.len() - evict.len();
        if left > MAX_COOKIES {
            let mut all: Vec<u64> = self
                .cookies
                .iter()
                .map(|c| c.creation)
                .filter(|c| !evict.contains(c))
                .collect();
            all.sort_unstable();
            evict.extend_from_slice(&all[..left - MAX_COOKIES]);
        }
        if !evict.is_empty() {
            self.cookies.retain(|c| !evict.contains(&c.creation));
        }
    }

    /// RFC 6265bis §5.7 "Leave Secure Cookies Alone": an insecure origin may not
    /// shadow or overwrite a Secure cookie of the same name.
    fn check_secure_cookies_alone(&self, new: &StoredCookie) -> Result<(), Rejection> {
        let now = self.now();
        let clash = self.cookies.iter().any(|old| {
            old.secure
                && !old.is_expired(now)
                && old.name == new.name
                && (domain_match(&old.domain, &new.domain)
                    || domain_match(&new.domain, &old.domain))
                && path_match(&new.path, &old.path)
        });
        if clash {
            return Err(Rejection::new(format!(
                "a Secure cookie named \"{}\" is already stored, and an insecure origin may not overwrite it",
                new.name
            )));
        }
        Ok(())
    }

    /// The Cookie header a browser would send to `request_url`, or None when no cookie applies.
    /// Order per RFC 6265 §5.4: longer paths first, then earlier creation time.
    pub fn cookie_header(&self, request_url: &Url) -> Option<String> {
        let host = request_url.host_str()?;
        let path = request_url.path();
        let secure = is_secure_origin(request_url);
        let now = self.now();
        let mut matching: Vec<&StoredCookie> = self
            .cookies
            .iter()
            .filter(|c| !c.is_expired(now) && c.applies_to(host, path, secure))
            .collect();
        if matching.is_empty() {
            return None;
        }
        matching.sort_by(|a, b| {
            b.path
                .len()
                .cmp(&a.path.len())
                .then(a.creation.cmp(&b.creation))
        });
        let pairs: Vec<String> = matching.iter().map(|c| serialize(c)).collect();
        Some(pairs.join("; "))
    }

    /// A cookie supplied by the user (--cookie NAME=VALUE) for an authenticated scan: sent to `url`'s host and its subdomains, path /.
    /// Marked Secure when `url` is https, so a session cookie never leaks to plain http; a
    /// `__Host-` name stays host-only.
    pub fn add_user_cookie(&mut self, name: &str, value: &str, url: &Url) -> Result<(), Rejection> {
        let mut cookie = user_cookie(name, value)?;
        // __Host- cookies exist only host-only; the browser the user copied it from had it so.
        let host_prefixed = name
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("__Host-"));
        cookie.domain = match host_prefixed {
            true => None,
            false => url.host_str().map(str::to_owned),
        };
        cookie.path = Some("/".to_owned());
        cookie.secure = url.scheme() == "https";
        self.store(&cookie, url)
    }

    /// A cookie the user exported from a browser (a cookies.txt line), kept for its own
    /// `domain` (and its subdomains when `subdomains`), `path`, and https only when `secure`.
    pub fn add_exported_cookie(
        &mut self,
        name: &str,
        value: &str,
        domain: &str,
        subdomains: bool,
        path: &str,
        secure: bool,
    ) -> Result<(), Rejection> {
        let scheme = if secure { "https" } else { "http" };
        let url = Url::parse(&format!("{scheme}://{domain}{path}")).map_err(|_| {
            Rejection::new(format!(
                "'{domain}' is not a host name a cookie can belong to"
            ))
        })?;
        let mut cookie = user_cookie(name, value)?;
        cookie.domain = subdomains.then(|| domain.to_owned());
        cookie.path = Some(path.to_owned());
        cookie.secure = secure;
        self.store(&cookie, &url)
    }

    /// Number of stored cookies that have not expired.
    pub fn len(&self) -> usize {
        let now = self.now();
        self.cookies.iter().filter(|c| !c.is_expired(now)).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stored cookies that have not expired, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &StoredCookie> {
        let now = self.now();
        let mut live: Vec<&StoredCookie> =
            self.cookies.iter().filter(|c| !c.is_expired(now)).collect();
        live.sort_by_key(|c| c.creation);
        live.into_iter()
    }
}

/// When the stored cookie expires: Max-Age wins over Expires, both capped at 400 days.
fn expiry(cookie: &SetCookie, now: OffsetDateTime) -> Option<OffsetDateTime> {
    let cap = now.checked_add(MAX_LIFETIME).unwrap_or(now);
    if let Some(secs) = cookie.max_age {
        if secs <= 0 {
            // "The earliest representable date": anything not after `now` deletes.
            return Some(OffsetDateTime::UNIX_EPOCH.min(now));
        }
        let secs = secs.min(MAX_LIFETIME.whole_seconds());
        return Some(now.checked_add(Duration::seconds(secs)).unwrap_or(cap));
    }
    cookie.expires.map(|at| at.min(cap))
}

/// RFC 6265bis §5.1.4 default-path: the request path up to, not including, its last '/'.
fn default_path(url: &Url) -> String {
    let path = url.path();
    if !path.starts_with('/') {
        return "/".to_owned();
    }
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => path.get(..i).unwrap_or("/").to_owned(),
    }
}

/// RFC 6265bis §5.1.4 path-match.
fn path_match(request_path: &str, cookie_path: &str) -> bool {
    if request_path == cookie_path {
        return true;
    }
    request_path.starts_with(cookie_path)
        && (cookie_path.ends_with('/')
            || request_path
                .get(cookie_path.len()..)
                .is_some_and(|rest| rest.starts_with('/')))
}

/// RFC 6265bis §5.8.3: a nameless cookie is sent as its value alone.
fn serialize(cookie: &StoredCookie) -> String {
    if cookie.name.is_empty() {
        cookie.value.clone()
    } else {
        format!("{}={}", cookie.name, cookie.value)
    }
}

#[cfg(test)]
mod tests;
