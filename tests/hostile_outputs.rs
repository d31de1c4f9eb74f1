//! Issue 17: what a hostile site or input must never do to our outputs. Every test drives the
//! real binary; sites are served in-process on 127.0.0.1.
mod batch_support;
mod util;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use cookiescan::fixture::{FixtureServer, SiteSpec};
use util::TestCommand;

/// Distinctive values that must appear in no output without --include-values.
const SECRETS: [&str; 3] = ["NAMELESSSECRETONE", "NAMELESSSECRETTWO", "NAMEDSECRETTHREE"];

/// A site whose cookies are made to leak or break outputs: nameless cookies (one over 4 KB),
/// names holding U+FFFE, U+FFFF and XML-special characters, a script writing a control character.
async fn hostile_site() -> FixtureServer {
    let long = format!("{}{}", SECRETS[1], "x".repeat(5000));
    let spec = format!(
        r#"hosts = ["www.hostile.test"]
[[route]]
path = "/"
set_cookie = [
  "{}; Path=/",
  "{long}; Path=/",
  "sid={}; Path=/; HttpOnly",
  "odd\uFFFEname=1; Path=/",
  "odd\uFFFFtwo=2; Path=/",
  "amp&lt<x=3; Path=/",
]
body = "<a href='/two'>two</a><script>document.cookie = 'ff\\x01x=1; path=/';</script>"
[[route]]
path = "/two"
body = "two"
"#,
        SECRETS[0], SECRETS[2]
    );
    let spec = SiteSpec::from_toml(&spec).expect("valid spec");
    FixtureServer::start(spec).await.expect("server starts")
}

fn resolve(server: &FixtureServer) -> Vec<String> {
    server
        .resolve_args()
        .into_iter()
        .flat_map(|r| ["--resolve".to_string(), r])
        .collect()
}

async fn run(args: Vec<String>, dir: &Path) -> Output {
    TestCommand::new()
        .current_dir(dir)
        .args(args)
        .output_serving()
}

