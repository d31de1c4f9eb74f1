//! Browser mode's banner screenshots as the HTML report shows them: inlined as `data:` URIs,
//! so the report stays one file, and drawn at most [`DISPLAY_WIDTH`] pixels wide (the full
//! image is in `--output-dir`'s `screenshots/`).

use base64::Engine;
use minijinja::{context, Value};

use super::consent::pass_word;
use crate::observe::{ConsentReport, Screenshot, ShotMoment};

/// Widest a screenshot is drawn, so two sit side by side on a laptop screen.
pub const DISPLAY_WIDTH: u32 = 480;

/// One row per pass, each a list of its screenshots that have their image (the banner, then
/// after the choice): `src` (marked safe: our own base64, which HTML escaping would only
/// inflate), `width`, `height`, `alt`, `caption`, `file`, `sha256`. A report read back from
/// JSON has references only and shows none.
pub fn screenshot_values(c: &ConsentReport) -> Vec<Value> {
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let mut last = None;
    for s in c.screenshots.iter().filter(|s| !s.png.is_empty()) {
        if last != Some(s.pass) || rows.is_empty() {
            rows.push(Vec::new());
            last = Some(s.pass);
        }
        if let Some(row) = rows.last_mut() {
            row.push(one(s));
        }
    }
    rows.into_iter().map(Value::from).collect()
}

fn one(s: &Screenshot) -> Value {
    let src = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&s.png)
    );
    let (width, height) = scaled(s.width, s.height);
    let moment = match s.moment {
        ShotMoment::Banner => "the banner as found",
        ShotMoment::AfterChoice => "after the choice",
    };
    context! {
        src => Value::from_safe_string(src),
        width => width,
        height => height,
        alt => format!("Screenshot of {}: {moment}", s.page),
        caption => format!("{} pass: {moment}, {}", pass_word(s.pass), s.page),
        file => s.file.clone(),
        sha256 => s.sha256.clone(),
    }
}

/// The drawn size: the image's own, or [`DISPLAY_WIDTH`] wide with the same proportions.
fn scaled(width: u32, height: u32) -> (u32, u32) {
    if width <= DISPLAY_WIDTH || width == 0 {
        return (width, height);
    }
    let h = u64::from(height) * u64::from(DISPLAY_WIDTH) / u64::from(width);
    (DISPLAY_WIDTH, u32::try_from(h).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screenshots_are_drawn_at_the_display_width_with_their_proportions() {
        assert_eq!(scaled(800, 600), (480, 360));
        assert_eq!(scaled(320, 200), (320, 200));
        assert_eq!(scaled(0, 0), (0, 0));
    }
}
