//! A whole scan: [`pipeline`] runs crawl (or browser) → observe → classify → compare with the
//! policy → report; [`job`] takes a checked [`crate::config::ScanSetup`] to a written report and
//! its exit code, for the command line; [`preload`] loads the knowledge base while the crawl runs.
pub mod job;
pub mod pipeline;
pub mod preload;

pub use job::{run, Job, Outcome};
pub use pipeline::{finish, scan, scan_in_browser, visit, Crawled};
pub use preload::Preload;

use crate::browser::BrowserError;
use crate::crawl::CrawlError;
use crate::exit_codes::ExitCode;
use crate::policy::PolicyError;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Crawl(#[from] CrawlError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Browser(#[from] BrowserError),
}

impl ScanError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            ScanError::Crawl(e) => e.exit_code(),
            ScanError::Policy(e) => e.exit_code(),
            ScanError::Browser(e) => e.exit_code(),
        }
    }
}
