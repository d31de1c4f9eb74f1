//! Browser mode (`--browser`): headless Chromium driven over the DevTools protocol sees what a
//! real visitor's browser stores, before a consent choice, after reject and after accept.
//! It yields the same plain data as `crawl/` (pages, observations with source `browser`), so
//! every later stage works unchanged.
mod capture;
mod cdp;
pub mod consent;
mod har;
mod launch;
mod pass;
mod revisit;
mod run;
mod screenshot;
mod signals;
mod storage;
mod tab;
mod tabs;
mod withdraw;

use std::path::PathBuf;
use std::time::Duration;

/// The consent passes to run: a browser option, defined with the consent report it produces.
pub use crate::observe::ConsentMode;

pub use launch::find_chrome;
pub use run::{browse, Browsed};

/// Settings of browser mode (the crawl limits come from `CrawlConfig`).
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// `--chrome PATH`; None: look on PATH.
    pub chrome: Option<PathBuf>,
    /// Tabs visiting pages at once.
    pub tabs: usize,
    /// Extra wait after the load event, for late scripts.
    pub settle: Duration,
    pub user_agent: String,
    pub consent: ConsentMode,
    /// `--autoconsent PATH` (the package directory or its `dist/autoconsent.playwright.js`).
    pub autoconsent: Option<PathBuf>,
    /// Accept invalid TLS certificates (`--insecure`).
    pub insecure: bool,
    /// Save each pass's page when its banner was found and after its choice
    /// (`--no-screenshots` turns it off).
    pub screenshots: bool,
}

/// A browser-like user agent: sites and consent libraries hide banners from bots.
pub const BROWSER_USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

impl Default for BrowserOptions {
    fn default() -> Self {
        BrowserOptions {
            chrome: None,
            tabs: 2,
            settle: Duration::from_millis(500),
            user_agent: BROWSER_USER_AGENT.to_string(),
            consent: ConsentMode::None,
            autoconsent: None,
            insecure: false,
            screenshots: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("no Chromium found ({0}); install the Debian package `chromium` (apt-get install chromium) or pass --chrome PATH")]
    NoChrome(String),
    #[error("the browser could not start: {0}")]
    Launch(String),
    #[error("the browser stopped answering: {0}")]
    Protocol(String),
    #[error("{0}")]
    Crawl(#[from] crate::crawl::CrawlError),
}

impl BrowserError {
    /// A missing or broken browser is the machine's problem, not the command line's.
    pub fn exit_code(&self) -> crate::exit_codes::ExitCode {
        match self {
            BrowserError::Crawl(c) => c.exit_code(),
            _ => crate::exit_codes::ExitCode::ScanFailed,
        }
    }
}
