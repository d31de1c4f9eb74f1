//! The `batch` and `merge` commands: flags in, library calls, one line per site out.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use cookiescan::batch::store::Progress;
use cookiescan::batch::{self, BatchEvents, BatchSettings, Shard, SiteResult, Store};
use cookiescan::compliance::FailOn;
use cookiescan::config::{Config, CrawlSettings};
use cookiescan::crawl::Cancel;
use cookiescan::exit_codes::ExitCode;
use cookiescan::knowledge::KnowledgeBase;
use cookiescan::Error;

/// `batch`'s own flags (crawl, policy and knowledge flags are shared with `scan`).
#[derive(clap::Args)]
pub struct BatchArgs {
    /// The sites: one URL or domain per line (`#` comments), or a CSV with a `url` column and
    /// optional `policy` and `config` columns.
    #[arg(value_name = "LIST")]
    pub list: PathBuf,
    /// Where results go: a SQLite file (created if absent) or a postgres:// URL shared by workers.
    #[arg(long, default_value = "results.db", value_name = "FILE|URL")]
    pub store: String,
    /// Sites scanned at once (each with the usual per-host politeness).
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub sites_in_parallel: usize,
    /// Scan only part I of N of the list (0-based), chosen by a stable hash of each site.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Attempts per site before it is recorded as failed for good.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_attempts: u32,
    /// Seconds a claimed site stays this worker's without renewal (a dead worker's sites are
    /// taken over after this).
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub lease_secs: u64,
    /// Seconds before a failed site's second attempt; doubled for each later one (at most an hour).
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub retry_delay: u64,
    /// Write summary.csv, index.html and every site's reports (sites/SITE/) here.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Put cookie values in the stored JSON reports (they are secrets: off by default).
    #[arg(long)]
    pub include_values: bool,
    /// No progress bar and no line per site.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub struct Shared {
    pub section: CrawlSettings,
    pub config: Config,
    pub policies: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub kb: KnowledgeBase,
}

pub async fn batch(args: BatchArgs, shared: Shared) -> Result<ExitCode, Error> {
    let list = batch::read_list(&args.list).map_err(|e| Error::File {
        message: format!("could not read the site list {}: {e}", args.list.display()),
        code: ExitCode::Usage,
    })?;
    let name = args.list.display();
    for d in &list.duplicates {
        eprintln!("note: {name}:{}: {}; skipped", d.line, d.reason);
    }
    if !list.bad.is_empty() {
        for b in &list.bad {
            eprintln!("{name}:{}: {}", b.line, b.reason);
        }
        return Err(Error::Usage(format!(
            "{} line(s) of {name} cannot be scanned: fix or remove them, then run again",
            list.bad.len()
        )));
    }
    let mut targets = list.targets;
    if let Some(shard) = args.shard {
        targets.retain(|t| shard.contains(&t.site));
    }
    if let Some(dir) = &args.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::File {
            message: format!("could not create {}: {e}", dir.display()),
            code: ExitCode::Usage,
        })?;
    }
    let store = Arc::new(Store::open(&args.store, args.sites_in_parallel as u32 + 2).await?);
    let worker = worker_name();
    let recovered = store.recover_after_crash(&worker).await?;
    if recovered > 0 && !args.quiet {
        eprintln!("note: {recovered} site(s) cut off by an earlier run start again");
    }
    store.seed(&targets).await?;
    let settings = Arc::new(BatchSettings {
        base: shared.section,
        fail_on: shared
            .fail_on
            .or(shared.config.compliance.fail_on)
            .unwrap_or(FailOn::Error),
        config: shared.config,
        policies: shared.policies,
        sites_in_parallel: args.sites_in_parallel,
        max_attempts: args.max_attempts.max(1),
        lease: Duration::from_secs(args.lease_secs.max(3)),
        retry_delay: Duration::from_secs(args.retry_delay),
        output_dir: args.output_dir.clone(),
        include_values: args.include_values,
        worker,
    });
    let cancel = Arc::new(Cancel::default());
    let stop = cookiescan::signals::cancel_on_signal(&cancel);
    let bar = ProgressBar::new(0);
    if args.quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} sites · {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let events = Arc::new(Lines {
        bar: bar.clone(),
        quiet: args.quiet,
    });
    let totals = batch::run(
        Arc::clone(&store),
        settings,
        Arc::new(shared.kb),
        events,
        Arc::clone(&cancel),
    )
    .await;
    bar.finish_and_clear();
    let totals = totals?;
    let summary_dir = args
        .output_dir
        .clone()
        .or_else(|| sqlite_folder(&args.store));
    if let Some(dir) = summary_dir {
        for path in batch::write_summary(&store, &dir, args.shard).await? {
            if !args.quiet {
                eprintln!("wrote {}", path.display());
            }
        }
    }
    let p = store.progress(args.max_attempts.max(1)).await?;
    if !args.quiet {
        eprintln!(
            "{} sites in the store: {} done, {} failed, {} to go; this run scanned {}",
            p.total,
            p.done,
            p.failed,
            p.total - p.done - p.failed,
            totals.scanned
        );
    }
    if let Ok(store) = Arc::try_unwrap(store) {
        store.close().await;
    }
    Ok(if totals.interrupted {
        stop.get().map_or(ExitCode::Interrupted, |s| s.exit_code())
    } else {
        ExitCode::Success
    })
}

