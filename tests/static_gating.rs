//! Static mode against consent gating (issue 19): a shop using the real vanilla-cookieconsent,
//! Klaro and tarteaucitron (fixtures/sites/consent_gating.toml, libraries from browser-deps/),
//! scanned without a browser. Recall and precision are measured against a hand-written list of
//! the cookies the site really sets. Never skipped: a missing npm package fails the test.
mod browser_support;
mod util;

use browser_support::{npm_file, route, JS};
use cookiescan::fixture::{FixtureServer, SiteSpec};
use cookiescan::observe::Source;
use cookiescan::report::Report;

const HOST: &str = "www.boutique.test";

/// Every cookie the site sets, written by hand from the fixture and the libraries' documented
/// behaviour: (name, gating manager and our category of what releases it, or None when set
/// freely). `_ga_*` is gtag's `_ga_<container>`.
const REAL: &[(&str, Option<(&str, &str)>)] = &[
    ("PHPSESSID", None),
    // The managers' own consent records, written when the visitor answers.
    ("cc_cookie", None),
    ("klaro", None),
    ("tarteaucitron", None),
    // vanilla-cookieconsent: Matomo under "analytics", Clarity wrongly under "necessary".
    (
        "_pk_id.3.b0e1",
        Some(("vanilla-cookieconsent", "analytics")),
    ),
    (
        "_pk_ses.3.b0e1",
        Some(("vanilla-cookieconsent", "analytics")),
    ),
    ("_clck", Some(("vanilla-cookieconsent", "necessary"))),
    // Klaro: the hotjar and youtube services of klaroConfig.
    ("_hjSessionUser_3821", Some(("klaro", "analytics"))),
    ("YSC", Some(("klaro", "marketing"))),
    ("VISITOR_INFO1_LIVE", Some(("klaro", "marketing"))),
    ("VISITOR_PRIVACY_METADATA", Some(("klaro", "marketing"))),
    // tarteaucitron: gtag from the catalogue, and the custom service's loaded script.
    ("_ga", Some(("tarteaucitron", "analytics"))),
    ("_ga_*", Some(("tarteaucitron", "analytics"))),
    ("heat_uid", Some(("tarteaucitron", "analytics"))),
];

/// Cookies of services the site defines or ships but never enables.
const NEVER: &[&str] = &[
    "chat_uid",
    "stg_debug",
    "MUID",
    "_uetsid",
    "_uetvid",
    "_fbp",
    "_hjid",
];

fn site() -> SiteSpec {
    let text = std::fs::read_to_string(util::fixture_path("sites/consent_gating.toml"))
        .expect("fixtures/sites/consent_gating.toml");
    let mut site = SiteSpec::from_toml(&text).expect("the fixture parses");
    let libs = [
        (
            "/lib/cookieconsent.umd.js",
            "vanilla-cookieconsent/dist/cookieconsent.umd.js",
        ),
        ("/lib/klaro.js", "klaro/dist/klaro.js"),
        (
            "/tarteaucitron/tarteaucitron.js",
            "tarteaucitronjs/tarteaucitron.js",
        ),
        (
            "/tarteaucitron/tarteaucitron.services.js",
            "tarteaucitronjs/tarteaucitron.services.js",
        ),
    ];
    for (path, file) in libs {
        site.routes
            .push(route(Some(HOST), path, JS, npm_file(file)));
    }
    site
}

async fn scan() -> Report {
    let server = FixtureServer::start(site()).await.expect("fixture server");
    util::scan(&util::config(&server, HOST, "/")).await
}

fn real(name: &str) -> Option<&'static Option<(&'static str, &'static str)>> {
    REAL.iter().find(|(n, _)| *n == name).map(|(_, g)| g)
}

