//! The consent side of a browser scan, as plain data: which passes ran, what each found and
//! did. `browser/` fills it in; compliance rules and reports read it.

use serde::{Deserialize, Serialize};

use super::{ConsentPhase, ConsentSignals};

/// `--consent`: which passes to run; `all` runs none, reject and accept, each on a fresh profile.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ConsentMode {
    None,
    Reject,
    Accept,
    /// Accept, then withdraw consent the way the manager offers it (data/withdrawal.toml).
    Withdraw,
    All,
}

impl ConsentMode {
    /// The single-choice passes this mode runs, in order.
    pub fn passes(self) -> Vec<ConsentMode> {
        match self {
            ConsentMode::All => vec![
                ConsentMode::None,
                ConsentMode::Reject,
                ConsentMode::Accept,
                ConsentMode::Withdraw,
            ],
            m => vec![m],
        }
    }

    /// The phase of what is seen after this pass's choice.
    pub fn after(self) -> ConsentPhase {
        match self {
            ConsentMode::Reject => ConsentPhase::AfterReject,
            ConsentMode::Accept => ConsentPhase::AfterAccept,
            ConsentMode::Withdraw => ConsentPhase::AfterWithdraw,
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
    /// Each pass's page when its banner was found and after its choice (unless
    /// `--no-screenshots`), in pass order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub screenshots: Vec<super::Screenshot>,
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
    /// What the site told its vendors in this pass: TC strings and Consent Mode hits.
    #[serde(default, skip_serializing_if = "ConsentSignals::is_empty")]
    pub signals: ConsentSignals,
    /// A `withdraw` pass: each withdrawal tried after an accept choice, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withdrawals: Vec<Withdrawal>,
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

/// One withdrawal of consent, tried on the page where the visitor had just accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Withdrawal {
    pub page: String,
    /// The manager the accept choice was made on, as the engine named it.
    pub manager: Option<String>,
    /// The data/withdrawal.toml entry used; None when no entry fits the page.
    pub method: Option<String>,
    /// The call made (`CookieConsent.acceptCategory([])`); None when none could be.
    pub call: Option<String>,
    /// Where the manager documents the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Whether the call ran without an error (the page was then reloaded).
    pub succeeded: bool,
    /// Why nothing was withdrawn, or what went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
