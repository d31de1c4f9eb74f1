//! The terminal summary: what a person reads after `cookiescan scan`.

use std::fmt::Write;

use super::{human_duration, Exporter, Report, ReportError};
use crate::compliance::Severity;
use crate::cookies::SameSite;
use crate::knowledge::{Classification, ClassifiedCookie};
use crate::observe::{CookieRecord, Party};

pub struct SummaryExporter;

impl Exporter for SummaryExporter {
    fn render(&self, r: &Report) -> Result<Vec<u8>, ReportError> {
        let mut out = String::new();
        let s = &r.summary;
        let _ = writeln!(
            out,
            "cookiescan {} · {} · {} pages in {}{}",
            r.tool.version,
            r.site,
            s.pages_visited,
            human_duration(r.duration_ms),
            if r.partial {
                " · PARTIAL (interrupted)"
            } else {
                ""
            }
        );
        let _ = writeln!(out);
        if r.cookies.is_empty() {
            let _ = writeln!(out, "No cookies were set.");
        } else {
            out.push_str(&table(&r.cookies));
            if r.cookies
                .iter()
                .any(|c| c.record.renewed_on_visit == Some(true))
            {
                let _ = writeln!(
                    out,
                    "{} renewed on every visit: a second visit moved its expiry forward",
                    super::renewal::RENEWED_MARK
                );
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{} cookies ({} first-party, {} third-party), {} a browser would refuse, {} malformed Set-Cookie lines",
            s.cookies, s.first_party, s.third_party, s.rejected_by_browsers, s.malformed_set_cookie
        );
        let per_category: Vec<String> = s
            .by_category
            .iter()
            .map(|(c, n)| format!("{n} {c}"))
            .collect();
        if !per_category.is_empty() {
            let _ = writeln!(
                out,
                "by category: {} ({} guessed)",
                per_category.join(", "),
                s.guessed
            );
        }
        let _ = writeln!(
            out,
            "{} pages visited, {} failed, {} skipped; {} sub-resources; {} warnings",
            s.pages_visited, s.pages_failed, s.pages_skipped, s.resources_fetched, s.warnings
        );
        consent(&mut out, r);
        let gated = super::gating::gated(r);
        if !gated.is_empty() {
            let _ = writeln!(out, "\nSet after consent (held back by a consent manager):");
            for (name, gate) in gated {
                let _ = writeln!(out, "  {:<36}  {}", clip(name, 36), clip(&gate, 80));
            }
        }
        findings(&mut out, r);
        for w in r.warnings.iter().take(5) {
            let _ = writeln!(out, "  warning: {}", w.message);
        }
        if r.warnings.len() > 5 {
            let _ = writeln!(
                out,
                "  … {} more warnings in the JSON report",
                r.warnings.len() - 5
            );
        }
        Ok(out.into_bytes())
    }
}

type Cell = dyn Fn(&crate::observe::PhaseReport) -> String;

/// Browser mode: the consent passes side by side, one column each.
fn consent(out: &mut String, r: &Report) {
    let Some(c) = &r.consent else { return };
    let _ = writeln!(
        out,
        "\nConsent ({}; engine available: {}):",
        if c.browser.is_empty() {
            "browser"
        } else {
            &c.browser
        },
        c.engine_available
    );
    let col = |f: &Cell| {
        c.passes
            .iter()
            .map(|p| format!("{:<28}", clip(&f(p), 27)))
            .collect::<String>()
    };
    let rows: [(&str, &Cell); 7] = [
        ("pass", &|p| format!("{:?}", p.pass).to_lowercase()),
        ("manager", &|p| {
            p.manager.clone().unwrap_or_else(|| "-".into())
        }),
        ("engine", &|p| p.engine.clone()),
        ("action", &|p| {
            p.action.clone().unwrap_or_else(|| "-".into())
        }),
        ("time", &|p| {
            format!("{} ms, {} pages", p.duration_ms, p.pages)
        }),
        ("cookies before choice", &|p| {
            p.cookies_before.len().to_string()
        }),
        ("cookies at the end", &|p| p.cookies_after.len().to_string()),
    ];
    for (label, f) in rows {
        let _ = writeln!(out, "  {label:<22} {}", col(f).trim_end());
    }
    for line in super::signals::summary_lines(c) {
        let _ = writeln!(out, "  {}", clip(&line, 160));
    }
    for w in super::withdrawal::summary_lines(c) {
        let _ = writeln!(out, "  {:<22} {}", "withdrawn with", clip(&w, 160));
    }
    for n in &c.notes {
        let _ = writeln!(out, "  note: {}", clip(n, 160));
    }
}

fn findings(out: &mut String, r: &Report) {
    if r.findings.is_empty() {
        let _ = writeln!(out, "\nNo findings.");
        return;
    }
    let _ = writeln!(out, "\nFindings:");
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        for f in r.findings.iter().filter(|f| f.severity == sev) {
            let _ = writeln!(
                out,
                "  {:<7} {:<22} {}",
                sev.as_str(),
                f.rule,
                clip(&f.message, 140)
            );
        }
    }
    let c = &r.summary.findings;
    let _ = writeln!(
        out,
        "{} errors, {} warnings, {} info",
        c.error, c.warning, c.info
    );
}

