//! Issue 17 item 22: reports are committed and diffed, so two scans of an unchanged site must
//! give the same bytes whatever order the fetches finished in.
mod util;

use std::path::Path;

use serde_json::Value;
use util::TestCommand;

fn demo(dir: &Path) {
    let out = TestCommand::new()
        .current_dir(dir)
        .args(["demo", "--quiet", "--output-dir", "out"])
        .args(["--format", "json", "--format", "csv"])
        .output();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every `:NNNN` port replaced by `:PORT` (the demo picks free ports each run).
fn without_ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == ':' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut digits = String::new();
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                digits.push(d);
            }
            out.push_str(if digits.len() >= 4 { "PORT" } else { &digits });
        }
    }
    out
}

/// The JSON report without its times (every page's `depth` and `found_on` included: they no
/// longer depend on which fetch finished first).
fn comparable_json(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("out/cookiescan-report.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let o = v.as_object_mut().unwrap();
    for k in ["started_at", "finished_at", "duration_ms"] {
        assert!(o.remove(k).is_some(), "{k}");
    }
    without_ports(&serde_json::to_string_pretty(&v).unwrap())
}

#[test]
fn two_scans_of_the_demo_give_the_same_csv_and_json() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    demo(a.path());
    demo(b.path());
    let csv = |d: &Path| {
        without_ports(&std::fs::read_to_string(d.join("out/cookiescan-report.csv")).unwrap())
    };
    assert_eq!(csv(a.path()), csv(b.path()), "CSV");
    let (ja, jb) = (comparable_json(a.path()), comparable_json(b.path()));
    if ja != jb {
        let first = ja
            .lines()
            .zip(jb.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "the JSON reports differ from line {first}:\n{}\n---\n{}",
            ja.lines()
                .skip(first)
                .take(8)
                .collect::<Vec<_>>()
                .join("\n"),
            jb.lines()
                .skip(first)
                .take(8)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // And the order is the documented one.
    let v: Value = serde_json::from_str(&ja).unwrap();
    let cookies: Vec<(bool, &str, &str, &str)> = v["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["party"] == "third",
                c["domain"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
                c["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(cookies.len() > 5 && cookies.is_sorted(), "{cookies:?}");
    let severity = |s: &Value| match s.as_str() {
        Some("error") => 0,
        Some("warning") => 1,
        _ => 2,
    };
    let findings: Vec<(i32, &str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                severity(&f["severity"]),
                f["rule"].as_str().unwrap(),
                f["cookie"]["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(findings.len() > 5 && findings.is_sorted(), "{findings:?}");
}
