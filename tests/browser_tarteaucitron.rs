//! Browser mode with tarteaucitron.js (npm `tarteaucitronjs`, browser-deps/): its banner with
//! "Allow all" and "Deny all" on the first layer, one analytics service that needs consent.
//! Never skipped: a missing dependency fails with the package to install.
mod browser_support;
mod util;

use browser_support::*;
use cookiescan::browser::ConsentMode;
use cookiescan::fixture::{FixtureServer, SiteSpec};
use cookiescan::observe::ConsentPhase;

const HOST: &str = "www.magazine.test";

/// tarteaucitron.js loads its language, services, css and ad-blocker probe relative to its own
/// URL: every file it asks for is served under `/tarteaucitron/`.
fn tarteaucitron_site() -> SiteSpec {
    let page = r#"<!doctype html><html><head>
<script>var tarteaucitronForceLanguage = 'en';</script>
<script src="/tarteaucitron/tarteaucitron.js"></script>
<script>
tarteaucitron.init({
  privacyUrl: '/privacy', hashtag: '#tarteaucitron', cookieName: 'tarteaucitron',
  orientation: 'middle', highPrivacy: true, DenyAllCta: true, AcceptAllCta: true,
  showAlertSmall: false, cookieslist: false, removeCredit: true, showIcon: false,
  handleBrowserDNTRequest: false, mandatory: true, googleConsentMode: false
});
tarteaucitron.services.audience = {
  key: 'audience', type: 'analytic', name: 'Audience measurement', uri: '/privacy',
  needConsent: true, cookies: ['_ga'],
  js: function () { document.cookie = '_ga=GA1.1.777.1700000000; max-age=63072000; path=/'; },
  fallback: function () {}
};
(tarteaucitron.job = tarteaucitron.job || []).push('audience');
</script></head><body><h1>Magazine</h1><a href="/about">About</a></body></html>"#;
    let files = [
        ("tarteaucitron.js", JS),
        ("tarteaucitron.services.js", JS),
        ("lang/tarteaucitron.en.js", JS),
        ("advertising.js", JS),
        ("css/tarteaucitron.css", "text/css"),
    ];
    let mut routes = vec![
        route(None, "/", HTML, page.into()),
        route(
            None,
            "/about",
            HTML,
            "<!doctype html><p>About us</p>".into(),
        ),
        route(
            None,
            "/privacy",
            HTML,
            "<!doctype html><p>Privacy</p>".into(),
        ),
    ];
    for (file, ct) in files {
        let body = npm_file(&format!("tarteaucitronjs/{file}"));
        routes.push(route(None, &format!("/tarteaucitron/{file}"), ct, body));
    }
    SiteSpec {
        hosts: vec![HOST.into()],
        routes,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tarteaucitron_correct_banner_sets_analytics_only_after_accept() {
    let server = FixtureServer::start(tarteaucitron_site()).await.unwrap();
    // tarteaucitron binds its buttons' click handlers 500 ms after it shows the banner, and
    // autoconsent's opt-in for it clicks at once (its opt-out waits 500 ms): a choice made
    // sooner is lost while autoconsent reports success. The scan gives every banner a
    // visitor's reading time first; the usual short settle time here checks it does.
    let opts = options(ConsentMode::All);
    let r = browse(&server, HOST, &opts).await;
    let consent = r.consent.as_ref().unwrap();
    assert!(
        consent.engine_available.starts_with("autoconsent"),
        "{consent:?}"
    );
    // autoconsent's rule for tarteaucitron's first-layer "Deny all" button.
    assert_eq!(consent.manager(), Some("tarteaucitron deny"), "{consent:?}");
    for pass in &consent.passes[1..] {
        assert_eq!(pass.engine, "autoconsent", "{pass:?}");
        assert!(pass.succeeded && pass.banner_found, "{pass:?}");
        assert_eq!(pass.manager.as_deref(), Some("tarteaucitron deny"));
    }
    assert!(consent.passes[1].reject_on_first_layer, "{consent:?}");
    assert_eq!(consent.passes[1].action.as_deref(), Some("optOut"));
    assert_eq!(consent.passes[2].action.as_deref(), Some("optIn"));
    // The withdraw pass: respondAll(false) purges the service's cookies, so _ga is gone.
    assert_eq!(
        phases_of_all(&r, "_ga"),
        vec![ConsentPhase::AfterAccept],
        "{consent:?}"
    );
    let w = &consent.passes[3].withdrawals;
    assert!(
        w.len() == 1 && w[0].succeeded && w[0].method.as_deref() == Some("tarteaucitron"),
        "{w:?}"
    );
    // The choice itself is stored in both passes: "audience" denied, then allowed.
    let choice = phases(&r, "tarteaucitron");
    assert!(
        choice.contains(&ConsentPhase::AfterReject) && choice.contains(&ConsentPhase::AfterAccept),
        "{choice:?}"
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