/// `merge`: every source is opened (and checked) before the target is created, then the
/// merged store's `summary.csv` and `index.html` are written to `output_dir`, or next to a
/// SQLite target.
pub async fn merge(
    sources: &[String],
    target: &str,
    output_dir: Option<&Path>,
) -> Result<ExitCode, Error> {
    let mut opened = Vec::new();
    for source in sources {
        if !source.starts_with("postgres") && !Path::new(source).is_file() {
            return Err(Error::Usage(format!(
                "{source} does not exist: give the SQLite files the shards wrote"
            )));
        }
        opened.push((source, Store::open(source, 2).await?));
    }
    let into = Store::open(target, 2).await?;
    for (source, from) in opened {
        let n = batch::merge(&into, &from).await?;
        eprintln!(
            "{source}: {} sites copied, {} failed sites copied, {} already in {target}",
            n.copied, n.failed_copied, n.already_there
        );
        from.close().await;
    }
    let summary_dir = output_dir
        .map(Path::to_path_buf)
        .or_else(|| sqlite_folder(target));
    if let Some(dir) = summary_dir {
        std::fs::create_dir_all(&dir).map_err(|e| Error::File {
            message: format!("could not create {}: {e}", dir.display()),
            code: ExitCode::Usage,
        })?;
        for path in batch::write_summary(&into, &dir, None).await? {
            eprintln!("wrote {}", path.display());
        }
    }
    into.close().await;
    Ok(ExitCode::Success)
}

/// Where `summary.csv` goes without `--output-dir`: next to a SQLite store.
fn sqlite_folder(store: &str) -> Option<PathBuf> {
    if store.contains("://") || store.starts_with("sqlite:") {
        return None;
    }
    let parent = Path::new(store).parent()?;
    Some(if parent.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        parent.to_path_buf()
    })
}

/// Unique per process, readable in the `scans.lease_owner` column.
fn worker_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{host}-{}-{nanos:x}", std::process::id())
}

struct Lines {
    bar: ProgressBar,
    quiet: bool,
}

impl BatchEvents for Lines {
    fn progress(&self, p: Progress) {
        self.bar.set_length(p.total);
        self.bar.set_position(p.done + p.failed);
        self.bar.set_message(format!("{} running", p.running));
    }

    fn site_finished(&self, result: &SiteResult) {
        if self.quiet {
            return;
        }
        let line = match result {
            SiteResult::Done {
                site,
                pages,
                cookies,
                marketing,
                errors,
                warnings,
                verdict,
            } => format!(
                "{verdict:<5} {site}  {pages} pages, {cookies} cookies ({marketing} marketing), {errors} errors, {warnings} warnings"
            ),
            SiteResult::Failed {
                site,
                attempt,
                max_attempts,
                error,
            } => format!("error {site}  attempt {attempt}/{max_attempts}: {error}"),
        };
        self.bar.suspend(|| println!("{line}"));
    }
}
