//! Classification end to end: the demo's cookies, user databases, `lookup`.
mod util;

use cookiescan::knowledge::{Category, MatchKind};
use predicates::prelude::*;
use util::TestCommand;

#[tokio::test]
async fn every_demo_cookie_is_classified_correctly() {
    let server = cookiescan::demo::start().await.unwrap();
    let cfg = cookiescan::demo::config(&server, cookiescan::crawl::CrawlConfig::default());
    let report = util::scan(&cfg).await;
    let expect = [
        ("csrftoken", "Django", Category::Necessary),
        ("sessionid", "Django", Category::Necessary),
        ("django_language", "Django", Category::Functional),
        ("messages", "Django", Category::Necessary),
        ("session_id", "Odoo", Category::Necessary),
        ("frontend_lang", "Odoo", Category::Functional),
        ("visitor_uuid", "Odoo", Category::Analytics),
        ("cookies_preferences", "Opendatasoft", Category::Necessary),
        ("YSC", "YouTube", Category::Marketing),
        ("VISITOR_INFO1_LIVE", "YouTube", Category::Marketing),
        ("VISITOR_PRIVACY_METADATA", "YouTube", Category::Functional),
    ];
    for (name, vendor, category) in expect {
        let c = util::classified(&report, name).unwrap_or_else(|| panic!("{name} not seen"));
        let k = &c.classification;
        assert_eq!(k.vendor.as_deref(), Some(vendor), "{name}");
        assert_eq!(k.category, category, "{name}");
        assert_eq!(k.match_kind, MatchKind::Exact, "{name}");
        assert!(k.confidence >= 0.9 && k.purpose.is_some(), "{name}");
    }
    assert_eq!(report.summary.guessed, 0);
}

#[test]
fn lookup_prints_the_match_and_why() {
    TestCommand::new()
        .args(["lookup", "sessionid", "--domain", "instagram.com"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Instagram").and(predicate::str::contains("exact match")));
}

#[test]
fn open_cookie_database_csv_is_accepted_and_bad_rows_are_warned() {
    let csv = util::fixture_path("ocd/sample.csv");
    TestCommand::new()
        .arg("lookup")
        .arg("--cookie-db")
        .arg(&csv)
        .arg("_ga")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning:").and(predicate::str::contains("sample.csv:")));
}

#[test]
fn a_broken_cookie_db_is_a_usage_error_naming_the_file() {
    let mut c = TestCommand::new();
    let bad = c.write("mine.toml", "[[cookie]]\nname = \"x\"\nvendor = \"v\"\ncategory = \"necessary\"\npurpose = \"p\"\ncolour = \"red\"\n");
    c.arg("lookup")
        .arg("--cookie-db")
        .arg(&bad)
        .arg("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("mine.toml"));
}

#[test]
fn every_cookie_the_seed_policies_name_is_in_the_database() {
    let kb = util::kb();
    let seeds = [
        "django_language",
        "csrftoken",
        "sessionid",
        "wordpress_gdpr_cookies_allowed",
        "wordpress_gdpr_cookies_declined",
        "wordpress_gdpr_allowed_services",
        "_zlcmid",
        "_pk_ses.1.ab12",
        "_pk_id.1.ab12",
        "wp-wpml_current_language",
        "session_id",
        "visitor_uuid",
        "frontend_lang",
        "VISITOR_INFO1_LIVE",
        "VISITOR_PRIVACY_METADATA",
        "YSC",
        "cookies_preferences",
    ];
    for name in seeds {
        let c = kb.classify(&cookiescan::knowledge::CookieQuery::new(name));
        assert!(c.is_known(), "{name} is not in the database: {}", c.reason);
    }
    // As policies write them: Matomo's family name without its suffix, odd capitalisation.
    assert!(kb.is_known_name("_pk_id") && kb.is_known_name("_pk_ses"));
    assert_eq!(kb.canonical_name("Sessionid").as_deref(), Some("sessionid"));
}
