//! The full report as JSON: the format every other tool can read.

use super::{Exporter, Report, ReportError};

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn render(&self, report: &Report) -> Result<Vec<u8>, ReportError> {
        let mut out =
            serde_json::to_vec_pretty(report).map_err(|e| ReportError::Serialise(e.to_string()))?;
        out.push(b'\n');
        Ok(out)
    }
}
