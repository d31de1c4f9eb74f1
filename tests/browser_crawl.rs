//! Browser mode on a multi-page site whose consent managers live on inner pages
//! (fixtures/sites/consent_crawl.toml, issue 16): the choice is made on every page that shows
//! a banner, and every cookie is credited to the page that set it, at 1 and 4 tabs.
//! Never skipped: a missing dependency fails with the package to install.
mod browser_support;
mod util;

use std::collections::BTreeSet;
use std::time::Instant;

use browser_support::*;
use cookiescan::browser::{BrowserOptions, ConsentMode};
use cookiescan::fixture::FixtureServer;
use cookiescan::observe::{Attribution, ConsentPhase};
use cookiescan::report::Report;
use util::TestCommand;

const WWW: &str = "www.maison.test";
const FR: &str = "fr.maison.test";

/// Where each cookie is stored, per phase, written by hand from the libraries' documented
/// behaviour: vanilla-cookieconsent v3 stores `cc_cookie` when the visitor answers and runs
/// `onConsent` on every later page load; Klaro stores `klaro` when answered and activates a
/// consented service's scripts on every page; tarteaucitron stores `tarteaucitron` when
/// answered and loads an allowed service's `js`. The ad network's tag writes whatever the
/// choice. (phase, cookie@domain, host+path of the page that set it)
const EXPECTED: &[(&str, &str, &str)] = &[
    // Home, first page of every pass, no banner: Django's session cookie.
    ("before-consent", "sessionid@www", "www/"),
    // tarteaucitron stores each service it waits on ("!heatmap=wait") as soon as it loads.
    ("before-consent", "tarteaucitron@www", "www/magazine/"),
    // The none pass reaches the partners page with nothing answered.
    ("before-consent", "_fbp@www", "www/blog/partners"),
    ("before-consent", "trk_sess@www", "www/blog/partners"),
    // Reject: each manager's own record, on the page where it was answered; the tag again.
    ("after-reject", "cc_cookie@www", "www/blog/"),
    ("after-reject", "klaro@www", "www/shop/"),
    ("after-reject", "tarteaucitron@www", "www/magazine/"),
    ("after-reject", "cc_cookie@fr", "fr/"),
    ("after-reject", "visitor_choice@www", "www/help"),
    ("after-reject", "_fbp@www", "www/blog/partners"),
    ("after-reject", "trk_sess@www", "www/blog/partners"),
    // Accept: the records, and each section's analytics on every page of the section.
    ("after-accept", "cc_cookie@www", "www/blog/"),
    ("after-accept", "_ga@www", "www/blog/"),
    ("after-accept", "_ga@www", "www/blog/post"),
    ("after-accept", "klaro@www", "www/shop/"),
    ("after-accept", "_hjid@www", "www/shop/"),
    ("after-accept", "_hjid@www", "www/shop/cart"),
    ("after-accept", "tarteaucitron@www", "www/magazine/"),
    ("after-accept", "_clck@www", "www/magazine/"),
    ("after-accept", "cc_cookie@fr", "fr/"),
    ("after-accept", "_pk_id.1.f00d@fr", "fr/"),
    ("after-accept", "visitor_choice@www", "www/help"),
    ("after-accept", "_fbp@www", "www/blog/partners"),
    ("after-accept", "trk_sess@www", "www/blog/partners"),
];

/// The pages where a reject or accept pass must answer a banner.
const BANNER_PAGES: &[&str] = &["fr/", "www/blog/", "www/help", "www/magazine/", "www/shop/"];

fn short(host_or_url: &str) -> String {
    host_or_url
        .replace(WWW, "www")
        .replace(FR, "fr")
        .replace("http://", "")
}

/// `www/blog/` for `http://www.maison.test:PORT/blog/`.
fn page(u: &url::Url) -> String {
    format!("{}{}", short(u.host_str().unwrap_or("")), u.path())
}

fn stored_by_phase(r: &Report) -> BTreeSet<String> {
    let mut got = BTreeSet::new();
    for c in &r.cookies {
        // The withdraw pass is checked by tests/browser_withdraw.rs.
        for p in c
            .record
            .phase_pages
            .iter()
            .filter(|p| p.phase != ConsentPhase::AfterWithdraw)
        {
            got.insert(format!(
                "{} {}@{} {}",
                p.phase.as_str(),
                c.record.name,
                short(&c.record.domain),
                page(&p.page)
            ));
        }
    }
    got
}

fn expected() -> BTreeSet<String> {
    EXPECTED
        .iter()
        .map(|(phase, cookie, page)| format!("{phase} {cookie} {page}"))
        .collect()
}

async fn scan(server: &FixtureServer, consent: ConsentMode, tabs: usize) -> Report {
    let opts = BrowserOptions {
        tabs,
        ..options(consent)
    };
    let mut config = browser_config(server, WWW, &opts);
    config.max_pages = 30;
    browse_with(&config, &opts).await
}

