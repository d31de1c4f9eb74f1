//! How reports show consent gating (static scans): a cookie a consent manager holds back is
//! set after consent, released by the manager's category or service.

use super::markdown::escape;
use super::view::CookieView;
use crate::observe::CookieRecord;

/// "after consent (held back by klaro: analytics (hotjar))", for a gated cookie with no
/// browser phases.
pub(crate) fn gate_phrase(r: &CookieRecord) -> Option<String> {
    let g = r.gated.as_ref().filter(|_| r.phases.is_empty())?;
    Some(format!("after consent (held back by {})", g.label()))
}

/// CSV cells: the manager, and the category that releases the cookie (ours when known, else
/// the site's own word).
pub(crate) fn gate_cells(r: &CookieRecord) -> [String; 2] {
    match &r.gated {
        Some(g) => [
            g.manager.clone(),
            g.category.clone().unwrap_or_else(|| g.released_by.clone()),
        ],
        None => [String::new(), String::new()],
    }
}

/// The Markdown table of gated cookies, when there are any.
pub(crate) fn markdown_table(views: &[CookieView]) -> Option<(String, Vec<String>)> {
    let rows: Vec<String> = views
        .iter()
        .filter_map(|v| {
            let r = v.record();
            let g = r.gated.as_ref()?;
            Some(format!(
                "| {} | {} | {} | {} | {} |",
                escape(&r.name),
                escape(&r.domain),
                escape(&g.manager),
                escape(&g.released_by),
                g.category.as_deref().unwrap_or("?"),
            ))
        })
        .collect();
    (!rows.is_empty()).then(|| {
        (
            "### Set after consent\n\nHeld back by a consent manager until the visitor agrees.\n\n| Cookie | Domain | Manager | Released by | Category |\n|---|---|---|---|---|".to_string(),
            rows,
        )
    })
}

/// (cookie name, "manager: release") of every gated cookie, in report order.
pub(crate) fn gated(r: &super::Report) -> Vec<(&str, String)> {
    r.cookies
        .iter()
        .filter_map(|c| {
            let g = c.record.gated.as_ref()?;
            Some((c.record.name.as_str(), g.label()))
        })
        .collect()
}
