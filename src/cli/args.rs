//! Flag groups shared by several commands.

use std::path::PathBuf;

use cookiescan::compliance::FailOn;
use cookiescan::report::{CsvRows, ExportOptions, Format, OutputPlan};
use cookiescan::Error;

#[derive(clap::Args)]
pub struct PolicyArgs {
    /// The config file [default: ./cookiescan.toml when present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Declared cookies from a policy page or document (file or URL), a CSV or a TOML file (repeatable).
    #[arg(long, value_name = "FILE|URL")]
    pub policy: Vec<String>,
    /// Which findings make the exit code 1 [default: error; demo: never].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

#[derive(clap::Args)]
pub struct OutputArgs {
    /// Report format (repeatable with --output-dir). Without --output-dir the one format goes
    /// to stdout [default: summary]; with it, each named format is written as a file.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<Format>,
    /// Also write one report file, its format taken from the extension (.json .csv .html .md
    /// .sarif .xml .txt; anything else: JSON).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write cookiescan-report.{json,csv,html,md,sarif,xml} here (only the --format ones when
    /// given); stdout gets the summary.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Start CSV files with a byte order mark, so Excel reads them as UTF-8.
    #[arg(long)]
    pub csv_bom: bool,
    /// CSV with one row per finding instead of one per cookie.
    #[arg(long)]
    pub csv_findings: bool,
    /// Put cookie values in the report (they are secrets: off by default).
    #[arg(long)]
    pub include_values: bool,
    /// Also write a HAR 1.2 file of every request and response of the scan (cookie values
    /// redacted unless --include-values). `demo --output-dir DIR` writes DIR/scan.har.
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// No progress bar and no list of the files written.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl OutputArgs {
    pub fn plan(&self) -> Result<OutputPlan, Error> {
        Ok(OutputPlan::new(
            &self.format,
            self.output.as_deref(),
            self.output_dir.as_deref(),
        )?)
    }

    pub fn export(&self) -> ExportOptions {
        ExportOptions {
            csv_bom: self.csv_bom,
            csv_rows: if self.csv_findings {
                CsvRows::Findings
            } else {
                CsvRows::Cookies
            },
        }
    }
}

#[derive(clap::Args)]
pub struct KnowledgeArgs {
    /// Extra known-cookie entries: our TOML format or an Open Cookie Database CSV (repeatable; wins over built-ins).
    #[arg(long, value_name = "FILE")]
    pub cookie_db: Vec<PathBuf>,
}

impl KnowledgeArgs {
    /// Loads at once (for commands that do nothing else first); warnings go to stderr.
    pub fn load(&self) -> Result<cookiescan::knowledge::KnowledgeBase, Error> {
        let (kb, warnings) = cookiescan::scan::preload::load(&self.cookie_db)?;
        for w in warnings {
            eprintln!("warning: {w}");
        }
        Ok(kb)
    }
}
