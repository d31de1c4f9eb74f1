//! Evidence anyone can check: with `--output-dir`, the banner screenshots as files and a
//! manifest (`manifest.json`, also embedded in the JSON report) recording what made the files
//! and the SHA-256 of each; [`verify`] checks a folder against it later.
mod data_files;
mod redact;
mod seal;
mod verify;

pub use data_files::{database, DATA_FILES};
pub use redact::{redact_command_line, REDACTED};
pub use seal::{seal, Sealing};
pub use verify::{verify, Verified};

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("{0} is not a folder: give the --output-dir of a scan")]
    NoFolder(String),
    #[error("bad manifest {path}: {detail}; give the folder a scan wrote with --output-dir")]
    BadManifest { path: String, detail: String },
    #[error("could not read {path}: {detail}; check it is readable")]
    Read { path: String, detail: String },
}

impl EvidenceError {
    /// Every one of these means the folder cannot be checked at all, not that it was changed.
    pub fn exit_code(&self) -> crate::exit_codes::ExitCode {
        crate::exit_codes::ExitCode::Usage
    }
}
