//! Flags + `cookiescan.toml` → everything one scan needs. The command line and `batch` both
//! call [`ScanSetup::build`], so a setting means the same thing wherever it is given.

use super::{BrowserSettings, Config, ConfigError, CrawlSettings};
use crate::browser::BrowserOptions;
use crate::compliance::{ComplianceSettings, FailOn};
use crate::crawl::{parse_cookie_file, CrawlConfig, UserCookie};
use crate::policy::Policy;

/// What the command line says about one scan (all optional but the browser switches).
#[derive(Debug, Clone)]
pub struct ScanFlags {
    /// Crawl flags; `urls` holds the positional start URLs.
    pub crawl: CrawlSettings,
    pub browser: BrowserSettings,
    /// `--policy` sources; they replace the file's `[scan] policy`.
    pub policies: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub include_values: bool,
}

/// Everything a scan needs, checked.
#[derive(Debug, Clone)]
pub struct ScanSetup {
    pub crawl: CrawlConfig,
    pub browser: Option<BrowserOptions>,
    /// The config file's own declarations and ignores.
    pub policy: Policy,
    /// Policy documents (files or URLs) to read more declarations from.
    pub policy_sources: Vec<String>,
    pub rules: ComplianceSettings,
    pub fail_on: FailOn,
}

impl ScanSetup {
    /// The declared policy: the config file's, with the `--policy` documents read into it,
    /// and the notes reading them gave. Without documents nothing is read.
    pub async fn read_policy(
        &self,
        kb: &crate::knowledge::KnowledgeBase,
    ) -> Result<(Policy, Vec<String>), crate::policy::PolicyError> {
        if self.policy_sources.is_empty() {
            return Ok((self.policy.clone(), Vec::new()));
        }
        self.policy
            .clone()
            .with_documents(&self.policy_sources, &self.crawl, kb)
            .await
    }

    /// Flags over the file's `[scan]`, field by field; `default_fail_on` applies when neither
    /// names one.
    pub fn build(
        flags: &ScanFlags,
        config: &Config,
        default_fail_on: FailOn,
    ) -> Result<ScanSetup, ConfigError> {
        let mut crawl = flags
            .crawl
            .clone()
            .or(config.scan.clone())
            .to_crawl_config()?;
        crawl.cookies = user_cookies(&flags.crawl)?;
        ScanSetup::for_crawl(crawl, flags, config, default_fail_on)
    }

    /// The same, around a crawl configured elsewhere (the demo's, a batch site's).
    pub fn for_crawl(
        mut crawl: CrawlConfig,
        flags: &ScanFlags,
        config: &Config,
        default_fail_on: FailOn,
    ) -> Result<ScanSetup, ConfigError> {
        crawl.include_values |= flags.include_values;
        crawl.insecure |= flags.browser.insecure;
        let mut rules = ComplianceSettings::default();
        rules
            .max_lifetime_days
            .extend(config.compliance.max_lifetime_days.clone());
        Ok(ScanSetup {
            browser: flags.browser.options(flags.crawl.user_agent.as_deref())?,
            policy: config.policy(),
            policy_sources: if flags.policies.is_empty() {
                config.scan.policy.iter().cloned().collect()
            } else {
                flags.policies.clone()
            },
            rules,
            fail_on: flags
                .fail_on
                .or(config.compliance.fail_on)
                .unwrap_or(default_fail_on),
            crawl,
        })
    }
}

/// `--cookie NAME=VALUE` and `--cookie-file`. A malformed `--cookie` is named without its
/// value: cookie values are secrets.
fn user_cookies(flags: &CrawlSettings) -> Result<Vec<UserCookie>, ConfigError> {
    let mut cookies = Vec::new();
    for c in flags.cookies.iter().flatten() {
        let (n, v) = c.split_once('=').ok_or_else(|| {
            ConfigError::Setting(
                "--cookie must be written NAME=VALUE (one was given without '=')".into(),
            )
        })?;
        cookies.push(UserCookie::new(n.trim(), v));
    }
    if let Some(path) = &flags.cookie_file {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            origin: format!("the cookie file {}", path.display()),
            detail: format!("{e}; check the path given with --cookie-file"),
        })?;
        let parsed = parse_cookie_file(&text)
            .map_err(|e| ConfigError::Setting(format!("cookie file {}: {e}", path.display())))?;
        cookies.extend(parsed);
    }
    Ok(cookies)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        crawl: CrawlSettings,
        #[command(flatten)]
        browser: BrowserSettings,
    }

    fn flags(args: &[&str]) -> ScanFlags {
        let cli =
            Cli::try_parse_from(std::iter::once("cookiescan").chain(args.iter().copied())).unwrap();
        ScanFlags {
            crawl: cli.crawl,
            browser: cli.browser,
            policies: Vec::new(),
            fail_on: None,
            include_values: false,
        }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let config = Config::parse(
            "[scan]\nurls = ['a.test']\nmax_pages = 9\nconcurrency = 3\npolicy = 'p.md'\n[compliance]\nfail_on = 'warning'\n",
            "cookiescan.toml",
        )
        .unwrap();
        let setup =
            ScanSetup::build(&flags(&["--max-pages", "2"]), &config, FailOn::Error).unwrap();
        assert_eq!((setup.crawl.max_pages, setup.crawl.concurrency), (2, 3));
        assert_eq!(setup.policy_sources, vec!["p.md".to_string()]);
        assert_eq!(setup.fail_on, FailOn::Warning);
        assert!(setup.browser.is_none());
    }

    #[test]
    fn browser_options_follow_the_flags() {
        let mut f = flags(&[
            "--browser",
            "--browser-tabs",
            "3",
            "--insecure",
            "--user-agent",
            "UA/1",
        ]);
        f.crawl.urls = Some(vec!["a.test".into()]);
        let setup = ScanSetup::build(&f, &Config::default(), FailOn::Never).unwrap();
        let b = setup.browser.unwrap();
        assert_eq!(
            (b.tabs, b.insecure, b.user_agent.as_str()),
            (3, true, "UA/1")
        );
        assert!(setup.crawl.insecure);
        assert_eq!(setup.fail_on, FailOn::Never);
        f.browser.browser_tabs = 0;
        assert!(ScanSetup::build(&f, &Config::default(), FailOn::Never).is_err());
    }

    #[test]
    fn a_bad_cookie_flag_does_not_echo_its_value() {
        let mut f = flags(&["--cookie", "s3cr3t-without-equals"]);
        f.crawl.urls = Some(vec!["a.test".into()]);
        let err = ScanSetup::build(&f, &Config::default(), FailOn::Error).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }
}
