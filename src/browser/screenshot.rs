//! Banner screenshots: each pass's first page with a banner, as it showed it and after the
//! pass's choice, captured over DevTools (`Page.captureScreenshot`, the viewport only, PNG).
//! One picture per pass and moment, at most [`MAX_SHOT_BYTES`] each, so a report of a long
//! crawl stays small.

use std::collections::HashSet;
use std::sync::Mutex;

use base64::Engine;
use serde_json::{json, Value};
use url::Url;

use super::tab::Tab;
use crate::observe::{ConsentMode, Screenshot, ShotMoment};

/// Largest PNG kept; a larger one is taken again at half scale, then dropped.
pub const MAX_SHOT_BYTES: usize = 2 * 1024 * 1024;

/// The screenshots of a scan, shared by every tab of every pass.
#[derive(Debug)]
pub struct Shots {
    enabled: bool,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    claimed: HashSet<(u8, ShotMoment)>,
    taken: Vec<Screenshot>,
}

fn pass_rank(pass: ConsentMode) -> u8 {
    match pass {
        ConsentMode::None => 0,
        ConsentMode::Reject => 1,
        ConsentMode::Accept => 2,
        ConsentMode::Withdraw => 3,
        ConsentMode::All => 4,
    }
}

impl Shots {
    pub fn new(enabled: bool) -> Shots {
        Shots {
            enabled,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// True once for each (pass, moment): the first tab to get there takes the picture.
    fn claim(&self, pass: ConsentMode, moment: ShotMoment) -> bool {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        self.enabled && inner.claimed.insert((pass_rank(pass), moment))
    }

    fn keep(&self, shot: Screenshot) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.taken.push(shot);
    }

    /// Every screenshot taken, in pass order, the banner before the choice.
    pub fn take_all(&self) -> Vec<Screenshot> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut all = std::mem::take(&mut inner.taken);
        all.sort_by_key(|s| (pass_rank(s.pass), s.moment));
        all
    }

    /// Captures the tab's viewport as this pass's `moment`, unless another tab already did.
    pub async fn take(&self, tab: &Tab, pass: ConsentMode, moment: ShotMoment, page: &Url) {
        if !self.claim(pass, moment) {
            return;
        }
        let t0 = std::time::Instant::now();
        let png = capture(tab).await;
        tracing::debug!(%page, moment = moment.as_str(), took_ms = t0.elapsed().as_millis(), "screenshot");
        match png {
            Ok(png) => match Screenshot::from_png(pass, moment, page.as_str(), png) {
                Some(shot) => self.keep(shot),
                None => tracing::warn!(%page, "the browser's screenshot is not a PNG"),
            },
            Err(why) => tracing::warn!(%page, "no screenshot: {why}"),
        }
    }
}

/// The viewport as PNG bytes, at full scale or, when that is too large, at half.
async fn capture(tab: &Tab) -> Result<Vec<u8>, String> {
    let png = shoot(tab, json!({"format": "png"})).await?;
    if png.len() <= MAX_SHOT_BYTES {
        return Ok(png);
    }
    let metrics = tab
        .cdp
        .call(Some(&tab.session), "Page.getLayoutMetrics", json!({}))
        .await
        .map_err(|e| e.to_string())?;
    let view = &metrics["cssLayoutViewport"];
    let clip = json!({
        "x": 0, "y": 0, "scale": 0.5,
        "width": view["clientWidth"].as_f64().unwrap_or(800.0),
        "height": view["clientHeight"].as_f64().unwrap_or(600.0),
    });
    let png = shoot(tab, json!({"format": "png", "clip": clip})).await?;
    if png.len() <= MAX_SHOT_BYTES {
        Ok(png)
    } else {
        Err(format!(
            "{} bytes even at half scale, over the {MAX_SHOT_BYTES}-byte cap",
            png.len()
        ))
    }
}

async fn shoot(tab: &Tab, params: Value) -> Result<Vec<u8>, String> {
    let r = tab
        .cdp
        .call(Some(&tab.session), "Page.captureScreenshot", params)
        .await
        .map_err(|e| e.to_string())?;
    let data = r["data"].as_str().ok_or("the browser sent no image")?;
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| format!("the browser's image is not base64 ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pass_and_moment_is_claimed_once_and_nothing_when_disabled() {
        let on = Shots::new(true);
        assert!(on.claim(ConsentMode::Reject, ShotMoment::Banner));
        assert!(!on.claim(ConsentMode::Reject, ShotMoment::Banner));
        assert!(on.claim(ConsentMode::Reject, ShotMoment::AfterChoice));
        assert!(on.claim(ConsentMode::Accept, ShotMoment::Banner));
        let off = Shots::new(false);
        assert!(!off.claim(ConsentMode::Reject, ShotMoment::Banner));
    }
}
