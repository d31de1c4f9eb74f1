//! The manifest of an `--output-dir`: what made the files (tool, database, consent engine,
//! browser, command line, times) and the SHA-256 of every file written, so that
//! `cookiescan verify DIR` can show the folder is as it was written. `manifest.json` holds it,
//! and the JSON report embeds it (the embedded copy cannot hash the file that contains it:
//! see [`Manifest::embedded_in`]).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ToolInfo;

/// Bumped when a field changes meaning or disappears; `verify` refuses other versions.
pub const MANIFEST_VERSION: u32 = 1;
/// The manifest's file name inside the output folder.
pub const MANIFEST_FILE: &str = "manifest.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Manifest {
    pub manifest_version: u32,
    pub tool: ToolInfo,
    /// The known-cookie database and every other data file compiled into the binary.
    pub database: DatabaseInfo,
    /// Browser mode with autoconsent installed: its version and the hash of its rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoconsent: Option<AutoconsentInfo>,
    /// Browser mode: Chromium as it names itself (DevTools `Browser.getVersion`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium: Option<String>,
    /// The command line, secrets redacted (cookie and header values, URL passwords, tokens
    /// in query strings).
    pub command_line: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub started_at: OffsetDateTime,
    /// When the last file was written.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub finished_at: OffsetDateTime,
    /// Every file written in the folder, by path relative to it (`/`-separated), sorted.
    /// `manifest.json` lists all of them; the copy embedded in a JSON report lists all but
    /// the files in `embedded_in`.
    pub files: Vec<FileHash>,
    /// The JSON reports that embed this manifest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embedded_in: Vec<String>,
}

/// One file and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileHash {
    pub path: String,
    pub bytes: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// The data compiled into the binary (`data/**`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DatabaseInfo {
    /// The data ships inside the binary, so its version is the tool's.
    pub version: String,
    /// SHA-256 of the lines `SHA256  PATH\n` of `files`, in order (as `sha256sum` prints
    /// them): one hash that changes when any data file does.
    pub sha256: String,
    pub files: Vec<FileHash>,
}

/// The `@duckduckgo/autoconsent` package a browser scan used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AutoconsentInfo {
    pub version: String,
    /// SHA-256 of its `rules/rules.json`.
    pub rules_sha256: String,
    /// SHA-256 of the bundle injected into pages (`dist/autoconsent.playwright.js`).
    pub bundle_sha256: String,
}
