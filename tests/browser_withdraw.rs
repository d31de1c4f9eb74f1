//! The withdraw pass (fixtures/sites/withdraw.toml, issue 21 part 3): accept, withdraw the way
//! the consent manager documents it (data/withdrawal.toml), reload and visit the rest of the
//! site. `cookie-after-withdrawal` and `no-withdrawal-method` fire, and do not fire.
//! Never skipped: a missing dependency fails with the package to install.
mod browser_support;
mod util;

use browser_support::*;
use cookiescan::browser::ConsentMode;
use cookiescan::fixture::{FixtureServer, SiteSpec};
use cookiescan::observe::{ConsentPhase, Withdrawal};
use cookiescan::report::{Format, Report};

async fn serve() -> FixtureServer {
    let text = std::fs::read_to_string(util::fixture_path("sites/withdraw.toml"))
        .expect("fixtures/sites/withdraw.toml");
    let mut site = SiteSpec::from_toml(&text).expect("the fixture parses");
    for (path, ct, file) in [
        (
            "/lib/cc.js",
            JS,
            "vanilla-cookieconsent/dist/cookieconsent.umd.js",
        ),
        (
            "/lib/cc.css",
            "text/css",
            "vanilla-cookieconsent/dist/cookieconsent.css",
        ),
        ("/lib/klaro.js", JS, "klaro/dist/klaro.js"),
    ] {
        site.routes.push(route(None, path, ct, npm_file(file)));
    }
    FixtureServer::start(site)
        .await
        .expect("fixture server starts")
}

async fn scan(server: &FixtureServer, host: &str, consent: ConsentMode) -> Report {
    let opts = options(consent);
    let mut config = browser_config(server, host, &opts);
    config.max_pages = 2;
    // The second visit is tests/revisit.rs's business.
    config.revisit_pages = 0;
    browse_with(&config, &opts).await
}

fn withdrawals(r: &Report) -> Vec<&Withdrawal> {
    let consent = r.consent.as_ref().expect("a consent report");
    consent.passes.iter().flat_map(|p| &p.withdrawals).collect()
}

fn after_withdrawal(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.rule == "cookie-after-withdrawal")
        .filter_map(|f| f.cookie.as_ref().map(|c| c.name.clone()))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cookie_kept_or_set_again_after_withdrawal_is_an_error() {
    let server = serve().await;
    let r = scan(&server, "bad.withdraw.test", ConsentMode::Withdraw).await;
    let w = withdrawals(&r);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].method.as_deref(), Some("vanilla-cookieconsent"));
    assert_eq!(
        w[0].call.as_deref(),
        Some("CookieConsent.acceptCategory([])")
    );
    assert!(w[0].succeeded, "{w:?}");
    // _ga was never cleared; the ad tag writes _gcl_au on every load.
    assert_eq!(after_withdrawal(&r), vec!["_ga", "_gcl_au"]);
    assert!(phases(&r, "_ga").contains(&ConsentPhase::AfterWithdraw));
    // The manager's own record is necessary: present, but no finding.
    assert!(phases(&r, "cc_cookie").contains(&ConsentPhase::AfterWithdraw));
    assert!(!rules(&r).contains(&"no-withdrawal-method"));
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "cookie-after-withdrawal")
        .unwrap();
    assert!(
        f.evidence[0].contains("after consent was withdrawn"),
        "{:?}",
        f.evidence
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_that_clears_its_cookies_on_withdrawal_gives_no_finding() {
    let server = serve().await;
    for (host, method, gone) in [
        ("good.withdraw.test", "vanilla-cookieconsent", "_ga"),
        ("klaro.withdraw.test", "Klaro", "_hjid"),
    ] {
        let r = scan(&server, host, ConsentMode::Withdraw).await;
        let w = withdrawals(&r);
        assert_eq!(w.len(), 1, "{host}: {w:?}");
        assert_eq!(w[0].method.as_deref(), Some(method), "{host}");
        assert!(w[0].succeeded, "{host}: {w:?}");
        // Set once accepted, then gone after withdrawal, and not set again.
        let p = phases(&r, gone);
        assert!(
            p.contains(&ConsentPhase::AfterAccept),
            "{host}: {gone} {p:?}"
        );
        assert!(
            !p.contains(&ConsentPhase::AfterWithdraw),
            "{host}: {gone} {p:?}"
        );
        assert!(after_withdrawal(&r).is_empty(), "{host}: {:?}", r.findings);
        assert!(!rules(&r).contains(&"no-withdrawal-method"), "{host}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_banner_with_no_documented_withdrawal_is_an_info_note() {
    let server = serve().await;
    let r = scan(&server, "plain.withdraw.test", ConsentMode::Withdraw).await;
    let w = withdrawals(&r);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(!w[0].succeeded && w[0].call.is_none(), "{w:?}");
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "no-withdrawal-method")
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].severity, cookiescan::compliance::Severity::Info);
    // Nothing was withdrawn, so nothing is "after withdrawal": the pass stays "after accept".
    assert!(after_withdrawal(&r).is_empty());
    assert!(r
        .cookies
        .iter()
        .all(|c| !c.record.phases.contains(&ConsentPhase::AfterWithdraw)));
    assert!(phases(&r, "visitor_choice").contains(&ConsentPhase::AfterAccept));
}

