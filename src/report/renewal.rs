//! How the reports show a cookie renewed on every visit: beside its lifetime, since renewal
//! is what makes that lifetime endless.

use crate::observe::CookieRecord;

use super::human_lifetime;

/// "13 months", or "13 months, renewed on every visit" once the second visit saw it renewed.
pub fn lifetime_text(r: &CookieRecord) -> String {
    let life = human_lifetime(r.lifetime_secs);
    if r.renewed_on_visit == Some(true) {
        format!("{life}, renewed on every visit")
    } else {
        life
    }
}

/// The terminal table's narrower form: "13 months ↻" (the summary explains the mark).
pub fn lifetime_mark(r: &CookieRecord) -> String {
    let life = human_lifetime(r.lifetime_secs);
    if r.renewed_on_visit == Some(true) {
        format!("{life} {RENEWED_MARK}")
    } else {
        life
    }
}

/// Marks a lifetime renewed on every visit in the terminal table.
pub const RENEWED_MARK: &str = "↻";
