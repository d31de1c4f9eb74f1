//! The crawl settings, declared once: the same struct is the `scan`/`batch` flags (clap) and
//! the `[scan]` table of `cookiescan.toml` (serde). The command line wins field by field, and
//! [`CrawlSettings::to_crawl_config`] checks every value before a crawl can trip on it.

use std::path::PathBuf;
use std::time::Duration;

use regex::Regex;
use serde::Deserialize;
use url::Url;

use super::ConfigError;
use crate::crawl::{CrawlConfig, Resolve, ScopeMode};

/// Declares the settings struct and its field-by-field merge from one list of fields.
macro_rules! settings {
    ($(#[$meta:meta])* pub struct $name:ident {
        $($(#[$fmeta:meta])* pub $field:ident: Option<$ty:ty>,)*
    }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: Option<$ty>,)*
        }

        impl $name {
            /// Field by field: `self` where set, else `fallback`.
            pub fn or(self, fallback: $name) -> $name {
                $name { $($field: self.$field.or(fallback.$field),)* }
            }
        }
    };
}

settings! {
    /// Every crawl setting, optional: as flags (`scan`, `batch`) and as `[scan]` in the config
    /// file. Unset fields keep [`CrawlConfig::default`]'s values.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
    #[serde(deny_unknown_fields)]
    pub struct CrawlSettings {
        /// Start URLs: positional arguments on the command line, `urls` in the file.
        #[arg(skip)]
        pub urls: Option<Vec<String>>,
        /// Which URLs are pages of the site [default: domain].
        #[arg(long, value_enum)]
        pub scope: Option<ScopeMode>,
        /// Only crawl URLs matching this regex (repeatable).
        #[arg(long, value_name = "REGEX")]
        pub include: Option<Vec<String>>,
        /// Never crawl URLs matching this regex (repeatable).
        #[arg(long, value_name = "REGEX")]
        pub exclude: Option<Vec<String>>,
        /// Pages to visit at most [default: 500].
        #[arg(long)]
        pub max_pages: Option<usize>,
        /// Links to follow from a start URL (0 = only the start pages).
        #[arg(long)]
        pub max_depth: Option<usize>,
        /// Pages per URL pattern (digits folded) before it counts as a link trap; 0 = no cap [default: 50].
        #[arg(long)]
        pub max_per_pattern: Option<usize>,
        /// Requests in flight at once, all hosts together [default: 8].
        #[arg(long)]
        pub concurrency: Option<usize>,
        /// Requests in flight at once to one host [default: 4].
        #[arg(long)]
        pub per_host_concurrency: Option<usize>,
        /// Requests per second per host (e.g. 2, or 0.5 for one every two seconds).
        #[arg(long)]
        pub rate: Option<f64>,
        /// Seconds to wait for one request [default: 15].
        #[arg(long)]
        pub timeout: Option<f64>,
        /// Largest body read per response: bytes, or with K, M, G [default: 10M].
        #[arg(long)]
        pub max_body: Option<String>,
        /// New sub-resources (images, scripts, ...) fetched per page at most; 0 = no cap [default: 500].
        #[arg(long)]
        pub max_subresources_per_page: Option<usize>,
        /// Sub-resources fetched per scan at most; 0 = no cap [default: 10000].
        #[arg(long)]
        pub max_subresources: Option<usize>,
        /// User-Agent header [default: cookiescan/VERSION (+URL)].
        #[arg(long)]
        pub user_agent: Option<String>,
        /// Extra request header, 'Name: value' (repeatable).
        #[arg(long = "header", value_name = "HEADER")]
        pub headers: Option<Vec<String>>,
        /// Crawl pages robots.txt disallows for us.
        #[arg(long, num_args = 0, default_missing_value = "true")]
        pub ignore_robots: Option<bool>,
        /// Do not read sitemap.xml / robots.txt Sitemap: lines (`sitemaps = false` in the file).
        #[arg(long = "no-sitemaps", num_args = 0, default_missing_value = "false")]
        pub sitemaps: Option<bool>,
        /// Do not visit the first pages a second time to find cookies renewed on every visit
        /// (`revisit = false` in the file).
        #[arg(long = "no-revisit", num_args = 0, default_missing_value = "false")]
        pub revisit: Option<bool>,
        /// Map HOST:PORT to ADDR, as curl does (repeatable).
        #[arg(long, value_name = "HOST:PORT:ADDR")]
        pub resolve: Option<Vec<String>>,
        /// A published policy (HTML, Markdown, text) or a CSV/TOML declaration file to read more
        /// declarations from (`--policy` on the command line replaces it).
        #[arg(skip)]
        pub policy: Option<String>,
        /// Cookie sent from the start, NAME=VALUE (repeatable), for authenticated scans.
        /// Command line only: secrets do not belong in a committed file.
        #[arg(long = "cookie", value_name = "NAME=VALUE")]
        #[serde(skip)]
        pub cookies: Option<Vec<String>>,
        /// Cookies from a file: Netscape cookies.txt or NAME=VALUE lines.
        #[arg(long, value_name = "FILE")]
        #[serde(skip)]
        pub cookie_file: Option<PathBuf>,
    }
}

