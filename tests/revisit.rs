//! Cookies renewed on every visit (fixtures/sites/revisit.toml, issue 21 part 4): the first
//! pages are visited a second time with the same jar, in static and in browser mode; a
//! cookie whose expiry moves forward with the clock is `renewed_on_visit`, and
//! `lifetime-renewed` fires for analytics and marketing cookies only.
//! The browser tests are never skipped: a missing Chromium fails with the package to install.
mod browser_support;
mod util;

use std::time::Instant;

use browser_support::{browse_with, browser_config, options};
use cookiescan::browser::{BrowserOptions, ConsentMode};
use cookiescan::crawl::CrawlConfig;
use cookiescan::fixture::FixtureServer;
use cookiescan::report::Report;
use util::TestCommand;

const WWW: &str = "www.renew.test";
const JS: &str = "js.renew.test";

/// The browser tests' crawl settings with the second visit at its default (they turn it off).
fn revisiting(server: &FixtureServer, host: &str, opts: &BrowserOptions) -> CrawlConfig {
    CrawlConfig {
        revisit_pages: CrawlConfig::default().revisit_pages,
        ..browser_config(server, host, opts)
    }
}

fn renewed(r: &Report, name: &str) -> Option<bool> {
    util::cookie(r, name)
        .unwrap_or_else(|| panic!("{name} was not seen: {:?}", util::names(r)))
        .renewed_on_visit
}

fn flagged(r: &Report) -> Vec<&str> {
    let mut v: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.rule == "lifetime-renewed")
        .filter_map(|f| f.cookie.as_ref().map(|c| c.name.as_str()))
        .collect();
    v.sort_unstable();
    v
}

#[tokio::test]
async fn static_a_header_cookie_renewed_on_every_response_is_flagged_and_one_set_once_is_not() {
    let server = util::serve("revisit").await;
    let t0 = Instant::now();
    let r = util::scan(&util::config(&server, WWW, "/")).await;
    let took = t0.elapsed();
    // Max-Age on every response: the expiry follows the clock.
    assert_eq!(renewed(&r, "_pk_id.1.f00d"), Some(true));
    assert_eq!(renewed(&r, "csrftoken"), Some(true));
    // The same Expires date on every response, and a cookie set only on the first visit.
    assert_eq!(renewed(&r, "promo_seen"), Some(false));
    assert_eq!(renewed(&r, "_pk_ref.1.f00d"), Some(false));
    // Set on a deeper page the second visit does not reach: in the jar, not renewed.
    assert_eq!(renewed(&r, "_pk_id.9.dead"), Some(false));
    // Only the analytics cookie that is renewed is a finding; csrftoken is necessary.
    assert_eq!(flagged(&r), vec!["_pk_id.1.f00d"]);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "lifetime-renewed")
        .unwrap();
    assert!(
        f.evidence[0].contains("visited a second time"),
        "{:?}",
        f.evidence
    );
    // A few pages, not a second crawl: the first three pages once more, nothing deeper.
    for (path, hits) in [("/", 2), ("/about", 2), ("/blog/", 2), ("/blog/archive", 1)] {
        assert_eq!(server.hits(WWW, path), hits, "{path}");
    }
    eprintln!("static scan with the second visit: {took:?}");
}

#[tokio::test]
async fn static_revisit_pages_zero_checks_nothing_and_visits_each_page_once() {
    let server = util::serve("revisit").await;
    let mut cfg = util::config(&server, WWW, "/");
    cfg.revisit_pages = 0;
    let t0 = Instant::now();
    let r = util::scan(&cfg).await;
    eprintln!("static scan without the second visit: {:?}", t0.elapsed());
    assert!(
        r.cookies
            .iter()
            .all(|c| c.record.renewed_on_visit.is_none()),
        "{:?}",
        r.cookies
    );
    assert!(flagged(&r).is_empty());
    assert_eq!(server.hits(WWW, "/"), 1);
}

/// `--no-revisit` on the command line, and `revisit = false` in cookiescan.toml.
#[tokio::test(flavor = "multi_thread")]
async fn no_revisit_flag_and_config_turn_the_second_visit_off() {
    let server = util::serve("revisit").await;
    for how in ["flag", "file"] {
        let mut c = TestCommand::new();
        let out = c.path("report.json");
        c.in_dir()
            .args([
                "scan",
                "--quiet",
                "--fail-on",
                "never",
                "--format",
                "json",
                "-o",
            ])
            .arg(&out)
            .resolving(&server);
        if how == "flag" {
            c.arg("--no-revisit");
        } else {
            c.write("cookiescan.toml", "[scan]\nrevisit = false\n");
        }
        let before = server.hits(WWW, "/");
        let output = c.arg(format!("{}/", server.origin(WWW))).output_serving();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{how}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("_pk_id.1.f00d"), "{how}");
        assert!(!text.contains("renewed_on_visit"), "{how}");
        assert!(!text.contains("lifetime-renewed"), "{how}");
        assert_eq!(server.hits(WWW, "/") - before, 1, "{how}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_a_matomo_like_script_renews_pk_id_on_every_visit_and_pk_ref_once() {
    let server = util::serve("revisit").await;
    let opts = options(ConsentMode::None);
    let t0 = Instant::now();
    let r = browse_with(&revisiting(&server, JS, &opts), &opts).await;
    let with = t0.elapsed();
    assert_eq!(renewed(&r, "_pk_id.2.beef"), Some(true));
    assert_eq!(renewed(&r, "_pk_ref.2.beef"), Some(false));
    // Renewed too, but a 30-minute cookie ends between visits: no finding.
    assert_eq!(renewed(&r, "_pk_ses.2.beef"), Some(true));
    assert_eq!(flagged(&r), vec!["_pk_id.2.beef"]);
    // The second visit measures only: its page loads add no sightings.
    assert_eq!(
        server.hits(JS, "/js/tracker.js"),
        4,
        "two pages, each twice"
    );
    assert_eq!(util::cookie(&r, "_pk_id.2.beef").unwrap().pages_seen, 2);

    let cfg = browser_config(&server, JS, &opts);
    assert_eq!(cfg.revisit_pages, 0);
    let t1 = Instant::now();
    let off = browse_with(&cfg, &opts).await;
    let without = t1.elapsed();
    assert!(off
        .cookies
        .iter()
        .all(|c| c.record.renewed_on_visit.is_none()));
    assert!(flagged(&off).is_empty());
    eprintln!("browser scan of 2 pages: {with:?} with the second visit, {without:?} without");
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_header_cookies_are_judged_like_the_static_scan() {
    let server = util::serve("revisit").await;
    let opts = options(ConsentMode::None);
    let r = browse_with(&revisiting(&server, WWW, &opts), &opts).await;
    assert_eq!(renewed(&r, "_pk_id.1.f00d"), Some(true));
    assert_eq!(renewed(&r, "promo_seen"), Some(false));
    assert_eq!(renewed(&r, "_pk_ref.1.f00d"), Some(false));
    assert_eq!(flagged(&r), vec!["_pk_id.1.f00d"]);
}
