//! Browser mode's flags, turned into [`BrowserOptions`] once they are checked.

use std::path::PathBuf;
use std::time::Duration;

use super::ConfigError;
use crate::browser::{BrowserOptions, ConsentMode};

/// Most tabs at once: each is a renderer process of a few hundred MB.
const MAX_TABS: usize = 32;
/// Longest settle time after a page's load event: ten minutes.
const MAX_SETTLE_MS: u64 = 600_000;

#[derive(Debug, Clone, clap::Args)]
pub struct BrowserSettings {
    /// Visit pages in headless Chromium: cookies a real browser stores, set by scripts too.
    #[arg(long)]
    pub browser: bool,
    /// The Chromium binary [default: chromium, chromium-browser or google-chrome on PATH].
    #[arg(long, value_name = "PATH")]
    pub chrome: Option<PathBuf>,
    /// Tabs visiting pages at once in browser mode.
    #[arg(long, default_value_t = 2)]
    pub browser_tabs: usize,
    /// Milliseconds to wait after each page's load event, for late scripts.
    #[arg(long, default_value_t = 500)]
    pub settle_ms: u64,
    /// Consent passes in browser mode: none, reject, accept, withdraw, or all four (each on a fresh profile).
    #[arg(long, value_enum, default_value = "none")]
    pub consent: ConsentMode,
    /// The @duckduckgo/autoconsent package directory [default: $COOKIESCAN_AUTOCONSENT, then local and global npm installs].
    #[arg(long, value_name = "PATH")]
    pub autoconsent: Option<PathBuf>,
    /// Accept invalid TLS certificates (like curl -k), in both modes.
    #[arg(long)]
    pub insecure: bool,
    /// No banner screenshots in browser mode (the HTML report and --output-dir get none).
    #[arg(long)]
    pub no_screenshots: bool,
}

/// The flags' defaults, for scans that take no browser flags (a batch's sites).
impl Default for BrowserSettings {
    fn default() -> Self {
        BrowserSettings {
            browser: false,
            chrome: None,
            browser_tabs: 2,
            settle_ms: 500,
            consent: ConsentMode::None,
            autoconsent: None,
            insecure: false,
            no_screenshots: false,
        }
    }
}

impl BrowserSettings {
    /// The browser options when `--browser` is on; `user_agent` is `--user-agent`, if given.
    pub fn options(&self, user_agent: Option<&str>) -> Result<Option<BrowserOptions>, ConfigError> {
        if !(1..=MAX_TABS).contains(&self.browser_tabs) {
            return Err(ConfigError::Setting(format!(
                "--browser-tabs {} is out of range: give 1 to {MAX_TABS} tabs",
                self.browser_tabs
            )));
        }
        if self.settle_ms > MAX_SETTLE_MS {
            return Err(ConfigError::Setting(format!(
                "--settle-ms {} is out of range: give at most {MAX_SETTLE_MS} ms",
                self.settle_ms
            )));
        }
        let mut o = BrowserOptions {
            chrome: self.chrome.clone(),
            tabs: self.browser_tabs,
            settle: Duration::from_millis(self.settle_ms),
            consent: self.consent,
            autoconsent: self.autoconsent.clone(),
            insecure: self.insecure,
            screenshots: !self.no_screenshots,
            ..Default::default()
        };
        if let Some(ua) = user_agent {
            o.user_agent = ua.to_string();
        }
        Ok(self.browser.then_some(o))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        browser: BrowserSettings,
    }

    #[test]
    fn default_matches_the_flags_defaults() {
        let parsed = Cli::try_parse_from(["cookiescan"]).unwrap().browser;
        let d = BrowserSettings::default();
        assert_eq!(
            (
                parsed.browser,
                parsed.browser_tabs,
                parsed.settle_ms,
                parsed.consent,
                parsed.insecure
            ),
            (
                d.browser,
                d.browser_tabs,
                d.settle_ms,
                d.consent,
                d.insecure
            )
        );
    }
}
