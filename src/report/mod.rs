//! Reports: one [`Report`] value, one exporter per format behind [`Exporter`], one file per
//! format. [`OutputPlan`] owns which format goes where.
mod consent;
mod csv;
mod diff;
mod diff_render;
mod format;
mod gating;
mod html;
mod json;
mod junit;
mod manifest;
mod markdown;
pub(crate) use markdown::escape as escape_markdown;
mod model;
mod order;
mod outputs;
mod policy;
mod renewal;
mod sarif;
mod schema;
mod screenshots;
mod signals;
mod summary;
mod svg;
mod view;
mod withdrawal;

pub use self::csv::{
    cookie_cells, CookieCells, CsvExporter, CsvRows, CSV_COLUMNS, CSV_FINDING_COLUMNS,
};
pub use crate::knowledge::human_lifetime;
pub use diff::{AttributeChange, CookieChange, DiffCookie, DiffFinding, ReportDiff};
pub use diff_render::DiffFormat;
pub use format::{human_date, human_duration};
pub use html::HtmlExporter;
pub use json::JsonExporter;
pub use junit::JunitExporter;
pub use manifest::{
    AutoconsentInfo, DatabaseInfo, FileHash, Manifest, MANIFEST_FILE, MANIFEST_VERSION,
};
pub use markdown::{MarkdownExporter, MARKDOWN_LIMIT};
pub use model::{Report, Summary, ToolInfo, SCHEMA_VERSION};
pub use order::{crawl_in_page_order, sort_cookies};
pub use outputs::{OutputPlan, Target, REPORT_STEM};
pub use policy::{DeclarationStatus, IgnoreStatus, PolicyReport};
pub use sarif::SarifExporter;
pub use schema::json_schema;
pub use summary::SummaryExporter;
pub use view::{cookie_views, CategorySource, CookieView, Coverage};

/// Renders a report in one format. Adding a format is one new file and one [`Format`] arm.
pub trait Exporter {
    fn render(&self, report: &Report) -> Result<Vec<u8>, ReportError>;
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("could not serialise the report: {0}")]
    Serialise(String),
    #[error("could not render the {format} report: {detail}")]
    Render {
        format: &'static str,
        detail: String,
    },
    #[error("could not write {path}: {detail}")]
    Write { path: String, detail: String },
    /// An output path that cannot be used, found before the scan starts.
    #[error("cannot write {path}: {detail}")]
    BadTarget { path: String, detail: String },
    #[error("{0}")]
    Usage(String),
}

impl ReportError {
    /// A report that cannot be written after the scan ran is not a usage error: the scan
    /// could not finish its job (disk full, permissions changed).
    pub fn exit_code(&self) -> crate::exit_codes::ExitCode {
        use crate::exit_codes::ExitCode;
        match self {
            ReportError::Usage(_) | ReportError::BadTarget { .. } => ExitCode::Usage,
            _ => ExitCode::ScanFailed,
        }
    }
}

/// Choices that change how some formats are rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Start CSV files with a UTF-8 byte order mark, so Excel reads them as UTF-8.
    pub csv_bom: bool,
    pub csv_rows: CsvRows,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// A table for humans (the terminal summary).
    Summary,
    /// The full report, machine-readable (schema/report.schema.json).
    Json,
    /// One row per cookie (or per finding with --csv-findings), for spreadsheets.
    Csv,
    /// One self-contained page for people: verdict, findings, chart, cookie table.
    Html,
    /// GitHub-flavoured summary and table, for pull-request comments.
    #[value(alias = "md")]
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, one test case per cookie, for CI dashboards.
    Junit,
}

impl Format {
    /// Every format that `--output-dir` writes when no `--format` names one.
    pub const FILES: [Format; 6] = [
        Format::Json,
        Format::Csv,
        Format::Html,
        Format::Markdown,
        Format::Sarif,
        Format::Junit,
    ];

    /// The format's exporter with default options.
    pub fn exporter(self) -> Box<dyn Exporter> {
        self.exporter_with(ExportOptions::default())
    }

    pub fn exporter_with(self, options: ExportOptions) -> Box<dyn Exporter> {
        match self {
            Format::Summary => Box::new(SummaryExporter),
            Format::Json => Box::new(JsonExporter),
            Format::Csv => Box::new(CsvExporter {
                bom: options.csv_bom,
                rows: options.csv_rows,
            }),
            Format::Html => Box::new(HtmlExporter),
            Format::Markdown => Box::new(MarkdownExporter),
            Format::Sarif => Box::new(SarifExporter),
            Format::Junit => Box::new(JunitExporter),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Summary => "txt",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Sarif => "sarif",
            Format::Junit => "xml",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Summary => "summary",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }

    /// The format a file name asks for (`report.html` → HTML); `None` for other extensions.
    pub fn from_extension(ext: &str) -> Option<Format> {
        let ext = ext.to_ascii_lowercase();
        match ext.as_str() {
            "htm" => Some(Format::Html),
            "markdown" => Some(Format::Markdown),
            _ => [Format::Summary]
                .into_iter()
                .chain(Format::FILES)
                .find(|f| f.extension() == ext),
        }
    }
}
