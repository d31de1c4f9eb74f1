//! Every format rendered from one deterministic demo report: snapshots pin each shape, and
//! the properties each audience relies on are checked directly.
mod report_support;
mod util;

use cookiescan::report::{
    CsvExporter, CsvRows, Exporter, Format, Report, CSV_COLUMNS, CSV_FINDING_COLUMNS,
};
use report_support::{demo_report, long_markdown, render};

#[tokio::test(flavor = "multi_thread")]
async fn every_format_keeps_its_shape() {
    let report = demo_report().await;
    for format in [Format::Summary, Format::Json, Format::Csv, Format::Html]
        .into_iter()
        .chain([Format::Markdown, Format::Sarif, Format::Junit])
    {
        insta::assert_snapshot!(format!("demo_{}", format.name()), render(&report, format));
    }
    let findings = CsvExporter {
        bom: false,
        rows: CsvRows::Findings,
    }
    .render(&report)
    .unwrap();
    insta::assert_snapshot!("demo_csv_findings", String::from_utf8(findings).unwrap());
}

fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.expect("valid CSV row"))
        .collect();
    (header, rows)
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_reads_back_with_the_documented_columns() {
    let report = demo_report().await;
    let bytes = Format::Csv.exporter().render(&report).unwrap();
    assert!(bytes.ends_with(b"\r\n"), "RFC 4180 line ends");
    let (header, rows) = read_csv(&bytes);
    assert_eq!(header, CSV_COLUMNS);
    assert_eq!(rows.len(), report.cookies.len());
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    let ysc = rows.iter().find(|r| &r[col("name")] == "YSC").unwrap();
    assert_eq!(&ysc[col("party")], "third");
    assert_eq!(&ysc[col("category")], "marketing");
    assert_eq!(&ysc[col("category_source")], "database");
    assert_eq!(&ysc[col("declared")], "false");
    assert_eq!(&ysc[col("session")], "true");
    assert!(ysc[col("findings")].contains("undeclared-cookie"));
    let csrf = rows
        .iter()
        .find(|r| &r[col("name")] == "csrftoken")
        .unwrap();
    assert_eq!(&csrf[col("lifetime_days")], "364");
    assert_eq!(&csrf[col("declared_category")], "necessary");
    // The purpose has commas: quoting must keep it one cell.
    assert!(rows.iter().all(|r| r.len() == CSV_COLUMNS.len()));

    let with_bom = CsvExporter {
        bom: true,
        rows: CsvRows::Findings,
    }
    .render(&report)
    .unwrap();
    let body = with_bom
        .strip_prefix("\u{feff}".as_bytes())
        .expect("--csv-bom starts with a byte order mark");
    let (header, rows) = read_csv(body);
    assert_eq!(header, CSV_FINDING_COLUMNS);
    assert_eq!(rows.len(), report.findings.len());
    let declared = rows.iter().find(|r| &r[1] == "category-mismatch").unwrap();
    assert_eq!(&declared[7], "fixtures/demo/cookiescan.toml");
    assert!(declared[8].parse::<usize>().is_ok());
}

/// Cookies whose names are HTML, formulas and Markdown, and a value that must stay secret.
const HOSTILE_SITE: &str = r#"
hosts = ["www.hostile.test"]
[[route]]
host = "www.hostile.test"
path = "/"
set_cookie = [
  "<script>alert(1)</script>=SECRETVALUE1; Path=/",
  "@SUM(1+1)*cmd|' /C calc'!A0=SECRETVALUE2; Path=/",
  "-2+3=SECRETVALUE3; Path=/",
  "a|b`c*d_[x](y)@team=SECRETVALUE4; Path=/",
]
body = "<html><body><a href=\"/x\">x</a></body></html>"
"#;

async fn hostile_report() -> Report {
    report_support::site_report(HOSTILE_SITE, "www.hostile.test", "").await
}

#[tokio::test(flavor = "multi_thread")]
async fn site_supplied_text_is_inert_in_every_format() {
    let report = hostile_report().await;
    assert!(
        report
            .cookies
            .iter()
            .any(|c| c.record.name == "<script>alert(1)</script>"),
        "the hostile cookie was recorded: {:?}",
        report
            .cookies
            .iter()
            .map(|c| &c.record.name)
            .collect::<Vec<_>>()
    );

    let html = render(&report, Format::Html);
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    // Our own inline script is the only one.
    assert_eq!(html.matches("<script>").count(), 1);

    let csv = Format::Csv.exporter().render(&report).unwrap();
    let (_, rows) = read_csv(&csv);
    let names: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    assert!(names.contains(&"'@SUM(1+1)*cmd|' /C calc'!A0"), "{names:?}");
    assert!(names.contains(&"'-2+3"), "{names:?}");
    assert!(rows.iter().all(|r| r
        .iter()
        .all(|cell| !cell.starts_with(['=', '+', '-', '@', '\t', '\r']))));

    let md = render(&report, Format::Markdown);
    let row = md
        .lines()
        .find(|l| l.contains("team"))
        .expect("the cookie row");
    assert!(row.contains(r"a\|b\`c\*d\_\[x\](y)@&#8203;team"), "{row}");
    assert!(md.contains(r"\<script\>"));

    well_formed(&render(&report, Format::Junit));

    for format in Format::FILES.into_iter().chain([Format::Summary]) {
        let text = render(&report, format);
        assert!(
            !text.contains("SECRETVALUE"),
            "{} shows a cookie value",
            format.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn markdown_stays_under_the_comment_limit_and_says_what_it_cut() {
    let md = long_markdown(demo_report().await);
    assert!(
        md.contains("Truncated to fit a comment"),
        "{}",
        &md[md.len() - 400..]
    );
    assert!(md.contains("more cookies not shown"));
}

#[tokio::test(flavor = "multi_thread")]
async fn junit_fails_exactly_the_cookies_with_errors() {
    let report = demo_report().await;
    let xml = render(&report, Format::Junit);
    let with_errors = cookiescan::report::cookie_views(&report)
        .iter()
        .filter(|v| v.worst() == Some(cookiescan::compliance::Severity::Error))
        .count();
    assert!(with_errors > 0);
    assert_eq!(xml.matches("<testcase ").count(), report.cookies.len());
    assert_eq!(xml.matches("<failure ").count(), with_errors);
    well_formed(&xml);
}

fn well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit XML is malformed: {e}"),
        }
    }
}
