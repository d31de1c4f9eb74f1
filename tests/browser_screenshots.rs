//! Banner screenshots in browser mode, through the real binary on the demo site: PNG files in
//! --output-dir, references in the JSON report, images inlined in the HTML report, all in the
//! manifest; `--no-screenshots` leaves them out. Never skipped: needs Chromium.
mod browser_support;
mod util;

use std::path::Path;

use base64::Engine;
use browser_support::{deps, require_chromium};
use cookiescan::digest::sha256_hex;
use serde_json::Value;
use util::TestCommand;

fn demo_in_browser(dir: &Path, extra: &[&str]) {
    require_chromium();
    let mut c = TestCommand::new();
    c.args(["demo", "--browser", "--consent", "reject", "--quiet"])
        .args(extra)
        .arg("--output-dir")
        .arg(dir);
    let out = c.output();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("the file is written")).expect("JSON")
}

/// (width, height) of a PNG, decoded by the png crate (not by our own header reader).
fn png_dimensions(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a valid PNG");
    let info = reader.info();
    (info.width, info.height)
}

/// Every `data:image/png;base64,…` image in the HTML, decoded.
fn inlined_pngs(html: &str) -> Vec<Vec<u8>> {
    html.split("src=\"data:image/png;base64,")
        .skip(1)
        .map(|rest| {
            let b64 = &rest[..rest.find('"').expect("the attribute ends")];
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("valid base64")
        })
        .collect()
}

#[test]
fn a_reject_pass_saves_the_banner_and_the_page_after_the_choice_and_the_html_inlines_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    demo_in_browser(&dir, &[]);
    let report = json(&dir.join("cookiescan-report.json"));
    let shots = report["consent"]["screenshots"]
        .as_array()
        .expect("consent.screenshots[]");
    let moments: Vec<(&str, &str)> = shots
        .iter()
        .map(|s| (s["pass"].as_str().unwrap(), s["moment"].as_str().unwrap()))
        .collect();
    assert_eq!(moments, [("reject", "banner"), ("reject", "after-choice")]);
    let mut files = Vec::new();
    for s in shots {
        let file = s["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).expect("the PNG is written");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{file}");
        let (w, h) = png_dimensions(&bytes);
        assert!(w >= 300 && h >= 200, "{file}: {w}x{h}");
        assert_eq!(
            (s["width"].as_u64(), s["height"].as_u64()),
            (Some(w.into()), Some(h.into()))
        );
        assert_eq!(s["sha256"], sha256_hex(&bytes), "{file}");
        assert!(
            bytes.len() <= 2 * 1024 * 1024,
            "{file}: {} bytes",
            bytes.len()
        );
        assert!(s.get("png").is_none(), "the JSON carries a reference only");
        files.push(bytes);
    }
    // The banner is gone once rejected: the two pictures differ.
    assert_ne!(files[0], files[1]);
    let text = std::fs::read_to_string(dir.join("cookiescan-report.json")).unwrap();
    assert!(
        !text.contains("iVBORw0KGgo"),
        "no base64 PNG in the JSON report"
    );

    let html = std::fs::read_to_string(dir.join("cookiescan-report.html")).unwrap();
    assert_eq!(
        inlined_pngs(&html),
        files,
        "the HTML inlines both, in order"
    );
    assert!(html.contains("width=\"480\""), "drawn scaled");

    let manifest = json(&dir.join("manifest.json"));
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    for f in [
        "screenshots/reject-after-choice.png",
        "screenshots/reject-banner.png",
    ] {
        assert!(listed.contains(&f), "{f} not in {listed:?}");
    }
    assert!(
        manifest["chromium"]
            .as_str()
            .is_some_and(|c| c.contains("Chrome/")),
        "{}",
        manifest["chromium"]
    );
    let package = json(&deps().join("@duckduckgo/autoconsent/package.json"));
    assert_eq!(manifest["autoconsent"]["version"], package["version"]);
    let rules = std::fs::read(deps().join("@duckduckgo/autoconsent/rules/rules.json")).unwrap();
    assert_eq!(manifest["autoconsent"]["rules_sha256"], sha256_hex(&rules));
    let verified = TestCommand::new().arg("verify").arg(&dir).output();
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
}

#[test]
fn no_screenshots_leaves_them_out_of_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    demo_in_browser(&dir, &["--no-screenshots"]);
    let report = json(&dir.join("cookiescan-report.json"));
    assert!(
        report["consent"]["passes"][0]["banner_found"] == true,
        "{}",
        report["consent"]
    );
    assert!(
        report["consent"].get("screenshots").is_none(),
        "{}",
        report["consent"]
    );
    assert!(!dir.join("screenshots").exists());
    let html = std::fs::read_to_string(dir.join("cookiescan-report.html")).unwrap();
    assert!(!html.contains("data:image/png"));
}
