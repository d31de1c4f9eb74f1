//! Evidence anyone can replay: HAR 1.2 files. [`write`] saves what a scan saw (`--har FILE`,
//! from the [`crate::observe::Exchange`]s the crawl or the browser recorded); [`read`] and
//! [`import`] turn a HAR (ours, or one recorded by hand in Chrome or Firefox DevTools) into
//! the crawl's plain data, so `cookiescan analyze` runs the same pipeline on it.
mod export;
mod import;
mod model;
mod redact;

pub use export::to_har;
pub use import::{import, Imported};
pub use model::Har;
pub use redact::REDACTED;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::exit_codes::ExitCode;
use crate::observe::Exchange;

/// The largest HAR `analyze` reads. DevTools exports with bodies run to tens of megabytes;
/// parsing holds several times the file in memory.
pub const MAX_HAR_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum HarError {
    #[error("could not read the HAR file {path}: {detail}; check the path")]
    Read { path: PathBuf, detail: String },
    #[error("the HAR file {path} is {size} bytes, over the {MAX_HAR_BYTES}-byte limit: export fewer pages, or without response bodies")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{path} is not a HAR file ({detail}): export one from the browser's DevTools (Network tab, \"Save all as HAR\") or with cookiescan scan --har")]
    NotHar { path: PathBuf, detail: String },
    #[error("the HAR file {path} holds no http(s) request: record the visit again with the Network tab open")]
    Empty { path: PathBuf },
    #[error("--har {path} cannot be written ({detail}): name a file in an existing folder")]
    Path { path: PathBuf, detail: String },
    #[error("could not write the HAR file {path}: {detail}")]
    Write { path: PathBuf, detail: String },
}

impl HarError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            HarError::Write { .. } => ExitCode::ScanFailed,
            _ => ExitCode::Usage,
        }
    }
}

impl From<HarError> for crate::Error {
    fn from(e: HarError) -> crate::Error {
        crate::Error::File {
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

/// Reads and checks a HAR file, within [`MAX_HAR_BYTES`].
pub fn read(path: &Path) -> Result<Har, HarError> {
    let read_err = |e: std::io::Error| HarError::Read {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > MAX_HAR_BYTES {
        return Err(HarError::TooLarge {
            path: path.to_owned(),
            size,
        });
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    // A BOM is what some Windows tools put first.
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    serde_json::from_slice(text).map_err(|e| HarError::NotHar {
        path: path.to_owned(),
        detail: e.to_string(),
    })
}

/// Reads a HAR file into what a crawl would have reported.
pub fn load(path: &Path, keep_values: bool) -> Result<Imported, HarError> {
    let har = read(path)?;
    import(&har, keep_values).ok_or_else(|| HarError::Empty {
        path: path.to_owned(),
    })
}

/// Fails before a long scan when the HAR could not be written: its folder does not exist,
/// or it names a folder.
pub fn check_path(path: &Path) -> Result<(), HarError> {
    let usage = |detail: &str| HarError::Path {
        path: path.to_owned(),
        detail: detail.to_owned(),
    };
    if path.is_dir() {
        return Err(usage("it is a folder"));
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            Err(usage("its folder does not exist"))
        }
        _ => Ok(()),
    }
}

/// Writes the HAR of `exchanges` to `path`; values are redacted unless `include_values`.
/// `user_cookies` names the cookies given with `--cookie` or `--cookie-file`.
pub fn write(
    path: &Path,
    exchanges: &[Exchange],
    include_values: bool,
    user_cookies: &[String],
) -> Result<(), HarError> {
    let err = |detail: String| HarError::Write {
        path: path.to_owned(),
        detail,
    };
    let har = to_har(exchanges, include_values, user_cookies);
    let file = std::fs::File::create(path).map_err(|e| err(e.to_string()))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, &har).map_err(|e| err(e.to_string()))?;
    w.write_all(b"\n")
        .and_then(|()| w.flush())
        .map_err(|e| err(e.to_string()))
}
