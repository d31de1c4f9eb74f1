//! Browser mode on loopback fixture sites with real consent libraries from npm
//! (browser-deps/, installed by scripts/test.sh). Never skipped: a missing dependency fails
//! with the package to install.
mod browser_support;
mod util;

use browser_support::*;
use cookiescan::browser::ConsentMode;
use std::path::PathBuf;

use cookiescan::fixture::{FixtureServer, SiteSpec};
use cookiescan::observe::{ConsentPhase, Source};
use cookiescan::scripts::StorageKind;
use util::TestCommand;

/// A vanilla-cookieconsent v3 site; `faulty` sets the analytics cookie whatever the choice.
fn cookieconsent_site(faulty: bool) -> SiteSpec {
    let condition = if faulty {
        "true"
    } else {
        "CookieConsent.acceptedCategory('analytics')"
    };
    let page = format!(
        r#"<!doctype html><html><head><link rel="stylesheet" href="/cc.css"></head><body>
<h1>Shop</h1><a href="/about">About</a>
<script src="/cc.js"></script>
<script>
CookieConsent.run({{
  categories: {{ necessary: {{ enabled: true, readOnly: true }}, analytics: {{}} }},
  onConsent: () => {{ if ({condition}) document.cookie = '_ga=GA1.1.1234567.1700000000; max-age=63072000; path=/'; }},
  language: {{ default: 'en', translations: {{ en: {{
    consentModal: {{ title: 'We use cookies', description: 'Analytics helps us.', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all' }},
    preferencesModal: {{ title: 'Preferences', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', savePreferencesBtn: 'Save', sections: [] }}
  }} }} }}
}});
</script></body></html>"#
    );
    SiteSpec {
        hosts: vec!["www.shop.test".into()],
        routes: vec![
            route(None, "/", HTML, page.clone()),
            route(
                None,
                "/about",
                HTML,
                "<!doctype html><p>About us</p>".into(),
            ),
            route(
                None,
                "/cc.js",
                JS,
                npm_file("vanilla-cookieconsent/dist/cookieconsent.umd.js"),
            ),
            route(
                None,
                "/cc.css",
                "text/css",
                npm_file("vanilla-cookieconsent/dist/cookieconsent.css"),
            ),
        ],
    }
}

/// A Klaro site: the analytics script is activated only after consent.
fn klaro_site() -> SiteSpec {
    let page = r#"<!doctype html><html><head>
<script>
var klaroConfig = { elementID: 'klaro', storageMethod: 'cookie', cookieName: 'klaro', mustConsent: false, acceptAll: true, hideDeclineAll: false,
  translations: { en: { privacyPolicyUrl: '/privacy', analytics: { title: 'Analytics' } } },
  services: [ { name: 'analytics', purposes: ['analytics'], cookies: ['_ga'] } ] };
</script>
<script defer src="/klaro.js"></script></head><body><h1>News</h1>
<script type="text/plain" data-type="application/javascript" data-name="analytics">
document.cookie = '_ga=GA1.1.99.1700000000; max-age=63072000; path=/';
</script></body></html>"#;
    SiteSpec {
        hosts: vec!["www.news.test".into()],
        routes: vec![
            route(None, "/", HTML, page.into()),
            route(None, "/klaro.js", JS, npm_file("klaro/dist/klaro.js")),
        ],
    }
}

/// A page whose inline script builds a cookie at run time, and a plain-http cross-site
/// iframe whose `SameSite=None; Secure` cookie Chromium must refuse as SecureOnly.
fn runtime_site() -> SiteSpec {
    let page = "<!doctype html><html><body><p>Hello</p>\n<iframe src=\"http://widgets.example-cdn.test:{port}/frame\"></iframe>\n<script>\nvar n = ['v', 'id'].join('_');\ndocument.cookie = n + '=' + Math.random().toString(36).slice(2) + '; max-age=86400; path=/';\n</script></body></html>";
    let mut frame = route(
        Some("widgets.example-cdn.test"),
        "/frame",
        HTML,
        "<!doctype html><p>widget</p>".into(),
    );
    frame.set_cookie = vec!["wid=abc123; SameSite=None; Secure; Path=/; Max-Age=86400".into()];
    SiteSpec {
        hosts: vec!["www.blog.test".into(), "widgets.example-cdn.test".into()],
        routes: vec![frame, route(Some("www.blog.test"), "/", HTML, page.into())],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cookieconsent_v3_correct_banner_sets_analytics_only_after_accept() {
    let server = FixtureServer::start(cookieconsent_site(false))
        .await
        .unwrap();
    let r = browse(&server, "www.shop.test", &options(ConsentMode::All)).await;
    let consent = r.consent.as_ref().unwrap();
    assert!(
        consent.engine_available.starts_with("autoconsent"),
        "{consent:?}"
    );
    let reject = &consent.passes[1];
    assert_eq!(reject.engine, "autoconsent", "{reject:?}");
    assert!(
        reject.succeeded && reject.reject_on_first_layer,
        "{reject:?}"
    );
    assert!(reject.manager.is_some());
    // The withdraw pass: this configuration lists no autoClear cookies, and
    // vanilla-cookieconsent deletes only those, so _ga stays after withdrawal.
    assert_eq!(
        phases(&r, "_ga"),
        vec![ConsentPhase::AfterAccept, ConsentPhase::AfterWithdraw],
        "{:?}",
        consent
    );
    let found = rules(&r);
    assert!(
        !found.contains(&"cookie-after-reject") && !found.contains(&"set-before-consent"),
        "{found:?}"
    );
    assert!(
        !found.contains(&"no-reject-option") && !found.contains(&"no-banner"),
        "{found:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cookieconsent_v3_faulty_banner_sets_analytics_after_reject() {
    let server = FixtureServer::start(cookieconsent_site(true))
        .await
        .unwrap();
    let r = browse(&server, "www.shop.test", &options(ConsentMode::Reject)).await;
    assert_eq!(phases(&r, "_ga"), vec![ConsentPhase::AfterReject]);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "cookie-after-reject")
        .expect("cookie-after-reject fires");
    assert!(f.message.contains("_ga"));
    let ga = util::cookie(&r, "_ga").unwrap();
    // Asked for two years, Chromium keeps 400 days: both are reported.
    assert_eq!(ga.lifetime_secs, Some(63_072_000));
    assert!(
        ga.stored_lifetime_secs
            .is_some_and(|s| s <= 400 * 86_400 + 5),
        "{:?}",
        ga.stored_lifetime_secs
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn klaro_banner_is_handled_and_analytics_waits_for_accept() {
    let server = FixtureServer::start(klaro_site()).await.unwrap();
    let r = browse(&server, "www.news.test", &options(ConsentMode::All)).await;
    let consent = r.consent.as_ref().unwrap();
    assert!(consent.passes[1].succeeded, "{consent:?}");
    assert_eq!(
        phases(&r, "_ga"),
        vec![ConsentPhase::AfterAccept],
        "{consent:?}"
    );
    assert!(!rules(&r).contains(&"cookie-after-reject"));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_autoconsent_the_text_rules_reject_and_say_so() {
    let server = FixtureServer::start(cookieconsent_site(false))
        .await
        .unwrap();
    let mut opts = options(ConsentMode::Reject);
    opts.autoconsent = Some(PathBuf::from("/nonexistent/autoconsent"));
    let r = browse(&server, "www.shop.test", &opts).await;
    let consent = r.consent.as_ref().unwrap();
    assert_eq!(consent.engine_available, "text rules");
    assert!(
        consent
            .notes
            .iter()
            .any(|n| n.contains("autoconsent is not installed")),
        "{consent:?}"
    );
    let pass = &consent.passes[0];
    assert_eq!(pass.engine, "text-rules", "{pass:?}");
    assert_eq!(pass.action.as_deref(), Some("clicked 'reject all'"));
    assert_eq!(pass.manager.as_deref(), Some("vanilla-cookieconsent"));
    assert!(util::cookie(&r, "_ga").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn runtime_cookie_is_attributed_to_its_inline_script_line() {
    let server = FixtureServer::start(runtime_site()).await.unwrap();
    let r = browse(&server, "www.blog.test", &options(ConsentMode::None)).await;
    let v = util::cookie(&r, "v_id").expect("browser mode sees the run-time cookie");
    assert!(v.sources.contains(&Source::Browser));
    let ev = v.script_evidence.first().expect("the write is located");
    assert_eq!(ev.line, 5, "{ev:?}");
    assert!(ev.location.ends_with(" inline"), "{ev:?}");
    assert_eq!(ev.method, cookiescan::scripts::Method::Observed);
    // Static mode can at best guess the name from the code, without running it.
    let s = util::scan(&util::config(&server, "www.blog.test", "/")).await;
    if let Some(c) = util::cookie(&s, "v_id") {
        assert!(!c.sources.contains(&Source::Browser) && c.sources.contains(&Source::Script));
    }
    // The plain-http cross-site iframe's Secure cookie is refused, with the protocol's reason.
    let wid = util::cookie(&r, "wid").expect("the iframe's Set-Cookie is recorded");
    assert!(
        wid.rejected
            .as_deref()
            .is_some_and(|w| w.contains("SecureOnly")),
        "{:?}",
        wid.rejected
    );
    // The iframe's request was made by the HTML parser of the page, on the iframe's line.
    assert!(
        wid.sightings
            .iter()
            .any(|s| s.initiator.as_deref().is_some_and(|i| i
                .starts_with("parser http://www.blog.test:")
                && i.ends_with(":2"))),
        "{:?}",
        wid.sightings
    );
    // No consent manager and a non-necessary cookie.
    assert!(rules(&r).contains(&"no-banner"), "{:?}", rules(&r));
}

/// A page using web storage three ways: `setItem` (the hook sees the write), a property
/// assignment (found in storage afterwards) and an IndexedDB database.
fn storage_site() -> SiteSpec {
    let page = "<!doctype html><html><body><p>App</p>\n<script>\nlocalStorage.setItem('ab_variant', 'B');\nsessionStorage.ui_state = 'open';\nindexedDB.open('offline-cache');\n</script></body></html>";
    SiteSpec {
        hosts: vec!["www.app.test".into()],
        routes: vec![route(None, "/", HTML, page.into())],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn web_storage_is_listed_with_the_script_that_wrote_it() {
    let server = FixtureServer::start(storage_site()).await.unwrap();
    let r = browse(&server, "www.app.test", &options(ConsentMode::None)).await;
    let find = |k: &str| {
        r.storage
            .iter()
            .find(|s| s.key == k)
            .unwrap_or_else(|| panic!("{k} missing from {:#?}", r.storage))
    };
    let ab = find("ab_variant");
    assert_eq!(ab.kind, StorageKind::Local);
    assert_eq!(ab.evidence.line, 3, "{ab:?}");
    assert!(ab.evidence.location.ends_with(" inline"), "{ab:?}");
    assert_eq!(ab.phase, Some(ConsentPhase::BeforeConsent));
    let ui = find("ui_state");
    assert_eq!(ui.kind, StorageKind::Session);
    assert_eq!(
        ui.evidence.line, 0,
        "a property assignment is found, not seen"
    );
    assert!(ui.evidence.note.is_some());
    let db = find("offline-cache");
    assert_eq!(db.kind, StorageKind::IndexedDb);
    assert_eq!(db.evidence.line, 5, "{db:?}");
    assert_eq!(r.storage.len(), 3, "each key once: {:#?}", r.storage);
    assert_eq!(r.summary.storage_keys, 3);
}

/// `cookiescan demo --browser`, the README's browser demo, through the real binary.
#[test]
fn demo_in_the_browser_respects_robots_and_lists_cookies_and_storage() {
    require_chromium();
    let out = TestCommand::new()
        .args(["demo", "--browser", "--quiet", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).expect("a JSON report");
    let names: Vec<&str> = r["cookies"]
        .as_array()
        .expect("cookies")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    // HTTP cookies, a redirect hop's, cookies only scripts set at run time, and the https
    // YouTube embed's third-party ones (Chromium forces https on youtube.com).
    for n in [
        "csrftoken",
        "sessionid",
        "session_id",
        "__zlcmid",
        "_pk_id.1.a1b2",
        "YSC",
        "VISITOR_INFO1_LIVE",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    assert!(
        !names.contains(&"admin_session"),
        "robots.txt disallows /admin/: {names:?}"
    );
    let skipped: Vec<&str> = r["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .filter(|p| p["skipped"].is_string())
        .filter_map(|p| p["url"].as_str())
        .collect();
    assert!(
        skipped.iter().any(|u| u.ends_with("/admin/")),
        "{skipped:?}"
    );
    let keys: Vec<&str> = r["storage"]
        .as_array()
        .expect("storage")
        .iter()
        .filter_map(|s| s["key"].as_str())
        .collect();
    assert!(keys.contains(&"ZD-suid"), "{keys:?}");
    assert_eq!(r["consent"]["passes"][0]["pass"], "none");
    assert!(
        r["consent"]["browser"]
            .as_str()
            .is_some_and(|b| b.starts_with("Chrome/")),
        "{}",
        r["consent"]
    );
}

/// Ctrl-C during a browser scan: exit 130, a partial report with the page that was loading,
/// and no browser profile left in the temp directory.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_in_the_browser_gives_a_partial_report_and_removes_the_profile() {
    require_chromium();
    let server = util::serve("basic").await;
    let mut c = TestCommand::new();
    let out = c.path("partial.json");
    let tmp = c.dir().to_path_buf();
    c.args([
        "scan",
        "--browser",
        "--quiet",
        "--timeout",
        "60",
        "--no-sitemaps",
        "-o",
    ])
    .arg(&out)
    .env("TMPDIR", &tmp)
    .resolving(&server)
    .arg(format!("{}/after-hang", server.origin("www.site.test")));
    let child = c.spawn();
    util::wait_for_hit(&server, "www.site.test", "/hang").await;
    let output = util::interrupt(child).await;
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(report["partial"], true);
    let hang = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["url"].as_str().unwrap().ends_with("/hang"))
        .expect("the page that was loading is listed");
    assert!(
        hang["error"].as_str().unwrap().contains("interrupted"),
        "{hang}"
    );
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("cookiescan-profile-")
        })
        .collect();
    assert!(left.is_empty(), "profiles left behind: {left:?}");
}

/// `--cookie` and `--header` reach the site in browser mode as in static mode, and the user's
/// own cookie is not reported as one the site set.
#[tokio::test(flavor = "multi_thread")]
async fn user_cookies_and_headers_are_sent_and_not_reported_as_the_sites() {
    require_chromium();
    let server = util::serve("basic").await;
    let opts = options(ConsentMode::None);
    let mut config = browser_config(&server, "www.site.test", &opts);
    config.start_urls =
        vec![url::Url::parse(&format!("{}/members", server.origin("www.site.test"))).unwrap()];
    config.max_depth = Some(0);
    config.use_sitemaps = false;
    config
        .start_urls
        .push(url::Url::parse(&format!("{}/leak", server.origin("www.site.test"))).unwrap());
    // `--cookie session=…`, and a cookies.txt cookie of another site that must stay unsent.
    config.cookies = vec![cookiescan::crawl::UserCookie::new(
        "session",
        "from-the-user",
    )];
    config.cookies.extend(
        cookiescan::crawl::parse_cookie_file("www.other.test\tFALSE\t/\tFALSE\t0\tforeign\tx\n")
            .unwrap(),
    );
    config.headers = vec![("X-Api-Key".into(), "k".into())];
    let r = browse_with(&config, &opts).await;
    assert!(
        util::cookie(&r, "member_pref").is_some(),
        "the cookie was sent"
    );
    assert!(
        util::cookie(&r, "api_seen").is_some(),
        "the header was sent"
    );
    assert!(
        util::cookie(&r, "session").is_none(),
        "the user's cookie is not the site's"
    );
    assert!(
        util::cookie(&r, "foreign").is_none(),
        "nor is another site's"
    );
    assert!(
        util::cookie(&r, "leaked").is_none(),
        "another site's cookie was sent"
    );
}
