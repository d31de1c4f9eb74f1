//! Hostile and broken sites (issue 17, fixtures/sites/hostile.toml): the scan stays within
//! its memory, request and time bounds, accepts what browsers accept, and says what it cut.
mod util;

use cookiescan::crawl::Cancel;
use cookiescan::observe::WarningKind;
use util::{config, cookie, names, scan, serve, TestCommand};

#[tokio::test]
async fn response_with_150_set_cookie_lines_and_256_kb_of_headers_is_read() {
    let report = one_page("/many-headers").await;
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

fn limit_warnings<'a>(report: &'a cookiescan::report::Report, text: &str) -> Vec<&'a str> {
    report
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Limit && w.message.contains(text))
        .map(|w| w.message.as_str())
        .collect()
}

#[tokio::test]
async fn page_with_200000_images_fetches_only_the_per_page_cap() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/images/");
    cfg.use_sitemaps = false;
    cfg.max_pages = 1;
    let report = scan(&cfg).await;
    assert_eq!(report.resources.len(), 500);
    let w = limit_warnings(&report, "--max-subresources-per-page");
    assert_eq!(w.len(), 1, "{:?}", report.warnings);
    assert!(
        w[0].starts_with("199500 sub-resources were not fetched"),
        "{w:?}"
    );
}

#[tokio::test]
async fn sub_resources_stop_at_the_per_scan_cap() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/images/");
    cfg.use_sitemaps = false;
    cfg.max_pages = 1;
    cfg.max_subresources = 40;
    cfg.max_subresources_per_page = 0;
    let report = scan(&cfg).await;
    assert_eq!(report.resources.len(), 40);
    let w = limit_warnings(&report, "--max-subresources)");
    assert_eq!(w.len(), 1, "{:?}", report.warnings);
    assert!(w[0].starts_with("199960 sub-resources"), "{w:?}");
}

#[tokio::test]
async fn link_flood_is_cut_per_page_and_by_the_queue_cap() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/flood");
    cfg.use_sitemaps = false;
    cfg.max_pages = 3;
    cfg.concurrency = 1;
    cfg.max_queued_pages = 15_000;
    let report = scan(&cfg).await;
    assert_eq!(report.pages.len(), 3);
    let per_page = limit_warnings(&report, "links were not followed");
    assert_eq!(per_page.len(), 1, "{:?}", report.warnings);
    let queue = limit_warnings(&report, "links were not queued");
    // 10,000 links from each of 3 pages. The first page's 10,000 make the next level; while
    // it is crawled, 5,000 more may wait for the level after (15,000 in all), whatever the
    // order the pages answer in: 15,000 of the other two pages' 20,000 are refused.
    assert!(
        queue.first().is_some_and(|w| w.starts_with("15000 links")),
        "{queue:?}"
    );
    let stopped = report
        .warnings
        .iter()
        .find(|w| w.message.starts_with("stopped at --max-pages"))
        .expect("max-pages warning");
    assert!(
        stopped.message.contains("14998 more pages"),
        "{}",
        stopped.message
    );
}

#[tokio::test]
async fn script_bodies_beyond_the_byte_budget_are_not_kept() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/scripts/");
    cfg.use_sitemaps = false;
    cfg.max_pages = 1;
    cfg.max_subresources_per_page = 12;
    cfg.max_script_bytes = 30_000_000;
    let out = cookiescan::crawl::crawl(&cfg, &(), &Cancel::default())
        .await
        .expect("crawl runs");
    assert_eq!(out.resources.len(), 12);
    // 9 MB each: three fit in 30 MB, the other nine are fetched for cookies only.
    assert_eq!(out.scripts.len(), 3, "{:?}", out.warnings);
    let w: Vec<&str> = out
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Limit && w.message.contains("not analysed"))
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        w.first().is_some_and(|w| w.starts_with("9 scripts")),
        "{w:?}"
    );
}

/// Runs the real binary on `path` of the hostile site with `extra` flags; returns its exit
/// code and peak resident memory in MB (from wait4's rusage, so only the child is measured).
async fn peak_rss_mb(
    server: &cookiescan::fixture::FixtureServer,
    path: &str,
    extra: &[&str],
) -> (i32, u64) {
    let child = TestCommand::new()
        .args(["scan", "--quiet", "--fail-on", "never", "--format", "json"])
        .resolving(server)
        .args(extra)
        .arg(format!("{}{path}", server.origin("www.hostile.test")))
        .spawn_silent();
    tokio::task::spawn_blocking(move || {
        let pid = child.id() as libc::pid_t;
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: pid is our own child, not yet waited for; both pointers are valid.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(r, pid, "wait4 failed");
        std::mem::forget(child);
        let code = if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        };
        // ru_maxrss is in kilobytes on Linux.
        (code, usage.ru_maxrss as u64 / 1024)
    })
    .await
    .expect("the wait finishes")
}

