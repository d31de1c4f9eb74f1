//! The manifest of an `--output-dir` and `cookiescan verify`, through the real binary: what the
//! manifest records, that verify passes an untouched folder and names each changed, missing
//! or extra file, and that no secret from the command line reaches it.
mod util;

use std::path::Path;

use cookiescan::digest::sha256_hex;
use serde_json::Value;
use util::TestCommand;

fn json(path: &Path) -> Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).expect("valid JSON")
}

fn paths(files: &Value) -> Vec<&str> {
    files
        .as_array()
        .expect("files[]")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect()
}

/// `demo --output-dir DIR` in a fresh folder; returns the command (it owns the folder).
fn demo_folder() -> (TestCommand, std::path::PathBuf) {
    let c = TestCommand::new();
    let dir = c.path("out");
    let mut run = TestCommand::new();
    run.args(["demo", "--quiet", "--output-dir"]).arg(&dir);
    run.assert().code(0);
    (c, dir)
}

fn verify(dir: &Path) -> (i32, String) {
    let out = TestCommand::new().arg("verify").arg(dir).output();
    (
        out.status.code().expect("an exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_manifest_lists_every_file_written_with_its_hash_and_what_made_it() {
    let (_keep, dir) = demo_folder();
    let m = json(&dir.join("manifest.json"));
    assert_eq!(m["manifest_version"], 1);
    assert_eq!(m["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let mut expected = vec![
        "cookiescan-report.csv",
        "cookiescan-report.html",
        "cookiescan-report.json",
        "cookiescan-report.md",
        "cookiescan-report.sarif",
        "cookiescan-report.xml",
        // The demo's declaration and HAR, written by other writers: hashed all the same.
        "declaration.html",
        "declaration.md",
        "scan.har",
    ];
    expected.sort();
    assert_eq!(paths(&m["files"]), expected);
    for f in m["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["sha256"], sha256_hex(&bytes), "{f}");
        assert_eq!(f["bytes"], bytes.len(), "{f}");
    }
    let db = &m["database"];
    assert_eq!(
        db["files"].as_array().unwrap().len(),
        cookiescan::evidence::DATA_FILES.len()
    );
    assert!(paths(&db["files"]).contains(&"data/cookies/analytics.toml"));
    assert_eq!(db["sha256"].as_str().unwrap().len(), 64);
    let args: Vec<&str> = m["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(args[..3], ["cookiescan", "demo", "--quiet"]);
    assert!(m["started_at"].as_str().unwrap() <= m["finished_at"].as_str().unwrap());
    // A static scan: no browser, no consent engine.
    assert!(
        m.get("chromium").is_none() && m.get("autoconsent").is_none(),
        "{m}"
    );

    // The JSON report embeds the same manifest, minus its own hash.
    let embedded = &json(&dir.join("cookiescan-report.json"))["manifest"];
    assert_eq!(
        embedded["embedded_in"],
        serde_json::json!(["cookiescan-report.json"])
    );
    let mut others = expected.clone();
    others.retain(|p| *p != "cookiescan-report.json");
    assert_eq!(paths(&embedded["files"]), others);
    assert_eq!(embedded["files"], {
        let mut all = m["files"].as_array().unwrap().clone();
        all.retain(|f| f["path"] != "cookiescan-report.json");
        Value::Array(all)
    });
    assert_eq!(embedded["database"], m["database"]);
    assert_eq!(embedded["finished_at"], m["finished_at"]);
}

#[test]
fn verify_passes_an_untouched_folder_and_names_each_changed_missing_or_extra_file() {
    let (_keep, dir) = demo_folder();
    let (code, out) = verify(&dir);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok: 9 files match"), "{out}");

    // One byte of the HTML report changed.
    let html = dir.join("cookiescan-report.html");
    let mut bytes = std::fs::read(&html).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01;
    std::fs::write(&html, &bytes).unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("changed: cookiescan-report.html"), "{out}");
    assert!(!out.contains("cookiescan-report.csv"), "{out}");

    std::fs::remove_file(dir.join("cookiescan-report.csv")).unwrap();
    std::fs::create_dir(dir.join("later")).unwrap();
    std::fs::write(dir.join("later/notes.txt"), "added afterwards").unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 1, "{out}");
    for line in [
        "changed: cookiescan-report.html",
        "missing: cookiescan-report.csv",
        "extra: later/notes.txt",
    ] {
        assert!(out.lines().any(|l| l == line), "{line} not in {out}");
    }
}

#[test]
fn verify_exits_2_on_a_bad_or_missing_manifest() {
    let c = TestCommand::new();
    let (code, _) = verify(c.dir());
    assert_eq!(code, 2, "no manifest.json");
    std::fs::write(c.path("manifest.json"), "{ not json").unwrap();
    let out = TestCommand::new().arg("verify").arg(c.dir()).output();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("manifest.json") && err.lines().count() == 1,
        "{err}"
    );
    // A manifest pointing outside its folder is refused, not followed.
    let (_keep, dir) = demo_folder();
    let mut m = json(&dir.join("manifest.json"));
    m["files"][0]["path"] = "../outside.txt".into();
    std::fs::write(dir.join("manifest.json"), m.to_string()).unwrap();
    assert_eq!(verify(&dir).0, 2);
    let (code, _) = verify(&c.path("no-such-folder"));
    assert_eq!(code, 2);
}

/// Secrets given on the command line (cookie and header values, URL passwords, tokens in
/// query strings) appear in no file of the folder, and the manifest still shows the flags.
#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_in_the_manifest_has_its_secrets_redacted() {
    let server = util::serve("basic").await;
    let mut c = TestCommand::new();
    let dir = c.path("out");
    let start = server
        .origin("www.site.test")
        .replace("http://", "http://alice:pw-s3cr3t-1@");
    c.args(["scan", "--quiet", "--fail-on", "never", "--no-sitemaps"])
        .args(["--cookie", "sessionid=ck-s3cr3t-2"])
        .args(["--cookie=csrftoken=ck-s3cr3t-3"])
        .args(["--header", "Authorization: Bearer hd-s3cr3t-4"])
        .arg("--output-dir")
        .arg(&dir)
        .resolving(&server)
        .arg(format!("{start}/?lang=en&access_token=qs-s3cr3t-5"));
    let out = c.output_serving();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = json(&dir.join("manifest.json"));
    let line: Vec<&str> = m["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for kept in [
        "sessionid=REDACTED",
        "--cookie=csrftoken=REDACTED",
        "Authorization: REDACTED",
    ] {
        assert!(line.contains(&kept), "{kept} not in {line:?}");
    }
    let url = line.last().unwrap();
    assert!(
        url.contains("alice:REDACTED@") && url.contains("access_token=REDACTED"),
        "{url}"
    );
    assert!(url.contains("lang=en"), "{url}");
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(!manifest.contains("s3cr3t"), "{manifest}");
    // Cookie and header values reach no file at all. (The start URL itself is the scanned
    // page, so the reports show it as given.)
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for secret in ["ck-s3cr3t", "hd-s3cr3t"] {
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
    }
    assert_eq!(verify(&dir).0, 0);
}

/// Only the folder's files are listed (`verify DIR` cannot see the others); a JSON report
/// written elsewhere with `-o` still embeds the manifest.
#[test]
fn files_written_outside_the_folder_are_not_listed() {
    let c = TestCommand::new();
    let dir = c.path("out");
    let elsewhere = c.path("elsewhere.json");
    TestCommand::new()
        .args(["demo", "--quiet", "--format", "html", "-o"])
        .arg(&elsewhere)
        .arg("--output-dir")
        .arg(&dir)
        .assert()
        .code(0);
    let m = json(&dir.join("manifest.json"));
    assert_eq!(paths(&m["files"]), ["cookiescan-report.html", "scan.har"]);
    assert!(m.get("embedded_in").is_none(), "{m}");
    let outside = json(&elsewhere);
    assert_eq!(outside["manifest"]["files"], m["files"]);
    assert_eq!(verify(&dir).0, 0);
}
