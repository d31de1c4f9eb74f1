//! Reports the report tests render: real scans of fixture sites, made deterministic (port,
//! times and the order concurrency leaves things in) so snapshots pin the shape, not the run.
#![allow(dead_code)]

use std::collections::BTreeSet;

use cookiescan::compliance::{evaluate, ComplianceSettings, Context, SeverityCounts};
use cookiescan::config::Config;
use cookiescan::crawl::CrawlConfig;
use cookiescan::fixture::{FixtureServer, Ports, SiteSpec};
use cookiescan::observe::ConsentPhase;
use cookiescan::observe::{ConsentMode, ConsentReport, PhaseReport};
use cookiescan::report::Report;

use crate::util;

/// The port every normalised report shows.
pub const PORT: u16 = 8080;
/// The https port every normalised report shows.
pub const HTTPS_PORT: u16 = 8443;

/// `cookiescan demo` as a value: the demo site scanned against the demo policy.
pub async fn demo_report() -> Report {
    demo_report_from(cookiescan::demo::DEMO_SITE).await
}

/// The demo scan of another version of the demo site (same hosts, same policy).
pub async fn demo_report_from(site_toml: &str) -> Report {
    let spec = SiteSpec::from_toml(site_toml).expect("valid site");
    let server = cookiescan::demo::serve(spec).await.expect("server starts");
    let crawl = cookiescan::demo::config(&server, CrawlConfig::default());
    let config = Config::parse(
        cookiescan::demo::DEMO_CONFIG,
        "fixtures/demo/cookiescan.toml",
    )
    .expect("demo config");
    scan(&server, &crawl, &config).await
}

/// The demo scan as `--browser --consent all` could report it: three consent passes side by
/// side, consent phases on every cookie but one (a cookie only a script signature implies), and
/// the findings the consent rules make of them. Built in code: a real browser run is neither
/// fast nor deterministic enough for snapshots.
pub async fn consent_report() -> Report {
    let server = cookiescan::demo::start().await.expect("server starts");
    let crawl = cookiescan::demo::config(&server, CrawlConfig::default());
    let config = Config::parse(
        cookiescan::demo::DEMO_CONFIG,
        "fixtures/demo/cookiescan.toml",
    )
    .expect("demo config");
    let (policy, _) = config
        .policy()
        .with_documents(&[], &crawl, util::kb())
        .await
        .expect("policy loads");
    let mut report = normalise(util::scan_with(&crawl, &policy).await, server.ports());
    for c in &mut report.cookies {
        c.record.phases = demo_phases(&c.record.name);
    }
    let consent = demo_consent(&report);
    let settings = ComplianceSettings::default();
    let ctx = Context::new(
        &report.cookies,
        &policy.declared,
        &policy.ignores,
        !policy.is_empty(),
        &settings,
    )
    .expect("demo policy is valid")
    .with_consent(Some(&consent));
    let findings = evaluate(&ctx);
    drop(ctx);
    report.summary.findings = SeverityCounts::of(&findings);
    report.findings = findings;
    report.consent = Some(consent);
    normalise(
        report,
        Ports {
            http: PORT,
            https: Some(HTTPS_PORT),
        },
    )
}

/// Which demo cookie a browser would hold in which phase: the necessary ones throughout (the
/// consent cookie only once a choice is made), the rest mostly after accept, and three
/// non-necessary ones that survive a reject.
fn demo_phases(name: &str) -> BTreeSet<ConsentPhase> {
    use ConsentPhase::{AfterAccept as A, AfterReject as R, BeforeConsent as B};
    let phases: &[ConsentPhase] = match name {
        "csrftoken" | "sessionid" | "session_id" => &[B, R, A],
        "cc_cookie" | "cookies_preferences" => &[R, A],
        "messages" => &[B],
        "django_language" | "VISITOR_INFO1_LIVE" | "visitor_uuid" => &[B, A],
        "VISITOR_PRIVACY_METADATA" => &[B, A],
        "frontend_lang" | "_pk_id.1.a1b2" | "YSC" => &[B, R, A],
        "__zlcmid" | "_pk_ses.1.a1b2" => &[A],
        // Implied by a script signature only: no browser saw it stored.
        _ => &[],
    };
    phases.iter().copied().collect()
}