#[tokio::test(flavor = "multi_thread")]
async fn link_flood_scan_peak_rss_stays_under_300_mb() {
    let server = serve("hostile").await;
    // Default settings, fewer pages than the default 500 to keep the test short: the
    // per-page growth this guards against was 210 MB a page.
    let (code, mb) = peak_rss_mb(&server, "/flood", &["--max-pages", "24"]).await;
    eprintln!("link flood, 24 pages: peak RSS {mb} MB");
    assert_eq!(code, 0);
    assert!(mb < 300, "peak RSS {mb} MB");
}

#[tokio::test(flavor = "multi_thread")]
async fn many_scripts_scan_peak_rss_stays_under_300_mb() {
    let server = serve("hostile").await;
    let (code, mb) = peak_rss_mb(&server, "/scripts/", &["--max-pages", "1"]).await;
    eprintln!("300 scripts of 9 MB: peak RSS {mb} MB");
    assert_eq!(code, 0);
    assert!(mb < 300, "peak RSS {mb} MB");
}

/// The warnings about one cap, by the cap's name (`(the cookies cap)`).
fn cap_warnings<'a>(report: &'a cookiescan::report::Report, cap: &str) -> Vec<&'a str> {
    report
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| m.contains(cap))
        .collect()
}

/// Every response sets 1000 cookies no other response sets: a scan of 30 pages was killed
/// at 24 GB, every one of 10 million sightings kept. The JSON report is checked here too.
#[tokio::test(flavor = "multi_thread")]
async fn cookie_storm_is_cut_at_the_cookies_cap_and_memory_stays_bounded() {
    let server = serve("hostile").await;
    let (code, mb) = peak_rss_mb(
        &server,
        "/storm/",
        &["--max-pages", "3", "--max-subresources", "600"],
    )
    .await;
    eprintln!("cookie storm, 600 responses of 1000 new cookies: peak RSS {mb} MB");
    assert_eq!(code, 0);
    assert!(mb < 300, "peak RSS {mb} MB");

    let mut cfg = config(&server, "www.hostile.test", "/storm/");
    cfg.use_sitemaps = false;
    cfg.max_pages = 2;
    cfg.max_subresources = 20;
    let report = scan(&cfg).await;
    assert_eq!(report.cookies.len(), 10_000);
    let told = cap_warnings(&report, "(the cookies cap)");
    // 2 pages and 20 images of 1000 new cookies each: 22,000 seen, 10,000 kept.
    assert_eq!(told.len(), 1, "{:?}", report.warnings);
    assert!(
        told[0].starts_with("12000 cookies were not recorded"),
        "{}",
        told[0]
    );
}

/// Every response sets the same 1000 cookies: their cookies are all reported, and the
/// sightings kept stop at the cap.
#[tokio::test(flavor = "multi_thread")]
async fn the_same_cookies_on_every_response_stop_at_the_sightings_cap() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/storm-same/");
    cfg.use_sitemaps = false;
    cfg.max_pages = 2;
    cfg.max_subresources = 150;
    let report = scan(&cfg).await;
    assert_eq!(report.cookies.len(), 1000);
    let told = cap_warnings(&report, "(the sightings cap)");
    // 152 responses of 1000: 152,000 sightings, 100,000 kept.
    assert_eq!(told.len(), 1, "{:?}", report.warnings);
    assert!(told[0].starts_with("52000 repeat sightings"), "{}", told[0]);
    let seen: usize = report.cookies.iter().map(|c| c.record.pages_seen).sum();
    assert!(seen >= 1000, "every cookie was seen at least once");
}

/// Cookies that scripts write count against the same cap as header cookies.
#[tokio::test(flavor = "multi_thread")]
async fn cookies_scripts_write_count_against_the_cookies_cap() {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", "/storm-js/");
    cfg.use_sitemaps = false;
    let report = scan(&cfg).await;
    // 21 pages, each with a script writing 1000 cookies of its own.
    assert_eq!(
        report
            .pages
            .iter()
            .filter(|p| p.status == Some(200))
            .count(),
        21
    );
    assert_eq!(report.cookies.len(), 10_000);
    let told = cap_warnings(&report, "(the cookies cap)");
    assert_eq!(told.len(), 1, "{:?}", report.warnings);
    assert!(
        told[0].starts_with("11000 cookies were not recorded"),
        "{}",
        told[0]
    );
}

