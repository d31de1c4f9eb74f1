//! Checks over EVERY built-in entry. They report all problems at once, with file and line, so
//! that new data files can be fixed in one pass.

use std::collections::HashMap;
use std::path::Path;

use super::*;

const CANONICAL_CATEGORIES: [&str; 5] = [
    "necessary",
    "functional",
    "analytics",
    "marketing",
    "unclassified",
];

fn fail_if_any(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problem(s) in the built-in data:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_data_file_is_compiled_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cookies");
    let listed: Vec<&str> = BUILTIN_FILES.iter().map(|(p, _)| *p).collect();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && !listed.contains(&format!("data/cookies/{name}").as_str()) {
            problems.push(format!(
                "data/cookies/{name} is not in BUILTIN_FILES (src/knowledge/mod.rs)"
            ));
        }
    }
    for (path, text) in BUILTIN_FILES {
        let on_disk = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .unwrap_or_default();
        if on_disk != *text {
            problems.push(format!(
                "{path}: embedded text differs from the file on disk"
            ));
        }
    }
    fail_if_any(problems);
}

#[test]
fn builtin_loads_strictly() {
    if let Err(e) = KnowledgeBase::builtin() {
        panic!("{e}");
    }
}

#[test]
fn every_builtin_entry_is_valid() {
    let kb = KnowledgeBase::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    // Raw category words must be the canonical ones (synonyms are for user files).
    for (path, text) in BUILTIN_FILES {
        let raw: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let cookies = raw
            .get("cookie")
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        for c in cookies {
            let name = c.get("name").and_then(|v| v.as_str()).unwrap_or("?");
            let cat = c.get("category").and_then(|v| v.as_str()).unwrap_or("");
            if !CANONICAL_CATEGORIES.contains(&cat) {
                problems.push(format!(
                    "{path}: '{name}': category '{cat}' is not one of {CANONICAL_CATEGORIES:?}"
                ));
            }
        }
    }
    let mut seen: HashMap<(String, PatternKind, Vec<String>), String> = HashMap::new();
    for e in kb.entries() {
        let at = format!("{}:{} '{}'", e.file, e.line, e.name);
        if e.vendor.trim().is_empty() {
            problems.push(format!("{at}: empty vendor"));
        }
        if e.purpose.trim().is_empty() {
            problems.push(format!("{at}: empty purpose"));
        }
        if e.purpose.contains('\n') {
            problems.push(format!("{at}: purpose is not one line"));
        }
        if e.kind == PatternKind::Regex {
            if let Err(err) = regex::Regex::new(&e.anchored_regex()) {
                problems.push(format!("{at}: regex does not compile: {err}"));
            }
        }
        if let Some(l) = &e.lifetime {
            if let Err(m) = parse_lifetime(l) {
                problems.push(format!("{at}: {m}"));
            }
        }
        match &e.url {
            Some(u) if !u.starts_with("https://") => {
                problems.push(format!("{at}: url '{u}' is not https://"))
            }
            _ => {}
        }
        if e.name != e.name.trim() || e.name.is_empty() {
            problems.push(format!("{at}: name has surrounding spaces or is empty"));
        }
        let key_name = if e.case_insensitive {
            e.name.to_ascii_lowercase()
        } else {
            e.name.clone()
        };
        if let Some(first) = seen.insert((key_name, e.kind, e.domains.clone()), at.clone()) {
            problems.push(format!(
                "{at}: duplicate of {first} (same name, match and domain)"
            ));
        }
    }
    fail_if_any(problems);
}
