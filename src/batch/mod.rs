//! `cookiescan batch`: many sites into one queryable store, resumable, sharded across
//! machines or shared through one PostgreSQL.
//!
//! - [`input`] reads the site list (lines or CSV), with every bad line numbered;
//! - [`shard`] picks this machine's part of the list;
//! - [`store`] keeps the work queue and the results (SQLite or PostgreSQL, one SQL schema);
//! - [`runner`] scans claimed sites with [`crate::scan::scan`], several at once;
//! - [`summary`] writes `summary.csv` and `index.html` over every site;
//! - [`merge`] folds shard stores into one.
pub mod input;
pub mod merge;
pub mod runner;
pub mod shard;
pub mod store;
pub mod summary;

pub use input::{read_list, BadLine, SiteList, Target};
pub use merge::{merge, MergeCounts};
pub use runner::{run, BatchEvents, BatchSettings, SiteResult, Totals};
pub use shard::Shard;
pub use store::{Backend, Store};
pub use summary::{summary_names, write_summary, SiteRow};

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("could not open the store {store}: {detail}")]
    Open { store: String, detail: String },
    #[error("the store {store} failed: {detail}")]
    Database { store: String, detail: String },
    #[error("the store {store} has schema version {found}, this cookiescan writes version {}: use a new file", store::SCHEMA_VERSION)]
    Schema { store: String, found: String },
    #[error("could not write {path}: {detail}")]
    Write { path: String, detail: String },
    #[error("the report of {site} in {store} cannot be read: {detail}")]
    BadReport {
        site: String,
        store: String,
        detail: String,
    },
}

impl BatchError {
    pub fn exit_code(&self) -> crate::exit_codes::ExitCode {
        use crate::exit_codes::ExitCode;
        match self {
            BatchError::Schema { .. } | BatchError::BadReport { .. } => ExitCode::Usage,
            _ => ExitCode::ScanFailed,
        }
    }
}

impl BatchError {
    fn open(location: &str, e: &sqlx::Error) -> BatchError {
        let not_sqlite =
            matches!(e, sqlx::Error::Database(d) if d.message().contains("not a database"));
        let hint = if location.starts_with("postgres") {
            "check the URL, that the server runs and accepts this user"
        } else if not_sqlite {
            "it is not a SQLite file: give a new file name or a store a batch wrote"
        } else {
            "check the folder exists and is writable"
        };
        BatchError::Open {
            store: store::redact(location),
            detail: format!("{e}; {hint}"),
        }
    }
}
