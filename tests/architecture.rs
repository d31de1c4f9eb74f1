//! The direction of the pipeline, checked from the source: which top-level module of `src/`
//! imports which (every `crate::module` path in a file's code, not in comments). Data flows
//! crawl/browser → observe → knowledge → compliance (+ policy) → report; a later stage never
//! reaches back into an earlier stage's internals, and no two modules import each other
//! through any chain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules that must never import the listed ones.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("report", &["crawl", "browser", "scan", "batch", "config"]),
    ("declare", &["crawl", "browser", "scan", "batch", "config"]),
    (
        "compliance",
        &["crawl", "browser", "report", "scan", "batch", "config"],
    ),
    (
        "knowledge",
        &["crawl", "browser", "compliance", "policy", "report", "scan"],
    ),
    (
        "observe",
        &[
            "crawl",
            "browser",
            "knowledge",
            "compliance",
            "report",
            "scan",
        ],
    ),
    ("cookies", &["crawl", "browser", "observe", "scan"]),
    ("scripts", &["crawl", "browser", "observe", "scan"]),
    (
        "policy",
        &["browser", "compliance", "report", "scan", "config"],
    ),
    // HAR files are read into, and written from, the crawl's plain data only.
    (
        "har",
        &[
            "browser",
            "knowledge",
            "compliance",
            "policy",
            "report",
            "scan",
            "batch",
            "config",
        ],
    ),
];

type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// module → imported module → the files (with line) that import it.
fn import_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    for file in rust_files(src) {
        let rel = file
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if matches!(module.as_str(), "main" | "lib" | "cli") {
            continue; // the binary and the crate root may use everything
        }
        let code = without_comments(&std::fs::read_to_string(&file).unwrap());
        let deps = graph.entry(module.clone()).or_default();
        for (target, line) in crate_paths(&code) {
            if target != module {
                deps.entry(target)
                    .or_default()
                    .push(format!("{rel}:{line}"));
            }
        }
    }
    graph
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The text with `//` comments (doc comments too) cut from each line, lines kept, so a doc
/// link such as [`crate::crawl`] is not an import.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| l.find("//").map_or(l, |at| &l[..at]))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every top-level module named by a `crate::` path, with the line it is on: `crate::a::X`,
/// and each element of a group `crate::{a::X, b, c::{Y, Z}}`, even over several lines.
fn crate_paths(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let at = from + found + "crate::".len();
        let line = code[..at].matches('\n').count() + 1;
        let after = &code[at..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.push((ident(&group[start..i]), line));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push((ident(&group[start..i]), line));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.push((ident(after), line));
        }
        from = at;
    }
    out.retain(|(m, _)| !m.is_empty() && m != "self");
    out
}

fn graph() -> Graph {
    import_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn later_stages_never_import_earlier_stages_internals() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, banned) in FORBIDDEN {
        let Some(deps) = graph.get(*module) else {
            panic!("src/{module} is gone: update FORBIDDEN in tests/architecture.rs");
        };
        for b in *banned {
            if let Some(places) = deps.get(*b) {
                wrong.push(format!("{module} imports {b} at {}", places.join(", ")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline's direction:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_module_cycles() {
    let graph = graph();
    // Depth-first search from every module; a path that comes back to a module on the stack
    // is a cycle.
    fn visit(
        g: &Graph,
        node: &str,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|s| s == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            cycles.push(cycle.join(" → "));
            return;
        }
        if !done.insert(node.to_string()) {
            return;
        }
        stack.push(node.to_string());
        for dep in g.get(node).map(|d| d.keys()).into_iter().flatten() {
            visit(g, dep, stack, done, cycles);
        }
        stack.pop();
    }
    let mut cycles = Vec::new();
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(&graph, module, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_sees_grouped_and_nested_paths() {
    let modules = |code: &str| {
        crate_paths(&without_comments(code))
            .into_iter()
            .map(|(m, _)| m)
            .collect::<BTreeSet<_>>()
    };
    let found = modules("use crate::{\n    crawl::{A, B},\n    observe::C,\n    exit_codes,\n};");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        vec!["crawl", "exit_codes", "observe"]
    );
    let found = modules("    pub consent: Option<crate::browser::ConsentReport>,");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), vec!["browser"]);
    assert!(modules("/// see [`crate::crawl`]\nlet x = 1; // crate::browser").is_empty());
    let lines = crate_paths("a\nb\nuse crate::report::X;");
    assert_eq!(lines, vec![("report".to_string(), 3)]);
}
