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
        // Not followed: a link back up the tree would never end. A link is listed as a file.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            files_under(root, &path, out)?;
        } else if let Some(rel) = super::seal::relative(root, &path) {
            out.push(rel);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder holding `a.txt` and a manifest listing it.
    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("a.txt"), "report").unwrap();
        let manifest = serde_json::json!({
            "manifest_version": MANIFEST_VERSION,
            "tool": {"name": "cookiescan", "version": "0"},
            "database": {"version": "0", "sha256": "", "files": []},
            "command_line": ["cookiescan"],
            "started_at": "2026-12-06T13:00:00Z",
            "finished_at": "2026-12-06T13:00:01Z",
            "files": [{"path": "a.txt", "bytes": 6, "sha256": sha256_hex(b"report")}],
        });
        std::fs::write(dir.path().join(MANIFEST_FILE), manifest.to_string()).unwrap();
        dir
    }

    #[test]
    fn an_untouched_folder_verifies() {
        let dir = folder();
        let v = verify(dir.path()).expect("a readable manifest");
        assert!(v.untouched(), "{v:?}");
        assert_eq!(v.checked, 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_back_up_the_folder_is_an_extra_file_not_an_endless_walk() {
        let dir = folder();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let v = verify(dir.path()).expect("a readable manifest");
        assert_eq!(v.extra, ["loop"]);
    }
}
