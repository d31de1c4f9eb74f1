//! `cookiescan init`: a commented starter `cookiescan.toml`, or one declaring a scan's cookies.

use std::path::{Path, PathBuf};

use cookiescan::exit_codes::ExitCode;
use cookiescan::Error;

use super::report_file::read_report;

#[derive(clap::Args)]
pub struct InitArgs {
    /// A JSON report (from `scan -o`) whose cookies to declare.
    #[arg(long, value_name = "REPORT.json")]
    from: Option<PathBuf>,
    /// Start URL to put in [scan] urls.
    #[arg(long)]
    url: Option<String>,
    /// Where to write it ("-" for stdout).
    #[arg(long, short = 'o', default_value = cookiescan::config::CONFIG_FILE)]
    output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

pub fn init(a: InitArgs) -> Result<ExitCode, Error> {
    let text = match &a.from {
        Some(path) => {
            let report = read_report(path)?;
            let start = a
                .url
                .clone()
                .or_else(|| report.settings.start_urls.first().cloned());
            cookiescan::policy::init_from_observed(start.as_deref(), &report.cookies)
        }
        None => cookiescan::policy::init_starter(a.url.as_deref()),
    };
    if a.output == Path::new("-") {
        print!("{text}");
        return Ok(ExitCode::Success);
    }
    if a.output.exists() && !a.force {
        return Err(Error::Usage(format!(
            "{} already exists: pass --force to overwrite it, or -o - to print",
            a.output.display()
        )));
    }
    std::fs::write(&a.output, text.as_bytes()).map_err(|e| Error::File {
        message: format!(
            "could not write {} ({e}): check the folder exists and is writable",
            a.output.display()
        ),
        code: ExitCode::ScanFailed,
    })?;
    eprintln!("wrote {}", a.output.display());
    Ok(ExitCode::Success)
}
