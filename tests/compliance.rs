//! Compliance rules and the config file, end to end on the demo site.
mod util;

use cookiescan::compliance::Finding;
use cookiescan::config::Config;
use cookiescan::policy::Policy;
use cookiescan::report::Report;
use predicates::prelude::*;
use util::TestCommand;

async fn demo_with(config_text: &str) -> Report {
    let config = Config::parse(config_text, "test.toml").expect("valid config");
    let policy = Policy {
        declared: config.declared.clone(),
        ignores: config.ignores.clone(),
        sources: vec!["test.toml".into()],
    };
    let server = cookiescan::demo::start().await.unwrap();
    let cfg = cookiescan::demo::config(&server, cookiescan::crawl::CrawlConfig::default());
    util::scan_with(&cfg, &policy).await
}

fn by_rule<'a>(r: &'a Report, rule: &str) -> Vec<&'a Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

fn about<'a>(r: &'a Report, rule: &str, cookie: &str) -> Option<&'a Finding> {
    by_rule(r, rule)
        .into_iter()
        .find(|f| f.cookie.as_ref().is_some_and(|c| c.name == cookie))
}

#[tokio::test]
async fn the_demo_policy_makes_every_rule_fire() {
    let report = demo_with(cookiescan::demo::DEMO_CONFIG).await;
    // These judge consent phases, which only browser mode produces (tests/browser.rs).
    const BROWSER_ONLY: [&str; 5] = [
        "cookie-after-reject",
        "no-reject-option",
        "no-banner",
        "cookie-after-withdrawal",
        "no-withdrawal-method",
    ];
    // These judge consent signals (TC strings, Google tag hits) read in browser passes
    // (tests/browser_signals.rs).
    const SIGNALS: [&str; 8] = [
        "tcf-consent-before-choice",
        "tcf-consent-after-reject",
        "tcf-legitimate-interest-restricted",
        "tcf-outdated-policy",
        "consent-mode-missing",
        "consent-mode-granted-before-choice",
        "consent-mode-granted-after-reject",
        "consent-mode-v2-incomplete",
    ];
    for rule in cookiescan::compliance::all_rules() {
        let id = rule.info().id;
        if BROWSER_ONLY.contains(&id) || SIGNALS.contains(&id) {
            continue;
        }
        assert!(
            !by_rule(&report, id).is_empty(),
            "rule {id} did not fire on the demo"
        );
    }
}

#[tokio::test]
async fn undeclared_and_ignored_and_declared_cookies() {
    let report = demo_with(cookiescan::demo::DEMO_CONFIG).await;
    assert!(about(&report, "undeclared-cookie", "visitor_uuid").is_some());
    assert!(
        about(&report, "undeclared-cookie", "csrftoken").is_none(),
        "declared cookie reported"
    );
    // [[ignore]] takes `messages` out of every rule.
    assert!(report
        .findings
        .iter()
        .all(|f| f.cookie.as_ref().is_none_or(|c| c.name != "messages")));
    let ignored = &report.policy.ignored[0];
    assert_eq!(
        (ignored.name.as_str(), ignored.observed.len()),
        ("messages", 1)
    );
}

#[tokio::test]
async fn category_mismatch_points_at_the_declaration_line() {
    let report = demo_with(cookiescan::demo::DEMO_CONFIG).await;
    let f = about(&report, "category-mismatch", "VISITOR_INFO1_LIVE")
        .expect("YouTube declared necessary");
    let decl = f.declaration.as_ref().expect("declaration location");
    let line = cookiescan::demo::DEMO_CONFIG
        .lines()
        .nth(decl.line - 1)
        .unwrap();
    assert_eq!(line, "[[cookie]]");
    assert!(about(&report, "category-mismatch", "session_id").is_some());
    assert!(about(&report, "category-mismatch", "csrftoken").is_none());
}

#[tokio::test]
async fn lifetimes_over_the_declaration_or_the_13_month_cap() {
    let report = demo_with(cookiescan::demo::DEMO_CONFIG).await;
    assert!(about(&report, "excessive-lifetime", "csrftoken")
        .unwrap()
        .message
        .contains("6 months"));
    assert!(about(&report, "excessive-lifetime", "sessionid").is_none());
    // A 2-year marketing cookie breaks the cap even with no policy at all.
    let server = util::serve("basic").await;
    let cfg = util::config(&server, "www.site.test", "/");
    let report = util::scan(&cfg).await;
    assert!(
        about(&report, "excessive-lifetime", "IDE").is_some(),
        "{:?}",
        report.findings
    );
}

#[tokio::test]
async fn insecure_attributes_and_refused_cookies() {
    let report = demo_with(cookiescan::demo::DEMO_CONFIG).await;
    assert!(about(&report, "insecure-attributes", "sessionid")
        .unwrap()
        .message
        .contains("Secure"));
    assert!(
        about(&report, "insecure-attributes", "csrftoken").is_none(),
        "CSRF tokens are meant to be script-readable"
    );
    let server = util::serve("basic").await;
    let mut cfg = util::config(&server, "www.site.test", "/malformed");
    cfg.max_depth = Some(0);
    let report = util::scan(&cfg).await;
    assert!(about(&report, "insecure-attributes", "n")
        .unwrap()
        .message
        .contains("SameSite=None"));
    assert!(about(&report, "insecure-attributes", "e")
        .unwrap()
        .message
        .contains("refused"));
}

