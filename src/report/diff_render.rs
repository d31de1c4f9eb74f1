//! `cookiescan diff` output: text for the terminal, JSON for tools, Markdown for PR comments.
//! (HTML, CSV, SARIF and JUnit describe one scan, so they have no diff form.)

use std::fmt::Write;

use super::markdown::escape;
use super::{human_lifetime, DiffCookie, ReportDiff, ReportError};
use crate::observe::Party;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Plain text for the terminal.
    Summary,
    /// The `ReportDiff` value as JSON.
    Json,
    /// GitHub-flavoured Markdown for pull-request comments.
    #[value(alias = "md")]
    Markdown,
}

impl ReportDiff {
    pub fn render(&self, format: DiffFormat) -> Result<String, ReportError> {
        Ok(match format {
            DiffFormat::Summary => text(self),
            DiffFormat::Json => {
                serde_json::to_string_pretty(self)
                    .map_err(|e| ReportError::Serialise(e.to_string()))?
                    + "\n"
            }
            DiffFormat::Markdown => markdown(self),
        })
    }
}

fn describe(c: &DiffCookie) -> String {
    format!(
        "{} {}, {}{}, {}",
        match c.party {
            Party::First => "1st-party",
            Party::Third => "3rd-party",
        },
        c.category,
        c.vendor
            .as_deref()
            .map(|v| format!("{v}, "))
            .unwrap_or_default(),
        human_lifetime(c.lifetime_secs),
        if c.attributes.is_empty() {
            "no attributes".to_string()
        } else {
            c.attributes.join(" ")
        }
    )
}

/// Names and domains come from websites: no control characters reach the terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn text(d: &ReportDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "cookiescan diff · {} · {} → {}",
        clean(&d.site),
        d.old_scan,
        d.new_scan
    );
    if d.is_empty() {
        let _ = writeln!(out, "\nNo changes.");
        return out;
    }
    let cookie_line = |c: &DiffCookie| {
        format!(
            "{} ({}{}): {}",
            clean(&c.name),
            clean(&c.domain),
            if c.path == "/" {
                String::new()
            } else {
                clean(&c.path)
            },
            describe(c)
        )
    };
    for (title, sign, list) in [("Added", '+', &d.added), ("Removed", '-', &d.removed)] {
        if !list.is_empty() {
            let _ = writeln!(out, "\n{title} cookies ({}):", list.len());
            for c in list {
                let _ = writeln!(out, "  {sign} {}", cookie_line(c));
            }
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\nChanged cookies ({}):", d.changed.len());
        for ch in &d.changed {
            let what: Vec<String> = ch
                .changes
                .iter()
                .map(|c| format!("{} {} → {}", c.field, c.old, c.new))
                .collect();
            let _ = writeln!(
                out,
                "  ~ {} ({}): {}",
                clean(&ch.cookie.name),
                clean(&ch.cookie.domain),
                what.join("; ")
            );
        }
    }
    for (title, sign, list) in [
        ("New findings", '+', &d.new_findings),
        ("Resolved findings", '-', &d.resolved_findings),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "\n{title} ({}):", list.len());
            for f in list {
                let _ = writeln!(
                    out,
                    "  {sign} {:<7} {:<22} {}",
                    f.severity.as_str(),
                    f.rule,
                    clean(&f.message)
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\n{} added, {} removed, {} changed; {} new findings, {} resolved",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.new_findings.len(),
        d.resolved_findings.len()
    );
    out
}

fn markdown(d: &ReportDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Cookie changes on {}\n", escape(&d.site));
    let _ = writeln!(
        out,
        "{} added, {} removed, {} changed · {} new findings, {} resolved\n",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.new_findings.len(),
        d.resolved_findings.len()
    );
    let rows: Vec<String> = d
        .added
        .iter()
        .map(|c| ("added", c, describe(c)))
        .chain(d.removed.iter().map(|c| ("removed", c, describe(c))))
        .chain(d.changed.iter().map(|ch| {
            let what: Vec<String> = ch
                .changes
                .iter()
                .map(|c| format!("{}: {} → {}", c.field, c.old, c.new))
                .collect();
            ("changed", &ch.cookie, what.join("; "))
        }))
        .map(|(what, c, detail)| {
            format!(
                "| {what} | {} | {} | {} |",
                escape(&c.name),
                escape(&c.domain),
                escape(&detail)
            )
        })
        .collect();
    if !rows.is_empty() {
        let _ = writeln!(
            out,
            "| Change | Cookie | Domain | Details |\n|---|---|---|---|"
        );
        for r in rows {
            let _ = writeln!(out, "{r}");
        }
        out.push('\n');
    }
    for (title, list) in [
        ("New findings", &d.new_findings),
        ("Resolved findings", &d.resolved_findings),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "### {title}\n");
            for f in list {
                let _ = writeln!(
                    out,
                    "- **{}** `{}` {}",
                    f.severity.as_str(),
                    f.rule,
                    escape(&f.message)
                );
            }
            out.push('\n');
        }
    }
    out
}
