//! Everything a scan is told: the command line's flags and `cookiescan.toml`, merged once
//! (flags win field by field) into a [`ScanSetup`]: crawl settings, browser options, policy
//! sources, rule settings and `--fail-on`. `scan` and `batch` both build theirs here.
mod browser;
mod builder;
mod file;
mod settings;

pub use browser::BrowserSettings;
pub use builder::{ScanFlags, ScanSetup};
pub use file::{ComplianceSection, Config, OutputSection, CONFIG_FILE};
pub use settings::{parse_size, parse_start_url, CrawlSettings};

use crate::exit_codes::ExitCode;

/// A setting or config file that cannot be used: exit code 2, one sentence naming the input.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read {origin}: {detail}")]
    Io { origin: String, detail: String },
    #[error("{origin} line {line}: {detail}")]
    File {
        origin: String,
        line: usize,
        detail: String,
    },
    #[error("{0}")]
    Setting(String),
}

impl ConfigError {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::Usage
    }
}
