//! `cookiescan declare`: the publishable declaration from a report or a scan, in every format
//! and language, and `--check` against a published page (file or URL). Sites are served
//! in-process on 127.0.0.1.
mod util;

use std::path::{Path, PathBuf};
use std::process::Output;

use cookiescan::fixture::{FixtureServer, SiteSpec};
use util::TestCommand;

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The demo's JSON report, written into the command's folder.
fn demo_report(c: &mut TestCommand, extra: &[&str]) -> PathBuf {
    let report = c.path("report.json");
    let mut demo = TestCommand::new();
    demo.args(["demo", "--quiet", "-o"])
        .arg(&report)
        .args(extra);
    ok(&demo.output());
    report
}

fn declare(report: &Path, args: &[&str]) -> Output {
    TestCommand::new()
        .arg("declare")
        .arg(report)
        .args(args)
        .output()
}

#[test]
fn demo_check_is_clean_then_names_the_row_removed_from_the_published_page() {
    let mut c = TestCommand::new();
    let report = demo_report(&mut c, &[]);
    let published = c.path("cookies.html");
    ok(&declare(&report, &["-o", published.to_str().unwrap()]));
    let html = std::fs::read_to_string(&published).unwrap();
    assert!(html.contains("<code>csrftoken</code>"), "{html}");

    let clean = declare(&report, &["--check", published.to_str().unwrap()]);
    assert_eq!(ok(&clean), "", "a fresh declaration has no drift");

    let without: String = html
        .lines()
        .filter(|l| !l.contains("<code>csrftoken</code>"))
        .collect::<Vec<_>>()
        .join("\n");
    let edited = c.write("edited.html", without);
    let drift = declare(&report, &["--check", edited.to_str().unwrap()]);
    assert_eq!(drift.status.code(), Some(1), "{drift:?}");
    assert_eq!(
        String::from_utf8_lossy(&drift.stdout),
        "csrftoken: set by the site but missing from the published declaration\n"
    );
    assert!(String::from_utf8_lossy(&drift.stderr).contains("1 drift(s)"));
}

