//! The two real policies the project started from (text extracted from their PDFs).

mod policy_support;

use policy_support::{assert_rows, extract_fixture, row};

const N: Option<&str> = Some("necessary");
const A: Option<&str> = Some("analytics");

#[test]
fn outscale_table_with_split_names_hosts_and_continuation_lines() {
    let ex = extract_fixture("outscale-cookie-policy.txt");
    let cockpit = ["cockpit-euwest-2.outscale.com"];
    let fr_en = ["fr.outscale.com", "en.outscale.com"];
    let three = ["fr.outscale.com", "en.outscale.com", "blog.outscale.com"];
    assert_rows(
        &ex.cookies,
        &[
            row("django_language", N, None, &cockpit),
            row("csrftoken", N, None, &cockpit),
            row("sessionid", N, None, &cockpit),
            row(
                "wordpress_gdpr_cookies_allowed",
                N,
                Some("Wordpress"),
                &fr_en,
            ),
            row(
                "wordpress_gdpr_cookies_declined",
                N,
                Some("Wordpress"),
                &fr_en,
            ),
            row(
                "wordpress_gdpr_allowed_services",
                N,
                Some("Wordpress"),
                &fr_en,
            ),
            row(
                "_zlcmid",
                N,
                Some("Zendesk"),
                &["cockpiteuwest2.outscale.com"],
            ),
            row("_pk_ses", A, Some("Matomo"), &three),
            row("_pk_id", A, Some("Matomo"), &three),
            row("pk_id", A, Some("Piwik Analytics"), &["marketplace.com"]),
            row("_pk_ses", A, Some("Piwik Analytics"), &["marketplace.com"]),
            row("wp-wpml_current_language", N, Some("WPML"), &three),
            row("session_id", A, Some("Odoo"), &three),
            row("visitor_uuid", A, Some("Odoo"), &three),
            row("frontend_lang", A, Some("Odoo"), &three),
            row("VISITOR_INFO1_LIVE", N, Some("YouTube"), &three),
            row("VISITOR_PRIVACY_METADATA", N, Some("YouTube"), &three),
            row("YSC", N, Some("YouTube"), &three),
        ],
    );
    let labels: Vec<&str> = ex
        .cookies
        .iter()
        .filter_map(|c| c.category_label.as_deref())
        .collect();
    assert!(
        labels
            .iter()
            .all(|l| *l == "Necessary" || *l == "Statistical"),
        "{labels:?}"
    );
    // Titles in the "Name" column are not providers; they lead the purpose.
    let first = &ex.cookies[0];
    assert!(first
        .purpose
        .as_deref()
        .is_some_and(|p| p.starts_with("Site language: This cookie is used")));
    assert_eq!(first.source.as_ref().map(|s| s.line), Some(24));
    assert_eq!(ex.cookies[3].lifetime.as_deref(), Some("180 days"));
    // The Matomo row's wrapped explanation is one purpose.
    assert!(ex.cookies[7]
        .purpose
        .as_deref()
        .is_some_and(|p| p.contains("deleted after 24 months 14 days")));

    let repairs: Vec<(&str, &str, usize)> = ex
        .repairs
        .iter()
        .map(|r| (r.original.as_str(), r.repaired.as_str(), r.line))
        .collect();
    for want in [
        ("django_langua ge", "django_language", 24),
        ("Sessionid", "sessionid", 29),
        (
            "wordpress_gd pr_co okies_allowed",
            "wordpress_gdpr_cookies_allowed",
            30,
        ),
        (
            "wordpress_gd pr_co okies_declined",
            "wordpress_gdpr_cookies_declined",
            30,
        ),
        (
            "wordpress_gd pr_allo wed_services",
            "wordpress_gdpr_allowed_services",
            30,
        ),
        (
            "cockpit-euwest- 2.outscale.com",
            "cockpit-euwest-2.outscale.com",
            24,
        ),
        ("en.outscale.c om", "en.outscale.com", 30),
    ] {
        assert!(
            repairs.contains(&want),
            "missing repair {want:?} in {repairs:#?}"
        );
    }
    assert!(
        ex.warnings
            .iter()
            .any(|w| w.contains(":41:") && w.contains("'pk_id'") && w.contains("'_pk_id'")),
        "{:?}",
        ex.warnings
    );
}

#[test]
fn opendatasoft_heading_gives_the_category_across_a_page_break() {
    let ex = extract_fixture("opendatasoft-cookie-policy.txt");
    let ods = Some("Opendatasoft");
    assert_rows(
        &ex.cookies,
        &[
            row("sessionid", N, ods, &[]),
            row("django_language", N, ods, &[]),
            row("csrftoken", N, ods, &[]),
            row("cookies_preferences", N, ods, &[]),
        ],
    );
    let c = &ex.cookies[0];
    assert_eq!(
        c.category_label.as_deref(),
        Some("Cookies necessary for the platform to function properly/functionality cookies")
    );
    assert_eq!(
        c.purpose.as_deref(),
        Some(
            "Authentication (front and back office): To remember the user from one page to another"
        )
    );
    assert_eq!(ex.cookies[3].source.as_ref().map(|s| s.line), Some(32));
}
