//! The crawler against in-process sites on 127.0.0.1 (fixtures/sites/basic.toml).
mod util;

use std::time::{Duration, Instant};

use cookiescan::observe::WarningKind;
use cookiescan::observe::{Party, ResourceKind};
use util::{config, cookie, names, scan, serve};

#[tokio::test]
async fn redirect_chain_records_a_cookie_at_every_hop() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/chain/start");
    cfg.max_depth = Some(0);
    cfg.use_sitemaps = false;
    let report = scan(&cfg).await;
    let page = &report.pages[0];
    let statuses: Vec<u16> = page.redirects.iter().map(|h| h.status).collect();
    assert_eq!(statuses, vec![302, 301, 200]);
    for (i, name) in ["hop0", "hop1", "hop2"].iter().enumerate() {
        let c =
            cookie(&report, name).unwrap_or_else(|| panic!("{name} missing: {:?}", names(&report)));
        assert_eq!(c.sightings[0].hop, i, "{name} recorded at the wrong hop");
        assert_eq!(c.sightings[0].response_url, page.redirects[i].url);
    }
    assert_eq!(cookie(&report, "hop2").unwrap().domain, "shop.site.test");
}

#[tokio::test]
async fn redirect_loop_is_detected_and_its_cookies_kept() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/loop/a");
    cfg.max_depth = Some(0);
    cfg.use_sitemaps = false;
    let report = scan(&cfg).await;
    assert!(report
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::RedirectLoop));
    assert!(cookie(&report, "loop_a").is_some());
    assert!(report.pages[0]
        .error
        .as_deref()
        .unwrap_or("")
        .contains("redirect loop"));
}

#[tokio::test]
async fn site_walk_sees_subresources_sitemaps_robots_and_the_jar() {
    let server = serve("basic").await;
    let cfg = config(&server, "www.site.test", "/");
    let report = scan(&cfg).await;

    // Third-party sub-resource (an image) setting a cookie on its own domain.
    let tp = cookie(&report, "IDE").expect("third-party cookie recorded");
    assert_eq!(tp.party, Party::Third);
    assert_eq!(tp.domain, "tracker.test");
    assert_eq!(tp.sightings[0].resource, ResourceKind::Image);
    assert_eq!(tp.lifetime_secs, Some(63_072_000));

    // Only visible once the jar replays `session` (set on /login, replayed on /members).
    assert!(
        cookie(&report, "member_pref").is_some(),
        "jar did not replay: {:?}",
        names(&report)
    );

    // robots.txt disallows /private/: never fetched, listed as skipped.
    assert!(cookie(&report, "private_cookie").is_none());
    assert!(report
        .pages
        .iter()
        .any(|p| p.url.path() == "/private/secret" && p.skipped.is_some()));

    // Sitemap index -> sitemap -> a page nothing links to (query order normalised).
    assert!(cookie(&report, "sitemap_only").is_some());
    assert!(report
        .pages
        .iter()
        .any(|p| p.url.query() == Some("a=1&b=2")));

    // Same-domain subdomain is in scope by default; /about is fetched once despite #team.
    assert!(cookie(&report, "cart").is_some());
    assert_eq!(
        report
            .pages
            .iter()
            .filter(|p| p.url.path() == "/about")
            .count(),
        1
    );
    assert!(!report.partial);
}

#[tokio::test]
async fn host_scope_leaves_subdomains_out() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/");
    cfg.scope = cookiescan::crawl::ScopeMode::Host;
    let report = scan(&cfg).await;
    assert!(cookie(&report, "cart").is_none());
    assert!(cookie(&report, "home").is_some());
}

#[tokio::test]
async fn infinite_calendar_is_capped_as_a_link_trap() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/calendar/2024/01");
    cfg.max_per_pattern = 10;
    cfg.use_sitemaps = false;
    let report = scan(&cfg).await;
    let calendar = report
        .pages
        .iter()
        .filter(|p| p.url.path().starts_with("/calendar/"))
        .count();
    assert_eq!(calendar, 10);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::LinkTrap));
}

#[tokio::test]
async fn max_pages_stops_the_crawl() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/calendar/2024/01");
    cfg.max_pages = 3;
    cfg.use_sitemaps = false;
    let report = scan(&cfg).await;
    assert_eq!(report.pages.len(), 3);
    assert_eq!(report.summary.pages_visited, 3);
}

#[tokio::test]
async fn fifty_mib_body_is_cut_and_warned() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/big");
    cfg.max_depth = Some(0);
    cfg.use_sitemaps = false;
    cfg.max_body = 1024 * 1024;
    let report = scan(&cfg).await;
    assert_eq!(report.pages[0].bytes, 1024 * 1024);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::BodyTruncated));
    assert!(cookie(&report, "big").is_some());
}

#[tokio::test]
async fn server_that_never_answers_times_out_and_the_scan_completes() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/after-hang");
    cfg.timeout = Duration::from_millis(700);
    cfg.use_sitemaps = false;
    // The second visit waits 2 s on purpose; this test times the timeout alone.
    cfg.revisit_pages = 0;
    let started = Instant::now();
    let report = scan(&cfg).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(report
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::Timeout));
    let hang = report
        .pages
        .iter()
        .find(|p| p.url.path() == "/hang")
        .expect("hang page listed");
    assert!(hang.error.is_some() && hang.status.is_none());
    assert!(report
        .pages
        .iter()
        .any(|p| p.url.path() == "/about" && p.status == Some(200)));
}

