//! Every error the library returns, gathered for the edge of `main`. Each module's error type
//! knows its own exit code; this enum only forwards to it, so no caller guesses a code by
//! looking inside an error.

use crate::batch::BatchError;
use crate::browser::BrowserError;
use crate::config::ConfigError;
use crate::crawl::CrawlError;
use crate::evidence::EvidenceError;
use crate::exit_codes::ExitCode;
use crate::knowledge::KnowledgeError;
use crate::policy::PolicyError;
use crate::report::ReportError;
use crate::scan::ScanError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Crawl(#[from] CrawlError),
    #[error(transparent)]
    Browser(#[from] BrowserError),
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    /// The command line asks for something it cannot have (one sentence, exit code 2).
    #[error("{0}")]
    Usage(String),
    /// A file given on the command line could not be read, or a file we make could not be
    /// written (one sentence naming it).
    #[error("{message}")]
    File { message: String, code: ExitCode },
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Config(e) => e.exit_code(),
            Error::Policy(e) => e.exit_code(),
            Error::Crawl(e) => e.exit_code(),
            Error::Browser(e) => e.exit_code(),
            Error::Knowledge(e) => e.exit_code(),
            Error::Report(e) => e.exit_code(),
            Error::Batch(e) => e.exit_code(),
            Error::Scan(e) => e.exit_code(),
            Error::Evidence(e) => e.exit_code(),
            Error::Usage(_) => ExitCode::Usage,
            Error::File { code, .. } => *code,
        }
    }
}
