//! The HTML report as a browser shows it: headless Chromium renders the demo report, the
//! screenshot must not be blank and the DOM must hold the cookie table (with the optional
//! script run). Needs the Debian package `chromium`; without it this test fails, never skips.
mod report_support;
mod util;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use cookiescan::report::Format;
use report_support::{demo_report, render};

/// Runs Chromium headless on `page` with no network use of its own, killing it after a minute.
fn chromium(page: &Path, profile: &Path, action: &[&str]) -> Output {
    let mut extra = vec!["--disable-quic", "--hide-scrollbars"];
    extra.extend_from_slice(action);
    util::headless_chromium(page, profile, &extra, Duration::from_secs(60))
}

#[tokio::test(flavor = "multi_thread")]
async fn html_report_renders_in_headless_chromium() {
    let report = demo_report().await;
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, render(&report, Format::Html)).unwrap();

    let shot = dir.path().join("shot.png");
    let out = chromium(
        &page,
        &dir.path().join("profile-shot"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
    );
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (width, height, inked, colours) = ink(&shot);
    assert_eq!((width, height), (1280, 2000));
    // Text, tables, badges and the chart: a fair share of non-white pixels, in several colours.
    let share = inked as f64 / (width as f64 * height as f64);
    assert!(
        share > 0.03,
        "the page looks blank: {share:.4} of pixels inked"
    );
    assert!(colours >= 4, "only {colours} colours: styles did not apply");

    let dom = chromium(&page, &dir.path().join("profile-dom"), &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(
        dom.matches("class=\"cookie-row").count(),
        report.cookies.len(),
        "the cookie table is missing rows"
    );
    for c in &report.cookies {
        assert!(
            dom.contains(&c.record.name),
            "{} is not in the table",
            c.record.name
        );
    }
    assert!(dom.contains("<svg"), "the chart is missing");
    // The table script ran: it fills in the count and shows the filter.
    let count = format!("{0} of {0} cookies", report.cookies.len());
    assert!(dom.contains(&count), "the table script did not run");
}

/// (width, height, pixels that are not near-white, distinct coarse colours among them).
fn ink(path: &Path) -> (u32, u32, usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let mut inked = 0;
    let mut colours = std::collections::BTreeSet::new();
    for px in buf[..info.buffer_size()].chunks(channels) {
        let rgb = if channels >= 3 {
            [px[0], px[1], px[2]]
        } else {
            [px[0], px[0], px[0]]
        };
        if rgb.iter().any(|&v| v < 230) {
            inked += 1;
            colours.insert(rgb.map(|v| v / 32));
        }
    }
    (info.width, info.height, inked, colours.len())
}