#[test]
fn check_names_a_changed_category_and_lifetime_and_a_cookie_no_longer_seen() {
    let mut c = TestCommand::new();
    let report = demo_report(&mut c, &[]);
    let md = c.path("cookies.md");
    ok(&declare(
        &report,
        &["--lang", "fr", "-o", md.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("| `_pk_ses.*` |"), "{text}");
    // French typography: a no-break space before the colon.
    assert!(
        text.contains("Gestionnaire de consentement\u{a0}: **")
            || text.contains("Aucun gestionnaire de consentement"),
        "{text}"
    );
    let text = text
        .replace("| 30 minutes |", "| 2 heures |")
        .replace("### Cookies publicitaires", "### Cookies fonctionnels")
        + "\n### Cookies statistiques\n\n| Nom | Durée de conservation |\n|---|---|\n| `_ga` | 13 mois |\n";
    let edited = c.write("edited.md", text);
    let out = declare(
        &report,
        &["--lang", "fr", "--check", edited.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "VISITOR_INFO1_LIVE: different category: published functional, now marketing\n\
         YSC: different category: published functional, now marketing\n\
         _ga: listed in the published declaration but no longer seen\n\
         _pk_ses.*: different lifetime: published 2 heures, now 30 minutes\n"
    );
}

#[test]
fn every_language_reads_back_clean_in_every_document_format() {
    let mut c = TestCommand::new();
    let report = demo_report(&mut c, &[]);
    for lang in ["en", "fr", "de", "es", "it", "nl"] {
        // The full page wraps the same fragment: the fragment and Markdown are what differ.
        for (format, ext) in [("html", "html"), ("markdown", "md")] {
            let path = c.path(&format!("{lang}-{format}.{ext}"));
            let p = path.to_str().unwrap();
            ok(&declare(
                &report,
                &["--lang", lang, "--format", format, "-o", p],
            ));
            let out = declare(&report, &["--lang", lang, "--check", p]);
            assert_eq!(ok(&out), "", "{lang} {format}");
        }
    }
}

#[test]
fn families_purposes_lifetimes_and_types_in_french_with_english_marked() {
    let mut c = TestCommand::new();
    let report = demo_report(&mut c, &[]);
    let json = ok(&declare(&report, &["--lang", "fr", "--format", "json"]));
    let d: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(d["lang"], "fr");
    assert_eq!(d["consent_manager"], "CookieConsent (Orest Bida)");
    let categories: Vec<&str> = d["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        // Unclassified: the web storage key Odoo's cookie bar writes (`website_cookies_bar`).
        [
            "necessary",
            "functional",
            "analytics",
            "marketing",
            "unclassified"
        ],
        "fixed order, empty sections left out"
    );
    let item = |name: &str| {
        d["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["items"].as_array().unwrap())
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not declared: {json}"))
            .clone()
    };
    let pk = item("_pk_id.*");
    assert_eq!(pk["family"], true);
    assert_eq!(pk["lifetime"], "13 mois");
    assert_eq!(pk["type"], "script-cookie");
    assert_eq!(pk["purpose_lang"], "fr");
    assert!(pk["purpose"].as_str().unwrap().contains("identifiant"));
    let ysc = item("YSC");
    assert_eq!(
        (&ysc["lifetime"], &ysc["type"], &ysc["party"]),
        (
            &serde_json::json!("Session"),
            &serde_json::json!("http-cookie"),
            &serde_json::json!("third")
        )
    );
    // Every built-in entry has a French purpose (data/purposes/fr.toml): nothing falls back.
    let fallbacks: Vec<&serde_json::Value> = d["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .filter(|i| i["purpose_fallback"] == true)
        .collect();
    assert!(fallbacks.is_empty(), "{fallbacks:?}");
    let de: serde_json::Value = serde_json::from_str(&ok(&declare(
        &report,
        &["--lang", "de", "--format", "json"],
    )))
    .unwrap();
    let cc = &de["sections"][0]["items"][0];
    assert_eq!(cc["name"], "cc_cookie");
    assert_eq!(
        (&cc["purpose_lang"], &cc["purpose_fallback"]),
        (&"en".into(), &true.into())
    );
    let store = item("ZD-store");
    assert_eq!(store["type"], "local-storage");
    assert_eq!(store["lifetime"], "Jusqu'à suppression");

    let md = ok(&declare(&report, &["--lang", "de", "--format", "md"]));
    assert!(md.contains("### Notwendige Cookies"), "{md}");
    assert!(
        md.contains("*(auf Englisch)*"),
        "German falls back to English, marked: {md}"
    );
    assert!(md.contains("| 30 Minuten |"), "{md}");
}

#[test]
fn html_is_accessible_self_contained_and_escapes_site_text() {
    let mut c = TestCommand::new();
    let report = demo_report(&mut c, &[]);
    // A cookie name a hostile site chose, put into the report.
    let mut r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    r["cookies"][0]["name"] = "<img src=x onerror=alert(1)>".into();
    std::fs::write(&report, serde_json::to_vec(&r).unwrap()).unwrap();
    for format in ["html", "page"] {
        let html = ok(&declare(&report, &["--format", format]));
        assert!(
            html.contains("<caption>Necessary cookies</caption>"),
            "{html}"
        );
        assert!(html.contains("<th scope=\"col\">Lifetime</th>"));
        assert!(html.contains("<th scope=\"row\" class=\"cookiescan-name\">"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        for banned in ["<script", "<img", "<link", "src=\"", "href=", "url("] {
            assert!(!html.contains(banned), "{format} holds {banned}");
        }
    }
    let page = ok(&declare(&report, &["--format", "page", "--lang", "nl"]));
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
}

#[test]
fn banner_configs_hold_each_category_and_its_cookies() {
    let mut c = TestCommand::new();
    let report = demo_report(&mut c, &[]);
    let cc = ok(&declare(&report, &["--format", "cookieconsent"]));
    let analytics = cc
        .lines()
        .find(|l| {
            l.contains("analytics: { enabled: false, readOnly: false, autoClear: { cookies: [")
        })
        .unwrap_or_else(|| panic!("{cc}"));
    assert!(analytics.contains("{ name: /^_pk_id\\./ }"), "{analytics}");
    assert!(
        cc.contains("necessary: { enabled: true, readOnly: true },"),
        "{cc}"
    );
    assert!(cc.contains("linkedCategory: \"marketing\""), "{cc}");
    assert!(
        cc.contains("{ name: \"YSC\", provider: \"YouTube\""),
        "{cc}"
    );
    let klaro = ok(&declare(&report, &["--format", "klaro", "--lang", "it"]));
    assert!(klaro.contains("lang: \"it\""), "{klaro}");
    assert!(klaro.contains("name: \"analytics-matomo\""), "{klaro}");
    assert!(
        klaro.contains("[/^_pk_ses\\./, '/', \"www.coop-demo.test\"]"),
        "{klaro}"
    );
    assert!(klaro.contains("required: true"), "{klaro}");
}

#[test]
fn own_purposes_per_language_from_cookiescan_toml() {
    let mut c = TestCommand::new();
    let config = c.write(
        "cookiescan.toml",
        "[[cookie]]\nname = \"csrftoken\"\ncategory = \"necessary\"\npurpose = \"Blocks forged forms.\"\npurposes = { de = \"Schützt Formulare.\", fr = \"Protège nos formulaires.\" }\n",
    );
    let report = demo_report(&mut c, &["--config", config.to_str().unwrap()]);
    let de = ok(&declare(&report, &["--lang", "de", "--format", "md"]));
    assert!(
        de.contains("| `csrftoken` | Django | Schützt Formulare. |"),
        "{de}"
    );
    let en = ok(&declare(&report, &["--format", "md"]));
    assert!(
        en.contains("| `csrftoken` | Django | Blocks forged forms. |"),
        "{en}"
    );
    let es = ok(&declare(&report, &["--lang", "es", "--format", "md"]));
    assert!(
        es.contains("| `csrftoken` | Django | Blocks forged forms. *(en inglés)* |"),
        "{es}"
    );

    let bad = c.write(
        "bad.toml",
        "[[cookie]]\nname = \"a\"\npurposes = { pt = \"x\" }\n",
    );
    let out = TestCommand::new()
        .args(["demo", "--quiet", "--config"])
        .arg(&bad)
        .output();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("pt"), "{err}");
}

#[test]
fn demo_output_dir_writes_the_declaration_beside_the_report() {
    let c = TestCommand::new();
    let dir = c.path("out");
    let out = TestCommand::new()
        .args(["demo", "--output-dir"])
        .arg(&dir)
        .output();
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for name in ["declaration.html", "declaration.md"] {
        assert!(stderr.contains(name), "{stderr}");
    }
    let html = std::fs::read_to_string(dir.join("declaration.html")).unwrap();
    assert!(html.contains("<code>_pk_id.*</code>"), "{html}");
    let md = std::fs::read_to_string(dir.join("declaration.md")).unwrap();
    assert!(md.contains("| `VISITOR_INFO1_LIVE` | YouTube |"), "{md}");
}

const SITE: &str = r#"
hosts = ["www.shop.test"]

[[route]]
host = "www.shop.test"
path = "/"
set_cookie = [
  "sessionid=SECRETVALUE-S; Path=/; Max-Age=1209600; HttpOnly",
  "csrftoken=SECRETVALUE-C; Path=/; Max-Age=31449600",
]
body = "<html><body>shop</body></html>"

[[route]]
host = "www.shop.test"
path = "/cookies"
body = """<html><body><h1>Cookies</h1>
<table><caption>Necessary cookies</caption>
<tr><th>Name</th><th>Provider</th><th>Lifetime</th></tr>
<tr><td>sessionid</td><td>Django</td><td>2 weeks</td></tr>
<tr><td>csrftoken</td><td>Django</td><td>1 year</td></tr>
</table></body></html>"""

[[route]]
host = "www.shop.test"
path = "/old-cookies"
body = """<html><body><h1>Cookies</h1>
<table><caption>Necessary cookies</caption>
<tr><th>Name</th><th>Provider</th><th>Lifetime</th></tr>
<tr><td>sessionid</td><td>Django</td><td>2 weeks</td></tr>
</table></body></html>"""
"#;

#[tokio::test(flavor = "multi_thread")]
async fn scan_flag_declares_a_live_site_and_checks_its_published_page_by_url() {
    let server = FixtureServer::start(SiteSpec::from_toml(SITE).unwrap())
        .await
        .unwrap();
    let origin = server.origin("www.shop.test");
    let run = |args: Vec<String>| {
        let mut c = TestCommand::new();
        c.args(["declare", "--quiet", "--no-sitemaps", "--scan"])
            .arg(format!("{origin}/"))
            .resolving(&server)
            .args(args);
        c.output_serving()
    };
    let md = ok(&run(vec!["--format".into(), "md".into()]));
    assert!(md.contains("| `csrftoken` | Django |"), "{md}");
    assert!(
        md.contains("| 1 year | HTTP cookie | www.shop.test | First party |"),
        "{md}"
    );
    assert!(
        !md.contains("SECRETVALUE"),
        "cookie values are secrets: {md}"
    );

    let clean = run(vec!["--check".into(), format!("{origin}/cookies")]);
    assert_eq!(ok(&clean), "");
    let old = run(vec!["--check".into(), format!("{origin}/old-cookies")]);
    assert_eq!(old.status.code(), Some(1), "{old:?}");
    assert_eq!(
        String::from_utf8_lossy(&old.stdout),
        "csrftoken: set by the site but missing from the published declaration\n"
    );
}

#[test]
fn a_report_that_is_not_json_is_one_clear_usage_error() {
    let c = TestCommand::new();
    let bad = c.write("report.json", "not json");
    let out = declare(&bad, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("report.json"), "{err}");
    let mut other = TestCommand::new();
    let good = demo_report(&mut other, &[]);
    let missing = declare(&good, &["--check", "/nonexistent/cookies.html"]);
    assert_eq!(missing.status.code(), Some(2));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("/nonexistent/cookies.html") && err.contains("--check"),
        "{err}"
    );
    let none = TestCommand::new().arg("declare").output();
    assert_eq!(
        none.status.code(),
        Some(2),
        "a report or --scan is required"
    );
}
