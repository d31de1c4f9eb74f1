//! Which format goes where, decided once from the flags and checked before the scan starts, so
//! a wrong path fails in a second instead of after a long crawl.
//!
//! - No `--output-dir`: stdout gets the one `--format` (default `summary`); naming several is
//!   an error, because they would run together on one stream.
//! - `--output FILE` adds one file whose format its extension gives (`.json`, `.csv`, `.html`,
//!   `.md`, `.sarif`, `.xml`, `.txt`; anything else is JSON, as before); stdout is unchanged.
//! - `--output-dir DIR` writes `cookiescan-report.EXT` for each `--format` other than
//!   `summary`, all six when none is named, and stdout gets the summary.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ExportOptions, Format, Report, ReportError};

/// File name (before the extension) of every file `--output-dir` writes.
pub const REPORT_STEM: &str = "cookiescan-report";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(PathBuf),
}

/// The (format, target) pairs of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPlan {
    outputs: Vec<(Format, Target)>,
    dir: Option<PathBuf>,
}

impl OutputPlan {
    pub fn new(
        formats: &[Format],
        output: Option<&Path>,
        output_dir: Option<&Path>,
    ) -> Result<OutputPlan, ReportError> {
        let mut named: Vec<Format> = Vec::new();
        for f in formats {
            if !named.contains(f) {
                named.push(*f);
            }
        }
        let mut outputs = Vec::new();
        match output_dir {
            None => {
                if named.len() > 1 {
                    return Err(ReportError::Usage(format!(
                        "--format was given {} times but only one format can go to stdout: add --output-dir DIR to write each to a file",
                        named.len()
                    )));
                }
                outputs.push((
                    named.first().copied().unwrap_or(Format::Summary),
                    Target::Stdout,
                ));
            }
            Some(dir) => {
                outputs.push((Format::Summary, Target::Stdout));
                let files: Vec<Format> = named
                    .into_iter()
                    .filter(|f| *f != Format::Summary)
                    .collect();
                let files = if files.is_empty() {
                    Format::FILES.to_vec()
                } else {
                    files
                };
                for f in files {
                    let name = format!("{REPORT_STEM}.{}", f.extension());
                    outputs.push((f, Target::File(dir.join(name))));
                }
            }
        }
        if let Some(path) = output {
            let format = path
                .extension()
                .and_then(|e| e.to_str())
                .and_then(Format::from_extension)
                .unwrap_or(Format::Json);
            outputs.push((format, Target::File(path.to_path_buf())));
        }
        Ok(OutputPlan {
            outputs,
            dir: output_dir.map(Path::to_path_buf),
        })
    }

    pub fn outputs(&self) -> &[(Format, Target)] {
        &self.outputs
    }

    /// The `--output-dir` folder, if one was given.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Creates the output folder and checks every file's folder exists and that no file is a
    /// folder, before any work: a report lost after a long crawl costs the whole crawl.
    pub fn prepare(&self) -> Result<(), ReportError> {
        if let Some(dir) = &self.dir {
            std::fs::create_dir_all(dir).map_err(|e| ReportError::BadTarget {
                path: dir.display().to_string(),
                detail: e.to_string(),
            })?;
        }
        for (_, target) in &self.outputs {
            if let Target::File(path) = target {
                if path.is_dir() {
                    return Err(ReportError::BadTarget {
                        path: path.display().to_string(),
                        detail:
                            "it is a folder: give a file name, or use --output-dir for a folder"
                                .to_string(),
                    });
                }
                let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
                if parent.is_some_and(|p| !p.is_dir()) {
                    return Err(ReportError::BadTarget {
                        path: path.display().to_string(),
                        detail: "its folder does not exist".to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Renders and writes every output; returns the files written.
    pub fn write(
        &self,
        report: &Report,
        options: ExportOptions,
        stdout: &mut dyn Write,
    ) -> Result<Vec<PathBuf>, ReportError> {
        let mut written = Vec::new();
        for (format, target) in &self.outputs {
            let bytes = format.exporter_with(options).render(report)?;
            match target {
                Target::Stdout => stdout
                    .write_all(&bytes)
                    .and_then(|()| stdout.flush())
                    .map_err(|e| write_error(Path::new("stdout"), &e))?,
                Target::File(path) => {
                    std::fs::write(path, &bytes).map_err(|e| write_error(path, &e))?;
                    written.push(path.clone());
                }
            }
        }
        Ok(written)
    }
}

fn write_error(path: &Path, e: &std::io::Error) -> ReportError {
    ReportError::Write {
        path: path.display().to_string(),
        detail: format!("{e}; check the folder exists and is writable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(formats: &[Format], output: Option<&str>, dir: Option<&str>) -> Vec<(Format, Target)> {
        OutputPlan::new(formats, output.map(Path::new), dir.map(Path::new))
            .map(|p| p.outputs)
            .unwrap_or_default()
    }

    #[test]
    fn stdout_gets_one_format_and_output_adds_a_file_by_extension() {
        assert_eq!(plan(&[], None, None), [(Format::Summary, Target::Stdout)]);
        assert_eq!(
            plan(&[Format::Json], None, None),
            [(Format::Json, Target::Stdout)]
        );
        assert_eq!(
            plan(&[Format::Json], Some("r.json"), None),
            [
                (Format::Json, Target::Stdout),
                (Format::Json, Target::File("r.json".into()))
            ]
        );
        assert_eq!(
            plan(&[], Some("r.HTML"), None)[1],
            (Format::Html, Target::File("r.HTML".into()))
        );
        assert_eq!(plan(&[], Some("report"), None)[1].0, Format::Json);
        assert!(OutputPlan::new(&[Format::Html, Format::Csv], None, None).is_err());
    }

    #[test]
    fn output_dir_writes_the_named_formats_or_all_six() {
        let all = plan(&[], None, Some("out"));
        assert_eq!(all.len(), 7);
        assert_eq!(all[0], (Format::Summary, Target::Stdout));
        assert!(all.contains(&(
            Format::Sarif,
            Target::File(Path::new("out").join("cookiescan-report.sarif"))
        )));
        let two = plan(
            &[Format::Html, Format::Csv, Format::Html],
            None,
            Some("out"),
        );
        assert_eq!(
            two.iter().map(|o| o.0).collect::<Vec<_>>(),
            [Format::Summary, Format::Html, Format::Csv]
        );
    }
}
