//! Browser mode's consent passes as the HTML and Markdown reports show them: one column per
//! pass side by side, and a cookie × phase matrix. Computed once here so both formats agree
//! (the terminal summary keeps its own compact version).

use crate::knowledge::Category;
use crate::observe::ConsentPhase;
use crate::observe::{ConsentMode, ConsentReport, PhaseReport};

use super::human_duration;
use super::view::CookieView;

/// Everything the consent section shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConsentView {
    /// The browser that ran the scan ("Chrome/156…"), or "a browser" when unknown.
    pub browser: String,
    pub engine_available: String,
    pub notes: Vec<String>,
    pub table: PassTable,
    pub pass_count: usize,
    /// The matrix's phase columns, as labels.
    pub phases: Vec<&'static str>,
    pub rows: Vec<PhaseRow>,
    /// How many non-necessary cookies were present after reject.
    pub after_reject: usize,
}

pub fn consent_view(c: &ConsentReport, views: &[CookieView]) -> ConsentView {
    let phases = phases_seen(c, views);
    let rows = phase_rows(views, &phases);
    ConsentView {
        browser: if c.browser.is_empty() {
            "a browser".into()
        } else {
            c.browser.clone()
        },
        engine_available: c.engine_available.clone(),
        notes: c.notes.clone(),
        table: pass_table(c),
        pass_count: c.passes.len(),
        phases: phases.iter().map(|p| phase_heading(*p)).collect(),
        after_reject: rows.iter().filter(|r| r.after_reject).count(),
        rows,
    }
}

/// The pass-by-pass table: a header per pass and one labelled row per fact.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PassTable {
    /// Column headers, one per pass ("none (no choice)", "reject", "accept").
    pub passes: Vec<&'static str>,
    /// (row label, one cell per pass).
    pub rows: Vec<(&'static str, Vec<String>)>,
}

/// The dash shown for "nothing" in every consent cell.
pub const NONE: &str = "—";

/// The pass table's row for withdrawals, shown only when a withdraw pass ran.
const WITHDRAWN_WITH: &str = "Withdrawn with";

/// One fact about a pass, as a cell.
type Cell = dyn Fn(&PhaseReport) -> String;

pub fn pass_table(c: &ConsentReport) -> PassTable {
    let facts: [(&'static str, &Cell); 15] = [
        ("Consent manager", &|p| {
            p.manager.clone().unwrap_or_else(|| NONE.into())
        }),
        ("Engine", &|p| p.engine.clone()),
        ("Banner found", &|p| yes_no(p.banner_found)),
        ("Reject on first layer", &|p| {
            yes_no(p.reject_on_first_layer)
        }),
        ("Accept on first layer", &|p| {
            yes_no(p.accept_on_first_layer)
        }),
        ("Action", &|p| {
            p.action.clone().unwrap_or_else(|| NONE.into())
        }),
        ("Succeeded", &|p| {
            // A `none` pass makes no choice, so "succeeded" does not apply to it.
            if p.pass != ConsentMode::None {
                yes_no(p.succeeded)
            } else {
                NONE.into()
            }
        }),
        ("Choices made", &|p| choices_made(p)),
        ("Answered on", &|p| answered_on(p)),
        (WITHDRAWN_WITH, &|p| super::withdrawal::withdrawn_with(p)),
        ("Pages", &|p| p.pages.to_string()),
        ("Duration", &|p| human_duration(p.duration_ms)),
        ("Time to consent", &|p| {
            p.consent_ms.map_or_else(|| NONE.into(), human_duration)
        }),
        ("Cookies before the choice", &|p| {
            p.cookies_before.len().to_string()
        }),
        ("Cookies at the end", &|p| p.cookies_after.len().to_string()),
    ];
    PassTable {
        passes: c.passes.iter().map(|p| pass_word(p.pass)).collect(),
        rows: facts
            .iter()
            .filter(|(label, _)| *label != WITHDRAWN_WITH || super::withdrawal::ran(c))
            .map(|(label, cell)| (*label, c.passes.iter().map(cell).collect()))
            .chain(super::signals::pass_rows(c))
            .collect(),
    }
}

/// "3", "3 (1 failed)", or the dash when the pass made none.
fn choices_made(p: &PhaseReport) -> String {
    let failed = p.choices.iter().filter(|c| !c.succeeded).count();
    match (p.choices.len(), failed) {
        (0, _) => NONE.into(),
        (n, 0) => n.to_string(),
        (n, f) => format!("{n} ({f} failed)"),
    }
}

/// The pages where the pass answered a banner, in the order it did, each with its manager.
fn answered_on(p: &PhaseReport) -> String {
    if p.choices.is_empty() {
        return NONE.into();
    }
    p.choices
        .iter()
        .map(|c| {
            let page = url::Url::parse(&c.page).map_or_else(
                |_| c.page.clone(),
                |u| format!("{}{}", u.host_str().unwrap_or_default(), u.path()),
            );
            let failed = if c.succeeded { "" } else { ", failed" };
            match &c.manager {
                Some(m) => format!("{page} ({m}{failed})"),
                None => format!("{page} ({}{failed})", c.engine),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

pub fn pass_word(m: ConsentMode) -> &'static str {
    match m {
        ConsentMode::None => "none (no choice)",
        ConsentMode::Reject => "reject",
        ConsentMode::Accept => "accept",
        ConsentMode::Withdraw => "withdraw",
        ConsentMode::All => "all",
    }
}

/// "before consent", "after reject", "after accept".
pub fn phase_label(p: ConsentPhase) -> &'static str {
    match p {
        ConsentPhase::BeforeConsent => "before consent",
        ConsentPhase::AfterReject => "after reject",
        ConsentPhase::AfterAccept => "after accept",
        ConsentPhase::AfterWithdraw => "after withdrawal",
    }
}

/// A matrix column's heading: "Before consent", "After reject", "After accept".
pub fn phase_heading(p: ConsentPhase) -> &'static str {
    match p {
        ConsentPhase::BeforeConsent => "Before consent",
        ConsentPhase::AfterReject => "After reject",
        ConsentPhase::AfterAccept => "After accept",
        ConsentPhase::AfterWithdraw => "After withdrawal",
    }
}

/// The phases this scan looked at, in order: those the passes ran and those cookies were seen in.
pub fn phases_seen(c: &ConsentReport, views: &[CookieView]) -> Vec<ConsentPhase> {
    let mut seen: std::collections::BTreeSet<ConsentPhase> = views
        .iter()
        .flat_map(|v| v.record().phases.iter().copied())
        .collect();
    for p in &c.passes {
        // Every pass first looks at the page before any choice.
        seen.insert(ConsentPhase::BeforeConsent);
        seen.insert(p.pass.after());
    }
    seen.into_iter().collect()
}

/// One cookie's row in the matrix.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PhaseRow {
    pub name: String,
    pub domain: String,
    pub category: &'static str,
    /// One mark per column of [`phases_seen`].
    pub marks: Vec<Mark>,
    /// A non-necessary cookie present after the visitor rejected.
    pub after_reject: bool,
}

/// One cell of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Mark {
    /// The cookie was present in this phase.
    pub present: bool,
    /// Present after reject though not necessary: the cell to highlight.
    pub flagged: bool,
}

