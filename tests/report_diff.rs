//! `cookiescan diff` on two scans of the demo site, the second with a changed site.
mod report_support;
mod util;

use cookiescan::knowledge::Category;
use cookiescan::report::{DiffFormat, Format, Report, ReportDiff};
use report_support::{demo_report, demo_report_from, render};
use util::TestCommand;

/// The demo site a release later: Google Analytics added, the CSRF cookie kept for two years,
/// the session cookie made SameSite=Strict, Django's message cookie gone.
fn changed_site() -> String {
    let site = cookiescan::demo::DEMO_SITE;
    let edits = [
        (
            "  \"django_language=en; Path=/; SameSite=Lax\",\n",
            "  \"django_language=en; Path=/; SameSite=Lax\",\n  \"_ga=GA1.1.1234.5678; Path=/; Max-Age=63072000\",\n",
        ),
        ("Max-Age=31449600", "Max-Age=63072000"),
        (
            "Max-Age=1209600; HttpOnly; SameSite=Lax",
            "Max-Age=1209600; HttpOnly; SameSite=Strict",
        ),
        (
            "set_cookie = [\"messages=W1siX19qc29uX21lc3NhZ2UiXV0; Path=/; HttpOnly; SameSite=Lax\"]",
            "set_cookie = []",
        ),
    ];
    let mut out = site.to_string();
    for (from, to) in edits {
        assert!(out.contains(from), "the demo site changed: {from}");
        out = out.replace(from, to);
    }
    out
}

async fn scans() -> (Report, Report) {
    (demo_report().await, demo_report_from(&changed_site()).await)
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_finds_added_removed_and_changed_cookies() {
    let (old, new) = scans().await;
    let diff = ReportDiff::between(&old, &new);
    let names = |list: &[cookiescan::report::DiffCookie]| {
        list.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&diff.added), ["_ga"]);
    assert_eq!(names(&diff.removed), ["messages"]);
    let change = |name: &str, field: &str| {
        diff.changed
            .iter()
            .find(|c| c.cookie.name == name)
            .and_then(|c| c.changes.iter().find(|ch| ch.field == field))
            .map(|ch| (ch.old.clone(), ch.new.clone()))
    };
    assert_eq!(
        change("csrftoken", "lifetime"),
        Some(("12 months".into(), "2 years".into()))
    );
    let (was, is) = change("sessionid", "attributes").expect("sessionid changed");
    assert!(was.contains("SameSite=Lax") && is.contains("SameSite=Strict"));
    assert_eq!(diff.changed.len(), 2, "{:#?}", diff.changed);
    assert!(diff
        .new_findings
        .iter()
        .any(|f| f.rule == "undeclared-cookie" && f.message.contains("_ga")));
    assert!(diff.has_new());

    // Category and party changes, and nothing new the other way round.
    let mut recategorised = old.clone();
    let ysc = recategorised
        .cookies
        .iter_mut()
        .find(|c| c.record.name == "YSC")
        .unwrap();
    ysc.classification.category = Category::Necessary;
    ysc.record.party = cookiescan::observe::Party::First;
    let diff = ReportDiff::between(&old, &recategorised);
    let fields: Vec<&str> = diff.changed[0]
        .changes
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    assert_eq!(fields, ["category", "party"]);
    assert!(!diff.has_new());
    assert!(ReportDiff::between(&old, &old).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_renders_text_json_and_markdown() {
    let (old, new) = scans().await;
    let diff = ReportDiff::between(&old, &new);
    let text = diff.render(DiffFormat::Summary).unwrap();
    let md = diff.render(DiffFormat::Markdown).unwrap();
    insta::assert_snapshot!("diff_summary", text);
    insta::assert_snapshot!("diff_markdown", md);
    let json: ReportDiff =
        serde_json::from_str(&diff.render(DiffFormat::Json).unwrap()).expect("JSON round-trips");
    assert_eq!(json, diff);
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_command_exits_1_when_something_new_appeared() {
    let (old, new) = scans().await;
    let dir = tempfile::tempdir().unwrap();
    let (old_path, new_path) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&old_path, render(&old, Format::Json)).unwrap();
    std::fs::write(&new_path, render(&new, Format::Json)).unwrap();

    let run = |a: &std::path::Path, b: &std::path::Path, format: &str| {
        TestCommand::new()
            .arg("diff")
            .arg(a)
            .arg(b)
            .args(["--format", format])
            .output()
    };
    let out = run(&old_path, &new_path, "summary");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+ _ga (www.coop-demo.test)"));
    // Only a removal: nothing new, exit 0.
    let mut fewer = old.clone();
    fewer.cookies.retain(|c| c.record.name != "csrftoken");
    let fewer_path = dir.path().join("fewer.json");
    std::fs::write(&fewer_path, render(&fewer, Format::Json)).unwrap();
    let out = run(&old_path, &fewer_path, "markdown");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("| removed | csrftoken |"), "{md}");
    assert_eq!(out.status.code(), Some(0));
    let out = run(&old_path, &old_path, "json");
    assert_eq!(out.status.code(), Some(0));
    let same: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(same["added"], serde_json::json!([]));

    let missing = run(&old_path, &dir.path().join("nope.json"), "summary");
    assert_eq!(missing.status.code(), Some(2));
}
