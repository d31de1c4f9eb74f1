//! Consent phases: find the banner on the first page, note what it offers, make the choice.
//! autoconsent does the clicking when installed; our text rules otherwise.
pub mod autoconsent;
pub mod text;

use std::time::Duration;

use tokio::time::Instant;

use super::tab::Tab;
use crate::observe::ConsentMode;

/// What the engines found on the first page, before any choice.
pub struct Detection {
    pub popup: Option<autoconsent::AcEvent>,
    pub manager: Option<String>,
    pub first_layer: text::TextResult,
}

/// How long autoconsent may take to find a banner: banners are often injected late.
const AUTOCONSENT_WAIT: Duration = Duration::from_secs(3);
/// When the text rules already see a banner autoconsent has not named by then, autoconsent
/// has no rule for it (it finds the ones it knows in 0.2–0.4 s): stop waiting.
const AUTOCONSENT_GRACE: Duration = Duration::from_secs(1);

/// Waits for autoconsent to find a banner (when installed), then checks the first layer.
pub async fn detect(tab: &mut Tab, with_autoconsent: bool) -> Detection {
    let mut popup = None;
    if with_autoconsent {
        let found = |t: &Tab| t.ac_events.iter().any(|e| e.kind == "popupFound");
        let start = Instant::now();
        let mut check_at = start + AUTOCONSENT_GRACE;
        loop {
            let deadline = start + AUTOCONSENT_WAIT;
            tab.pump_until(check_at.min(deadline), found).await;
            if found(tab) || Instant::now() >= deadline {
                break;
            }
            if text::run(tab, None)
                .await
                .is_ok_and(|r| r.accept || r.reject)
            {
                break;
            }
            check_at = Instant::now() + Duration::from_millis(500);
        }
        popup = tab
            .ac_events
            .iter()
            .find(|e| e.kind == "popupFound")
            .cloned();
    }
    let first_layer = text::run(tab, None).await.unwrap_or_default();
    let manager = popup
        .as_ref()
        .and_then(|p| p.cmp.clone())
        .or_else(|| tab.ac_events.iter().find_map(|e| e.cmp.clone()))
        .or_else(|| first_layer.manager.clone());
    Detection {
        popup,
        manager,
        first_layer,
    }
}

/// How long a banner is on screen before the scan answers it. A visitor reads it first, and
/// some libraries bind their buttons late: tarteaucitron 1.19 does so 500 ms after showing
/// its banner, so an earlier click is lost while autoconsent still reports success.
const BANNER_READ_TIME: Duration = Duration::from_secs(1);

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
