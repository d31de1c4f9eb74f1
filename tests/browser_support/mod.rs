//! Shared by the browser-mode tests: npm files, fixture routes, a browser scan of a fixture.
//! Never skipped: a missing dependency fails with the package to install.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use cookiescan::browser::{BrowserOptions, ConsentMode};
use cookiescan::compliance::ComplianceSettings;
use cookiescan::crawl::{Cancel, CrawlConfig};
use cookiescan::fixture::{FixtureServer, Route};
use cookiescan::observe::ConsentPhase;
use cookiescan::policy::Policy;
use cookiescan::report::Report;

use crate::util;

pub fn deps() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser-deps/node_modules")
}

pub fn npm_file(rel: &str) -> String {
    let p = deps().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `npm ci --prefix browser-deps` (scripts/test.sh does)",
            p.display()
        )
    })
}

pub fn require_chromium() {
    cookiescan::browser::find_chrome(None)
        .expect("browser tests need Chromium: apt-get install chromium (scripts/test.sh does)");
}

pub fn route(host: Option<&str>, path: &str, ct: &str, body: String) -> Route {
    Route {
        host: host.map(str::to_owned),
        path: path.into(),
        status: 200,
        content_type: ct.into(),
        set_cookie: Vec::new(),
        headers: Vec::new(),
        location: None,
        body,
        when_cookie: None,
        when_header: None,
        unless_cookie: None,
        behaviour: None,
    }
}

pub const JS: &str = "application/javascript";
pub const HTML: &str = "text/html; charset=utf-8";

pub fn options(consent: ConsentMode) -> BrowserOptions {
    BrowserOptions {
        consent,
        settle: Duration::from_millis(400),
        ..BrowserOptions::default()
    }
}

pub async fn browse(server: &FixtureServer, host: &str, opts: &BrowserOptions) -> Report {
    browse_with(&browser_config(server, host, opts), opts).await
}

/// The crawl settings `browse` uses; `--insecure` applies to both modes, as in the CLI.
pub fn browser_config(server: &FixtureServer, host: &str, opts: &BrowserOptions) -> CrawlConfig {
    let mut config: CrawlConfig = util::config(server, host, "/");
    config.timeout = Duration::from_secs(10);
    config.insecure = opts.insecure;
    // The second visit of the first pages is tests/revisit.rs's business: here it would only
    // add page loads that hit counts and timings do not expect.
    config.revisit_pages = 0;
    config
}

pub async fn browse_with(config: &CrawlConfig, opts: &BrowserOptions) -> Report {
    require_chromium();
    cookiescan::scan::scan_in_browser(
        config,
        opts,
        util::kb(),
        &Policy::default(),
        &ComplianceSettings::default(),
        &(),
        &Cancel::default(),
    )
    .await
    .expect("browser scan runs")
}

pub fn rules(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

pub fn phases(r: &Report, name: &str) -> Vec<ConsentPhase> {
    util::cookie(r, name)
        .map(|c| c.phases.iter().copied().collect())
        .unwrap_or_default()
}

/// The phases of every record named `name` together: a consent manager that deletes a
/// cookie on withdrawal may write the deletion with another Domain, a record of its own.
pub fn phases_of_all(r: &Report, name: &str) -> Vec<ConsentPhase> {
    let set: std::collections::BTreeSet<ConsentPhase> = r
        .cookies
        .iter()
        .filter(|c| c.record.name == name)
        .flat_map(|c| c.record.phases.iter().copied())
        .collect();
    set.into_iter().collect()
}

/// The multi-page consent site (fixtures/sites/consent_crawl.toml) with the real consent
/// libraries from browser-deps/ served beside its pages.
pub fn consent_crawl_site() -> cookiescan::fixture::SiteSpec {
    let text = std::fs::read_to_string(crate::util::fixture_path("sites/consent_crawl.toml"))
        .expect("fixtures/sites/consent_crawl.toml");
    let mut site = cookiescan::fixture::SiteSpec::from_toml(&text).expect("the fixture parses");
    let libs = [
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
    ];
    for (path, ct, file) in libs {
        site.routes.push(route(None, path, ct, npm_file(file)));
    }
    // tarteaucitron loads its language, services and css relative to its own URL.
    for (file, ct) in [
        ("tarteaucitron.js", JS),
        ("tarteaucitron.services.js", JS),
        ("lang/tarteaucitron.en.js", JS),
        ("advertising.js", JS),
        ("css/tarteaucitron.css", "text/css"),
    ] {
        let body = npm_file(&format!("tarteaucitronjs/{file}"));
        site.routes
            .push(route(None, &format!("/tarteaucitron/{file}"), ct, body));
    }
    site
}
