//! Hosts, domains and parties: registrable domains from the Public Suffix List (the `psl` crate,
//! compiled in), and the domain-match rule of RFC 6265bis §5.1.3.

use std::net::IpAddr;

/// Registrable domain (eTLD+1) of a host, lower-cased. IP addresses and single-label hosts
/// (localhost) return themselves. Hosts under unlisted TLDs (e.g. "www.shop.test") follow the PSL
/// default rule "*" -> "shop.test". A host that is itself a public suffix ("github.io") is its own
/// site, as browsers treat it, so it returns itself too. Internationalized names come back in
/// their punycode (xn--) form, as URL hosts are. `None` only for input that is not a host.
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = normalize(host)?;
    if is_ip(&host) {
        return Some(host);
    }
    match psl::domain_str(&host) {
        Some(domain) => Some(domain.to_owned()),
        None => Some(host),
    }
}

/// Is a cookie whose domain (Domain attribute, or the setting host for host-only cookies) is
/// `cookie_domain` third-party for a scan of `site_host`? (compare registrable domains)
///
/// Input that is not a host name cannot be shown to belong to the site, so it counts as
/// third-party.
pub fn is_third_party(cookie_domain: &str, site_host: &str) -> bool {
    match (
        registrable_domain(cookie_domain),
        registrable_domain(site_host),
    ) {
        (Some(cookie), Some(site)) => cookie != site,
        _ => true,
    }
}

/// Canonical form of a host or Domain attribute: one leading dot (Domain attribute style) and one
/// trailing dot (fully-qualified form) dropped, then the URL host parser (lower-case, IPv4
/// forms such as "0x7f.1", punycode for IDNs). `None` when it is not a host.
fn normalize(host: &str) -> Option<String> {
    let host = host.trim();
    let host = host.strip_prefix('.').unwrap_or(host);
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    // Bare IPv6 ("::1") is not URL host syntax; accept it for callers that pass IpAddr strings.
    if let Ok(IpAddr::V6(v6)) = host.parse::<IpAddr>() {
        return Some(format!("[{v6}]"));
    }
    url::Host::parse(host).ok().map(|h| h.to_string())
}

/// Is `host` (canonical form, IPv6 in brackets) an IP address?
pub(crate) fn is_ip(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<IpAddr>().is_ok()
}

/// Canonical form of a Domain attribute value for comparison with a URL's host: ASCII only
/// (RFC 6265bis §5.7 ignores cookies whose Domain has other characters; Chromium does too),
/// then the URL host parser so "HOME.example.org" and the request host compare equal.
pub(crate) fn canonical_domain_attribute(domain: &str) -> Option<String> {
    if domain.is_empty() || !domain.is_ascii() {
        return None;
    }
    url::Host::parse(domain).ok().map(|h| h.to_string())
}

/// RFC 6265bis §5.1.3 domain-match: identical, or `host` ends with "." + `domain` and is a host
/// name rather than an IP address. Both sides canonical.
pub(crate) fn domain_match(host: &str, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    !is_ip(host)
        && host.len() > domain.len()
        && host.ends_with(domain)
        && host
            .get(..host.len() - domain.len())
            .is_some_and(|head| head.ends_with('.'))
}

/// Is `domain` a public suffix, counting the PSL default rule "*" (so an unlisted TLD such as
/// "test", or a single label such as "localhost", is one)? That is how browsers decide, and it
/// keeps "Domain=test" from spanning every "*.test" site.
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    let trimmed = domain.strip_suffix('.').unwrap_or(domain);
    psl::suffix_str(trimmed).is_some_and(|suffix| suffix == trimmed)
}

/// Is this a "potentially trustworthy" origin for cookies (Secure Contexts spec, as Chromium
/// applies it to Secure cookies): https/wss, or a loopback host over any scheme?
pub(crate) fn is_secure_origin(url: &url::Url) -> bool {
    if matches!(url.scheme(), "https" | "wss") {
        return true;
    }
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.strip_suffix('.').unwrap_or(d);
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        let cases = [
            ("www.example.com", Some("example.com")),
            ("WWW.Example.COM.", Some("example.com")),
            ("www.bbc.co.uk", Some("bbc.co.uk")),
            ("www.shop.test", Some("shop.test")),
            ("x.github.io", Some("x.github.io")),
            ("github.io", Some("github.io")),
            ("localhost", Some("localhost")),
            ("127.0.0.1", Some("127.0.0.1")),
            ("[::1]", Some("[::1]")),
            ("::1", Some("[::1]")),
            (".example.org", Some("example.org")),
            ("", None),
            ("a b.com", None),
        ];
        for (host, want) in cases {
            assert_eq!(registrable_domain(host).as_deref(), want, "{host}");
        }
    }

    #[test]
    fn third_party() {
        assert!(!is_third_party(".example.com", "www.example.com"));
        assert!(!is_third_party("cdn.example.com", "example.com"));
        assert!(is_third_party("doubleclick.net", "www.example.com"));
        assert!(is_third_party("a.github.io", "b.github.io"));
        assert!(is_third_party("", "example.com"));
    }

    #[test]
    fn domain_matching() {
        assert!(domain_match("www.example.com", "example.com"));
        assert!(domain_match("example.com", "example.com"));
        assert!(!domain_match("badexample.com", "example.com"));
        assert!(!domain_match("example.com", "www.example.com"));
        assert!(!domain_match("1.2.3.4", "2.3.4"));
        assert!(domain_match("1.2.3.4", "1.2.3.4"));
    }

    #[test]
    fn public_suffixes() {
        assert!(is_public_suffix("org"));
        assert!(is_public_suffix("co.uk"));
        assert!(is_public_suffix("test"));
        assert!(is_public_suffix("github.io"));
        assert!(!is_public_suffix("example.org"));
    }

    #[test]
    fn secure_origins() {
        for (u, want) in [
            ("https://example.com/", true),
            ("http://example.com/", false),
            ("http://localhost:8080/", true),
            ("http://app.localhost/", true),
            ("http://127.8.9.10/", true),
            ("http://[::1]/", true),
            ("http://10.0.0.1/", false),
        ] {
            let url = url::Url::parse(u).unwrap();
            assert_eq!(is_secure_origin(&url), want, "{u}");
        }
    }
}
