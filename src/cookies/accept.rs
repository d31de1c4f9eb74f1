//! Would a browser store this cookie? The checks of RFC 6265bis §5.7 that do not depend on what
//! is already in the jar, plus the ones Chromium adds (SameSite=None and Partitioned need Secure).

use std::fmt;

use url::Url;

use super::domain::{
    canonical_domain_attribute, domain_match, is_ip, is_public_suffix, is_secure_origin,
};
use super::parse::SetCookie;

/// Why a browser would not store a cookie. Display = the reason, one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
}

impl Rejection {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        Rejection {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Rejection {}

/// Where an accepted cookie is stored: the domain, and whether only that exact host gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    pub domain: String,
    pub host_only: bool,
}

/// Would a browser store this cookie received on a response from `response_url`? Checks (RFC 6265bis + what Chromium does):
/// Domain attribute must domain-match the host and must not be a public suffix (unless equal to the host); IP hosts take no
/// Domain other than themselves; Secure (and __Secure-/__Host- prefixed names) only from a secure origin (https, or
/// localhost / 127.0.0.0/8 / ::1 which browsers treat as potentially trustworthy); __Host- needs Secure, no Domain, Path=/;
/// SameSite=None without Secure is rejected; Partitioned without Secure is rejected.
pub fn check_acceptance(cookie: &SetCookie, response_url: &Url) -> Result<(), Rejection> {
    scope(cookie, response_url).map(|_| ())
}

/// `check_acceptance`, also returning where the cookie goes.
pub(crate) fn scope(cookie: &SetCookie, response_url: &Url) -> Result<Scope, Rejection> {
    let Some(host) = response_url.host_str() else {
        return Err(Rejection::new(format!(
            "the response URL {response_url} has no host, so no cookie can be stored for it"
        )));
    };
    check_flags(cookie, response_url)?;
    let scope = domain_scope(cookie, host)?;
    check_prefixes(cookie, &scope)?;
    Ok(scope)
}

fn check_flags(cookie: &SetCookie, response_url: &Url) -> Result<(), Rejection> {
    if cookie.secure && !is_secure_origin(response_url) {
        return Err(Rejection::new(format!(
            "the cookie is Secure but {} is not a secure origin (https or localhost), so browsers refuse it",
            origin(response_url)
        )));
    }
    if cookie.same_site == Some(super::SameSite::None) && !cookie.secure {
        return Err(Rejection::new(
            "SameSite=None without Secure is refused by browsers",
        ));
    }
    if cookie.partitioned && !cookie.secure {
        return Err(Rejection::new(
            "Partitioned without Secure is refused by browsers",
        ));
    }
    Ok(())
}

fn domain_scope(cookie: &SetCookie, host: &str) -> Result<Scope, Rejection> {
    let host_only = Scope {
        domain: host.to_owned(),
        host_only: true,
    };
    let Some(attribute) = cookie.domain.as_deref() else {
        return Ok(host_only);
    };
    let Some(domain) = canonical_domain_attribute(attribute) else {
        return Err(Rejection::new(format!(
            "Domain={attribute} is not a valid ASCII host name"
        )));
    };
    if domain == host {
        // Equal to the host: for a public suffix or an IP address, RFC 6265bis (and every
        // browser) downgrades to a host-only cookie; otherwise it covers subdomains too.
        if is_ip(host) || is_public_suffix(&domain) {
            return Ok(host_only);
        }
        return Ok(Scope {
            domain,
            host_only: false,
        });
    }
    if is_ip(host) {
        return Err(Rejection::new(format!(
            "Domain={attribute} is set by the IP address {host}, which takes no Domain other than itself"
        )));
    }
    if !domain_match(host, &domain) {
        return Err(Rejection::new(format!(
            "Domain={attribute} does not domain-match the response host {host}"
        )));
    }
    if is_public_suffix(&domain) {
        return Err(Rejection::new(format!(
            "Domain={attribute} is a public suffix, so browsers refuse it from {host}"
        )));
    }
    Ok(Scope {
        domain,
        host_only: false,
    })
}

fn check_prefixes(cookie: &SetCookie, scope: &Scope) -> Result<(), Rejection> {
    // A nameless cookie whose value looks prefixed would be sent as "__Host-x=y" and pass for
    // a prefixed cookie it is not (RFC 6265bis §5.7).
    if cookie.name.is_empty()
        && (starts_with_ignore_case(&cookie.value, "__Secure-")
            || starts_with_ignore_case(&cookie.value, "__Host-"))
    {
        return Err(Rejection::new(
            "a nameless cookie whose value starts with __Secure- or __Host- is refused by browsers",
        ));
    }
    if starts_with_ignore_case(&cookie.name, "__Secure-") && !cookie.secure {
        return Err(Rejection::new(
            "a __Secure- cookie must have the Secure attribute",
        ));
    }
    if starts_with_ignore_case(&cookie.name, "__Host-") {
        if !cookie.secure {
            return Err(Rejection::new(
                "a __Host- cookie must have the Secure attribute",
            ));
        }
        if cookie.domain.is_some() || !scope.host_only {
            return Err(Rejection::new(
                "a __Host- cookie must not have a Domain attribute",
            ));
        }
        if cookie.path.as_deref() != Some("/") {
            return Err(Rejection::new("a __Host- cookie must have Path=/"));
        }
    }
    Ok(())
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}
