//! HAR evidence: `--har FILE` in static and browser mode (checked against the HAR 1.2
//! structure in fixtures/schemas/), and `cookiescan analyze FILE.har` on our own HARs (the
//! round trip) and on a hand-written Firefox-style one (fixtures/har/).
mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use util::TestCommand;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Checks `har` against the HAR 1.2 schema, and what a schema cannot say: each entry's
/// `time` is the sum of its known timings, and each `pageref` names a page.
fn validate_har(har: &Value, what: &str) {
    let text = std::fs::read_to_string(root().join("fixtures/schemas/har-1.2.schema.json"))
        .expect("the HAR schema");
    let schema: Value = serde_json::from_str(&text).unwrap();
    let url = "file:///har.schema.json";
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource(url, schema).expect("schema loads");
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(url, &mut schemas)
        .expect("schema compiles");
    if let Err(e) = schemas.validate(har, index) {
        panic!("{what} is not a valid HAR 1.2 file:\n{e:#}");
    }
    let pages: Vec<&str> = har["log"]["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for e in entries(har) {
        let t = &e["timings"];
        let sum: f64 = ["blocked", "dns", "connect", "send", "wait", "receive"]
            .iter()
            .map(|k| t[k].as_f64().unwrap_or(-1.0).max(0.0))
            .sum();
        let time = e["time"].as_f64().unwrap();
        assert!((time - sum).abs() < 0.01, "{what}: time {time} != {sum}");
        let pageref = e["pageref"].as_str().expect("every entry has a page");
        assert!(
            pages.contains(&pageref),
            "{what}: unknown pageref {pageref}"
        );
    }
}

fn entries(har: &Value) -> &Vec<Value> {
    har["log"]["entries"].as_array().expect("entries")
}

/// (name, value) of every element of a `cookies` array of `side` ("request"/"response").
fn cookie_array<'a>(har: &'a Value, side: &str) -> Vec<(&'a str, &'a str)> {
    entries(har)
        .iter()
        .flat_map(|e| e[side]["cookies"].as_array().unwrap().iter())
        .map(|c| (c["name"].as_str().unwrap(), c["value"].as_str().unwrap()))
        .collect()
}

fn header_values<'a>(har: &'a Value, side: &str, name: &str) -> Vec<&'a str> {
    entries(har)
        .iter()
        .flat_map(|e| e[side]["headers"].as_array().unwrap().iter())
        .filter(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case(name))
        .map(|h| h["value"].as_str().unwrap())
        .collect()
}

/// A report's cookies by (name, domain, path): (category, lifetime in seconds).
fn cookies(report: &Value) -> BTreeMap<(String, String, String), (Value, Option<i64>)> {
    report["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let key = (
                c["name"].as_str().unwrap().to_owned(),
                c["domain"].as_str().unwrap().to_owned(),
                c["path"].as_str().unwrap().to_owned(),
            );
            let category = c["classification"]["category"].clone();
            (key, (category, c["lifetime_secs"].as_i64()))
        })
        .collect()
}

