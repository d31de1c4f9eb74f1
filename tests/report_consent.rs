//! Browser mode's consent section in the HTML, Markdown and CSV reports, rendered from the
//! demo report with three consent passes and phases on its cookies: snapshots pin the shape,
//! and what readers rely on is checked directly.
mod report_support;
mod util;

use cookiescan::report::{Format, CSV_COLUMNS};
use report_support::{consent_report, demo_report, long_markdown, render};

#[tokio::test(flavor = "multi_thread")]
async fn consent_formats_keep_their_shape() {
    let report = consent_report().await;
    for format in [Format::Html, Format::Markdown, Format::Csv] {
        insta::assert_snapshot!(
            format!("consent_{}", format.name()),
            render(&report, format)
        );
    }
}

fn read_csv(text: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_COLUMNS
    );
    reader
        .records()
        .map(|r| r.expect("valid CSV row"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_appends_the_consent_phases_column() {
    // Appended, so every older column keeps its position.
    assert!(CSV_COLUMNS.len() >= 20);
    assert_eq!(CSV_COLUMNS[18], "findings");
    assert_eq!(CSV_COLUMNS[19], "consent_phases");

    let report = consent_report().await;
    let rows = read_csv(&render(&report, Format::Csv));
    let phases = |name: &str| {
        rows.iter()
            .find(|r| &r[0] == name)
            .map(|r| r[19].to_string())
            .unwrap()
    };
    assert_eq!(phases("YSC"), "before-consent; after-reject; after-accept");
    assert_eq!(phases("cc_cookie"), "after-reject; after-accept");
    assert_eq!(phases("__zlcmid"), "after-accept");
    assert_eq!(
        phases("_pk_ref.*"),
        "",
        "a cookie no pass saw has no phases"
    );

    let static_rows = read_csv(&render(&demo_report().await, Format::Csv));
    assert!(
        static_rows.iter().all(|r| r[19].is_empty()),
        "static scans have no phases"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn html_shows_the_passes_side_by_side_and_flags_cookies_kept_after_reject() {
    let report = consent_report().await;
    let html = render(&report, Format::Html);
    let section = &html[html
        .find("<section id=\"consent\">")
        .expect("a consent section")..];
    let section = &section[..section.find("</section>").unwrap()];
    for pass in ["none (no choice)", "reject", "accept"] {
        assert!(
            section.contains(&format!("<th scope=\"col\">{pass}</th>")),
            "{pass}"
        );
    }
    for label in ["Consent manager", "Engine", "Time to consent"] {
        assert!(section.contains(&format!("<th scope=\"row\">{label}</th>")));
    }
    assert!(section.contains("autoconsent 16.23.0"));
    assert!(section.contains("text-rules"));
    // Every cookie has a matrix row; the three non-necessary ones kept after reject stand out.
    assert_eq!(
        section.matches("<th scope=\"row\" class=\"name\">").count(),
        report.cookies.len()
    );
    assert_eq!(section.matches("mark-flag").count(), 3);
    assert_eq!(section.matches("kept after reject").count(), 3);
    assert!(section.contains("3 non-necessary cookies were still present"));
    // The rule that makes the same judgement agrees.
    let after_reject = report
        .findings
        .iter()
        .filter(|f| f.rule == "cookie-after-reject")
        .count();
    assert_eq!(after_reject, 3);
    // The cookie table names each cookie's phases too.
    assert!(html.contains(
        "<small class=\"phases\">seen before consent, after reject, after accept</small>"
    ));
    // Still self-contained: our own script only, nothing fetched.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));

    let static_html = render(&demo_report().await, Format::Html);
    assert!(!static_html.contains("id=\"consent\""));
    assert!(!static_html.contains("class=\"phases\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn consent_text_from_the_site_is_inert() {
    let mut report = consent_report().await;
    let consent = report.consent.as_mut().unwrap();
    consent.passes[2].action = Some("clicked '<img src=x onerror=alert(1)>'".into());
    consent.passes[0].manager = Some("a|b @team".into());
    consent.notes.push("<script>alert(2)</script>".into());

    let html = render(&report, Format::Html);
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<script>alert(2)"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));

    let md = render(&report, Format::Markdown);
    let row = md
        .lines()
        .find(|l| l.starts_with("| Consent manager"))
        .unwrap();
    assert!(row.contains(r"a\|b @&#8203;team"), "{row}");
    assert!(md.contains(r"\<img src=x onerror=alert(1)\>"));
    assert!(md.contains(r"\<script\>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn markdown_with_consent_stays_under_the_limit() {
    let md = long_markdown(consent_report().await);
    // The passes table comes before the long tables, so it is shown whole.
    assert!(md.contains("| Time to consent |"));
    assert!(md.contains("more cookies"), "{}", &md[md.len() - 400..]);
    assert!(
        md.contains("cookie phase rows"),
        "{}",
        &md[md.len() - 400..]
    );
}
