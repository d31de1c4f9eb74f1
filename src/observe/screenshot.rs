//! Browser mode's banner screenshots: what a consent pass showed when it found the banner and
//! after it made its choice. The PNG travels with the report in memory (the HTML report
//! inlines it, `--output-dir` writes it as a file); the JSON report carries only its reference
//! (file name, size, SHA-256), never megabytes of base64.

use serde::{Deserialize, Serialize};

use super::ConsentMode;

/// When in a pass the picture was taken.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ShotMoment {
    /// The pass's first page that showed a banner, as it showed it.
    Banner,
    /// The same page once the pass's first choice was made and the page settled.
    AfterChoice,
}

impl ShotMoment {
    pub fn as_str(self) -> &'static str {
        match self {
            ShotMoment::Banner => "banner",
            ShotMoment::AfterChoice => "after-choice",
        }
    }
}

/// One screenshot of the visible part of a page (the viewport), as PNG.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Screenshot {
    pub pass: ConsentMode,
    pub moment: ShotMoment,
    /// The page it shows.
    pub page: String,
    /// Where `--output-dir` writes it, relative to the folder: `screenshots/PASS-MOMENT.png`.
    pub file: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// SHA-256 of the PNG, lower-case hex.
    pub sha256: String,
    /// The image itself; not in the JSON report (empty when a report is read back).
    #[serde(skip)]
    #[schemars(skip)]
    pub png: Vec<u8>,
}

/// PNG files start with this.
pub const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

impl Screenshot {
    /// A screenshot from PNG bytes; None when they are not a PNG.
    pub fn from_png(
        pass: ConsentMode,
        moment: ShotMoment,
        page: &str,
        png: Vec<u8>,
    ) -> Option<Screenshot> {
        let (width, height) = png_size(&png)?;
        Some(Screenshot {
            pass,
            moment,
            page: page.to_owned(),
            file: format!("screenshots/{}-{}.png", pass_name(pass), moment.as_str()),
            width,
            height,
            bytes: png.len() as u64,
            sha256: crate::digest::sha256_hex(&png),
            png,
        })
    }
}

fn pass_name(pass: ConsentMode) -> &'static str {
    match pass {
        ConsentMode::None => "none",
        ConsentMode::Reject => "reject",
        ConsentMode::Accept => "accept",
        ConsentMode::Withdraw => "withdraw",
        ConsentMode::All => "all",
    }
}

/// Width and height from the IHDR chunk, which a PNG must start with.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != PNG_SIGNATURE || &png[12..16] != b"IHDR" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    Some((word(16), word(20)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_comes_from_the_header_and_non_png_bytes_are_refused() {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend([0, 0, 0, 13]);
        png.extend(b"IHDR");
        png.extend(800u32.to_be_bytes());
        png.extend(600u32.to_be_bytes());
        let shot = Screenshot::from_png(
            ConsentMode::Reject,
            ShotMoment::AfterChoice,
            "http://a.test/",
            png,
        )
        .expect("a PNG header");
        assert_eq!((shot.width, shot.height), (800, 600));
        assert_eq!(shot.file, "screenshots/reject-after-choice.png");
        assert!(Screenshot::from_png(
            ConsentMode::None,
            ShotMoment::Banner,
            "x",
            b"\xff\xd8\xff".to_vec()
        )
        .is_none());
        assert!(png_size(&PNG_SIGNATURE[..]).is_none());
    }
}
