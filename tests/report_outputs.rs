//! The output flags of the real binary: --format (repeatable), --output, --output-dir, and the
//! CSV options.
mod util;

use std::path::Path;
use std::process::Output;

use util::TestCommand;

fn demo(args: &[&str], dir: &Path) -> Output {
    TestCommand::new()
        .current_dir(dir)
        .args(["demo", "--quiet"])
        .args(args)
        .output()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn output_dir_writes_all_six_formats_and_the_summary_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(&["--output-dir", "out"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("cookiescan 0.1.0 · www.coop-demo.test"));
    let read = |ext: &str| {
        std::fs::read_to_string(dir.path().join(format!("out/cookiescan-report.{ext}")))
            .unwrap_or_else(|e| panic!("cookiescan-report.{ext}: {e}"))
    };
    assert!(read("json").contains("\"schema_version\": 1"));
    assert!(read("csv").starts_with("name,domain,path,party"));
    assert!(read("html").starts_with("<!doctype html>"));
    assert!(read("md").starts_with("## Cookie report for www.coop-demo.test"));
    assert!(read("sarif").contains("\"version\": \"2.1.0\""));
    assert!(read("xml").contains("<testsuites name=\"cookiescan\""));
}

#[test]
fn named_formats_pick_the_files_and_the_csv_options_apply() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(
        &[
            "--output-dir",
            "out",
            "--format",
            "html",
            "--format",
            "csv",
            "--csv-bom",
            "--csv-findings",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    // The demo's evidence comes with any format (issue 22): the HAR of the scan, and the
    // manifest that hashes every file.
    assert_eq!(
        files,
        [
            "cookiescan-report.csv",
            "cookiescan-report.html",
            "manifest.json",
            "scan.har"
        ]
    );
    let csv = std::fs::read(dir.path().join("out/cookiescan-report.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}severity,rule,".as_bytes()));
}

#[test]
fn one_format_goes_to_stdout_and_output_adds_a_file_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(&["--format", "sarif", "-o", "report.html"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF on stdout");
    assert_eq!(sarif["version"], "2.1.0");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("id=\"cookie-table\""));
}

#[test]
fn unusable_output_flags_fail_before_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(&["--format", "html", "--format", "csv"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--output-dir"));
    let out = demo(&["-o", "missing/folder/report.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("folder does not exist"));
    assert!(out.stdout.is_empty(), "nothing is scanned");
}
