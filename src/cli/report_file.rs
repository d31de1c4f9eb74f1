//! Reading a JSON report the user names (`diff`, `init --from`).

use std::path::Path;

use cookiescan::exit_codes::ExitCode;
use cookiescan::report::Report;
use cookiescan::Error;

pub fn read_report(path: &Path) -> Result<Report, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::File {
        message: format!("could not read the report {}: {e}", path.display()),
        code: ExitCode::Usage,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::File {
        message: format!(
            "{} is not a cookiescan JSON report ({e}): write one with `cookiescan scan -o report.json`",
            path.display()
        ),
        code: ExitCode::Usage,
    })
}