fn table(cookies: &[ClassifiedCookie]) -> String {
    let header = [
        "NAME",
        "DOMAIN",
        "PARTY",
        "CATEGORY",
        "VENDOR",
        "LIFETIME",
        "EXPECTED",
        "MATCH",
        "ATTRIBUTES",
        "PAGES",
    ];
    let rows: Vec<[String; 10]> = cookies
        .iter()
        .map(|c| {
            let (r, k) = (&c.record, &c.classification);
            [
                clip(&r.name, 36),
                clip(&r.domain, 28),
                match r.party {
                    Party::First => "1st".into(),
                    Party::Third => "3rd".into(),
                },
                category(k),
                clip(k.vendor.as_deref().unwrap_or("-"), 20),
                if r.lifetime_known {
                    super::renewal::lifetime_mark(r)
                } else {
                    "unknown".into()
                },
                k.expected_lifetime.clone().unwrap_or_else(|| "-".into()),
                format!("{} {:.0}%", k.match_kind.as_str(), k.confidence * 100.0),
                attributes(r),
                r.pages_seen.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(&mut out, &header.map(String::from));
    for row in &rows {
        line(&mut out, row);
    }
    let _ = writeln!(
        out,
        "\nWhat each cookie is for (? = a guess, not a database entry):"
    );
    for c in cookies {
        let k = &c.classification;
        let why = match (&k.purpose, k.is_known()) {
            (Some(p), true) => p.clone(),
            (_, _) => k.reason.clone(),
        };
        let _ = writeln!(
            out,
            "  {:<36}  {}",
            clip(&c.record.name, 36),
            clip(&why, 110)
        );
    }
    out
}

/// The category, with `?` when it is a heuristic guess.
fn category(k: &Classification) -> String {
    if k.is_known() {
        k.category.to_string()
    } else {
        format!("{}?", k.category)
    }
}

fn attributes(c: &CookieRecord) -> String {
    let mut a = Vec::new();
    if c.secure {
        a.push("Secure");
    }
    if c.http_only {
        a.push("HttpOnly");
    }
    a.push(match c.same_site {
        Some(SameSite::Strict) => "Strict",
        Some(SameSite::Lax) => "Lax",
        Some(SameSite::None) => "None",
        None => "-",
    });
    if c.rejected.is_some() {
        a.push("REFUSED");
    }
    a.join(" ")
}

/// Shortens to `max` characters, and makes control characters visible: names and URLs come
/// from websites and must not drive the terminal.
fn clip(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let cut: String = clean.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clip_shortens_and_neutralises_control_characters() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("a\x1b[31mb", 20), "a?[31mb");
    }
}
