//! Measures `policy extract` on a corpus of real policies, counting rows, not mentions:
//! `cargo run --release --example policy_corpus -- DIR corpus/policies/expected.toml [-v]`.
//!
//! DIR holds one text file per `[[page]]` of the expected file. A row is one declared cookie.
//! Recall is expected names that came out as rows; a false row is a row whose name is not
//! expected (or is expected fewer times than it came out). Names are compared without case,
//! up to their first placeholder (`_ga_<container-id>` and `_ga_*` are the same name).
use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use cookiescan::knowledge::KnowledgeBase;
use cookiescan::policy::{extract_bytes, DocKind};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    page: Vec<Page>,
}

#[derive(Deserialize)]
struct Page {
    file: String,
    layout: String,
    names: Vec<String>,
}

#[derive(Default)]
struct Tally {
    expected: usize,
    matched: usize,
    rows: usize,
    false_rows: usize,
    prose_pages: usize,
    prose_pages_with_rows: usize,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let only = std::env::var("ONLY").ok();
    let paths: Vec<&String> = args.iter().filter(|a| *a != "-v").collect();
    let [dir, expected] = paths.as_slice() else {
        anyhow::bail!("usage: policy_corpus DIR EXPECTED.toml [-v]");
    };
    let text = std::fs::read_to_string(expected).with_context(|| format!("reading {expected}"))?;
    let expected: Expected =
        toml::from_str(&text).with_context(|| format!("parsing {expected}"))?;
    let kb = KnowledgeBase::builtin()?;
    let mut total = Tally::default();
    let mut by_layout: HashMap<String, Tally> = HashMap::new();
    for page in &expected.page {
        if only
            .as_ref()
            .is_some_and(|o| !page.file.contains(o.as_str()))
        {
            continue;
        }
        let path = Path::new(dir.as_str()).join(&page.file);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let ex = extract_bytes(&bytes, DocKind::Auto, &page.file, &kb)?;
        let rows: Vec<String> = ex.cookies.iter().map(|c| c.name.clone()).collect();
        let (missed, extra) = compare(&page.names, &rows);
        let t = by_layout.entry(page.layout.clone()).or_default();
        for t in [&mut total, t] {
            t.expected += page.names.len();
            t.matched += page.names.len() - missed.len();
            t.rows += rows.len();
            t.false_rows += extra.len();
            if page.names.is_empty() {
                t.prose_pages += 1;
                t.prose_pages_with_rows += usize::from(!rows.is_empty());
            }
        }
        let ok = missed.is_empty() && extra.is_empty();
        println!(
            "{} {:<38} {:<18} rows {:>2}/{:<2} missed {:?} false {:?}",
            if ok { "ok  " } else { "FAIL" },
            page.file,
            page.layout,
            rows.len(),
            page.names.len(),
            missed,
            extra
        );
        if verbose {
            for (c, e) in ex.cookies.iter().zip(&ex.explain) {
                println!(
                    "      row {}: {} [{}] {}: {}",
                    e.line,
                    c.name,
                    c.category.map_or("-", |k| k.as_str()),
                    e.layout.as_str(),
                    e.why
                );
            }
            for w in &ex.warnings {
                println!("      note: {w}");
            }
        }
    }
    let mut layouts: Vec<_> = by_layout.into_iter().collect();
    layouts.sort_by(|a, b| a.0.cmp(&b.0));
    println!();
    for (layout, t) in &layouts {
        report(layout, t);
    }
    report("ALL", &total);
    Ok(())
}

fn report(label: &str, t: &Tally) {
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "{label:<18} recall {}/{} = {:.1}%  false rows {}/{} = {:.1}%  prose pages with rows {}/{}",
        t.matched,
        t.expected,
        pct(t.matched, t.expected),
        t.false_rows,
        t.rows,
        pct(t.false_rows, t.rows),
        t.prose_pages_with_rows,
        t.prose_pages
    );
}

/// Expected names not found as rows, and rows not expected (as multisets).
fn compare(expected: &[String], rows: &[String]) -> (Vec<String>, Vec<String>) {
    let mut left: Vec<(String, &String)> = rows.iter().map(|r| (key(r), r)).collect();
    let mut missed = Vec::new();
    for e in expected {
        let k = key(e);
        match left.iter().position(|(r, _)| *r == k) {
            Some(i) => {
                left.remove(i);
            }
            None => missed.push(e.clone()),
        }
    }
    (missed, left.into_iter().map(|(_, r)| r.clone()).collect())
}

fn key(name: &str) -> String {
    let cut = name.find(['*', '[', '{', '<', '#']).unwrap_or(name.len());
    name[..cut].to_lowercase()
}