fn ok(output: &std::process::Output, codes: &[i32]) {
    assert!(
        output.status.code().is_some_and(|c| codes.contains(&c)),
        "exit {:?}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `scan --har` of the basic site from its home page and a redirect chain.
async fn scan_basic_with_har(extra: &[&str]) -> (TestCommand, Value) {
    let server = util::serve("basic").await;
    let mut c = TestCommand::new();
    let har = c.path("scan.har");
    c.args(["scan", "--quiet", "--fail-on", "never", "--har"])
        .arg(&har)
        .args(extra)
        .resolving(&server)
        .arg(format!("{}/", server.origin("www.site.test")))
        .arg(format!("{}/chain/start", server.origin("www.site.test")));
    let output = c.output_serving();
    ok(&output, &[0]);
    let json = read_json(&har);
    (c, json)
}

#[tokio::test(flavor = "multi_thread")]
async fn static_har_is_valid_fills_cookie_arrays_and_redacts_every_value() {
    let (_c, har) = scan_basic_with_har(&[]).await;
    validate_har(&har, "the static scan's HAR");
    let text = har.to_string();
    assert!(
        !text.contains("SECRETVALUE"),
        "a cookie value is in the HAR"
    );
    let set = cookie_array(&har, "response");
    assert!(set.contains(&("home", "[redacted]")), "{set:?}");
    let sent = cookie_array(&har, "request");
    assert!(sent.iter().any(|(n, _)| *n == "session"), "{sent:?}");
    assert!(sent.iter().all(|(_, v)| *v == "[redacted]"));
    // Headers keep names and attributes, never values.
    let lines = header_values(&har, "response", "set-cookie");
    assert!(lines.contains(&"home=[redacted]; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax"));
    assert!(header_values(&har, "request", "cookie")
        .iter()
        .any(|v| v.contains("session=[redacted]")));
    // Each redirect hop is an entry of its own, with its status, target and cookie.
    let hop = entries(&har)
        .iter()
        .find(|e| {
            e["request"]["url"]
                .as_str()
                .unwrap()
                .ends_with("/chain/start")
        })
        .expect("the first hop");
    assert_eq!(hop["response"]["status"], 302);
    assert_eq!(hop["response"]["redirectURL"], "/chain/middle");
    assert_eq!(hop["response"]["cookies"][0]["name"], "hop0");
    // The page's body is kept for analyze (scripts are read from it), values removed.
    let home = entries(&har)
        .iter()
        .find(|e| e["_cookiescanKind"] == "page" && e["response"]["cookies"][0]["name"] == "home")
        .expect("the home page");
    assert!(home["response"]["content"]["text"]
        .as_str()
        .unwrap()
        .contains("/login"));
}

#[tokio::test(flavor = "multi_thread")]
async fn include_values_keeps_values_in_headers_and_cookie_arrays() {
    let (_c, har) = scan_basic_with_har(&["--include-values"]).await;
    validate_har(&har, "the HAR with values");
    assert!(cookie_array(&har, "response").contains(&("home", "SECRETVALUE-HOME")));
    assert!(cookie_array(&har, "request").contains(&("session", "SECRETVALUE-SESSION")));
    assert!(header_values(&har, "response", "set-cookie")
        .iter()
        .any(|l| l.starts_with("home=SECRETVALUE-HOME;")));
}

/// Issue 22: the demo's --output-dir holds a HAR; analysing it gives the scan's cookies, in
/// every format.
#[tokio::test(flavor = "multi_thread")]
async fn analyzing_the_demo_har_finds_the_same_cookies_as_the_scan() {
    let mut c = TestCommand::new();
    let out = c.path("out");
    c.args(["demo", "--quiet", "--output-dir"]).arg(&out);
    ok(&c.output_serving(), &[0]);
    let har_path = out.join("scan.har");
    let har = read_json(&har_path);
    validate_har(&har, "the demo's scan.har");
    let scanned = read_json(&out.join("cookiescan-report.json"));

    let mut a = TestCommand::new();
    let again = a.path("again");
    a.arg("analyze")
        .arg(&har_path)
        .args(["--quiet", "--fail-on", "never", "--output-dir"])
        .arg(&again)
        .arg("--config")
        .arg(root().join("fixtures/demo/cookiescan.toml"));
    ok(&a.output(), &[0]);
    for file in ["json", "csv", "html", "md", "sarif", "xml"] {
        assert!(again.join(format!("cookiescan-report.{file}")).is_file());
    }
    let analysed = read_json(&again.join("cookiescan-report.json"));
    let (s, h) = (cookies(&scanned), cookies(&analysed));
    assert_eq!(
        s.keys().collect::<Vec<_>>(),
        h.keys().collect::<Vec<_>>(),
        "different cookies"
    );
    for (key, (category, lifetime)) in &s {
        let (c2, l2) = &h[key];
        assert_eq!(category, c2, "{key:?} classified differently");
        // Lifetimes count from the response's time, which the HAR keeps to the microsecond.
        let close = match (lifetime, l2) {
            (Some(a), Some(b)) => (a - b).abs() <= 2,
            (a, b) => a == b,
        };
        assert!(close, "{key:?}: lifetime {lifetime:?} vs {l2:?}");
    }
    // A HAR holds what loaded, not the markup that held a script back, and analyze does not
    // pair a page's two visits: the gated Hotjar cookie reads as set on first load, and FPID's
    // renewal is not seen. Every other finding is the same.
    let findings = |r: &serde_json::Value| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let rule = f["rule"].as_str().unwrap().to_string();
                let name = f["cookie"]["name"].as_str().unwrap_or("").to_string();
                (rule, name)
            })
            .collect();
        v.sort();
        v
    };
    let pair = |r: &str, n: &str| (r.to_string(), n.to_string());
    let mut from_scan = findings(&scanned);
    from_scan.retain(|f| {
        *f != pair("gated-category-mismatch", "_hjSessionUser_4711")
            && *f != pair("lifetime-renewed", "FPID")
    });
    let mut from_har = findings(&analysed);
    from_har.retain(|f| *f != pair("set-before-consent", "_hjSessionUser_4711"));
    assert_eq!(from_scan, from_har);
}

