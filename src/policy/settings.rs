//! From `[scan]` settings (the file's, overridden by the command line's) to a crawl.

use std::time::Duration;

use regex::Regex;
use url::Url;

use super::{PolicyError, ScanSection};
use crate::crawl::{CrawlConfig, Resolve};

impl ScanSection {
    /// Field by field: `self` where set, else `fallback`.
    pub fn or(self, fallback: ScanSection) -> ScanSection {
        ScanSection {
            urls: self.urls.or(fallback.urls),
            scope: self.scope.or(fallback.scope),
            include: self.include.or(fallback.include),
            exclude: self.exclude.or(fallback.exclude),
            max_pages: self.max_pages.or(fallback.max_pages),
            max_depth: self.max_depth.or(fallback.max_depth),
            max_per_pattern: self.max_per_pattern.or(fallback.max_per_pattern),
            concurrency: self.concurrency.or(fallback.concurrency),
            per_host_concurrency: self.per_host_concurrency.or(fallback.per_host_concurrency),
            rate: self.rate.or(fallback.rate),
            timeout: self.timeout.or(fallback.timeout),
            max_body: self.max_body.or(fallback.max_body),
            max_subresources_per_page: self
                .max_subresources_per_page
                .or(fallback.max_subresources_per_page),
            max_subresources: self.max_subresources.or(fallback.max_subresources),
            user_agent: self.user_agent.or(fallback.user_agent),
            headers: self.headers.or(fallback.headers),
            ignore_robots: self.ignore_robots.or(fallback.ignore_robots),
            sitemaps: self.sitemaps.or(fallback.sitemaps),
            resolve: self.resolve.or(fallback.resolve),
            policy: self.policy.or(fallback.policy),
        }
    }

    /// The crawl these settings describe; unset fields keep [`CrawlConfig::default`]'s values.
    pub fn to_crawl_config(&self) -> Result<CrawlConfig, PolicyError> {
        let d = CrawlConfig::default();
        let bad = |s: String| PolicyError::Setting(s);
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
        let regexes = |list: &Option<Vec<String>>, what: &str| -> Result<Vec<Regex>, PolicyError> {
            list.iter()
                .flatten()
                .map(|r| {
                    Regex::new(r)
                        .map_err(|_| bad(format!("{what} '{r}' is not a valid regular expression")))
                })
                .collect()
        };
        let mut headers = Vec::new();
        for h in self.headers.iter().flatten() {
            let (n, v) = h
                .split_once(':')
                .ok_or_else(|| bad(format!("header '{h}' must be written 'Name: value'")))?;
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
        let resolve = self
            .resolve
            .iter()
            .flatten()
            .map(|r| r.parse::<Resolve>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        let timeout = match self.timeout {
            Some(t) if t > 0.0 && t.is_finite() => Duration::from_secs_f64(t),
            Some(_) => return Err(bad("timeout must be a positive number of seconds".into())),
            None => d.timeout,
        };
        if self.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
            return Err(bad(
                "rate must be a positive number of requests per second".into()
            ));
        }
        let max_body = match &self.max_body {
            Some(s) => parse_size(s).map_err(bad)?,
            None => d.max_body,
        };
        Ok(CrawlConfig {
            start_urls,
            scope: self.scope.unwrap_or(d.scope),
            include: regexes(&self.include, "include")?,
            exclude: regexes(&self.exclude, "exclude")?,
            max_pages: self.max_pages.unwrap_or(d.max_pages),
            max_depth: self.max_depth.or(d.max_depth),
            max_per_pattern: self.max_per_pattern.unwrap_or(d.max_per_pattern),
            concurrency: self.concurrency.unwrap_or(d.concurrency).max(1),
            per_host_concurrency: self
                .per_host_concurrency
                .unwrap_or(d.per_host_concurrency)
                .max(1),
            rate: self.rate,
            timeout,
            max_body,
            max_subresources_per_page: self
                .max_subresources_per_page
                .unwrap_or(d.max_subresources_per_page),
            max_subresources: self.max_subresources.unwrap_or(d.max_subresources),
            user_agent: self.user_agent.clone().unwrap_or(d.user_agent.clone()),
            headers,
            respect_robots: !self.ignore_robots.unwrap_or(false),
            use_sitemaps: self.sitemaps.unwrap_or(true),
            resolve,
            ..d
        })
    }
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
    use super::*;

    #[test]
    fn command_line_wins_field_by_field() {
        let cli = ScanSection {
            max_pages: Some(5),
            ..Default::default()
        };
        let file = ScanSection {
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
    fn sizes_and_urls() {
        assert_eq!(parse_size("10M"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("lots").is_err());
        assert!(parse_start_url("ftp://x/").is_err());
    }
}