#[tokio::test]
async fn consent_and_third_party_rules_need_no_policy() {
    let server = cookiescan::demo::start().await.unwrap();
    let cfg = cookiescan::demo::config(&server, cookiescan::crawl::CrawlConfig::default());
    let report = util::scan(&cfg).await;
    assert!(about(&report, "set-before-consent", "VISITOR_INFO1_LIVE").is_some());
    assert!(
        about(&report, "set-before-consent", "sessionid").is_none(),
        "necessary cookies need no consent"
    );
    assert!(about(&report, "third-party", "YSC").is_some());
    assert!(
        by_rule(&report, "undeclared-cookie").is_empty(),
        "no policy, no undeclared findings"
    );
    assert!(by_rule(&report, "declared-not-observed").is_empty());
}

#[tokio::test]
async fn declared_but_not_observed_is_info() {
    let report = demo_with(cookiescan::demo::DEMO_CONFIG).await;
    let f = by_rule(&report, "declared-not-observed");
    assert!(f
        .iter()
        .any(|f| f.message.contains("wp-wpml_current_language")));
    assert!(f
        .iter()
        .all(|f| f.severity == cookiescan::compliance::Severity::Info));
}

#[test]
fn config_errors_name_the_line() {
    let cases = [
        ("[scan]\nmax_pages = 3\ncolour = 1\n", "line 3", "colour"),
        (
            "[[cookie]]\npattern = '^_ga_(['\n",
            "line 1",
            "regular expression",
        ),
        ("[[ignore]]\nname = \"x\"\n", "line 1", "reason"),
        (
            "[[cookie]]\nname = \"a\"\nprefix = \"b\"\n",
            "line 1",
            "exactly one",
        ),
        (
            "[[cookie]]\nname = \"a\"\ncategory = \"tasty\"\n",
            "line 1",
            "tasty",
        ),
    ];
    for (text, line, words) in cases {
        let err = Config::parse(text, "cookiescan.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cookiescan.toml") && err.contains(line) && err.contains(words),
            "{err}"
        );
    }
}

#[test]
fn fail_on_decides_the_exit_code() {
    let run = |fail_on: &str| {
        TestCommand::new()
            .args(["demo", "--quiet", "--fail-on", fail_on])
            .assert()
    };
    run("error")
        .code(1)
        .stdout(predicate::str::contains("errors,"));
    run("never").code(0);
    TestCommand::new()
        .args(["demo", "--quiet"])
        .assert()
        .code(0);
}

#[test]
fn bad_config_file_exits_2() {
    let mut c = TestCommand::new();
    let path = c.write("cookiescan.toml", "[[ignore]]\nname = \"x\"\n");
    c.args(["demo", "--quiet", "--config"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("reason"));
}

#[test]
fn config_in_the_current_directory_is_found_and_flags_win() {
    let config = "[scan]\nurls = [\"http://127.0.0.1:1/\"]\ntimeout = 1.0\n";
    // The file's URL is used (unreachable: exit 3) ...
    let mut c = TestCommand::new();
    c.write("cookiescan.toml", config);
    c.in_dir().args(["scan", "--quiet"]).assert().code(3);
    // ... and a bad flag still wins over the file.
    TestCommand::new()
        .current_dir(c.dir())
        .args(["scan", "--quiet", "--timeout=-1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("timeout"));
}

#[test]
fn init_writes_a_starter_and_declares_a_scan() {
    let mut demo = TestCommand::new();
    let report = demo.path("report.json");
    let out = demo.path("cookiescan.toml");
    demo.args(["demo", "--quiet", "-o"])
        .arg(&report)
        .assert()
        .code(0);
    TestCommand::new()
        .args(["init", "--from"])
        .arg(&report)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let config = Config::load(&out).expect("the generated file loads");
    assert!(config
        .declared
        .iter()
        .any(|d| d.name == "VISITOR_INFO1_LIVE"));
    // Refuses to overwrite without --force.
    TestCommand::new()
        .args(["init", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    TestCommand::new()
        .args(["init", "--force", "-o"])
        .arg(&out)
        .assert()
        .success();
    Config::load(&out).expect("the starter loads");
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_takes_declarations_straight_from_a_policy_page() {
    let server = cookiescan::demo::start().await.unwrap();
    let origin = server.origin("www.coop-demo.test");
    let mut c = TestCommand::new();
    c.args([
        "scan",
        "--quiet",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--policy",
    ])
    .arg(format!("{origin}/privacy"))
    .arg(format!("{origin}/"));
    let out = c.resolving(&server).output_serving();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let declared: Vec<&str> = report["policy"]["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(declared, ["csrftoken", "sessionid", "_pk_id"]);
    assert!(report["policy"]["sources"][0]
        .as_str()
        .unwrap()
        .ends_with("/privacy"));
    let undeclared: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "undeclared-cookie")
        .map(|f| f["cookie"]["name"].as_str().unwrap())
        .collect();
    assert!(
        undeclared.contains(&"visitor_uuid") && !undeclared.contains(&"csrftoken"),
        "{undeclared:?}"
    );
}

#[test]
fn csv_declarations_with_shuffled_columns_feed_the_rules() {
    let mut c = TestCommand::new();
    let csv = c.write(
        "cookies.csv",
        "Purpose,Type,Cookie name,Provider\n\"Protects forms, from CSRF\",Necessary,csrftoken,Coop\nKeeps you signed in,Strictly necessary,sessionid,Coop\n",
    );
    let out = c
        .args([
            "demo",
            "--quiet",
            "--format",
            "json",
            "--config",
            "/dev/null",
            "--policy",
        ])
        .arg(&csv)
        .output();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let declared: Vec<&str> = report["policy"]["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(declared, ["csrftoken", "sessionid"]);
    let undeclared = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "undeclared-cookie")
        .count();
    assert!(undeclared >= 10, "everything else is undeclared");
}