/// A withdrawal call that throws is reported as failed, without the page's error text (it
/// could carry a cookie's value).
#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawal_call_that_throws_is_an_info_note_that_keeps_no_page_text() {
    let server = serve().await;
    let r = scan(&server, "broken.withdraw.test", ConsentMode::Withdraw).await;
    let w = withdrawals(&r);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].method.as_deref(), Some("Didomi"));
    assert!(!w[0].succeeded, "{w:?}");
    assert_eq!(
        w[0].note.as_deref(),
        Some("the call threw an error in the page")
    );
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "no-withdrawal-method")
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert!(f[0].message.contains("failed"), "{}", f[0].message);
    assert!(after_withdrawal(&r).is_empty());
    for format in [
        Format::Json,
        Format::Html,
        Format::Summary,
        Format::Markdown,
    ] {
        let text = String::from_utf8(format.exporter().render(&r).unwrap()).unwrap();
        assert!(!text.contains("s3cr3t"), "{format:?} shows a cookie value");
    }
}

/// `--consent all` runs four passes, and every format shows the withdraw pass.
#[tokio::test(flavor = "multi_thread")]
async fn consent_all_runs_the_withdraw_pass_and_every_format_shows_it() {
    let server = serve().await;
    let r = scan(&server, "bad.withdraw.test", ConsentMode::All).await;
    let consent = r.consent.as_ref().unwrap();
    let passes: Vec<ConsentMode> = consent.passes.iter().map(|p| p.pass).collect();
    use ConsentMode::*;
    assert_eq!(passes, vec![None, Reject, Accept, Withdraw]);
    assert_eq!(after_withdrawal(&r), vec!["_ga", "_gcl_au"]);
    let show = |f: Format| String::from_utf8(f.exporter().render(&r).expect("renders")).unwrap();
    let html = show(Format::Html);
    assert!(html.contains("After withdrawal"), "matrix column");
    assert!(
        html.contains("CookieConsent.acceptCategory([])"),
        "pass table row"
    );
    let md = show(Format::Markdown);
    assert!(md.contains("After withdrawal") && md.contains("Withdrawn with"));
    let json = show(Format::Json);
    assert!(json.contains("\"after-withdraw\"") && json.contains("\"withdrawals\""));
    assert!(show(Format::Summary).contains("withdrawn with"));
    for f in [Format::Sarif, Format::Junit, Format::Summary] {
        assert!(show(f).contains("cookie-after-withdrawal"), "{f:?}");
    }
    let csv = show(Format::Csv);
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with("renewed_on_visit"), "{header}");
}