#[tokio::test]
async fn invalid_utf8_and_garbage_html_are_parsed_not_fatal() {
    let server = serve("basic").await;
    for path in ["/utf8", "/garbage"] {
        let mut cfg = config(&server, "www.site.test", path);
        cfg.max_depth = Some(1);
        cfg.use_sitemaps = false;
        let report = scan(&cfg).await;
        assert!(
            report.pages.iter().any(|p| p.url.path() == "/about"),
            "{path}: link not followed"
        );
        if path == "/utf8" {
            assert!(report
                .warnings
                .iter()
                .any(|w| w.kind == WarningKind::InvalidUtf8));
        }
    }
}

#[tokio::test]
async fn twenty_malformed_set_cookie_lines_are_each_recorded_or_reported() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/malformed");
    cfg.max_depth = Some(0);
    cfg.use_sitemaps = false;
    let report = scan(&cfg).await;
    let page = &report.pages[0];
    assert_eq!(page.cookies_set, 20);
    let recorded: usize = report
        .cookies
        .iter()
        .map(|c| c.record.sightings_count)
        .sum();
    assert_eq!(
        recorded + report.malformed_set_cookie.len(),
        20,
        "cookies: {:?}",
        names(&report)
    );
    // Refused by a browser, with the reason: Domain mismatch, Secure over http, __Host- without Secure.
    for name in ["e", "g", "__Host-h", "n"] {
        let c = cookie(&report, name).unwrap_or_else(|| panic!("{name} not recorded"));
        assert!(c.rejected.is_some(), "{name} should be refused by browsers");
    }
    // Ignored lines become warnings that never carry the value.
    let too_long = report
        .malformed_set_cookie
        .iter()
        .find(|m| m.excerpt == "j")
        .expect("oversized line reported");
    assert!(!too_long.reason.is_empty());
    assert!(report
        .warnings
        .iter()
        .all(|w| !w.message.contains("xxxxxxxx")));
    // Unreadable Expires: kept, flagged as a problem, treated as a session cookie.
    let a = cookie(&report, "a").expect("a recorded");
    assert!(a.session && !a.problems.is_empty());
}

#[tokio::test]
async fn cookie_values_never_reach_the_report_unless_asked() {
    let server = serve("basic").await;
    let cfg = config(&server, "www.site.test", "/");
    let report = scan(&cfg).await;
    let json = String::from_utf8(
        cookiescan::report::Format::Json
            .exporter()
            .render(&report)
            .unwrap(),
    )
    .unwrap();
    assert!(json.contains("\"home\""));
    assert!(
        !json.contains("SECRETVALUE"),
        "a cookie value leaked into the JSON report"
    );

    let mut with_values = cfg.clone();
    with_values.include_values = true;
    let report = scan(&with_values).await;
    let json = String::from_utf8(
        cookiescan::report::Format::Json
            .exporter()
            .render(&report)
            .unwrap(),
    )
    .unwrap();
    assert!(json.contains("SECRETVALUE-HOME"));
}

#[tokio::test]
async fn user_cookies_are_sent_from_the_first_request() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "www.site.test", "/members");
    cfg.max_depth = Some(0);
    cfg.use_sitemaps = false;
    cfg.start_urls
        .push(url::Url::parse(&format!("{}/leak", server.origin("www.site.test"))).unwrap());
    // A cookies.txt exported from a browser: one cookie of this site, one of another.
    let file = "# Netscape HTTP Cookie File\n.site.test\tTRUE\t/\tFALSE\t0\tsession\tfrom-the-user\nwww.other.test\tFALSE\t/\tFALSE\t0\tforeign\tx\n";
    cfg.cookies = cookiescan::crawl::parse_cookie_file(file).unwrap();
    cfg.headers = vec![("X-Api-Key".into(), "k".into())];
    let report = scan(&cfg).await;
    assert!(cookie(&report, "member_pref").is_some());
    assert!(cookie(&report, "api_seen").is_some(), "--header is sent");
    assert!(
        cookie(&report, "leaked").is_none(),
        "another site's cookie from the file was sent"
    );
}

#[tokio::test]
async fn unreachable_start_url_is_an_error() {
    let cfg = cookiescan::crawl::CrawlConfig {
        start_urls: vec![url::Url::parse("http://127.0.0.1:1/").unwrap()],
        timeout: Duration::from_secs(2),
        ..Default::default()
    };
    let err = cookiescan::scan::scan(
        &cfg,
        util::kb(),
        &cookiescan::policy::Policy::default(),
        &cookiescan::compliance::ComplianceSettings::default(),
        &(),
        &cookiescan::crawl::Cancel::default(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("could not be reached"), "{err}");
}

/// Issue 17 item 22: a page's `depth` and `found_on` are the first link in crawl order, not
/// the first page to answer; the slow page ranked first still gets /shared.
#[tokio::test]
async fn found_on_does_not_depend_on_which_page_answers_first() {
    let server = serve("basic").await;
    let mut cfg = config(&server, "levels.site.test", "/");
    cfg.use_sitemaps = false;
    cfg.respect_robots = false;
    cfg.concurrency = 4;
    let report = scan(&cfg).await;
    let page = |path: &str| {
        report
            .pages
            .iter()
            .find(|p| p.url.path() == path)
            .unwrap_or_else(|| panic!("{path} not crawled"))
    };
    let shared = page("/shared");
    assert_eq!(shared.depth, 2);
    assert_eq!(shared.found_on.as_ref().unwrap().path(), "/a-slow");
    assert_eq!(page("/late").depth, 3);
    assert_eq!(page("/c").found_on.as_ref().unwrap().path(), "/b-fast");
}
