//! Consent phases: find a banner on every page, note what it offers, make the pass's choice
//! wherever one shows. autoconsent does the clicking when installed; our text rules otherwise.
pub mod autoconsent;
pub mod text;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::tab::Tab;
use crate::observe::ConsentPhase;

/// `--consent`: which passes to run; `all` runs none, reject and accept, each on a fresh profile.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ConsentMode {
    None,
    Reject,
    Accept,
    All,
}

impl ConsentMode {
    /// The single-choice passes this mode runs, in order.
    pub fn passes(self) -> Vec<ConsentMode> {
        match self {
            ConsentMode::All => vec![ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept],
            m => vec![m],
        }
    }

    /// The phase of what is seen after this pass's choice.
    pub fn after(self) -> ConsentPhase {
        match self {
            ConsentMode::Reject => ConsentPhase::AfterReject,
            ConsentMode::Accept => ConsentPhase::AfterAccept,
            _ => ConsentPhase::BeforeConsent,
        }
    }
}

/// The consent side of a browser scan: one entry per pass, shown side by side.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConsentReport {
    /// The browser that ran the scan, as it names itself ("Chrome/156.0.7524.0").
    #[serde(default)]
    pub browser: String,
    /// "autoconsent 16.23.0", or "text rules" when autoconsent is not installed.
    pub engine_available: String,
    pub passes: Vec<PhaseReport>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl ConsentReport {
    /// Whether any pass found a consent banner or manager.
    pub fn banner_found(&self) -> bool {
        self.passes.iter().any(|p| p.banner_found)
    }
    pub fn manager(&self) -> Option<&str> {
        self.passes.iter().find_map(|p| p.manager.as_deref())
    }
}

/// One pass with a fresh profile: what was found, what was done, what each phase held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhaseReport {
    /// none, reject or accept.
    pub pass: ConsentMode,
    /// The consent manager found (autoconsent's rule name, or a page marker's), if any.
    pub manager: Option<String>,
    /// Which engine found the banner and made the choice: autoconsent, text-rules or none.
    pub engine: String,
    pub banner_found: bool,
    /// Whether a reject button was visible next to accept on the banner's first layer.
    pub reject_on_first_layer: bool,
    pub accept_on_first_layer: bool,
    /// What was clicked or asked for; None in a `none` pass or when nothing was found.
    pub action: Option<String>,
    /// Whether the engine reported the choice as made.
    pub succeeded: bool,
    pub pages: usize,
    pub duration_ms: u64,
    /// From the first page's load to the choice being made.
    pub consent_ms: Option<u64>,
    /// Cookie names (name@domain) stored before the pass's first choice, and at its end.
    pub cookies_before: Vec<String>,
    pub cookies_after: Vec<String>,
    /// Every choice made in the pass, one per page that showed a banner not yet answered,
    /// in the order they were made. The summary fields above come from these.
    #[serde(default)]
    pub choices: Vec<ChoiceMade>,
}

/// One consent choice made on one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChoiceMade {
    /// The page that showed the banner.
    pub page: String,
    pub manager: Option<String>,
    /// autoconsent, text-rules or none (nothing could click it).
    pub engine: String,
    /// optOut / optIn, or the label the text rules clicked; None when nothing was clicked.
    pub action: Option<String>,
    pub succeeded: bool,
    /// From the start of the pass to the choice.
    pub at_ms: u64,
    /// From the page's load event to the choice.
    pub after_load_ms: Option<u64>,
}

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
