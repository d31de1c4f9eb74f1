//! One scan from a checked [`ScanSetup`] to its written report and exit code: what
//! `cookiescan scan` and `demo` do between parsing flags and exiting.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use super::{finish, visit, Preload};
use crate::config::ScanSetup;
use crate::crawl::{Cancel, Progress};
use crate::exit_codes::ExitCode;
use crate::report::{ExportOptions, OutputPlan};
use crate::Error;

/// A scan to run and where its report goes.
pub struct Job<'a> {
    pub setup: &'a ScanSetup,
    pub outputs: &'a OutputPlan,
    pub export: ExportOptions,
    pub progress: &'a dyn Progress,
    /// `--har FILE`: every request and response of the scan (`setup.crawl.record_exchanges`).
    pub har: Option<&'a std::path::Path>,
    /// Writes more files after the reports (the demo's declaration, read from the JSON
    /// report) and returns them, so that the manifest hashes them too.
    pub also_write: &'a dyn Fn() -> Result<Vec<PathBuf>, Error>,
}

/// What the command line reports back.
pub struct Outcome {
    pub code: ExitCode,
    /// Files written, in order.
    pub written: Vec<PathBuf>,
}

/// Reads the policy documents, crawls, classifies, judges and writes every output. Output
/// paths are checked first, so a bad one fails before a long crawl. Ctrl-C, SIGTERM (or a
/// failed `--cookie-db`) stops the crawl; the partial report is still written, and the exit
/// code says which signal it was (130, 143).
/// `say` receives lines for the user as they come, each labelled: `note: …` for what policy
/// documents gave, `warning: …` for lines of `--cookie-db` files that were skipped.
pub async fn run(
    job: Job<'_>,
    mut kb: Preload,
    stdout: &mut dyn Write,
    say: &mut dyn FnMut(&str),
) -> Result<Outcome, Error> {
    let setup = job.setup;
    let started_at = time::OffsetDateTime::now_utc();
    job.outputs.prepare()?;
    if let Some(path) = job.har {
        crate::har::check_path(path)?;
    }
    let policy = if setup.policy_sources.is_empty() {
        setup.policy.clone()
    } else {
        let kb = kb.get(&mut |w| say(&format!("warning: {w}"))).await?;
        let (policy, notes) = setup
            .policy
            .clone()
            .with_documents(&setup.policy_sources, &setup.crawl, kb)
            .await?;
        notes.iter().for_each(|n| say(&format!("note: {n}")));
        policy
    };
    let cancel = Arc::new(Cancel::default());
    let stop = crate::signals::cancel_on_signal(&cancel);
    let mut kb = kb.cancel_on_error(&cancel);
    let crawled = visit(&setup.crawl, setup.browser.as_ref(), job.progress, &cancel).await;
    job.progress.finished();
    let kb = kb.get(&mut |w| say(&format!("warning: {w}"))).await?;
    let mut crawled = crawled?;
    let exchanges = std::mem::take(&mut crawled.outcome.exchanges);
    let mut report = finish(&setup.crawl, crawled, kb, &policy, &setup.rules).await?;
    let mut written = job.outputs.write(&report, job.export, stdout)?;
    if let Some(path) = job.har {
        let user: Vec<String> = setup.crawl.cookies.iter().map(|c| c.name.clone()).collect();
        crate::har::write(path, &exchanges, setup.crawl.include_values, &user)?;
        written.push(path.to_owned());
    }
    written.extend((job.also_write)()?);
    // Last of the writes: the manifest hashes every file written into --output-dir above.
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let sealing = crate::evidence::Sealing {
        outputs: job.outputs,
        browser: setup.browser.as_ref(),
        command_line: &args,
        started_at,
    };
    crate::evidence::seal(&sealing, &mut report, &mut written)?;
    let code = if report.partial {
        stop.get().map_or(ExitCode::Interrupted, |s| s.exit_code())
    } else if report
        .findings
        .iter()
        .any(|f| setup.fail_on.fails(f.severity))
    {
        ExitCode::Findings
    } else {
        ExitCode::Success
    };
    // The process exits next: freeing the report's many small allocations would only cost time.
    std::mem::forget(report);
    Ok(Outcome { code, written })
}
