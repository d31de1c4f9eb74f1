//! Consent signals in browser mode (issue 21, parts 1 and 2), on fixtures/sites/consent_signals.toml:
//! an IAB TCF v2.2 CMP stub asked through `__tcfapi` (or its locator frame) as a vendor would,
//! its `euconsent-v2` cookie, and a Google tag stub whose hits carry `gcs`/`gcd`. Every TCF and
//! Consent Mode finding fires on the faulty site and none on the well-behaved one.
//! Never skipped: a missing dependency fails with the package to install.
mod browser_support;
mod util;

use browser_support::*;
use cookiescan::browser::ConsentMode;
use cookiescan::fixture::{FixtureServer, SiteSpec};
use cookiescan::observe::consent_mode::ConsentState;
use cookiescan::observe::{ConsentPhase, ConsentSignals, PhaseReport, TcfSource};
use cookiescan::report::{Format, Report};

const GOOD: &str = "news.good.test";
const BAD: &str = "news.bad.test";

const RULES: [&str; 8] = [
    "tcf-consent-before-choice",
    "tcf-consent-after-reject",
    "tcf-legitimate-interest-restricted",
    "tcf-outdated-policy",
    "consent-mode-missing",
    "consent-mode-granted-before-choice",
    "consent-mode-granted-after-reject",
    "consent-mode-v2-incomplete",
];

fn site() -> SiteSpec {
    let text = std::fs::read_to_string(util::fixture_path("sites/consent_signals.toml"))
        .expect("fixtures/sites/consent_signals.toml");
    SiteSpec::from_toml(&text).expect("the fixture parses")
}

async fn scan(server: &FixtureServer, host: &str) -> Report {
    let opts = options(ConsentMode::All);
    browse_with(&browser_config(server, host, &opts), &opts).await
}

fn pass(r: &Report, mode: ConsentMode) -> &PhaseReport {
    let c = r.consent.as_ref().expect("a consent report");
    c.passes
        .iter()
        .find(|p| p.pass == mode)
        .expect("the pass ran")
}

fn signals(r: &Report, mode: ConsentMode) -> &ConsentSignals {
    &pass(r, mode).signals
}

