//! The `withdraw` pass: the visitor accepts, then withdraws consent the way the consent
//! manager documents it (`data/withdrawal.toml`; autoconsent cannot withdraw), and the page
//! is reloaded. What the store holds from then on is "after withdrawal".

use std::sync::OnceLock;

use serde::Deserialize;
use url::Url;

use super::tab::Tab;
use crate::observe::{ConsentMode, ConsentPhase, Withdrawal};

const WITHDRAWAL_TOML: &str = include_str!("../../data/withdrawal.toml");

/// Longest error text kept from the browser's answer to a failed call.
const MAX_NOTE: usize = 200;

/// One manager's documented withdrawal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    pub name: String,
    pub aliases: Vec<String>,
    pub present: String,
    pub withdraw: String,
    pub docs: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Methods {
    manager: Vec<Method>,
}

/// Every documented method, in the file's order.
pub fn methods() -> &'static [Method] {
    static METHODS: OnceLock<Vec<Method>> = OnceLock::new();
    METHODS.get_or_init(|| {
        // The file is compiled in and checked by a unit test: an error here is a build bug.
        toml::from_str::<Methods>(WITHDRAWAL_TOML)
            .map(|m| m.manager)
            .unwrap_or_default()
    })
}

/// The choice a pass makes on a banner: a withdraw pass accepts first.
pub fn choice_for(pass: ConsentMode) -> ConsentMode {
    match pass {
        ConsentMode::Withdraw => ConsentMode::Accept,
        p => p,
    }
}

/// The entry for a manager as an engine named it, if the file has one.
fn by_name(manager: &str) -> Option<&'static Method> {
    methods()
        .iter()
        .find(|m| m.aliases.iter().any(|a| a.eq_ignore_ascii_case(manager)))
}

/// Withdraws consent on a page where the visitor has just accepted, then reloads it so the
/// page runs again under the withdrawn consent. The tab's phase becomes "after withdrawal"
/// only when the call ran.
pub async fn withdraw(
    tab: &mut Tab,
    page: &Url,
    manager: Option<&str>,
    timeout: std::time::Duration,
) -> Withdrawal {
    let mut w = Withdrawal {
        page: page.to_string(),
        manager: manager.map(str::to_owned),
        method: None,
        call: None,
        docs: None,
        succeeded: false,
        note: None,
    };
    let Some(m) = find_on_page(tab, manager).await else {
        w.note = Some(match manager {
            Some(name) => format!("no documented way to withdraw consent in {name} is on the page (data/withdrawal.toml)"),
            None => "the banner belongs to no consent manager with a documented way to withdraw consent (data/withdrawal.toml)".into(),
        });
        return w;
    };
    w.method = Some(m.name.clone());
    w.call = Some(m.withdraw.clone());
    w.docs = Some(m.docs.clone());
    let script = format!(
        "(function () {{ try {{ void ({}); return null; }} catch (e) {{ return String(e && e.message || e); }} }})()",
        m.withdraw
    );
    match tab.eval(&script).await {
        Ok(v) if v.is_null() => w.succeeded = true,
        // The page writes the error's text, and it could hold a cookie's value: not kept.
        Ok(_) => w.note = Some("the call threw an error in the page".into()),
        Err(e) => w.note = Some(clip(&e.to_string())),
    }
    if w.succeeded {
        tab.phase = ConsentPhase::AfterWithdraw;
        tab.loaded = false;
        if let Err(e) = tab.navigate(page.as_str(), timeout).await {
            w.note = Some(format!("the page did not reload: {e}"));
        }
    }
    w
}

/// The method for the manager the choice was made on when it is on the page, else the first
/// documented manager whose API the page has.
async fn find_on_page(tab: &Tab, manager: Option<&str>) -> Option<&'static Method> {
    let named = manager.and_then(by_name);
    for m in named.into_iter().chain(methods().iter()) {
        if tab.eval(&m.present).await.ok().and_then(|v| v.as_bool()) == Some(true) {
            return Some(m);
        }
    }
    None
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_NOTE) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The data file parses, and every entry is complete and documented.
    #[test]
    fn every_withdrawal_method_is_complete_and_names_its_documentation() {
        let parsed: Methods = toml::from_str(WITHDRAWAL_TOML).expect("data/withdrawal.toml");
        assert!(parsed.manager.len() >= 6);
        let mut names = HashSet::new();
        let mut aliases = HashSet::new();
        for m in &parsed.manager {
            assert!(names.insert(m.name.to_lowercase()), "{} twice", m.name);
            assert!(!m.aliases.is_empty(), "{}: no aliases", m.name);
            for a in &m.aliases {
                assert!(aliases.insert(a.to_lowercase()), "alias {a} twice");
            }
            for (what, text) in [("present", &m.present), ("withdraw", &m.withdraw)] {
                assert!(!text.trim().is_empty(), "{}: empty {what}", m.name);
                assert!(!text.contains('\n'), "{}: {what} on several lines", m.name);
            }
            let docs = Url::parse(&m.docs).unwrap_or_else(|_| panic!("{}: docs URL", m.name));
            assert_eq!(docs.scheme(), "https", "{}", m.name);
        }
        assert_eq!(methods().len(), parsed.manager.len());
    }

    #[test]
    fn the_managers_the_issue_names_are_found_by_the_names_the_engines_give() {
        for (engine_name, method, call) in [
            (
                "cookieconsent3",
                "vanilla-cookieconsent",
                "CookieConsent.acceptCategory([])",
            ),
            (
                "vanilla-cookieconsent",
                "vanilla-cookieconsent",
                "CookieConsent.acceptCategory([])",
            ),
            ("Klaro", "Klaro", "saveAndApplyConsents()"),
            ("tarteaucitron.js", "tarteaucitron", "respondAll(false)"),
            ("Cybotcookiebot", "Cookiebot", "Cookiebot.withdraw()"),
            ("Onetrust", "OneTrust", "OneTrust.RejectAll()"),
            ("didomi", "Didomi", "Didomi.setUserDisagreeToAll()"),
        ] {
            let m = by_name(engine_name).unwrap_or_else(|| panic!("{engine_name}"));
            assert_eq!(m.name, method);
            assert!(m.withdraw.contains(call), "{}: {}", m.name, m.withdraw);
        }
        assert!(by_name("some-custom-banner").is_none());
    }

    #[test]
    fn a_withdraw_pass_accepts_first_and_its_page_text_is_clipped() {
        assert_eq!(choice_for(ConsentMode::Withdraw), ConsentMode::Accept);
        assert_eq!(choice_for(ConsentMode::Reject), ConsentMode::Reject);
        let long = "é".repeat(500);
        assert_eq!(clip(&long).chars().count(), MAX_NOTE + 1);
        assert_eq!(clip("short"), "short");
    }
}
