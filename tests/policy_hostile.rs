//! Inputs a policy reader must survive quickly: nothing, binary data, 20 MB of text,
//! 10,000-row tables. Times are printed (`cargo test --test policy_hostile -- --nocapture`).

mod policy_support;

use std::time::{Duration, Instant};

use cookiescan::policy::{extract, extract_bytes, DocKind, PolicyError};
use policy_support::{fixture, oracle};

/// A hang guard, not a performance figure: a debug build on a loaded 2-core CI machine once took
/// over 10 s for the 20 MB case, whose typical time is 1-3 s. What bounds the work is the 2 MB
/// cap, checked below by its warning; the speed figures are in the README's benchmarks.
const LIMIT: Duration = Duration::from_secs(120);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    println!("{what}: {took:.2?}");
    assert!(took < LIMIT, "{what} took {took:?}");
    out
}

#[test]
fn empty_input_is_not_an_error() {
    let ex = timed("empty", || {
        extract_bytes(b"", DocKind::Auto, "empty.txt", &oracle())
    })
    .expect("empty is fine");
    assert!(ex.cookies.is_empty());
    assert_eq!(ex.warnings, ["empty.txt: the file is empty"]);
    let ex =
        extract_bytes(b"  \n\n\t\n", DocKind::Auto, "blank.txt", &oracle()).expect("blank is fine");
    assert!(ex.cookies.is_empty());
}

#[test]
fn binary_input_is_refused_with_a_clear_error() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let err = extract_bytes(png, DocKind::Auto, "logo.png", &oracle()).unwrap_err();
    assert!(matches!(err, PolicyError::NotText { .. }));
    assert_eq!(
        err.to_string(),
        "logo.png is a PNG image, not a text cookie policy: give its text as HTML, Markdown or plain text (for a PDF, run `pdftotext -layout` first)"
    );
    let nuls = [b"Name\t_ga\n".as_slice(), &[0u8; 64]].concat();
    assert!(extract_bytes(&nuls, DocKind::Text, "x.bin", &oracle())
        .unwrap_err()
        .to_string()
        .contains("binary data"));
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    assert!(extract_bytes(pdf, DocKind::Auto, "p.pdf", &oracle())
        .unwrap_err()
        .to_string()
        .contains("pdftotext"));
}

#[test]
fn legacy_encodings_are_read() {
    let latin1 = b"Nom\tCat\xe9gorie\n_ga\tStatistiques\n_fbp\tPublicit\xe9\n";
    let ex = extract_bytes(latin1, DocKind::Text, "l1.txt", &oracle()).expect("decoded");
    assert_eq!(ex.cookies.len(), 2);
    assert_eq!(ex.cookies[1].category_label.as_deref(), Some("Publicité"));
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(
            "Name\tType\n_ga\tAnalytics\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    assert_eq!(
        extract_bytes(&utf16, DocKind::Auto, "u16.txt", &oracle())
            .expect("decoded")
            .cookies
            .len(),
        1
    );
}

#[test]
fn twenty_megabytes_of_text() {
    let page = fixture("prose-policy.txt") + &fixture("outscale-cookie-policy.txt");
    let mut big = String::with_capacity(21 << 20);
    while big.len() < 20 << 20 {
        big.push_str(&page);
    }
    let ex = timed("20 MB policy text", || {
        extract(&big, DocKind::Auto, "big.txt", &oracle())
    });
    assert!(ex.cookies.iter().any(|c| c.name == "django_language"));
    assert!(
        ex.warnings
            .iter()
            .any(|w| w.contains("only the first 2 MB")),
        "{:?}",
        &ex.warnings[..3]
    );

    let html_page = fixture("politique-cookies.html");
    let body = html_page
        .split("<main>")
        .nth(1)
        .and_then(|b| b.split("</main>").next())
        .unwrap_or("");
    let mut big_html = String::from("<html><body>");
    while big_html.len() < 20 << 20 {
        big_html.push_str(body);
    }
    let ex = timed("20 MB HTML", || {
        extract(&big_html, DocKind::Auto, "big.html", &oracle())
    });
    assert!(ex.cookies.iter().any(|c| c.name == "__cf_bm"));

    let words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
        .repeat(270_000);
    timed("20 MB on one line", || {
        extract(&words, DocKind::Auto, "line.txt", &oracle())
    });

    let under = "a_b ".repeat(5 << 20);
    timed("20 MB of underscore words", || {
        extract(&under, DocKind::Text, "u.txt", &oracle())
    });

    let tabs = "\t".repeat(20 << 20);
    timed("20 MB of tabs", || {
        extract(&tabs, DocKind::Text, "tabs.txt", &oracle())
    });
}

#[test]
fn ten_thousand_row_tables() {
    let mut tab = String::from("Name\tProvider\tType\tDomain\tPurpose\n");
    let mut md = String::from("| Cookie | Vendor | Category | Expiry |\n|---|---|---|---|\n");
    let mut html = String::from("<html><body><h2>Analytics cookies</h2><table><tr><th>Name</th><th>Provider</th><th>Expiry</th></tr>");
    for i in 0..10_000 {
        tab.push_str(&format!("cookie_{i}\tAcme\tStatistical\twww.example.com\tCounts visits number {i}.\n\t\t\tcdn.exam ple.com\tand more text\n"));
        md.push_str(&format!(
            "| `c_{i}`, wordpress_gd pr_x{i} | Acme | Marketing | {i} days |\n"
        ));
        html.push_str(&format!(
            "<tr><td>h_{i}<br>_pk _ses</td><td>Acme</td><td>13 mois</td></tr>"
        ));
    }
    html.push_str("</table></body></html>");
    let ex = timed("10,000-row tab table", || {
        extract(&tab, DocKind::Text, "t.txt", &oracle())
    });
    assert_eq!(ex.cookies.len(), 10_000);
    assert!(ex.cookies[9_999].domains == ["www.example.com", "cdn.example.com"]);
    let ex = timed("10,000-row Markdown table", || {
        extract(&md, DocKind::Markdown, "t.md", &oracle())
    });
    assert_eq!(ex.cookies.len(), 20_000);
    assert_eq!(ex.repairs.len(), 10_000);
    let ex = timed("10,000-row HTML table", || {
        extract(&html, DocKind::Auto, "t.html", &oracle())
    });
    assert_eq!(ex.cookies.len(), 10_001);
}
