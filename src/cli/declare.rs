//! `cookiescan declare`: the site's publishable cookie declaration, from a JSON report or a
//! fresh scan, and `--check` against the published one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cookiescan::compliance::FailOn;
use cookiescan::config::{BrowserSettings, Config, CrawlSettings, ScanFlags, ScanSetup};
use cookiescan::crawl::{Cancel, Progress};
use cookiescan::declare::{check, declare, Declaration, DeclareFormat, Lang, DEMO_FILES};
use cookiescan::exit_codes::ExitCode;
use cookiescan::knowledge::KnowledgeBase;
use cookiescan::policy::{load_declarations, read_policy_file, Policy};
use cookiescan::report::Report;
use cookiescan::Error;

use super::args::{KnowledgeArgs, PolicyArgs};
use super::progress::Bar;
use super::report_file::read_report;

#[derive(clap::Args)]
pub struct DeclareArgs {
    /// A JSON report of a finished scan (`cookiescan scan -o report.json`).
    #[arg(
        value_name = "REPORT",
        required_unless_present = "scan",
        conflicts_with = "scan"
    )]
    pub report: Option<PathBuf>,
    /// Scan this site now instead of reading a report (repeatable; every scan flag applies).
    #[arg(long = "scan", value_name = "URL")]
    pub scan: Vec<String>,
    /// The declaration's language; purposes without a translation are shown in English, marked.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
    /// What to write [default: the extension of --output, else html].
    #[arg(long, value_enum)]
    pub format: Option<DeclareFormat>,
    /// Write the declaration to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compare with the published declaration (file or URL, read like `policy extract`): exit 1
    /// and name each cookie that drifted.
    #[arg(long, value_name = "FILE|URL")]
    pub check: Option<String>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Flags `declare` shares with `scan`, grouped as `cli/mod.rs` passes them.
pub struct ScanGroups {
    pub crawl: CrawlSettings,
    pub browser: BrowserSettings,
    pub policy: PolicyArgs,
    pub knowledge: KnowledgeArgs,
}

pub async fn run(args: DeclareArgs, groups: ScanGroups) -> Result<ExitCode, Error> {
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(path)) => path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(DeclareFormat::from_extension)
            .unwrap_or(DeclareFormat::Html),
        (None, None) => DeclareFormat::Html,
    };
    // Checked before a scan that could take minutes.
    if let Some(parent) = args.output.as_deref().and_then(Path::parent) {
        if !parent.as_os_str().is_empty() && !parent.is_dir() {
            return Err(Error::Usage(format!(
                "cannot write {}: its folder does not exist",
                args.output.as_deref().unwrap_or(parent).display()
            )));
        }
    }
    let kb = groups.knowledge.load()?;
    let report = match &args.report {
        Some(path) => read_report(path)?,
        None => scan(&args, &groups, &kb).await?,
    };
    let declaration = declare(&report, &kb, args.lang).map_err(declare_error)?;
    let bytes = format
        .renderer()
        .render(&declaration)
        .map_err(declare_error)?;
    match &args.output {
        Some(path) => write(path, &bytes)?,
        None if args.check.is_none() => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&bytes)
                .map_err(|e| Error::File {
                    message: format!("could not write the declaration to stdout: {e}"),
                    code: ExitCode::ScanFailed,
                })?;
        }
        None => {}
    }
    match &args.check {
        Some(published) => check_published(published, &groups.crawl, &declaration, &kb).await,
        None => Ok(ExitCode::Success),
    }
}

/// Our own data or a renderer failed: not the user's doing.
fn declare_error(e: cookiescan::declare::DeclareError) -> Error {
    Error::File {
        message: e.to_string(),
        code: ExitCode::ScanFailed,
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|e| Error::File {
        message: format!(
            "could not write the declaration to {}: {e}; check the folder exists and is writable",
            path.display()
        ),
        code: ExitCode::Usage,
    })
}

/// Reads the published declaration, prints each drift on stdout, exits 1 when there is one.
async fn check_published(
    published: &str,
    crawl: &CrawlSettings,
    fresh: &Declaration,
    kb: &KnowledgeBase,
) -> Result<ExitCode, Error> {
    let is_url = published.starts_with("http://") || published.starts_with("https://");
    let declared = if is_url {
        let fetch = CrawlSettings {
            urls: Some(vec![published.to_string()]),
            ..crawl.clone()
        }
        .to_crawl_config()?;
        let (policy, notes) = Policy::default()
            .with_documents(&[published.to_string()], &fetch, kb)
            .await?;
        notes.iter().for_each(|n| eprintln!("note: {n}"));
        policy.declared
    } else {
        // Read here rather than through `Policy`, so an error names --check, not --policy.
        let bytes = read_policy_file(published, "--check")?;
        let loaded = load_declarations(&bytes, published, None, kb)?;
        for n in loaded.warnings.iter().chain(&loaded.repairs) {
            eprintln!("note: {n}");
        }
        loaded.cookies
    };
    let drifts = check(&declared, fresh);
    for d in &drifts {
        println!("{d}");
    }
    let items: usize = fresh.sections.iter().map(|s| s.items.len()).sum();
    if drifts.is_empty() {
        eprintln!("{published} matches the site: {items} items, no drift");
        Ok(ExitCode::Success)
    } else {
        eprintln!(
            "{published} is out of date: {} drift(s) over {items} items; regenerate it with `cookiescan declare`",
            drifts.len()
        );
        Ok(ExitCode::Findings)
    }
}

/// `--scan URL …`: the same pipeline as `cookiescan scan`, keeping the report in memory.
async fn scan(args: &DeclareArgs, g: &ScanGroups, kb: &KnowledgeBase) -> Result<Report, Error> {
    let config = Config::discover(g.policy.config.as_deref())?;
    let flags = ScanFlags {
        crawl: CrawlSettings {
            urls: Some(args.scan.clone()),
            ..g.crawl.clone()
        },
        browser: g.browser.clone(),
        policies: g.policy.policy.clone(),
        fail_on: g.policy.fail_on,
        include_values: false,
    };
    let setup = ScanSetup::build(&flags, &config, FailOn::Never)?;
    let (policy, notes) = setup.read_policy(kb).await?;
    notes.iter().for_each(|n| eprintln!("note: {n}"));
    let cancel = Arc::new(Cancel::default());
    let _stop = cookiescan::signals::cancel_on_signal(&cancel);
    let bar = Bar::new(args.quiet);
    let crawled =
        cookiescan::scan::visit(&setup.crawl, setup.browser.as_ref(), &bar, &cancel).await;
    bar.finished();
    Ok(cookiescan::scan::finish(&setup.crawl, crawled?, kb, &policy, &setup.rules).await?)
}

/// `demo --output-dir DIR`: the declaration beside the report (`declaration.html`, `.md`), from
/// the JSON report the demo just wrote there. Returns the files written.
pub fn demo_files(dir: &Path, cookie_db: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let json = dir.join(format!("{}.json", cookiescan::report::REPORT_STEM));
    if !json.is_file() {
        return Ok(Vec::new());
    }
    let report = read_report(&json)?;
    let kb = KnowledgeArgs {
        cookie_db: cookie_db.to_vec(),
    }
    .load()?;
    let declaration = declare(&report, &kb, Lang::En).map_err(declare_error)?;
    let mut written = Vec::new();
    for (name, format) in DEMO_FILES {
        let path = dir.join(name);
        write(
            &path,
            &format
                .renderer()
                .render(&declaration)
                .map_err(declare_error)?,
        )?;
        written.push(path);
    }
    Ok(written)
}
