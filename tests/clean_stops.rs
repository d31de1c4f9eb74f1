//! Issue 17 items 10 and 11: SIGTERM is handled like Ctrl-C in both modes, Chromium dies with
//! us even on SIGKILL, and a page whose script never ends costs --timeout, not six times it.
#![cfg(target_os = "linux")]

mod browser_support;
mod util;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use cookiescan::fixture::{FixtureServer, SiteSpec};

fn scan(server: &FixtureServer, tmp: &Path, extra: &[&str], start: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cookiescan"));
    c.args(["scan", "--quiet", "--no-sitemaps"])
        .args(extra)
        .env("TMPDIR", tmp)
        .env_remove("COOKIESCAN_LOG");
    for r in server.resolve_args() {
        c.args(["--resolve", &r]);
    }
    c.arg(start).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

async fn signal_and_wait(child: Child, signal: &str) -> Output {
    let kill = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("the wait finishes")
        .expect("the scan's output")
}

/// Live processes whose command line names `dir` (Chromium's --user-data-dir is under it).
fn processes_using(dir: &Path) -> Vec<u32> {
    let needle = dir.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&needle))
        })
        .collect()
}

/// Waits up to `limit` for every process using `dir` to be gone; returns those left.
async fn gone_within(dir: &Path, limit: Duration) -> Vec<u32> {
    let end = Instant::now() + limit;
    loop {
        let left = processes_using(dir);
        if left.is_empty() || Instant::now() >= end {
            return left;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn profiles_left(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("cookiescan-profile-"))
        .collect()
}

fn partial_report(path: &Path, loading: &str) -> serde_json::Value {
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("the partial report is written"))
            .unwrap();
    assert_eq!(report["partial"], true);
    assert!(
        report["pages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["url"].as_str().unwrap().ends_with(loading)),
        "{}",
        report["pages"]
    );
    report
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_in_static_mode_writes_a_partial_report_and_exits_143() {
    let server = util::serve("basic").await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("partial.json");
    let start = format!("{}/after-hang", server.origin("www.site.test"));
    let out_arg = out.display().to_string();
    let mut c = scan(
        &server,
        tmp.path(),
        &["--timeout", "60", "-o", &out_arg],
        &start,
    );
    let child = c.spawn().unwrap();
    util::wait_for_hit(&server, "www.site.test", "/hang").await;
    let output = signal_and_wait(child, "-TERM").await;
    assert_eq!(
        output.status.code(),
        Some(143),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    partial_report(&out, "/after-hang");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_in_the_browser_gives_a_partial_report_and_leaves_no_chromium_or_profile() {
    browser_support::require_chromium();
    let server = util::serve("basic").await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("partial.json");
    let start = format!("{}/after-hang", server.origin("www.site.test"));
    let mut c = scan(
        &server,
        tmp.path(),
        &[
            "--browser",
            "--timeout",
            "60",
            "-o",
            &out.display().to_string(),
        ],
        &start,
    );
    let child = c.spawn().unwrap();
    util::wait_for_hit(&server, "www.site.test", "/hang").await;
    assert!(
        !processes_using(tmp.path()).is_empty(),
        "Chromium runs (else the check below proves nothing)"
    );
    let output = signal_and_wait(child, "-TERM").await;
    assert_eq!(
        output.status.code(),
        Some(143),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    partial_report(&out, "/hang");
    let left = gone_within(tmp.path(), Duration::from_secs(5)).await;
    assert!(left.is_empty(), "Chromium processes left: {left:?}");
    assert!(profiles_left(tmp.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_dies_with_us_on_sigkill() {
    browser_support::require_chromium();
    let server = util::serve("basic").await;
    let tmp = tempfile::tempdir().unwrap();
    let start = format!("{}/after-hang", server.origin("www.site.test"));
    let child = scan(
        &server,
        tmp.path(),
        &["--browser", "--timeout", "60"],
        &start,
    )
    .spawn()
    .unwrap();
    util::wait_for_hit(&server, "www.site.test", "/hang").await;
    assert!(!processes_using(tmp.path()).is_empty(), "Chromium runs");
    let output = signal_and_wait(child, "-KILL").await;
    assert_eq!(output.status.code(), None, "killed by the signal");
    let left = gone_within(tmp.path(), Duration::from_secs(10)).await;
    for pid in &left {
        // Do not leave them running on the machine when the test fails.
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    assert!(left.is_empty(), "Chromium outlived us: {left:?}");
}

/// A page whose inline script never ends: the visit is cut at --timeout (plus settle and a
/// second to read the page), reported as timed out, with the cookies set until then.
#[tokio::test(flavor = "multi_thread")]
async fn page_whose_script_never_ends_is_cut_at_the_timeout_and_reported() {
    browser_support::require_chromium();
    let spec = SiteSpec::from_toml(
        r#"hosts = ["www.loop.test"]
[[route]]
path = "/"
set_cookie = ["from_header=1; Path=/"]
body = "<html><body><a href='/next'>next</a><script>document.cookie = 'before_loop=1; path=/'; for (;;) {}</script></body></html>"
"#,
    )
    .unwrap();
    let server = FixtureServer::start(spec).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let start = format!("{}/", server.origin("www.loop.test"));
    let mut c = scan(
        &server,
        tmp.path(),
        &[
            "--browser",
            "--timeout",
            "4",
            "--settle-ms",
            "300",
            "--max-depth",
            "0",
            "--format",
            "json",
        ],
        &start,
    );
    let started = Instant::now();
    let output = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    let took = started.elapsed();
    eprintln!("the endless page's scan took {took:.1?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&output.stderr));
    });
    // Before: about six times the timeout (every read of the stuck page waited for it).
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let page = &report["pages"][0];
    assert!(
        page["error"]
            .as_str()
            .is_some_and(|e| e.contains("timed out")),
        "{page}"
    );
    let names: Vec<&str> = report["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"from_header"), "{names:?}");
    assert!(names.contains(&"before_loop"), "{names:?}");
    assert!(profiles_left(tmp.path()).is_empty());
}
