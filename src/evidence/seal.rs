//! What `--output-dir` gets after the reports: the screenshots as PNG files, then the manifest,
//! which hashes every file written in the folder (whoever wrote it) and is embedded in the JSON
//! report.
//!
//! A JSON report cannot hold its own hash, so the copy embedded in it lists every other file
//! and names the JSON reports in `embedded_in`; `manifest.json` lists them all. The JSON
//! reports are written a second time, with the manifest in them, before they are hashed.

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::redact::redact_command_line;
use crate::browser::consent::autoconsent::Autoconsent;
use crate::browser::BrowserOptions;
use crate::digest::sha256_hex;
use crate::report::{
    AutoconsentInfo, FileHash, Format, Manifest, OutputPlan, Report, ReportError, Target, ToolInfo,
    MANIFEST_FILE, MANIFEST_VERSION,
};

/// What the manifest records besides the files.
pub struct Sealing<'a> {
    pub outputs: &'a OutputPlan,
    /// Browser mode's options (for autoconsent's version and rules).
    pub browser: Option<&'a BrowserOptions>,
    /// The process's arguments, program first, not yet redacted.
    pub command_line: &'a [String],
    pub started_at: OffsetDateTime,
}

/// With `--output-dir`: writes the screenshots, embeds the manifest in the JSON reports,
/// writes `manifest.json`; every file is added to `written`. Call it after everything else
/// that writes into the folder, so the manifest hashes it.
pub fn seal(
    s: &Sealing,
    report: &mut Report,
    written: &mut Vec<PathBuf>,
) -> Result<(), ReportError> {
    let Some(dir) = s.outputs.dir() else {
        return Ok(());
    };
    written.extend(write_screenshots(dir, report)?);
    let json: Vec<&Path> = s
        .outputs
        .outputs()
        .iter()
        .filter_map(|(f, t)| match t {
            Target::File(p) if *f == Format::Json => Some(p.as_path()),
            _ => None,
        })
        .collect();
    let embedded_in: Vec<String> = json.iter().filter_map(|p| relative(dir, p)).collect();
    let mut manifest = Manifest {
        manifest_version: MANIFEST_VERSION,
        tool: ToolInfo {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        database: super::data_files::database(),
        autoconsent: s
            .browser
            .and_then(|b| autoconsent(b.autoconsent.as_deref())),
        chromium: report
            .consent
            .as_ref()
            .map(|c| c.browser.clone())
            .filter(|b| !b.is_empty()),
        command_line: redact_command_line(s.command_line),
        started_at: s.started_at,
        finished_at: OffsetDateTime::now_utc(),
        files: hash_files(dir, written.iter().filter(|p| !json.contains(&p.as_path())))?,
        embedded_in,
    };
    report.manifest = Some(manifest.clone());
    let bytes = Format::Json.exporter().render(report)?;
    for path in &json {
        std::fs::write(path, &bytes).map_err(|e| write_error(path, &e))?;
    }
    manifest.files = hash_files(dir, written.iter())?;
    let mut text =
        serde_json::to_vec_pretty(&manifest).map_err(|e| ReportError::Serialise(e.to_string()))?;
    text.push(b'\n');
    let path = dir.join(MANIFEST_FILE);
    std::fs::write(&path, &text).map_err(|e| write_error(&path, &e))?;
    written.push(path);
    Ok(())
}

/// `screenshots/PASS-MOMENT.png` for each screenshot the report carries.
fn write_screenshots(dir: &Path, report: &Report) -> Result<Vec<PathBuf>, ReportError> {
    let shots = report.consent.iter().flat_map(|c| &c.screenshots);
    let mut written = Vec::new();
    for shot in shots.filter(|s| !s.png.is_empty()) {
        let path = dir.join(&shot.file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write_error(parent, &e))?;
        }
        std::fs::write(&path, &shot.png).map_err(|e| write_error(&path, &e))?;
        written.push(path);
    }
    Ok(written)
}

/// The hashes of the files inside `dir`, read back from disk, sorted by path; files written
/// elsewhere (`-o` outside the folder) are not listed, since `verify DIR` cannot see them.
fn hash_files<'p>(
    dir: &Path,
    paths: impl Iterator<Item = &'p PathBuf>,
) -> Result<Vec<FileHash>, ReportError> {
    let mut out: Vec<FileHash> = Vec::new();
    for path in paths {
        let Some(rel) = relative(dir, path) else {
            continue;
        };
        let bytes = std::fs::read(path).map_err(|e| ReportError::Write {
            path: path.display().to_string(),
            detail: format!("{e}; it was just written, so check nothing else removed it"),
        })?;
        out.push(FileHash {
            path: rel,
            bytes: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

/// `path` relative to `dir`, `/`-separated; None when it lies outside.
pub(super) fn relative(dir: &Path, path: &Path) -> Option<String> {
    let rel = match path.strip_prefix(dir) {
        Ok(r) => r.to_path_buf(),
        Err(_) => {
            let (d, p) = (dir.canonicalize().ok()?, path.canonicalize().ok()?);
            p.strip_prefix(d).ok()?.to_path_buf()
        }
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The autoconsent package the scan found, hashed; None when it is not installed (the scan
/// then used the text rules, which `database` covers).
fn autoconsent(explicit: Option<&Path>) -> Option<AutoconsentInfo> {
    let found = Autoconsent::find(explicit).ok()?;
    let hash = |rel: &str| {
        std::fs::read(found.dir.join(rel))
            .ok()
            .map(|b| sha256_hex(&b))
    };
    Some(AutoconsentInfo {
        version: found.version.clone(),
        rules_sha256: hash("rules/rules.json")?,
        bundle_sha256: hash("dist/autoconsent.playwright.js")?,
    })
}

fn write_error(path: &Path, e: &std::io::Error) -> ReportError {
    ReportError::Write {
        path: path.display().to_string(),
        detail: format!("{e}; check the folder is writable"),
    }
}
