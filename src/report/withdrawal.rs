//! How the consent section shows a `withdraw` pass: each withdrawal tried, in one cell.

use crate::observe::{ConsentMode, ConsentReport, PhaseReport, Withdrawal};

use super::consent::NONE;

/// Whether the scan ran a withdraw pass (the pass table then has a row for it).
pub fn ran(c: &ConsentReport) -> bool {
    c.passes.iter().any(|p| p.pass == ConsentMode::Withdraw)
}

/// "www.a.test/blog/: CookieConsent.acceptCategory([])", one per withdrawal, or why none
/// could be made; the dash for other passes.
pub fn withdrawn_with(p: &PhaseReport) -> String {
    if p.withdrawals.is_empty() {
        return NONE.into();
    }
    p.withdrawals
        .iter()
        .map(describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One withdrawal: "www.a.test/blog/: CookieConsent.acceptCategory([])", or why none was made.
fn describe(w: &Withdrawal) -> String {
    let page = url::Url::parse(&w.page).map_or_else(
        |_| w.page.clone(),
        |u| format!("{}{}", u.host_str().unwrap_or_default(), u.path()),
    );
    match (&w.call, w.succeeded) {
        (Some(call), true) => format!("{page}: {call}"),
        (Some(call), false) => format!(
            "{page}: {call} failed ({})",
            w.note.as_deref().unwrap_or("error")
        ),
        (None, _) => format!(
            "{page}: no method ({})",
            w.note.as_deref().unwrap_or("unknown manager")
        ),
    }
}

/// The summary's lines for a withdraw pass: its withdrawals, one per line.
pub fn summary_lines(c: &ConsentReport) -> Vec<String> {
    c.passes
        .iter()
        .filter(|p| p.pass == ConsentMode::Withdraw)
        .flat_map(|p| p.withdrawals.iter().map(describe))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_withdrawal_is_listed_with_its_call_or_why_none_was_made() {
        let w = |page: &str, call: Option<&str>, ok: bool, note: Option<&str>| Withdrawal {
            page: page.into(),
            manager: None,
            method: call.map(|_| "vanilla-cookieconsent".into()),
            call: call.map(str::to_owned),
            docs: None,
            succeeded: ok,
            note: note.map(str::to_owned),
        };
        let text = |ws: Vec<Withdrawal>| {
            withdrawn_with(&PhaseReport {
                pass: ConsentMode::Withdraw,
                manager: None,
                engine: "autoconsent".into(),
                banner_found: true,
                reject_on_first_layer: true,
                accept_on_first_layer: true,
                action: None,
                succeeded: true,
                pages: 1,
                signals: Default::default(),
                duration_ms: 1,
                consent_ms: None,
                cookies_before: Vec::new(),
                cookies_after: Vec::new(),
                choices: Vec::new(),
                withdrawals: ws,
            })
        };
        assert_eq!(text(Vec::new()), NONE);
        assert_eq!(
            text(vec![
                w("http://a.test:1/blog/", Some("X.withdraw()"), true, None),
                w(
                    "http://a.test:1/help",
                    None,
                    false,
                    Some("no known manager")
                ),
            ]),
            "a.test/blog/: X.withdraw(); a.test/help: no method (no known manager)"
        );
    }
}
