//! Known tracker and widget signatures: URL and code-marker matching.

use cookiescan::scripts::{Api, CookieName, Method, Party, ScriptSource, SignatureHit, Signatures};

fn ids(hits: &[SignatureHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

fn fixture(file: &str) -> String {
    let path = format!("{}/fixtures/scripts/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn builtin_set_is_large_enough() {
    assert!(Signatures::builtin().len() >= 30);
}

#[test]
fn urls_of_known_vendors() {
    let s = Signatures::builtin();
    let cases = [
        ("https://analytics.example.org/matomo.js", "matomo"),
        (
            "//cdn.matomo.cloud/example.matomo.cloud/matomo.js",
            "matomo",
        ),
        ("/stats/piwik.js", "matomo"),
        (
            "https://www.googletagmanager.com/gtag/js?id=G-ABC123",
            "google-gtag",
        ),
        (
            "https://www.google-analytics.com/analytics.js",
            "google-analytics-ua",
        ),
        (
            "https://www.googletagmanager.com/gtm.js?id=GTM-XXXX",
            "google-tag-manager",
        ),
        (
            "https://connect.facebook.net/en_US/fbevents.js",
            "meta-pixel",
        ),
        ("https://static.hotjar.com/c/hotjar-123.js?sv=6", "hotjar"),
        (
            "https://static.zdassets.com/ekr/snippet.js?key=2b4c6f0e-1234",
            "zendesk-widget",
        ),
        (
            "https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0",
            "youtube-embed",
        ),
        ("https://www.youtube.com/iframe_api", "youtube-embed"),
        ("https://player.vimeo.com/video/76979871", "vimeo-player"),
        ("//js.hs-scripts.com/123456.js", "hubspot"),
        (
            "https://js.hs-analytics.net/analytics/1700000000000/123456.js",
            "hubspot",
        ),
        ("https://widget.intercom.io/widget/abc123", "intercom"),
        (
            "https://snap.licdn.com/li.lms-analytics/insight.min.js",
            "linkedin-insight",
        ),
        (
            "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=X",
            "tiktok-pixel",
        ),
        ("https://www.clarity.ms/tag/abcdef", "microsoft-clarity"),
        ("https://bat.bing.com/bat.js", "bing-uet"),
        ("https://static.ads-twitter.com/uwt.js", "x-pixel"),
        ("https://s.pinimg.com/ct/core.js", "pinterest-tag"),
        ("https://client.crisp.chat/l.js", "crisp"),
        ("https://js.driftt.com/include/1700000000/abc.js", "drift"),
        ("https://embed.tawk.to/5f1234/default", "tawk"),
        (
            "https://cdn.segment.com/analytics.js/v1/KEY/analytics.min.js",
            "segment",
        ),
        (
            "https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js",
            "mixpanel",
        ),
        (
            "https://cdn.amplitude.com/libs/amplitude-8.21.9-min.gz.js",
            "amplitude",
        ),
        (
            "https://example.com/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1",
            "cloudflare-challenge",
        ),
        (
            "https://www.google.com/recaptcha/api.js?render=KEY",
            "recaptcha",
        ),
        (
            "https://cdn.example.com/tarteaucitron/tarteaucitron.js",
            "tarteaucitron",
        ),
        ("https://consent.cookiebot.com/uc.js", "cookiebot"),
        (
            "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js",
            "onetrust",
        ),
        (
            "https://sdk.privacy-center.org/abc/loader.js?target=example.com",
            "didomi",
        ),
        ("https://static.axept.io/sdk.js", "axeptio"),
        ("/assets/klaro.js", "klaro"),
        (
            "https://cdn.jsdelivr.net/gh/orestbida/cookieconsent@3.0.1/dist/cookieconsent.umd.js",
            "vanilla-cookieconsent",
        ),
        ("HTTPS://STATIC.HOTJAR.COM/c/hotjar-1.js", "hotjar"),
    ];
    for (url, id) in cases {
        let hits = s.match_url(url);
        assert!(ids(&hits).contains(&id), "{url}: {:?}", ids(&hits));
        let h = hits.iter().find(|h| h.id == id).map(|h| &h.evidence);
        assert!(h.is_some_and(|e| e.method == Method::Signature
            && e.api == Api::VendorScript
            && e.location == url
            && e.line == 0));
    }
    assert!(s.match_url("https://example.com/static/app.js").is_empty());
    assert!(s.match_url("not a url at all").is_empty());
}

#[test]
fn youtube_cookies_are_third_party_and_nocookie_says_none() {
    let s = Signatures::builtin();
    let yt = s.match_url("https://www.youtube.com/embed/abc");
    let ysc = yt[0]
        .cookies
        .iter()
        .find(|c| c.name == CookieName::Exact("YSC".into()));
    assert!(
        ysc.is_some_and(|c| c.party == Party::Third && c.domain.as_deref() == Some("youtube.com"))
    );
    let nc = s.match_url("https://www.youtube-nocookie.com/embed/abc");
    assert_eq!(ids(&nc), ["youtube-nocookie"]);
    assert!(nc[0].no_cookies && nc[0].cookies.is_empty());
    let ga = s.match_url("https://www.googletagmanager.com/gtag/js?id=G-1");
    assert!(ga[0]
        .cookies
        .iter()
        .any(|c| c.name == CookieName::Prefix("_ga_".into())
            && c.party == Party::First
            && c.domain.is_none()));
}

#[test]
fn code_markers() {
    let s = Signatures::builtin();
    let cases = [
        ("matomo_snippet.js", "matomo", 3),
        ("zendesk_loader.js", "zendesk-widget", 2),
        ("gtag_snippet.js", "google-gtag", 4),
        ("hotjar_snippet.js", "hotjar", 3),
    ];
    for (file, id, line) in cases {
        let code = fixture(file);
        let hits = s.match_code(&ScriptSource::external(&code, file));
        let hit = hits
            .iter()
            .find(|h| h.id == id)
            .unwrap_or_else(|| panic!("{file}: {:?}", ids(&hits)));
        assert_eq!(
            (
                hit.evidence.line,
                hit.evidence.location.as_str(),
                hit.evidence.method
            ),
            (line, file, Method::Signature)
        );
        assert!(hit.evidence.confidence <= 0.75);
    }
    let matomo = s.match_code(&ScriptSource::external(
        &fixture("matomo_snippet.js"),
        "m.js",
    ));
    assert!(matomo[0]
        .cookies
        .iter()
        .any(|c| c.name == CookieName::Prefix("_pk_id.".into())));
    let zd = r#"<script id="ze-snippet" src="https://static.zdassets.com/ekr/snippet.js?key=abc"> </script>"#;
    assert!(
        ids(&s.match_code(&ScriptSource::inline(zd, "https://shop.example/", 1)))
            .contains(&"zendesk-widget")
    );
    let cc = "import './cookieconsent.css'; CookieConsent.run({ categories: { necessary: {} } });";
    assert_eq!(
        ids(&s.match_code(&ScriptSource::external(cc, "c.js"))),
        ["vanilla-cookieconsent"]
    );
    assert!(
        s.match_code(&ScriptSource::external(
            "var shj=1; x.hj('a'); ahj('b')",
            "n.js"
        ))
        .is_empty(),
        "hj( needs a word boundary"
    );
}
