//! Script-set cookies end to end: the demo's Matomo snippet, Zendesk loader, YouTube embed and
//! consent banner show up as cookies with evidence, joined with HTTP sightings.
mod util;

use cookiescan::observe::Source;
use cookiescan::scripts::Method;

async fn demo_report() -> cookiescan::report::Report {
    let server = cookiescan::demo::start().await.unwrap();
    let cfg = cookiescan::demo::config(&server, cookiescan::crawl::CrawlConfig::default());
    util::scan(&cfg).await
}

#[tokio::test]
async fn demo_scripts_set_cookies_with_evidence() {
    let report = demo_report().await;
    let cases = [
        ("_pk_id.1.a1b2", "matomo.js", Method::ParsedWrite),
        ("_pk_ses.1.a1b2", "matomo.js", Method::ParsedWrite),
        ("__zlcmid", "/ekr/snippet.js", Method::ParsedWrite),
        ("cc_cookie", "/static/cookie-banner.js", Method::ParsedWrite),
    ];
    for (name, script, method) in cases {
        let c = util::cookie(&report, name)
            .unwrap_or_else(|| panic!("{name} missing: {:?}", util::names(&report)));
        assert!(c.sources.contains(&Source::Script), "{name}");
        let ev = c
            .script_evidence
            .iter()
            .find(|e| e.location.contains(script))
            .unwrap_or_else(|| {
                panic!("{name}: no evidence from {script}: {:?}", c.script_evidence)
            });
        assert_eq!(ev.method, method, "{name}");
        assert!(ev.line > 0 && ev.column > 0, "{name}: line/column");
        assert!(
            !ev.snippet.is_empty() && ev.snippet.chars().count() <= 120,
            "{name}: snippet"
        );
        assert!(ev.confidence > 0.0);
    }
    // Matomo's lifetimes come from the script: 390 days (its milliseconds) and 30 minutes.
    assert_eq!(
        util::cookie(&report, "_pk_ses.1.a1b2")
            .unwrap()
            .lifetime_secs,
        Some(1800)
    );
    // Classified like any other cookie.
    let pk = util::classified(&report, "_pk_id.1.a1b2").unwrap();
    assert_eq!(pk.classification.vendor.as_deref(), Some("Matomo"));
}

#[tokio::test]
async fn a_cookie_seen_both_ways_is_one_row_with_both_kinds_of_evidence() {
    let report = demo_report().await;
    let ysc: Vec<_> = report
        .cookies
        .iter()
        .filter(|c| c.record.name == "YSC")
        .collect();
    assert_eq!(ysc.len(), 1, "YSC must be one row");
    let r = &ysc[0].record;
    assert!(r.sources.contains(&Source::Http) && r.sources.contains(&Source::Script));
    assert!(!r.sightings.is_empty());
    assert!(r
        .script_evidence
        .iter()
        .any(|e| e.method == Method::Signature
            && e.location.contains("youtube.com")
            && e.location.contains("/embed/")));
}

#[tokio::test]
async fn the_report_says_which_script_set_which_cookie() {
    let report = demo_report().await;
    let matomo = report
        .scripts
        .iter()
        .find(|s| s.location.ends_with("/matomo.js"))
        .expect("matomo.js summarised");
    assert!(
        matomo.cookies.iter().any(|c| c.starts_with("_pk_id.")),
        "{matomo:?}"
    );
    assert!(
        !matomo.signatures.is_empty(),
        "matomo.js matches the Matomo signature"
    );
    let inline = report
        .scripts
        .iter()
        .find(|s| s.location.contains("inline #"))
        .expect("inline Matomo snippet");
    assert!(
        inline.signatures.iter().any(|s| s.contains("matomo")),
        "{inline:?}"
    );
    let zendesk = report
        .scripts
        .iter()
        .find(|s| s.location.contains("snippet.js"))
        .unwrap();
    assert_eq!(zendesk.cookies, ["__zlcmid"]);
    assert!(report.summary.scripts_analysed >= 4);
}