#[tokio::test(flavor = "multi_thread")]
async fn static_scan_reads_gating_with_full_recall_and_no_unenabled_service() {
    let report = scan().await;
    let names: Vec<&str> = report
        .cookies
        .iter()
        .map(|c| c.record.name.as_str())
        .collect();
    // Recall over what gated and loaded scripts write, each marked with its gate.
    let mut missed = Vec::new();
    for (name, gate) in REAL {
        let Some((manager, category)) = gate else {
            continue;
        };
        match util::cookie(&report, name) {
            None => missed.push(*name),
            Some(c) => {
                let g = c
                    .gated
                    .as_ref()
                    .unwrap_or_else(|| panic!("{name} is not marked gated"));
                assert_eq!(
                    (g.manager.as_str(), g.category.as_deref()),
                    (*manager, Some(*category)),
                    "{name}"
                );
            }
        }
    }
    assert!(missed.is_empty(), "missed {missed:?}; found {names:?}");
    for name in NEVER {
        assert!(
            !names.contains(name),
            "{name} comes from a service the site does not enable"
        );
    }
    // Precision over every cookie a script implies.
    let from_scripts: Vec<&str> = report
        .cookies
        .iter()
        .filter(|c| c.record.sources.contains(&Source::Script))
        .map(|c| c.record.name.as_str())
        .collect();
    let right = from_scripts.iter().filter(|n| real(n).is_some()).count();
    let precision = right as f64 / from_scripts.len() as f64;
    let gated_real = REAL.iter().filter(|(_, g)| g.is_some()).count();
    eprintln!(
        "static gating: recall {gated_real}/{gated_real} gated cookies; precision {right}/{} = {:.0}% \
         (script-derived cookies; wrong: {:?})",
        from_scripts.len(),
        precision * 100.0,
        from_scripts.iter().filter(|n| real(n).is_none()).collect::<Vec<_>>()
    );
    assert!(
        precision >= 0.9,
        "precision {precision:.2}: {from_scripts:?}"
    );
    // No real cookie is ungated when the list says gated, nor gated when set freely.
    for c in &report.cookies {
        if let Some(None) = real(&c.record.name) {
            assert!(c.record.gated.is_none(), "{} is set freely", c.record.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn gated_cookies_raise_no_set_before_consent_but_a_wrong_category_is_a_finding() {
    let report = scan().await;
    let before: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "set-before-consent")
        .filter_map(|f| f.cookie.as_ref().map(|c| c.name.as_str()))
        .collect();
    assert!(before.is_empty(), "set-before-consent on {before:?}");
    let mismatches: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "gated-category-mismatch")
        .collect();
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    let f = mismatches[0];
    assert_eq!(f.cookie.as_ref().map(|c| c.name.as_str()), Some("_clck"));
    assert_eq!(f.severity, cookiescan::compliance::Severity::Error);
    assert!(f.message.contains("vanilla-cookieconsent"), "{}", f.message);
}

/// Issue 19 item 5: the vendor's own category wins. HubSpot files its tracking cookies under
/// "Analytics" and its consent and A/B cookies under "Necessary"; PostHog and Pendo put the
/// project key in the cookie name.
#[test]
fn knowledge_base_follows_vendor_categories_and_token_names() {
    use cookiescan::knowledge::{Category, CookieQuery};
    let kb = util::kb();
    let cases = [
        ("__hstc", Category::Analytics, "HubSpot"),
        ("hubspotutk", Category::Analytics, "HubSpot"),
        ("__hs_opt_out", Category::Necessary, "HubSpot"),
        ("hs_ab_test", Category::Necessary, "HubSpot"),
        (
            "mp_0123456789abcdef0123456789abcdef_mixpanel",
            Category::Analytics,
            "Mixpanel",
        ),
        ("ph_phc_Zx81kQ2_posthog", Category::Analytics, "PostHog"),
        ("_pendo_visitorId.0c1d2e", Category::Analytics, "Pendo"),
    ];
    for (name, category, vendor) in cases {
        let k = kb.classify(&CookieQuery::new(name));
        assert!(k.is_known(), "{name} unknown");
        assert_eq!(
            (k.category, k.vendor.as_deref()),
            (category, Some(vendor)),
            "{name}"
        );
    }
}
