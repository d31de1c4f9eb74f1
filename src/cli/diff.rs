//! `cookiescan diff`: what changed between two JSON reports of a site.

use std::path::PathBuf;

use cookiescan::exit_codes::ExitCode;
use cookiescan::report::{DiffFormat, ReportDiff};
use cookiescan::Error;

use super::report_file::read_report;

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The earlier JSON report (`scan -o old.json`).
    #[arg(value_name = "OLD.json")]
    old: PathBuf,
    /// The later JSON report.
    #[arg(value_name = "NEW.json")]
    new: PathBuf,
    /// summary (text), json or markdown.
    #[arg(long, value_enum, default_value = "summary")]
    format: DiffFormat,
}

/// Exits 1 when a cookie or a finding appeared; removals and changes alone pass.
pub fn diff(a: DiffArgs) -> Result<ExitCode, Error> {
    let diff = ReportDiff::between(&read_report(&a.old)?, &read_report(&a.new)?);
    print!("{}", diff.render(a.format)?);
    Ok(if diff.has_new() {
        ExitCode::Findings
    } else {
        ExitCode::Success
    })
}
