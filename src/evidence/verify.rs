//! `cookiescan verify DIR`: hashes the folder again and compares it with its `manifest.json`.

use std::path::{Component, Path, PathBuf};

use super::EvidenceError;
use crate::digest::sha256_hex;
use crate::report::{Manifest, MANIFEST_FILE, MANIFEST_VERSION};

/// What differs from the manifest; all empty when the folder is untouched.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verified {
    /// Files listed in the manifest and present in the folder.
    pub checked: usize,
    /// Listed, present, with other contents.
    pub changed: Vec<String>,
    /// Listed, absent.
    pub missing: Vec<String>,
    /// Present in the folder, not listed.
    pub extra: Vec<String>,
    /// SHA-256 of `manifest.json` itself, to compare with a hash sent separately.
    pub manifest_sha256: String,
}

impl Verified {
    pub fn untouched(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Reads `DIR/manifest.json` and checks every file it lists, and that no other file is there.
pub fn verify(dir: &Path) -> Result<Verified, EvidenceError> {
    let path = dir.join(MANIFEST_FILE);
    let bad = |detail: String| EvidenceError::BadManifest {
        path: path.display().to_string(),
        detail,
    };
    if !dir.is_dir() {
        return Err(EvidenceError::NoFolder(dir.display().to_string()));
    }
    let text = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| bad(format!("it is not a cookiescan manifest ({e})")))?;
    if manifest.manifest_version != MANIFEST_VERSION {
        return Err(bad(format!(
            "manifest_version {} is not {MANIFEST_VERSION}, the one this cookiescan reads",
            manifest.manifest_version
        )));
    }
    let mut out = Verified {
        manifest_sha256: sha256_hex(&text),
        ..Verified::default()
    };
    for f in &manifest.files {
        let file = dir.join(
            safe_relative(&f.path)
                .ok_or_else(|| bad(format!("it lists {:?}, a path outside the folder", f.path)))?,
        );
        match std::fs::read(&file) {
            Ok(bytes) if sha256_hex(&bytes) == f.sha256.to_ascii_lowercase() => out.checked += 1,
            Ok(_) => {
                out.checked += 1;
                out.changed.push(f.path.clone());
            }
            Err(_) => out.missing.push(f.path.clone()),
        }
    }
    let mut present = Vec::new();
    files_under(dir, dir, &mut present)?;
    out.extra = present
        .into_iter()
        .filter(|p| p != MANIFEST_FILE && !manifest.files.iter().any(|f| f.path == *p))
        .collect();
    out.extra.sort();
    Ok(out)
}

/// A manifest path as a relative path that stays inside the folder.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
        .filter(|p| !p.as_os_str().is_empty())
}

fn files_under(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), EvidenceError> {
    let entries = std::fs::read_dir(dir).map_err(|e| EvidenceError::Read {
        path: dir.display().to_string(),
        detail: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(root, &path, out)?;
        } else if let Some(rel) = super::seal::relative(root, &path) {
            out.push(rel);
        }
    }
    Ok(())
}