pub fn phase_rows(views: &[CookieView], phases: &[ConsentPhase]) -> Vec<PhaseRow> {
    views
        .iter()
        .map(|v| {
            let r = v.record();
            let after_reject = non_necessary_after_reject(v);
            PhaseRow {
                name: r.name.clone(),
                domain: r.domain.clone(),
                category: v.category.as_str(),
                marks: phases
                    .iter()
                    .map(|p| Mark {
                        present: r.phases.contains(p),
                        flagged: after_reject && *p == ConsentPhase::AfterReject,
                    })
                    .collect(),
                after_reject,
            }
        })
        .collect()
}

/// The same test the `cookie-after-reject` rule makes.
pub fn non_necessary_after_reject(v: &CookieView) -> bool {
    v.category != Category::Necessary && v.record().phases.contains(&ConsentPhase::AfterReject)
}

/// A cookie's phases for a cookie table cell ("before consent, after accept"); empty for static scans.
pub fn phases_text(v: &CookieView) -> String {
    v.record()
        .phases
        .iter()
        .map(|p| phase_label(*p))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::ChoiceMade;

    fn choice(page: &str, manager: Option<&str>, succeeded: bool) -> ChoiceMade {
        ChoiceMade {
            page: page.into(),
            manager: manager.map(str::to_owned),
            engine: "text-rules".into(),
            action: Some("optOut".into()),
            succeeded,
            at_ms: 10,
            after_load_ms: Some(5),
        }
    }

    #[test]
    fn the_pass_table_lists_every_page_where_a_banner_was_answered() {
        let pass = PhaseReport {
            pass: ConsentMode::Reject,
            manager: Some("Klaro".into()),
            engine: "autoconsent".into(),
            banner_found: true,
            reject_on_first_layer: true,
            accept_on_first_layer: true,
            action: Some("optOut".into()),
            succeeded: false,
            pages: 3,
            duration_ms: 100,
            consent_ms: Some(5),
            cookies_before: Vec::new(),
            cookies_after: Vec::new(),
            choices: vec![
                choice("http://www.a.test:8080/shop/", Some("Klaro"), true),
                choice("http://fr.a.test:8080/", None, false),
            ],
            signals: Default::default(),
            withdrawals: Vec::new(),
        };
        assert_eq!(choices_made(&pass), "2 (1 failed)");
        assert_eq!(
            answered_on(&pass),
            "www.a.test/shop/ (Klaro); fr.a.test/ (text-rules, failed)"
        );
        let none = PhaseReport {
            choices: Vec::new(),
            ..pass
        };
        assert_eq!(choices_made(&none), NONE);
        assert_eq!(answered_on(&none), NONE);
    }
}