fn check_all_phases(r: &Report, tabs: usize) {
    let consent = r.consent.as_ref().expect("a consent report");
    let (got, want) = (stored_by_phase(r), expected());
    assert!(
        got == want,
        "{tabs} tab(s): stored cookies per phase and page differ\nmissing: {:#?}\nunexpected: {:#?}\nchoices: {:#?}",
        want.difference(&got).collect::<Vec<_>>(),
        got.difference(&want).collect::<Vec<_>>(),
        consent.passes.iter().map(|p| &p.choices).collect::<Vec<_>>()
    );
    assert!(consent.passes[0].choices.is_empty(), "{consent:?}");
    for pass in &consent.passes[1..] {
        let pages: BTreeSet<String> = pass
            .choices
            .iter()
            .map(|c| page(&url::Url::parse(&c.page).unwrap()))
            .collect();
        let want: BTreeSet<String> = BANNER_PAGES.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            pages, want,
            "{tabs} tab(s), {:?} pass: {pass:#?}",
            pass.pass
        );
        assert!(
            pass.choices
                .iter()
                .all(|c| c.succeeded && c.action.is_some()),
            "{pass:#?}"
        );
        assert_eq!(pass.choices.len(), BANNER_PAGES.len(), "{pass:#?}");
        assert!(pass.succeeded && pass.banner_found, "{pass:#?}");
    }
    // Refused by the browser: listed with the reason, present in no phase.
    let pixel = util::cookie(r, "adnet_uid").expect("the pixel's Set-Cookie is recorded");
    assert!(
        pixel.phases.is_empty()
            && pixel
                .rejected
                .as_deref()
                .is_some_and(|w| w.contains("Secure")),
        "{pixel:?}"
    );
    let ab = util::cookie(r, "ab_test").expect("the script's write is recorded");
    assert!(
        ab.phases.is_empty()
            && ab
                .rejected
                .as_deref()
                .is_some_and(|w| w.contains("not stored")),
        "{ab:?}"
    );
    check_findings(r);
}

fn check_findings(r: &Report) {
    let about = |rule: &str| -> BTreeSet<String> {
        r.findings
            .iter()
            .filter(|f| f.rule == rule)
            .filter_map(|f| f.cookie.as_ref().map(|c| c.name.clone()))
            .collect()
    };
    let tag: BTreeSet<String> = ["_fbp", "trk_sess"].map(String::from).into();
    assert_eq!(about("set-before-consent"), tag, "{:#?}", r.findings);
    assert_eq!(about("cookie-after-reject"), tag, "{:#?}", r.findings);
    // The hand-made banner's own record is the consent state, not a cookie after reject.
    let choice = r
        .cookies
        .iter()
        .find(|c| c.record.name == "visitor_choice")
        .expect("the hand-made banner's record");
    assert_eq!(
        choice.classification.pattern.as_deref(),
        Some("consent-state"),
        "{:?}",
        choice.classification
    );
    let tag = r
        .cookies
        .iter()
        .find(|c| c.record.name == "trk_sess")
        .expect("the tag's session cookie");
    assert!(
        tag.classification.pattern.as_deref() == Some("third-party-writer")
            && tag.classification.reason.contains("cdn.adnet.test"),
        "{:?}",
        tag.classification
    );
    let rules = rules(r);
    assert!(!rules.contains(&"no-banner"), "{rules:?}");
    for f in r
        .findings
        .iter()
        .filter(|f| f.rule == "cookie-after-reject")
    {
        let first = &f.evidence[0];
        assert!(
            first.contains("www.maison.test")
                && first.contains(
                    "/blog/partners after the reject choice made on http://www.maison.test:"
                )
                && first.ends_with("/blog/"),
            "{f:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn consent_crawl_every_banner_is_answered_and_cookies_match_by_phase_at_1_and_4_tabs() {
    let server = FixtureServer::start(consent_crawl_site()).await.unwrap();
    for tabs in [4, 1] {
        let r = scan(&server, ConsentMode::All, tabs).await;
        check_all_phases(&r, tabs);
    }
}

/// The shared store used to credit a cookie to whichever tab read it first (issue 16).
#[tokio::test(flavor = "multi_thread")]
async fn cookie_first_page_is_the_page_that_set_it_over_10_runs_at_4_tabs() {
    let server = FixtureServer::start(consent_crawl_site()).await.unwrap();
    let setter = [
        ("sessionid", "www/"),
        ("cc_cookie", "www/blog/"),
        ("_ga", "www/blog/"),
        ("klaro", "www/shop/"),
        ("_hjid", "www/shop/"),
        ("tarteaucitron", "www/magazine/"),
        ("_clck", "www/magazine/"),
        ("_pk_id.1.f00d", "fr/"),
        ("cc_cookie", "fr/"),
        ("visitor_choice", "www/help"),
        ("_fbp", "www/blog/partners"),
        ("trk_sess", "www/blog/partners"),
    ];
    let started = Instant::now();
    for run in 0..10 {
        let r = scan(&server, ConsentMode::Accept, 4).await;
        for (name, want) in setter {
            // The page's host is the cookie's: cc_cookie exists on both hosts.
            let host = if want.starts_with("fr/") { FR } else { WWW };
            let c = r
                .cookies
                .iter()
                .map(|c| &c.record)
                .find(|c| c.name == name && c.domain == host)
                .unwrap_or_else(|| {
                    panic!(
                        "run {run}: {name} missing; choices: {:#?}",
                        r.consent.as_ref().map(|c| &c.passes)
                    )
                });
            assert_eq!(page(&c.first_seen_url), want, "run {run}: {name}");
            assert!(
                c.sightings
                    .iter()
                    .all(|s| s.attribution != Some(Attribution::Store)),
                "run {run}: {name} credited from the store alone: {:?}",
                c.sightings
            );
        }
    }
    eprintln!("10 runs at 4 tabs: {:?}", started.elapsed());
}

/// `--consent all` on this site, timed with the CLI binary named by COOKIESCAN_BIN (default:
/// this build), RUNS runs (3): `COOKIESCAN_BIN=... cargo test --test browser_crawl -- --ignored
/// --nocapture consent_all_timing`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement, run by hand"]
async fn consent_all_timing() {
    require_chromium();
    let server = FixtureServer::start(consent_crawl_site()).await.unwrap();
    let bin = std::env::var_os("COOKIESCAN_BIN");
    let runs: u32 = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for run in 1..=runs {
        let mut args = vec![
            "scan".to_string(),
            server.origin(WWW) + "/",
            "--browser".into(),
            "--consent".into(),
            "all".into(),
            "--format".into(),
            "json".into(),
            "--quiet".into(),
        ];
        for r in server.resolve_args() {
            args.push("--resolve".into());
            args.push(r);
        }
        let started = Instant::now();
        let mut c = match &bin {
            Some(bin) => TestCommand::with_binary(bin),
            None => TestCommand::new(),
        };
        let out = c.args(&args).output_serving();
        let took = started.elapsed();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let passes: Vec<String> = v["consent"]["passes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                format!(
                    "{} {} ms, {} choice(s)",
                    p["pass"].as_str().unwrap_or("?"),
                    p["duration_ms"],
                    p["choices"].as_array().map_or(0, Vec::len)
                )
            })
            .collect();
        eprintln!("run {run}: {took:.1?} total; {}", passes.join("; "));
    }
}

