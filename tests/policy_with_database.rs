//! The seed policies in ../shared/seeds, read with the real knowledge base as the name oracle
//! (the extractor's own tests use a small list; this is what `cookiescan` actually does).

use std::path::PathBuf;

use assert_cmd::Command;
use cookiescan::knowledge::{Category, KnowledgeBase};
use cookiescan::policy::{extract_bytes, DocKind};

fn seed(name: &str) -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let candidate = dir.join("shared/seeds").join(name);
        if candidate.is_file() {
            return candidate;
        }
        assert!(
            dir.pop(),
            "shared/seeds/{name} not found beside the checkout: CI puts ../shared there"
        );
    }
}

fn names(file: &str) -> Vec<(String, Option<Category>, Vec<String>)> {
    let kb = KnowledgeBase::builtin().unwrap();
    let bytes = std::fs::read(seed(file)).unwrap();
    let ex = extract_bytes(&bytes, DocKind::Auto, file, &kb).unwrap();
    ex.cookies
        .into_iter()
        .map(|c| (c.name, c.category, c.domains))
        .collect()
}

#[test]
fn outscale_seed_with_the_real_database() {
    let got = names("outscale-cookie-policy.txt");
    let just: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        just,
        [
            "django_language",
            "csrftoken",
            "sessionid",
            "wordpress_gdpr_cookies_allowed",
            "wordpress_gdpr_cookies_declined",
            "wordpress_gdpr_allowed_services",
            "_zlcmid",
            "_pk_ses",
            "_pk_id",
            "pk_id",
            "_pk_ses",
            "wp-wpml_current_language",
            "session_id",
            "visitor_uuid",
            "frontend_lang",
            "VISITOR_INFO1_LIVE",
            "VISITOR_PRIVACY_METADATA",
            "YSC",
        ]
    );
    let find = |n: &str| got.iter().find(|(name, _, _)| name == n).unwrap();
    assert_eq!(find("django_language").1, Some(Category::Necessary));
    assert_eq!(find("django_language").2, ["cockpit-euwest-2.outscale.com"]);
    assert_eq!(find("_pk_id").1, Some(Category::Analytics));
    assert_eq!(
        find("session_id").1,
        Some(Category::Analytics),
        "Outscale declares Odoo's cookies Statistical"
    );
    assert!(find("YSC").2.contains(&"en.outscale.com".to_string()));
}

#[test]
fn opendatasoft_seed_with_the_real_database() {
    let got = names("opendatasoft-cookie-policy.txt");
    let just: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        just,
        [
            "sessionid",
            "django_language",
            "csrftoken",
            "cookies_preferences"
        ]
    );
    assert!(got.iter().all(|(_, c, _)| *c == Some(Category::Necessary)));
}

#[test]
fn policy_extract_prints_toml_that_cookiescan_toml_accepts() {
    let out = Command::cargo_bin("cookiescan")
        .unwrap()
        .args(["policy", "extract"])
        .arg(seed("outscale-cookie-policy.txt"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let config = cookiescan::config::Config::parse(&text, "extracted.toml")
        .expect("pastes into cookiescan.toml");
    assert_eq!(config.declared.len(), 18);
    Command::cargo_bin("cookiescan")
        .unwrap()
        .args(["policy", "extract", "--format", "csv"])
        .arg(seed("opendatasoft-cookie-policy.txt"))
        .assert()
        .success()
        .stdout(predicates::str::starts_with("name,match,category"));
}

#[test]
fn a_binary_policy_is_a_clear_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("policy.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0garbage").unwrap();
    Command::cargo_bin("cookiescan")
        .unwrap()
        .args(["policy", "extract"])
        .arg(&png)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("PNG"));
}