/// A scan from `path` that follows links to other hosts, with a short timeout.
async fn scan_failing_host(path: &str, dead_host: &str) {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", path);
    cfg.use_sitemaps = false;
    cfg.scope = cookiescan::crawl::ScopeMode::Any;
    cfg.timeout = std::time::Duration::from_secs(1);
    let start = std::time::Instant::now();
    let report = scan(&cfg).await;
    let elapsed = start.elapsed();
    let tried = report
        .pages
        .iter()
        .filter(|p| p.url.host_str() == Some(dead_host) && p.skipped.is_none())
        .count();
    let not_tried: Vec<_> = report
        .pages
        .iter()
        .filter(|p| {
            p.skipped
                .as_deref()
                .is_some_and(|s| s.starts_with("not tried"))
        })
        .collect();
    let warned: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::HostGivenUp)
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", report.warnings);
    assert!(warned[0].message.starts_with(dead_host), "{:?}", warned[0]);
    // 5 failures give up; at most 3 more were already running (4 per host at once).
    assert!(
        (5..=8).contains(&tried),
        "{tried} URLs of {dead_host} were tried"
    );
    assert_eq!(tried + not_tried.len(), 12, "every link is listed");
    assert!(not_tried
        .iter()
        .all(|p| p.url.host_str() == Some(dead_host)));
    assert!(elapsed.as_secs() < 8, "took {elapsed:?}");
}

#[tokio::test]
async fn host_that_never_answers_is_given_up_after_5_timeouts() {
    scan_failing_host("/to-dead", "dead.test").await;
}

#[tokio::test]
async fn host_that_answers_500_to_everything_is_given_up_after_5_failures() {
    scan_failing_host("/to-flaky", "flaky.test").await;
}

#[tokio::test]
async fn bare_cr_in_a_header_does_not_drop_the_page() {
    let report = one_page("/bare-cr").await;
    assert_eq!(
        report.pages[0].status,
        Some(200),
        "{:?}",
        report.pages[0].error
    );
    assert!(
        cookie(&report, "after_cr").is_some(),
        "{:?}",
        names(&report)
    );
}

#[tokio::test]
async fn set_cookie_lines_with_control_characters_are_listed_as_malformed_by_name_only() {
    let report = one_page("/control-cookies").await;
    assert!(cookie(&report, "fine").is_some());
    assert!(cookie(&report, "ctl_one").is_none() && cookie(&report, "ctl_del").is_none());
    let mut excerpts: Vec<&str> = report
        .malformed_set_cookie
        .iter()
        .map(|m| m.excerpt.as_str())
        .collect();
    excerpts.sort();
    assert_eq!(excerpts, ["ctl_del", "ctl_one"]);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("SECRET"), "a value reached the report");
}

/// A scan of one page of the hostile site: no sitemaps, no links followed.
async fn one_page(path: &str) -> cookiescan::report::Report {
    let server = serve("hostile").await;
    let mut cfg = config(&server, "www.hostile.test", path);
    cfg.use_sitemaps = false;
    cfg.max_depth = Some(0);
    scan(&cfg).await
}

/// Resources fetched and `limit` warnings of a binary scan of `/images/` with `extra` flags.
async fn images_scan(
    server: &cookiescan::fixture::FixtureServer,
    extra: Vec<String>,
) -> (usize, usize) {
    let out = TestCommand::new()
        .args(["scan", "--quiet", "--fail-on", "never", "--format", "json"])
        .args(["--no-sitemaps", "--max-pages", "1"])
        .args(extra)
        .resolving(server)
        .arg(format!("{}/images/", server.origin("www.hostile.test")))
        .output_serving();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let resources = report["resources"].as_array().map_or(0, Vec::len);
    let limits = report["warnings"]
        .as_array()
        .map_or(0, |w| w.iter().filter(|w| w["kind"] == "limit").count());
    (resources, limits)
}

#[tokio::test(flavor = "multi_thread")]
async fn sub_resource_caps_are_read_from_flags_and_the_config_file() {
    let server = serve("hostile").await;
    let flag = vec!["--max-subresources-per-page".to_string(), "7".to_string()];
    assert_eq!(images_scan(&server, flag).await, (7, 1));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cookiescan.toml");
    std::fs::write(&config, "[scan]\nmax_subresources = 5\n").unwrap();
    let file = vec!["--config".to_string(), config.display().to_string()];
    assert_eq!(images_scan(&server, file).await, (5, 1));
}
