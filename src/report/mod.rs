//! Reports: one [`Report`] value, one exporter per format behind [`Exporter`].
mod format;
mod json;
mod model;
mod policy;
mod summary;

pub use format::{human_duration, human_lifetime};
pub use json::JsonExporter;
pub use model::{Report, Summary, ToolInfo, SCHEMA_VERSION};
pub use policy::{DeclarationStatus, IgnoreStatus, PolicyReport};
pub use summary::SummaryExporter;

/// Renders a report in one format. Adding a format is one new file and one [`Format`] arm.
pub trait Exporter {
    fn render(&self, report: &Report) -> Result<Vec<u8>, ReportError>;
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("could not serialise the report: {0}")]
    Serialise(String),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for humans.
    Summary,
    /// The full report, machine-readable (see the README for its fields).
    Json,
}

impl Format {
    pub fn exporter(self) -> Box<dyn Exporter> {
        match self {
            Format::Summary => Box::new(SummaryExporter),
            Format::Json => Box::new(JsonExporter),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Summary => "txt",
            Format::Json => "json",
        }
    }
}