/// Tabs used to queue a page's links as soon as its tab finished: with 4 tabs, `/shared` was
/// credited to whichever of `/a-slow` and `/b-fast` finished first (fixtures/sites/basic.toml).
#[tokio::test(flavor = "multi_thread")]
async fn browser_found_on_does_not_depend_on_which_tab_finishes_first() {
    let server = util::serve("basic").await;
    let opts = BrowserOptions {
        tabs: 4,
        ..options(ConsentMode::None)
    };
    let mut config = browser_config(&server, "levels.site.test", &opts);
    config.use_sitemaps = false;
    config.respect_robots = false;
    let r = browse_with(&config, &opts).await;
    let page = |path: &str| {
        r.pages
            .iter()
            .find(|p| p.url.path() == path)
            .unwrap_or_else(|| panic!("{path} not visited: {:?}", r.pages))
    };
    let shared = page("/shared");
    assert_eq!(shared.depth, 2);
    // The slow page comes first on the home page: it is the first page linking to /shared.
    assert_eq!(shared.found_on.as_ref().unwrap().path(), "/a-slow");
    assert_eq!(page("/late").depth, 3);
    assert_eq!(page("/c").found_on.as_ref().unwrap().path(), "/b-fast");
}

/// A page of many links is bounded in browser mode as in static mode: the links-per-page cap
/// and the queue cap each leave a warning, and the links kept are the first ones.
#[tokio::test(flavor = "multi_thread")]
async fn browser_link_flood_is_cut_per_page_and_by_the_queue_cap() {
    let links: String = (0..30)
        .map(|i| format!("<a href=\"/p{i}\">{i}</a> "))
        .collect();
    let mut site = cookiescan::fixture::SiteSpec {
        hosts: vec!["flood.test".into()],
        routes: vec![route(
            None,
            "/",
            HTML,
            format!("<html><body>{links}</body></html>"),
        )],
    };
    for i in 0..30 {
        site.routes
            .push(route(None, &format!("/p{i}"), HTML, "<p>leaf</p>".into()));
    }
    let server = FixtureServer::start(site).await.unwrap();
    // Three passes, each hitting both caps: each warning is told once.
    let opts = options(ConsentMode::All);
    let mut config = browser_config(&server, "flood.test", &opts);
    config.use_sitemaps = false;
    config.respect_robots = false;
    config.max_links_per_page = 10;
    config.max_queued_pages = 5;
    let r = browse_with(&config, &opts).await;
    let visited: BTreeSet<&str> = r.pages.iter().map(|p| p.url.path()).collect();
    // The start page is the first level's one page: 4 places are left for the next level.
    assert_eq!(
        visited,
        BTreeSet::from(["/", "/p0", "/p1", "/p2", "/p3"]),
        "{:?}",
        r.pages
    );
    let messages: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
    let told = |start: &str| messages.iter().filter(|m| m.starts_with(start)).count();
    assert_eq!(told("20 links were not followed"), 1, "{messages:?}");
    assert_eq!(told("6 links were not queued"), 1, "{messages:?}");
}