/// Most requests in flight, overall or to one host: far past any polite crawl, and far below
/// the sizes that would exhaust sockets or overflow a semaphore.
const MAX_CONCURRENCY: usize = 1024;
/// Longest per-request timeout: a day.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;
/// Slowest and fastest `--rate`: one request per 1,000 s, 100,000 per second.
const RATE_RANGE: (f64, f64) = (0.001, 100_000.0);

impl CrawlSettings {
    /// The crawl these settings describe; unset fields keep [`CrawlConfig::default`]'s values.
    /// Every value a user can write is checked here, so nothing later panics on it.
    pub fn to_crawl_config(&self) -> Result<CrawlConfig, ConfigError> {
        let d = CrawlConfig::default();
        let bad = ConfigError::Setting;
        let urls = self.urls.clone().unwrap_or_default();
        if urls.is_empty() {
            return Err(bad(
                "no start URL: give one on the command line or as [scan] urls in cookiescan.toml"
                    .into(),
            ));
        }
        let start_urls = urls
            .iter()
            .map(|u| parse_start_url(u))
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        let resolve = self
            .resolve
            .iter()
            .flatten()
            .map(|r| r.parse::<Resolve>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        let max_body = match &self.max_body {
            Some(s) => positive("max-body", parse_size(s).map_err(bad)?)?,
            None => d.max_body,
        };
        Ok(CrawlConfig {
            start_urls,
            scope: self.scope.unwrap_or(d.scope),
            include: regexes(&self.include, "include")?,
            exclude: regexes(&self.exclude, "exclude")?,
            max_pages: positive("max-pages", self.max_pages.unwrap_or(d.max_pages))?,
            max_depth: self.max_depth.or(d.max_depth),
            max_per_pattern: self.max_per_pattern.unwrap_or(d.max_per_pattern),
            concurrency: concurrency("concurrency", self.concurrency, d.concurrency)?,
            per_host_concurrency: concurrency(
                "per-host-concurrency",
                self.per_host_concurrency,
                d.per_host_concurrency,
            )?,
            rate: self.rate.map(check_rate).transpose()?,
            timeout: self
                .timeout
                .map(check_timeout)
                .transpose()?
                .unwrap_or(d.timeout),
            max_body,
            max_subresources_per_page: self
                .max_subresources_per_page
                .unwrap_or(d.max_subresources_per_page),
            max_subresources: self.max_subresources.unwrap_or(d.max_subresources),
            user_agent: match &self.user_agent {
                Some(ua) => check_user_agent(ua)?,
                None => d.user_agent.clone(),
            },
            headers: headers(self.headers.iter().flatten())?,
            respect_robots: !self.ignore_robots.unwrap_or(false),
            use_sitemaps: self.sitemaps.unwrap_or(true),
            revisit_pages: if self.revisit.unwrap_or(true) {
                d.revisit_pages
            } else {
                0
            },
            resolve,
            ..d
        })
    }
}

fn regexes(list: &Option<Vec<String>>, what: &str) -> Result<Vec<Regex>, ConfigError> {
    list.iter()
        .flatten()
        .map(|r| {
            Regex::new(r).map_err(|_| {
                ConfigError::Setting(format!("{what} '{r}' is not a valid regular expression"))
            })
        })
        .collect()
}

/// `--NAME 0` would crawl nothing, or read nothing, without a word: refuse it.
fn positive(name: &str, n: usize) -> Result<usize, ConfigError> {
    if n == 0 {
        return Err(ConfigError::Setting(format!(
            "--{name} 0 would scan nothing: give a number of at least 1 (--{name} or [scan] {})",
            name.replace('-', "_")
        )));
    }
    Ok(n)
}

fn concurrency(name: &str, given: Option<usize>, default: usize) -> Result<usize, ConfigError> {
    let n = positive(name, given.unwrap_or(default))?;
    if n > MAX_CONCURRENCY {
        return Err(ConfigError::Setting(format!(
            "--{name} {n} is out of range: give at most {MAX_CONCURRENCY} requests in flight"
        )));
    }
    Ok(n)
}

fn check_timeout(t: f64) -> Result<Duration, ConfigError> {
    if !(t > 0.0 && t <= MAX_TIMEOUT_SECS) {
        return Err(ConfigError::Setting(format!(
            "--timeout {t} is out of range: give a number of seconds above 0 and at most {MAX_TIMEOUT_SECS}"
        )));
    }
    Ok(Duration::from_secs_f64(t))
}

fn check_rate(r: f64) -> Result<f64, ConfigError> {
    let (low, high) = RATE_RANGE;
    if !(low..=high).contains(&r) {
        return Err(ConfigError::Setting(format!(
            "--rate {r} is out of range: give requests per second from {low} to {high}"
        )));
    }
    Ok(r)
}

/// A header value cannot hold line breaks or other control characters; say so here rather
/// than as the HTTP client's "builder error" after the crawl has started.
fn check_user_agent(ua: &str) -> Result<String, ConfigError> {
    if hyper::header::HeaderValue::from_str(ua).is_err() {
        return Err(ConfigError::Setting(
            "--user-agent contains a line break or another control character: give it on one line"
                .into(),
        ));
    }
    Ok(ua.to_string())
}

/// `Name: value` pairs. A bad value is not echoed: headers often carry credentials.
fn headers<'a>(
    raw: impl Iterator<Item = &'a String>,
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut out = Vec::new();
    for h in raw {
        let Some((n, v)) = h.split_once(':') else {
            return Err(ConfigError::Setting(
                "--header must be written 'Name: value' (a header without a colon was given)"
                    .into(),
            ));
        };
        let (n, v) = (n.trim(), v.trim());
        if hyper::header::HeaderName::from_bytes(n.as_bytes()).is_err()
            || hyper::header::HeaderValue::from_str(v).is_err()
        {
            return Err(ConfigError::Setting(format!(
                "--header '{n}' has an invalid name or a value with a line break or control character: fix it"
            )));
        }
        out.push((n.to_string(), v.to_string()));
    }
    Ok(out)
}

