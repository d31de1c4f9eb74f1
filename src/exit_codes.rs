//! Exit codes, one meaning each, converted once at the edge of `main`.

/// What the process tells its caller (CI jobs rely on these numbers; they never change meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The scan completed (and no finding reached `--fail-on`).
    Success,
    /// The scan completed and found something at or above `--fail-on` (reserved for findings).
    Findings,
    /// The command line or a config file is wrong.
    Usage,
    /// The scan could not run (e.g. the start URL is unreachable).
    ScanFailed,
    /// Interrupted by Ctrl-C (SIGINT); the partial report was still written.
    Interrupted,
    /// Stopped by SIGTERM (`timeout`, `kill`, CI cancellation); the partial report was written.
    Terminated,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Findings => 1,
            ExitCode::Usage => 2,
            ExitCode::ScanFailed => 3,
            ExitCode::Interrupted => 130,
            ExitCode::Terminated => 143,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        std::process::ExitCode::from(c.code() as u8)
    }
}
