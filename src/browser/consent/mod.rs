//! Consent phases: find a banner on every page, note what it offers, make the pass's choice
//! wherever one shows. autoconsent does the clicking when installed; our text rules otherwise.
pub mod autoconsent;
pub mod text;

use std::time::Duration;

use tokio::time::Instant;

use super::tab::Tab;
use crate::observe::ConsentMode;

/// What the engines found on a page, before any choice there.
pub struct Detection {
    pub popup: Option<autoconsent::AcEvent>,
    pub manager: Option<String>,
    pub first_layer: text::TextResult,
    /// When the banner was first seen (autoconsent's popup, or the text rules' buttons).
    pub seen_at: Instant,
}

impl Detection {
    /// Whether the page shows a banner: autoconsent found its popup, or the text rules see
    /// a reject or accept button.
    pub fn banner(&self) -> bool {
        self.popup.is_some() || self.first_layer.accept || self.first_layer.reject
    }

    /// The engine that found the banner.
    pub fn engine(&self) -> &'static str {
        if self.popup.is_some() {
            "autoconsent"
        } else if self.banner() {
            "text-rules"
        } else {
            "none"
        }
    }
}

/// How long autoconsent may take to show a manager's popup once it found the manager on a
/// page and nothing on screen looks like a banner yet (banners are often injected late); also
/// the bound on waiting for autoconsent's first full look at a page.
const AUTOCONSENT_WAIT: Duration = Duration::from_secs(3);
/// When the text rules already see a banner autoconsent has not named by then, autoconsent
/// has no rule for it (it finds the ones it knows in 0.2–0.4 s): stop waiting.
const AUTOCONSENT_GRACE: Duration = Duration::from_secs(1);
/// A manager the pass already answered elsewhere usually keeps its banner hidden, and
/// autoconsent never says so (it only stops looking after 5 s). A visible popup is reported
/// at once; one re-check 500 ms later catches a banner shown a little late.
const ANSWERED_GRACE: Duration = Duration::from_millis(700);
const POLL: Duration = Duration::from_millis(250);

/// Looks for a banner on a loaded, settled page, with no fixed wait: autoconsent's own
/// messages say when it has looked (a manager found, or one full pass over the page that
/// found none); a page where neither autoconsent found a manager nor the text rules see
/// buttons is then done. A manager found without its popup gets up to [`AUTOCONSENT_WAIT`],
/// or [`ANSWERED_GRACE`] when the pass already answered that manager on another page.
pub async fn detect(tab: &mut Tab, with_autoconsent: bool, answered: &[String]) -> Detection {
    let found = |t: &Tab| t.ac_events.iter().any(|e| e.kind == "popupFound");
    let start = Instant::now();
    if with_autoconsent {
        let looked = |t: &Tab| {
            t.ac_events.iter().any(|e| {
                matches!(
                    e.kind.as_str(),
                    "cmpDetected" | "popupFound" | autoconsent::LOOKED
                )
            })
        };
        tab.pump_until(start + AUTOCONSENT_WAIT, looked).await;
    }
    let mut first_layer = text::run(tab, None).await.unwrap_or_default();
    let mut seen_at = Instant::now();
    if with_autoconsent && !found(tab) {
        loop {
            let detected = |answered_too: bool| {
                tab.ac_events
                    .iter()
                    .filter(|e| e.kind == "cmpDetected")
                    .filter(|e| {
                        answered_too || e.cmp.as_ref().is_some_and(|c| !answered.contains(c))
                    })
                    .map(|e| e.at)
                    .min()
            };
            let deadline = if first_layer.accept || first_layer.reject {
                start + AUTOCONSENT_GRACE
            } else if detected(false).is_some() {
                start + AUTOCONSENT_WAIT
            } else if let Some(at) = detected(true) {
                at + ANSWERED_GRACE
            } else {
                break;
            };
            if Instant::now() >= deadline {
                break;
            }
            tab.pump_until((Instant::now() + POLL).min(deadline), found)
                .await;
            if found(tab) {
                break;
            }
            let was_on_screen = first_layer.accept || first_layer.reject;
            first_layer = text::run(tab, None).await.unwrap_or_default();
            if !was_on_screen {
                seen_at = Instant::now();
            }
        }
        if found(tab) {
            first_layer = text::run(tab, None).await.unwrap_or_default();
        }
    }
    let popup = tab
        .ac_events
        .iter()
        .find(|e| e.kind == "popupFound")
        .cloned();
    let manager = popup
        .as_ref()
        .and_then(|p| p.cmp.clone())
        .or_else(|| {
            tab.ac_events
                .iter()
                .filter(|e| e.kind == "cmpDetected")
                .find_map(|e| e.cmp.clone())
        })
        .or_else(|| first_layer.manager.clone());
    Detection {
        seen_at: popup.as_ref().map_or(seen_at, |p| p.at),
        popup,
        manager,
        first_layer,
    }
}

/// How long a banner is on screen before the scan answers it. A visitor reads it first, and
/// some libraries bind their buttons late: tarteaucitron 1.19 does so 500 ms after showing
/// its banner, so an earlier click is lost while autoconsent still reports success.
pub const BANNER_READ_TIME: Duration = Duration::from_secs(1);

/// Makes the pass's choice; returns (engine, action, succeeded).
pub async fn choose(
    tab: &mut Tab,
    d: &Detection,
    pass: ConsentMode,
) -> (String, Option<String>, bool) {
    let (what, word) = match pass {
        ConsentMode::Reject => ("optOut", "reject"),
        ConsentMode::Accept => ("optIn", "accept"),
        _ => return ("none".into(), None, false),
    };
    if let Some(p) = &d.popup {
        tab.pump_until(p.at + BANNER_READ_TIME, |_| false).await;
        autoconsent::command(&tab.cdp, p, what);
        let result = format!("{what}Result");
        let done = |t: &Tab| t.ac_events.iter().any(|e| e.kind == result);
        tab.pump_until(Instant::now() + Duration::from_secs(10), done)
            .await;
        let ok = tab
            .ac_events
            .iter()
            .any(|e| e.kind == result && e.result == Some(true));
        if ok {
            return ("autoconsent".into(), Some(what.into()), true);
        }
    }
    // The same reading time for a banner only the text rules found.
    tab.pump_until(d.seen_at + BANNER_READ_TIME, |_| false)
        .await;
    match text::run(tab, Some(word)).await {
        Ok(r) if r.clicked.is_some() => (
            "text-rules".into(),
            r.clicked.map(|c| format!("clicked '{c}'")),
            true,
        ),
        _ => {
            let engine = if d.popup.is_some() {
                "autoconsent"
            } else {
                "none"
            };
            (engine.into(), None, false)
        }
    }
}