/// A start URL; a bare domain means `https://DOMAIN/`.
pub fn parse_start_url(raw: &str) -> Result<Url, String> {
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}/")
    };
    let url = Url::parse(&with_scheme).map_err(|_| {
        format!("'{raw}' is not a valid URL: give an http(s) URL such as https://example.org/")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "'{raw}' is not an http(s) URL: give one such as https://example.org/"
        ));
    }
    Ok(url)
}

/// Bytes, or a number with K, M or G (KiB, MiB, GiB).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (num, mult) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 1024),
        Some('M') => (&t[..t.len() - 1], 1024 * 1024),
        Some('G') => (&t[..t.len() - 1], 1024 * 1024 * 1024),
        _ => (t, 1),
    };
    num.trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("'{s}' is not a size: write bytes, or a number with K, M or G"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        crawl: CrawlSettings,
    }

    fn flags(args: &[&str]) -> CrawlSettings {
        let mut all = vec!["cookiescan"];
        all.extend(args);
        Flags::try_parse_from(all).unwrap().crawl
    }

    fn with_url(mut s: CrawlSettings) -> CrawlSettings {
        s.urls = Some(vec!["a.test".into()]);
        s
    }

    #[test]
    fn command_line_wins_field_by_field() {
        let cli = CrawlSettings {
            max_pages: Some(5),
            ..Default::default()
        };
        let file = CrawlSettings {
            max_pages: Some(50),
            concurrency: Some(2),
            urls: Some(vec!["a.test".into()]),
            ..Default::default()
        };
        let merged = cli.or(file);
        assert_eq!((merged.max_pages, merged.concurrency), (Some(5), Some(2)));
        let c = merged.to_crawl_config().unwrap();
        assert_eq!(c.start_urls[0].as_str(), "https://a.test/");
    }

    #[test]
    fn the_same_struct_reads_flags_and_the_file() {
        let f = flags(&[
            "--max-pages",
            "7",
            "--header",
            "X-A: 1",
            "--header",
            "X-B: 2",
            "--no-sitemaps",
            "--ignore-robots",
        ]);
        assert_eq!(f.max_pages, Some(7));
        assert_eq!(f.headers.as_deref().map(<[String]>::len), Some(2));
        assert_eq!((f.sitemaps, f.ignore_robots), (Some(false), Some(true)));
        let none = flags(&[]);
        assert_eq!(none, CrawlSettings::default());
        let file: CrawlSettings =
            toml::from_str("max_pages = 7\nheaders = ['X-A: 1']\nsitemaps = false").unwrap();
        assert_eq!((file.max_pages, file.sitemaps), (Some(7), Some(false)));
        assert!(toml::from_str::<CrawlSettings>("cookies = ['a=b']").is_err());
    }

    #[test]
    fn absurd_numbers_are_one_sentence_errors_not_panics() {
        for args in [
            &["--timeout", "1e20"][..],
            &["--timeout", "0"],
            &["--timeout", "NaN"],
            &["--rate", "1e-20"],
            &["--rate", "inf"],
            &["--per-host-concurrency", "18446744073709551615"],
            &["--concurrency", "0"],
            &["--per-host-concurrency", "0"],
            &["--max-pages", "0"],
            &["--max-body", "0"],
            &["--user-agent", "a\nb"],
            &["--header", "X-Token: a\rb"],
        ] {
            let err = with_url(flags(args)).to_crawl_config().unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with("--"), "{args:?}: {text}");
            assert!(!text.contains('\n'), "{args:?}: {text}");
        }
    }

    #[test]
    fn header_errors_do_not_echo_the_value() {
        let err = with_url(flags(&["--header", "Authorization: Bearer s3cr3t\u{7}"]))
            .to_crawl_config()
            .unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }

    #[test]
    fn sizes_and_urls() {
        assert_eq!(parse_size("10M"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("lots").is_err());
        assert!(parse_start_url("ftp://x/").is_err());
    }
}
