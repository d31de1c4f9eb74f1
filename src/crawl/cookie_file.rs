//! Cookies supplied by the user for authenticated scans: Netscape `cookies.txt` (as curl
//! and browser extensions export it) or plain `NAME=VALUE` lines.

/// A cookie the user gives for an authenticated scan (`--cookie`, `--cookie-file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCookie {
    pub name: String,
    pub value: String,
    /// The host or domain a cookies.txt line names (no leading dot). None (`--cookie`,
    /// `NAME=VALUE` lines): the scan's start hosts and their subdomains.
    pub domain: Option<String>,
    /// Sent to the domain's subdomains too (cookies.txt's second field).
    pub subdomains: bool,
    pub path: String,
    /// Sent over https only (cookies.txt's fourth field).
    pub secure: bool,
}

impl UserCookie {
    /// A `NAME=VALUE` cookie for the start hosts.
    pub fn new(name: &str, value: &str) -> UserCookie {
        UserCookie {
            name: name.to_owned(),
            value: value.to_owned(),
            domain: None,
            subdomains: true,
            path: "/".to_owned(),
            secure: false,
        }
    }
}

/// Reads a Netscape `cookies.txt` (each cookie keeps its domain, path and secure flag) or
/// plain `NAME=VALUE` lines. Errors name the line.
pub fn parse_cookie_file(text: &str) -> Result<Vec<UserCookie>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        // curl writes HttpOnly cookies as "#HttpOnly_domain ..."; other '#' lines are comments.
        let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() >= 7 {
            let domain = fields[0]
                .trim()
                .trim_start_matches('.')
                .to_ascii_lowercase();
            if domain.is_empty() {
                return Err(format!("line {}: the cookie has no domain", i + 1));
            }
            out.push(UserCookie {
                name: fields[5].to_string(),
                value: fields[6].to_string(),
                subdomains: fields[1].eq_ignore_ascii_case("TRUE") || fields[0].starts_with('.'),
                domain: Some(domain),
                path: Some(fields[2])
                    .filter(|p| p.starts_with('/'))
                    .unwrap_or("/")
                    .to_owned(),
                secure: fields[3].eq_ignore_ascii_case("TRUE"),
            });
        } else if let Some((n, v)) = line.split_once('=') {
            if n.trim().is_empty() {
                return Err(format!("line {}: a cookie needs a name before '='", i + 1));
            }
            out.push(UserCookie::new(n.trim(), v.trim()));
        } else {
            return Err(format!(
                "line {} is neither a cookies.txt line (7 tab-separated fields) nor NAME=VALUE",
                i + 1
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_netscape_and_plain_lines() {
        let text = "# Netscape HTTP Cookie File\n#HttpOnly_.a.test\tTRUE\t/\tFALSE\t0\tsessionid\tabc\nlang=fr\n\n";
        let got = parse_cookie_file(text).unwrap();
        assert_eq!(got.len(), 2);
        let session = &got[0];
        assert_eq!(
            (session.name.as_str(), session.value.as_str()),
            ("sessionid", "abc")
        );
        assert_eq!(session.domain.as_deref(), Some("a.test"));
        assert!(session.subdomains);
        assert_eq!(got[1], UserCookie::new("lang", "fr"));
        let host_only = &parse_cookie_file("shop.a.test\tFALSE\t/cart\tTRUE\t0\tc\t1").unwrap()[0];
        assert_eq!(host_only.domain.as_deref(), Some("shop.a.test"));
        assert!(!host_only.subdomains);
        assert_eq!((host_only.path.as_str(), host_only.secure), ("/cart", true));
        assert!(parse_cookie_file("garbage").unwrap_err().contains("line 1"));
        assert!(parse_cookie_file("=x").is_err());
    }
}
