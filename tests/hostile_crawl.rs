//! Hostile and broken sites (issue 17, fixtures/sites/hostile.toml): the scan stays within
//! its memory, request and time bounds, accepts what browsers accept, and says what it cut.
mod util;

use cookiescan::crawl::WarningKind;
use util::{config, cookie, names, scan, serve};

#[tokio::test]
async fn response_with_150_set_cookie_lines_and_256_kb_of_headers_is_read() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/many-headers");
    cfg.use_sitemaps = false;
    cfg.max_depth = Some(0);
    let report = scan(&cfg).await;
    assert_eq!(
        report.pages[0].status,
        Some(200),
        "{:?}",
        report.pages[0].error
    );
    let flood = names(&report)
        .iter()
        .filter(|n| n.starts_with("flood_"))
        .count();
    assert_eq!(flood, 150);
    assert!(cookie(&report, "flood_149").is_some());
    assert!(!report
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::Transport));
}

#[tokio::test]
async fn jar_keeps_180_cookies_per_domain_and_drops_the_oldest() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/many-cookies");
    cfg.use_sitemaps = false;
    cfg.max_depth = Some(1);
    let report = scan(&cfg).await;
    assert_eq!(
        names(&report)
            .iter()
            .filter(|n| n.starts_with("flood_"))
            .count(),
        200
    );
    assert!(
        cookie(&report, "newest_was_sent").is_some(),
        "{:?}",
        names(&report)
    );
    assert!(
        cookie(&report, "oldest_was_sent").is_none(),
        "the oldest of 200 cookies was still sent"
    );
}

#[tokio::test]
async fn hitting_the_20_sitemap_cap_is_warned() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/");
    cfg.max_depth = Some(0);
    let report = scan(&cfg).await;
    let read = (1..=30)
        .filter(|i| server.hits("www.hostile.test", &format!("/sm/{i}.xml")) > 0)
        .count();
    assert_eq!(read, 19, "the index and 19 of its sitemaps make 20");
    let warned: Vec<&str> = report
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Sitemap)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].contains("first 20 sitemaps") && warned[0].contains("11 more"),
        "{warned:?}"
    );
}