fn scan_args(server: &FixtureServer, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["scan", "--quiet", "--no-sitemaps", "--timeout", "5"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(resolve(server));
    args.push(format!("{}/", server.origin("www.hostile.test")));
    args
}

fn assert_no_secret(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for s in SECRETS {
        assert!(!text.contains(s), "{what} holds the value {s}");
    }
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("folder exists").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nameless_cookie_values_never_leak_into_any_output_format() {
    let server = hostile_site().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(scan_args(&server, &["--output-dir", "out"]), dir.path()).await;
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_secret("stdout (summary)", &out.stdout);
    assert_no_secret("stderr", &out.stderr);
    let written = files(&dir.path().join("out"));
    // The six reports and manifest.json (whose command line holds no value either).
    assert_eq!(written.len(), 7, "{written:?}");
    for f in &written {
        assert_no_secret(&f.display().to_string(), &std::fs::read(f).unwrap());
    }
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/cookiescan-report.json")).unwrap(),
    )
    .unwrap();
    // The values are really there to leak: the nameless cookie is reported, the long one is
    // listed as malformed (by name, here none) and warned about.
    assert!(json["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == ""));
    assert!(
        json["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "odd\u{FFFE}name"),
        "the JSON keeps the name as sent (the JUnit test relies on it)"
    );
    // Issue 17 item 9: the page's script writes `ff\x01x=1`, which browsers refuse.
    assert!(
        json["cookies"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["name"].as_str().unwrap().starts_with("ff")),
        "a name with a control character is not a cookie"
    );
    assert!(
        json["scripts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["warnings"].to_string().contains("control character")),
        "{}",
        json["scripts"]
    );
    let malformed = json["malformed_set_cookie"].as_array().unwrap();
    assert_eq!(malformed.len(), 1, "{malformed:?}");
    assert_eq!(malformed[0]["excerpt"], "");

    // With --include-values the same scan does show them: the check above can fail.
    let shown = run(
        scan_args(&server, &["--include-values", "--format", "json"]),
        dir.path(),
    )
    .await;
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains(SECRETS[0]) && text.contains(SECRETS[2]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nameless_cookie_values_never_reach_a_batch_store_table() {
    let server = hostile_site().await;
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("sites.txt");
    std::fs::write(&list, format!("{}/\n", server.origin("www.hostile.test"))).unwrap();
    let mut args: Vec<String> = ["batch", "sites.txt", "--store", "results.db", "--quiet"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--no-sitemaps", "--output-dir", "out"].map(String::from));
    args.extend(resolve(&server));
    let out = run(args, dir.path()).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_secret("stdout", &out.stdout);
    assert_no_secret("stderr", &out.stderr);
    let db = dir.path().join("results.db").display().to_string();
    let pool = batch_support::pool(&db).await;
    let mut seen = 0;
    let tables = [
        ("meta", "SELECT * FROM meta"),
        ("scans", "SELECT * FROM scans"),
        ("pages", "SELECT * FROM pages"),
        ("cookies", "SELECT * FROM cookies"),
        ("findings", "SELECT * FROM findings"),
        ("errors", "SELECT * FROM errors"),
    ];
    for (table, query) in tables {
        let rows = sqlx::query(query)
            .fetch_all(&pool)
            .await
            .expect("table exists");
        for row in rows {
            use sqlx::Row;
            for i in 0..row.len() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) {
                    seen += 1;
                    assert_no_secret(&format!("table {table}"), text.as_bytes());
                }
            }
        }
    }
    pool.close().await;
    assert!(seen > 20, "the tables were read ({seen} text cells)");
    assert_eq!(
        batch_support::count(
            &db,
            "SELECT COUNT(*) FROM errors WHERE message LIKE '%Set-Cookie%'"
        )
        .await,
        1,
        "the malformed line is recorded, without its value"
    );
    // The store file itself (and anything next to it), byte for byte.
    for f in files(dir.path()) {
        assert_no_secret(&f.display().to_string(), &std::fs::read(&f).unwrap());
    }
}

/// Issue 17 item 12: U+FFFE and U+FFFF in cookie names made the JUnit file unreadable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junit_stays_well_formed_with_noncharacters_in_cookie_names() {
    let server = hostile_site().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(scan_args(&server, &["--format", "junit"]), dir.path()).await;
    let xml = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(xml.contains("oddname"), "the cookie is still listed: {xml}");
    assert_well_formed_xml_1_0(&xml);
}

/// Structure by quick-xml; characters, written or referenced (`&#1;`), by the XML 1.0 `Char`
/// production, which quick-xml does not check.
fn assert_well_formed_xml_1_0(xml: &str) {
    use quick_xml::events::Event;
    let xml_char = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    assert_eq!(
        xml.chars().find(|&c| !xml_char(c)),
        None,
        "a character XML 1.0 forbids"
    );
    let check_attributes = |e: &quick_xml::events::BytesStart| {
        for a in e.attributes() {
            let v = a
                .expect("well-formed attribute")
                .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .expect("attribute escapes are valid")
                .into_owned();
            assert!(
                v.chars().all(xml_char),
                "attribute refers to a forbidden character"
            );
        }
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                depth += 1;
                check_attributes(&e);
            }
            Ok(Event::Empty(e)) => check_attributes(&e),
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::GeneralRef(r)) if r.is_char_ref() => {
                let c = r.resolve_char_ref().expect("a valid character reference");
                assert!(
                    c.is_some_and(xml_char),
                    "text refers to a forbidden character"
                );
            }
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "every element is closed");
}

/// Issue 17 item 13: `init --from` wrote `name = ""` for the nameless cookie, which the next
/// scan rejected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_from_a_hostile_report_writes_a_config_the_next_scan_loads() {
    let server = hostile_site().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(scan_args(&server, &["-o", "report.json"]), dir.path()).await;
    assert!(dir.path().join("report.json").is_file(), "{out:?}");
    let init = run(
        ["init", "--from", "report.json", "-o", "cookiescan.toml"]
            .map(String::from)
            .to_vec(),
        dir.path(),
    )
    .await;
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let toml = std::fs::read_to_string(dir.path().join("cookiescan.toml")).unwrap();
    assert!(!toml.contains("name = \"\""), "{toml}");
    assert_no_secret("cookiescan.toml", toml.as_bytes());
    // The next scan reads it (from the folder, as a user would) and finds everything declared.
    let again = run(scan_args(&server, &["--format", "json"]), dir.path()).await;
    assert!(
        again.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let undeclared: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "undeclared-cookie")
        .collect();
    assert!(undeclared.is_empty(), "{undeclared:?}");
}

/// Issue 17 item 4: `--policy /dev/zero` read until the kernel killed it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_policy_file_stops_at_the_limit_with_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    for flag in ["--policy", "--config"] {
        let out = run(
            ["scan", flag, "/dev/zero", "http://127.0.0.1:1/"]
                .map(String::from)
                .to_vec(),
            dir.path(),
        )
        .await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("/dev/zero is larger than 32 MB"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// Issue 17 item 17: `-o` naming a folder failed only after the crawl, losing the report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_naming_a_folder_fails_before_the_crawl() {
    let server = hostile_site().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let out = run(scan_args(&server, &["-o", "reports"]), dir.path()).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("reports") && err.contains("folder"), "{err}");
    assert_eq!(
        server.hits("www.hostile.test", "/"),
        0,
        "nothing was crawled"
    );
}
