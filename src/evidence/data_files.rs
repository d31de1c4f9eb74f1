//! The data files compiled into the binary, hashed for the manifest. A unit test checks this
//! list against `data/**`, so a new data file cannot be left out of the hash.

use crate::digest::sha256_hex;
use crate::report::{DatabaseInfo, FileHash};

/// Every file under `data/`, `(path in the repository, contents)`, sorted by path.
pub const DATA_FILES: &[(&str, &[u8])] = &[
    (
        "data/categories.toml",
        include_bytes!("../../data/categories.toml"),
    ),
    (
        "data/consent_buttons.toml",
        include_bytes!("../../data/consent_buttons.toml"),
    ),
    (
        "data/consent_gating.toml",
        include_bytes!("../../data/consent_gating.toml"),
    ),
    (
        "data/consent_mode.toml",
        include_bytes!("../../data/consent_mode.toml"),
    ),
    (
        "data/cookies/analytics.toml",
        include_bytes!("../../data/cookies/analytics.toml"),
    ),
    (
        "data/cookies/consent.toml",
        include_bytes!("../../data/cookies/consent.toml"),
    ),
    (
        "data/cookies/frameworks.toml",
        include_bytes!("../../data/cookies/frameworks.toml"),
    ),
    (
        "data/cookies/infrastructure.toml",
        include_bytes!("../../data/cookies/infrastructure.toml"),
    ),
    (
        "data/cookies/marketing.toml",
        include_bytes!("../../data/cookies/marketing.toml"),
    ),
    (
        "data/cookies/support_video.toml",
        include_bytes!("../../data/cookies/support_video.toml"),
    ),
    (
        "data/declare/de.toml",
        include_bytes!("../../data/declare/de.toml"),
    ),
    (
        "data/declare/en.toml",
        include_bytes!("../../data/declare/en.toml"),
    ),
    (
        "data/declare/es.toml",
        include_bytes!("../../data/declare/es.toml"),
    ),
    (
        "data/declare/fr.toml",
        include_bytes!("../../data/declare/fr.toml"),
    ),
    (
        "data/declare/it.toml",
        include_bytes!("../../data/declare/it.toml"),
    ),
    (
        "data/declare/nl.toml",
        include_bytes!("../../data/declare/nl.toml"),
    ),
    (
        "data/heuristics.toml",
        include_bytes!("../../data/heuristics.toml"),
    ),
    (
        "data/purposes/fr.toml",
        include_bytes!("../../data/purposes/fr.toml"),
    ),
    ("data/rules.toml", include_bytes!("../../data/rules.toml")),
    (
        "data/signatures.toml",
        include_bytes!("../../data/signatures.toml"),
    ),
    (
        "data/withdrawal.toml",
        include_bytes!("../../data/withdrawal.toml"),
    ),
];

/// The built-in data as the manifest records it.
pub fn database() -> DatabaseInfo {
    let files: Vec<FileHash> = DATA_FILES
        .iter()
        .map(|(path, bytes)| FileHash {
            path: (*path).to_owned(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
        .collect();
    let listing: String = files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect();
    DatabaseInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        sha256: sha256_hex(listing.as_bytes()),
        files,
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("data/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_data_file_is_compiled_in_and_hashed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        files_under(&root.join("data"), &mut found);
        let mut on_disk: Vec<String> = found
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .expect("under the checkout")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = DATA_FILES.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            listed, on_disk,
            "src/evidence/data_files.rs must list every file under data/, sorted"
        );
        for (path, bytes) in DATA_FILES {
            assert_eq!(
                std::fs::read(root.join(path)).expect("readable"),
                *bytes,
                "{path}"
            );
        }
    }

    #[test]
    fn the_database_hash_is_the_hash_of_its_listing() {
        let db = database();
        assert_eq!(db.files.len(), DATA_FILES.len());
        let listing: String = db
            .files
            .iter()
            .map(|f| format!("{}  {}\n", f.sha256, f.path))
            .collect();
        assert_eq!(db.sha256, sha256_hex(listing.as_bytes()));
        assert_eq!(db.files[0].sha256.len(), 64);
    }
}
