//! Reports the report tests render: real scans of fixture sites, made deterministic (port,
//! times and the order concurrency leaves things in) so snapshots pin the shape, not the run.
#![allow(dead_code)]

use cookiescan::compliance::all_rules;
use cookiescan::crawl::CrawlConfig;
use cookiescan::fixture::{FixtureServer, SiteSpec};
use cookiescan::policy::Config;
use cookiescan::report::Report;
use cookiescan::scan::Policy;

use crate::util;

/// The port every normalised report shows.
pub const PORT: u16 = 8080;

/// `cookiescan demo` as a value: the demo site scanned against the demo policy.
pub async fn demo_report() -> Report {
    demo_report_from(cookiescan::demo::DEMO_SITE).await
}

/// The demo scan of another version of the demo site (same hosts, same policy).
pub async fn demo_report_from(site_toml: &str) -> Report {
    let spec = SiteSpec::from_toml(site_toml).expect("valid site");
    let server = FixtureServer::start(spec).await.expect("server starts");
    let crawl = cookiescan::demo::config(&server, CrawlConfig::default());
    let config = Config::parse(
        cookiescan::demo::DEMO_CONFIG,
        "fixtures/demo/cookiescan.toml",
    )
    .expect("demo config");
    scan(&server, &crawl, &config).await
}

/// A site of the test's own, scanned from `http://HOST/` against `config_toml`.
pub async fn site_report(site_toml: &str, host: &str, config_toml: &str) -> Report {
    let spec = SiteSpec::from_toml(site_toml).expect("valid site");
    let server = FixtureServer::start(spec).await.expect("server starts");
    let crawl = util::config(&server, host, "/");
    let config = Config::parse(config_toml, "cookiescan.toml").expect("valid config");
    scan(&server, &crawl, &config).await
}

async fn scan(server: &FixtureServer, crawl: &CrawlConfig, config: &Config) -> Report {
    let (policy, _) = Policy::load(config, &[], crawl, util::kb())
        .await
        .expect("policy loads");
    normalise(util::scan_with(crawl, &policy).await, server.port())
}

/// Fixed port and times; cookies, findings and pages in a stable order.
pub fn normalise(report: Report, port: u16) -> Report {
    let text = serde_json::to_string(&report)
        .expect("serialises")
        .replace(&format!(":{port}"), &format!(":{PORT}"));
    let mut r: Report = serde_json::from_str(&text).expect("round-trips");
    r.started_at = time::macros::datetime!(2026-01-15 09:30:00 UTC);
    r.finished_at = time::macros::datetime!(2026-01-15 09:30:01.234 UTC);
    r.duration_ms = 1234;
    r.cookies.sort_by(|a, b| {
        let key = |c: &cookiescan::knowledge::ClassifiedCookie| {
            (
                c.record.name.clone(),
                c.record.domain.clone(),
                c.record.path.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let rule_order = |id: &str| all_rules().iter().position(|r| r.info().id == id);
    r.findings.sort_by_key(|f| {
        (
            rule_order(&f.rule),
            f.cookie
                .as_ref()
                .map(|c| (c.name.clone(), c.domain.clone(), c.path.clone())),
            f.message.clone(),
        )
    });
    r.pages.sort_by(|a, b| a.url.cmp(&b.url));
    // Which link reached a page first depends on which fetch finished first.
    for p in &mut r.pages {
        p.depth = 0;
        p.found_on = None;
    }
    r.resources.sort_by(|a, b| a.url.cmp(&b.url));
    r.warnings.sort_by(|a, b| a.message.cmp(&b.message));
    r
}

pub fn render(report: &Report, format: cookiescan::report::Format) -> String {
    let bytes = format.exporter().render(report).expect("renders");
    String::from_utf8(bytes).expect("UTF-8")
}