fn debug(r: &Report) -> String {
    let c = r.consent.as_ref().unwrap();
    format!(
        "findings: {:#?}\nsignals: {:#?}\nchoices: {:#?}",
        r.findings,
        c.passes.iter().map(|p| &p.signals).collect::<Vec<_>>(),
        c.passes.iter().map(|p| &p.choices).collect::<Vec<_>>()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_well_behaved_cmp_and_google_tag_raise_no_signal_finding() {
    let server = FixtureServer::start(site()).await.unwrap();
    let r = scan(&server, GOOD).await;
    let fired: Vec<&str> = rules(&r)
        .into_iter()
        .filter(|id| RULES.contains(id))
        .collect();
    assert!(fired.is_empty(), "{fired:?}\n{}", debug(&r));

    // Before the choice, every pass reads the CMP's string without consent, under policy 4.
    for mode in [ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept] {
        let s = signals(&r, mode);
        let (seen, tc) = s
            .decoded_in(ConsentPhase::BeforeConsent)
            .find(|(t, _)| t.source == TcfSource::Api)
            .unwrap_or_else(|| panic!("{mode:?}: no TC string before the choice\n{}", debug(&r)));
        assert_eq!((tc.cmp_id, tc.policy_version), (300, 4));
        assert!(!tc.any_consent(), "{tc:?}");
        assert_eq!(seen.event_status.as_deref(), Some("cmpuishown"));
        assert_eq!(seen.cmp_status.as_deref(), Some("loaded"));
    }
    // After reject: the API and the euconsent-v2 cookie, on both pages, without consent.
    let reject = signals(&r, ConsentMode::Reject);
    let after: Vec<_> = reject.decoded_in(ConsentPhase::AfterReject).collect();
    assert!(
        after.iter().any(|(t, _)| t.source == TcfSource::Api)
            && after
                .iter()
                .any(|(t, _)| t.cookie.as_deref() == Some("euconsent-v2")),
        "{}",
        debug(&r)
    );
    assert!(after.iter().all(|(_, d)| !d.any_consent()));
    assert!(after
        .iter()
        .any(|(_, d)| d.purposes_li == vec![2, 7, 9, 10] && d.vendors_li == vec![2]));
    let pages: Vec<&String> = after.iter().flat_map(|(t, _)| &t.pages).collect();
    assert!(pages.iter().any(|p| p.ends_with("/article")), "{pages:?}");
    // After accept: the accept string, decoded field by field.
    let accept = signals(&r, ConsentMode::Accept);
    let (_, tc) = accept
        .decoded_in(ConsentPhase::AfterAccept)
        .next()
        .expect("a TC string after accept");
    assert_eq!(tc.purposes_consent, (1..=11).collect::<Vec<u8>>());
    assert_eq!(tc.vendors_consent, vec![1, 2, 755]);
    assert_eq!(tc.special_features, vec![1]);

    // Consent Mode: denied by default for all four types; the update follows the choice.
    let state_in = |mode, phase| {
        signals(&r, mode)
            .google
            .iter()
            .filter(|h| h.phase == phase)
            .map(|h| h.gcd.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert!(
        state_in(ConsentMode::None, ConsentPhase::BeforeConsent).contains(&"11p1p1p1p5".to_owned())
    );
    assert!(
        state_in(ConsentMode::Reject, ConsentPhase::AfterReject).contains(&"11q1q1q1q5".to_owned())
    );
    assert!(
        state_in(ConsentMode::Accept, ConsentPhase::AfterAccept).contains(&"11r1r1r1r5".to_owned())
    );
    let granted_after_accept = signals(&r, ConsentMode::Accept).google.iter().any(|h| {
        h.phase == ConsentPhase::AfterAccept && h.state.ad_personalization == ConsentState::Granted
    });
    assert!(granted_after_accept, "{}", debug(&r));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_faulty_cmp_and_google_tag_raise_every_signal_finding() {
    let server = FixtureServer::start(site()).await.unwrap();
    let r = scan(&server, BAD).await;
    let fired = rules(&r);
    for id in RULES {
        assert!(fired.contains(&id), "{id} did not fire\n{}", debug(&r));
    }
    // The CMP is reachable only through its locator frame: the API was still asked.
    let reject = signals(&r, ConsentMode::Reject);
    assert!(reject
        .decoded_in(ConsentPhase::AfterReject)
        .any(|(t, d)| t.source == TcfSource::Api && d.vendors_consent == vec![755]));
    let find = |id: &str| r.findings.iter().find(|f| f.rule == id).unwrap();
    let after = find("tcf-consent-after-reject");
    assert!(
        after.message.contains("purposes 1, 3, 4; vendors 755"),
        "{after:?}"
    );
    assert!(after
        .evidence
        .iter()
        .all(|e| e.starts_with("reject pass, after-reject")));
    let li = find("tcf-legitimate-interest-restricted");
    assert!(li.message.contains("purpose(s) 3, 4"), "{li:?}");
    assert!(find("tcf-outdated-policy")
        .message
        .contains("policy version 2"));
    let before = find("consent-mode-granted-before-choice");
    assert!(
        before
            .message
            .contains("ad_storage, analytics_storage granted"),
        "{before:?}"
    );
    let missing = find("consent-mode-missing");
    assert!(missing
        .message
        .contains("googleads.g.doubleclick.net/pagead/viewthroughconversion/123456/"));
    let v2 = find("consent-mode-v2-incomplete");
    assert!(
        v2.message.contains("ad_user_data or ad_personalization"),
        "{v2:?}"
    );
    // Site-wide findings have no cookie row: JUnit lists them as their own test cases.
    let junit = render(&r, Format::Junit);
    assert!(junit.contains("classname=\"consent-signals\""), "{junit}");
    assert!(
        junit.contains("type=\"tcf-consent-after-reject\""),
        "{junit}"
    );
}

/// The TC string is a cookie's value: kept only with --include-values; the hits' client ids
/// never. Every format shows the decoded signals.
#[tokio::test(flavor = "multi_thread")]
async fn signals_show_in_every_format_without_values() {
    let server = FixtureServer::start(site()).await.unwrap();
    let r = scan(&server, GOOD).await;
    let json = render(&r, Format::Json);
    assert!(!json.contains("CQuhNtAQuhNtAEsACBENCWEgAAAAAELAAAqIAAAACIAA"));
    assert!(!json.contains("1234567.1700000000"));
    assert!(
        json.contains("\"policy_version\": 4"),
        "the JSON holds the decoded string"
    );
    for format in [Format::Html, Format::Markdown] {
        // Markdown escapes underscores.
        let text = render(&r, format).replace("\\_", "_");
        for label in [
            "TC string after the choice",
            "Consent Mode before the choice",
        ] {
            assert!(text.contains(label), "{}: no {label}", format.name());
        }
        assert!(text.contains("purposes 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11"));
        assert!(
            text.contains("GA4 collect: ad_storage denied, analytics_storage denied, ad_user_data denied, ad_personalization denied"),
            "{}: no Consent Mode state\n{text}",
            format.name()
        );
    }
    assert!(render(&r, Format::Summary).contains("reject pass: "));

    let opts = options(ConsentMode::Reject);
    let mut config = browser_config(&server, GOOD, &opts);
    config.include_values = true;
    let with = browse_with(&config, &opts).await;
    assert!(render(&with, Format::Json).contains("CQuhNtAQuhNtAEsACBENCWEgAAAAAELAAAqIAAAACIAA"));
}

fn render(r: &Report, format: Format) -> String {
    String::from_utf8(format.exporter().render(r).expect("renders")).expect("UTF-8")
}

/// `cookiescan demo --browser --consent all` through the real binary: the demo's news
/// section shows every TCF and Consent Mode finding.
#[test]
fn the_browser_demo_shows_every_signal_finding() {
    require_chromium();
    let out = util::TestCommand::new()
        .args([
            "demo",
            "--browser",
            "--consent",
            "all",
            "--quiet",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).expect("a JSON report");
    let fired: Vec<&str> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    for id in RULES {
        assert!(fired.contains(&id), "{id} missing from the demo: {fired:?}");
    }
}

/// A hostile `__tcfapi` (a busy loop, no callback, junk) costs a bounded wait and yields no
/// decoded string; the crawl goes on from the page whose CMP never returned.
#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_tcfapi_is_bounded_and_decodes_nothing() {
    let server = FixtureServer::start(site()).await.unwrap();
    let opts = options(ConsentMode::None);
    let started = std::time::Instant::now();
    let r = browse_with(&browser_config(&server, "news.hostile.test", &opts), &opts).await;
    let took = started.elapsed();
    let visited: Vec<&str> = r.pages.iter().map(|p| p.url.path()).collect();
    for path in ["/", "/silent", "/junk"] {
        assert!(visited.contains(&path), "{path} not visited: {visited:?}");
    }
    assert!(r.pages.iter().all(|p| p.error.is_none()), "{:?}", r.pages);
    let s = signals(&r, ConsentMode::None);
    assert!(s.tcf.iter().all(|t| t.decoded.is_none()), "{}", debug(&r));
    let error = |page: &str| {
        s.tcf
            .iter()
            .find(|t| t.pages.iter().any(|p| p.ends_with(page)))
            .and_then(|t| t.error.clone())
    };
    assert_eq!(
        error("/silent").as_deref(),
        Some("the CMP answered without a TC string")
    );
    assert_eq!(
        error("/junk").as_deref(),
        Some("the TC string holds a character that is not base64url")
    );
    assert!(!rules(&r).iter().any(|id| RULES.contains(id)));
    // Three pages, two reads each at most 2 s, plus loading: far below a stuck scan.
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
}