fn firefox_har() -> PathBuf {
    root().join("fixtures/har/firefox-shop.har")
}

#[test]
fn the_firefox_fixture_is_a_valid_har() {
    validate_har(&read_json(&firefox_har()), "fixtures/har/firefox-shop.har");
}

#[test]
fn a_firefox_har_goes_through_the_whole_pipeline() {
    let mut c = TestCommand::new();
    let out = c.path("report.json");
    c.arg("analyze")
        .arg(firefox_har())
        .args(["--quiet", "--fail-on", "never", "--format", "json", "-o"])
        .arg(&out);
    let output = c.output();
    ok(&output, &[0]);
    let report = read_json(&out);
    let found = cookies(&report);
    let names: Vec<&str> = found.keys().map(|(n, _, _)| n.as_str()).collect();
    for name in [
        "PHPSESSID",
        "_ga",
        "cart_hint",
        "theme",
        "IDE",
        "test_cookie",
        "checkout_step",
        "consent_given",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let by_name = |n: &str| {
        report["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()
            .clone()
    };
    // Set-Cookie lines joined into one header are one cookie each.
    assert_eq!(by_name("IDE")["domain"], "tracker.test");
    assert_eq!(by_name("IDE")["party"], "third");
    assert_eq!(by_name("_ga")["domain"], "shop.test");
    // Scripts in the bodies (inline and external) went through static analysis.
    assert_eq!(by_name("theme")["sources"], serde_json::json!(["script"]));
    assert_eq!(
        by_name("cart_hint")["sources"],
        serde_json::json!(["script"])
    );
    // A cookie only ever sent has no known lifetime.
    assert_eq!(by_name("consent_given")["lifetime_known"], false);
    assert_eq!(by_name("checkout_step")["path"], "/checkout");
    // The report is about the recorded site; the data: entry was left out.
    assert_eq!(report["site"], "www.shop.test");
    for secret in [
        "abc123def456ghi789",
        "GA1.2.1234567890",
        "AHWqTUkz",
        "yes-all-2026",
    ] {
        assert!(
            !String::from_utf8_lossy(&std::fs::read(&out).unwrap()).contains(secret),
            "the value {secret} is in the report"
        );
        assert!(!String::from_utf8_lossy(&output.stdout).contains(secret));
    }
}

#[test]
fn analyze_fails_on_findings_like_scan() {
    let mut c = TestCommand::new();
    c.arg("analyze")
        .arg(firefox_har())
        .args(["--quiet", "--fail-on", "info"]);
    ok(&c.output(), &[1]);
}

/// A bad HAR is one sentence naming the file and what to do, exit 2, never a panic.
#[test]
fn a_bad_har_is_one_sentence_naming_the_file() {
    let c = TestCommand::new();
    let not_json = c.write("notes.har", "this is not json");
    let not_har = c.write("report.har", r#"{"schema_version": 1, "cookies": []}"#);
    let empty = c.write(
        "empty.har",
        r#"{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": [
            {"startedDateTime": "2026-01-01T00:00:00Z", "time": 0, "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0},
             "request": {"method": "GET", "url": "data:text/plain,hi", "httpVersion": "", "cookies": [], "headers": [], "queryString": [], "headersSize": -1, "bodySize": 0},
             "response": {"status": 200, "statusText": "", "httpVersion": "", "cookies": [], "headers": [], "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1, "bodySize": 0}}]}}"#,
    );
    let huge = c.path("huge.har");
    // Sparse: the size is checked before anything is read.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(cookiescan::har::MAX_HAR_BYTES + 1)
        .unwrap();
    let missing = c.path("missing.har");
    for (path, says) in [
        (&not_json, "is not a HAR file"),
        (&not_har, "is not a HAR file"),
        (&empty, "holds no http(s) request"),
        (&huge, "over the"),
        (&missing, "could not read the HAR file"),
    ] {
        let output = TestCommand::new()
            .arg("analyze")
            .arg(path)
            .arg("--quiet")
            .output();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {stderr}",
            path.display()
        );
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&path.display().to_string()), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn a_har_path_in_a_missing_folder_fails_before_the_scan() {
    let mut c = TestCommand::new();
    let output = c
        .args(["scan", "--quiet", "--har", "/nonexistent/dir/scan.har"])
        .arg("http://127.0.0.1:1/")
        .output();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--har /nonexistent/dir/scan.har"));
}

/// Browser mode: one page group per consent pass, the real Cookie and Set-Cookie headers
/// (from the ExtraInfo events), and a HAR `analyze` reads back.
#[tokio::test(flavor = "multi_thread")]
async fn browser_har_has_a_page_group_per_pass_and_analyzes() {
    cookiescan::browser::find_chrome(None)
        .expect("browser tests need Chromium: apt-get install chromium (scripts/test.sh does)");
    let mut c = TestCommand::new();
    let har_path = c.path("browser.har");
    let report_path = c.path("browser.json");
    c.args(["demo", "--quiet", "--browser", "--consent", "all", "--har"])
        .arg(&har_path)
        .arg("-o")
        .arg(&report_path);
    ok(&c.output_serving(), &[0]);
    let har = read_json(&har_path);
    validate_har(&har, "the browser scan's HAR");
    let titles: Vec<&str> = har["log"]["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["pass none", "pass reject", "pass accept", "pass withdraw"]
    );
    // Chromium's own Cookie headers: cookies the browser sent back.
    let sent = cookie_array(&har, "request");
    assert!(sent.iter().any(|(n, _)| *n == "csrftoken"), "{sent:?}");
    let set = cookie_array(&har, "response");
    assert!(set.iter().any(|(n, _)| *n == "sessionid"), "{set:?}");
    assert!(set.iter().chain(&sent).all(|(_, v)| *v == "[redacted]"));

    let scanned = read_json(&report_path);
    let mut a = TestCommand::new();
    let out = a.path("analysed.json");
    a.arg("analyze")
        .arg(&har_path)
        .args(["--quiet", "--fail-on", "never", "-o"])
        .arg(&out);
    ok(&a.output(), &[0]);
    let analysed = cookies(&read_json(&out));
    // Every cookie the browser saw set over the network is in the HAR.
    for c in scanned["cookies"].as_array().unwrap() {
        let from_network = c["sightings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["attribution"] == "response");
        let key = (
            c["name"].as_str().unwrap().to_owned(),
            c["domain"].as_str().unwrap().to_owned(),
            c["path"].as_str().unwrap().to_owned(),
        );
        if from_network {
            assert!(analysed.contains_key(&key), "{key:?} missing");
        }
    }
}

/// `--cookie` cookies ride in the scan's Cookie headers but are not the site's: the scan does
/// not report them, and neither does `analyze` of its HAR.
#[tokio::test(flavor = "multi_thread")]
async fn cookies_given_with_cookie_are_not_reported_by_analyze() {
    let (c, har) = scan_basic_with_har(&["--cookie", "given=SECRETVALUE-GIVEN"]).await;
    assert!(cookie_array(&har, "request").contains(&("given", "[redacted]")));
    assert!(!har.to_string().contains("SECRETVALUE"));
    let out = c.path("analysed.json");
    let output = TestCommand::new()
        .arg("analyze")
        .arg(c.path("scan.har"))
        .args(["--quiet", "--fail-on", "never", "-o"])
        .arg(&out)
        .output();
    ok(&output, &[0]);
    let found = cookies(&read_json(&out));
    assert!(found.keys().any(|(n, _, _)| n == "home"));
    assert!(!found.keys().any(|(n, _, _)| n == "given"), "{found:?}");
}