fn demo_consent(report: &Report) -> ConsentReport {
    let held = |phase: ConsentPhase| -> Vec<String> {
        report
            .cookies
            .iter()
            .filter(|c| c.record.phases.contains(&phase))
            .map(|c| format!("{}@{}", c.record.name, c.record.domain))
            .collect()
    };
    let pass = |pass: ConsentMode| PhaseReport {
        pass,
        manager: Some("cookieconsent".into()),
        engine: "autoconsent".into(),
        banner_found: true,
        reject_on_first_layer: true,
        accept_on_first_layer: true,
        action: None,
        succeeded: false,
        pages: report.summary.pages_visited,
        duration_ms: 3200,
        consent_ms: None,
        cookies_before: held(ConsentPhase::BeforeConsent),
        cookies_after: held(pass.after()),
        choices: Vec::new(),
        signals: Default::default(),
        withdrawals: Vec::new(),
    };
    ConsentReport {
        browser: "Chrome/156.0.7524.0".into(),
        engine_available: "autoconsent 16.23.0".into(),
        passes: vec![
            pass(ConsentMode::None),
            PhaseReport {
                action: Some("optOut".into()),
                succeeded: true,
                duration_ms: 2950,
                consent_ms: Some(850),
                ..pass(ConsentMode::Reject)
            },
            PhaseReport {
                engine: "text-rules".into(),
                action: Some("clicked 'Accept all'".into()),
                succeeded: true,
                duration_ms: 4100,
                consent_ms: Some(1420),
                ..pass(ConsentMode::Accept)
            },
        ],
        notes: vec![
            "autoconsent did not confirm its opt-in on the accept pass: text rules clicked the button instead."
                .into(),
        ],
        ..ConsentReport::default()
    }
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
    let (policy, _) = config
        .policy()
        .with_documents(&[], crawl, util::kb())
        .await
        .expect("policy loads");
    normalise(util::scan_with(crawl, &policy).await, server.ports())
}

/// Fixed port and times, and no record of which link the crawl followed first. The lists keep
/// the report's own order (sorted by the scan: issue 17 item 22).
pub fn normalise(report: Report, ports: Ports) -> Report {
    let mut text = serde_json::to_string(&report)
        .expect("serialises")
        .replace(&format!(":{}", ports.http), &format!(":{PORT}"));
    if let Some(https) = ports.https {
        text = text.replace(&format!(":{https}"), &format!(":{HTTPS_PORT}"));
    }
    let mut r: Report = serde_json::from_str(&text).expect("round-trips");
    r.started_at = time::macros::datetime!(2026-01-15 09:30:00 UTC);
    r.finished_at = time::macros::datetime!(2026-01-15 09:30:01.234 UTC);
    r.duration_ms = 1234;
    // Which link reached a page first depends on which fetch finished first.
    for p in &mut r.pages {
        p.depth = 0;
        p.found_on = None;
    }
    r
}

pub fn render(report: &Report, format: cookiescan::report::Format) -> String {
    let bytes = format.exporter().render(report).expect("renders");
    String::from_utf8(bytes).expect("UTF-8")
}

/// `report` with 2,000 more cookies (copies of its first), rendered as Markdown: for the
/// tests that check the comment-size limit.
pub fn long_markdown(mut report: Report) -> String {
    let template = report.cookies[0].clone();
    for i in 0..2000 {
        let mut c = template.clone();
        c.record.name = format!("generated_cookie_with_a_long_name_{i:04}");
        report.cookies.push(c);
    }
    let md = render(&report, cookiescan::report::Format::Markdown);
    assert!(md.chars().count() <= cookiescan::report::MARKDOWN_LIMIT);
    md
}
