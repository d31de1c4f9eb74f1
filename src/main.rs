//! The `cookiescan` command: parses flags and calls the library.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use url::Url;

use cookiescan::compliance::{ComplianceSettings, FailOn};
use cookiescan::crawl::{
    parse_cookie_file, Cancel, CrawlConfig, CrawlError, Progress, ScopeMode, UserCookie,
};
use cookiescan::exit_codes::ExitCode;
use cookiescan::knowledge::KnowledgeBase;
use cookiescan::policy::{Config, PolicyError, ScanSection};
use cookiescan::report::{
    CsvRows, DiffFormat, ExportOptions, Format, OutputPlan, Report, ReportDiff,
};
use cookiescan::scan::{Policy, ScanError};

mod batch_cmd;

#[derive(Parser)]
#[command(
    name = "cookiescan",
    version,
    about = "Audit the cookies a website sets."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Crawl a site, classify every cookie it sets, compare them with the declared policy.
    Scan {
        /// Start URL(s); a bare domain means https://DOMAIN/. Default: [scan] urls in the config.
        urls: Vec<String>,
        #[command(flatten)]
        crawl: Box<CrawlArgs>,
        #[command(flatten)]
        browser: BrowserArgs,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Scan the built-in demo site on 127.0.0.1 (no network needed) with its deliberately incomplete policy.
    Demo {
        #[command(flatten)]
        browser: BrowserArgs,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Say what the known-cookie database knows about a cookie name, and why.
    Lookup {
        name: String,
        /// The cookie's domain or the site it was seen on (breaks ties between vendors).
        #[arg(long)]
        domain: Option<String>,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Write a commented cookiescan.toml, or one declaring what a finished scan observed.
    Init {
        /// A JSON report (from `scan -o`) whose cookies to declare.
        #[arg(long, value_name = "REPORT.json")]
        from: Option<PathBuf>,
        /// Start URL to put in [scan] urls.
        #[arg(long)]
        url: Option<String>,
        /// Where to write it ("-" for stdout).
        #[arg(long, short = 'o', default_value = cookiescan::policy::CONFIG_FILE)]
        output: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Compare two JSON reports of a site: cookies added, removed, changed. Exits 1 when a
    /// cookie or a finding appeared.
    Diff {
        /// The earlier JSON report (`scan -o old.json`).
        #[arg(value_name = "OLD.json")]
        old: PathBuf,
        /// The later JSON report.
        #[arg(value_name = "NEW.json")]
        new: PathBuf,
        /// summary (text), json or markdown.
        #[arg(long, value_enum, default_value = "summary")]
        format: DiffFormat,
    },
    /// Scan many sites into one SQLite file or a shared PostgreSQL; run it again to resume.
    Batch {
        #[command(flatten)]
        batch: Box<batch_cmd::BatchArgs>,
        #[command(flatten)]
        crawl: Box<CrawlArgs>,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Combine batch stores (one per shard) into one; merging twice changes nothing.
    Merge {
        /// The stores to read (SQLite files or postgres:// URLs).
        #[arg(required = true, value_name = "STORE")]
        sources: Vec<String>,
        /// The store to write (created if absent).
        #[arg(long, value_name = "FILE|URL")]
        store: String,
    },
    /// Work with published cookie policies.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Read a cookie policy (HTML, Markdown, text from a PDF; file or URL) and print its declared cookies.
    Extract {
        source: String,
        /// toml (paste into cookiescan.toml) or csv.
        #[arg(long, default_value = "toml", value_parser = ["toml", "csv"])]
        format: String,
        /// Map HOST:PORT to ADDR when fetching a URL, as curl does.
        #[arg(long, value_name = "HOST:PORT:ADDR")]
        resolve: Vec<String>,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
}

#[derive(Args)]
struct CrawlArgs {
    /// Which URLs are pages of the site [default: domain].
    #[arg(long, value_enum)]
    scope: Option<ScopeMode>,
    /// Only crawl URLs matching this regex (repeatable).
    #[arg(long, value_name = "REGEX")]
    include: Vec<String>,
    /// Never crawl URLs matching this regex (repeatable).
    #[arg(long, value_name = "REGEX")]
    exclude: Vec<String>,
    /// Pages to visit at most [default: 500].
    #[arg(long)]
    max_pages: Option<usize>,
    /// Links to follow from a start URL (0 = only the start pages).
    #[arg(long)]
    max_depth: Option<usize>,
    /// Pages per URL pattern (digits folded) before it counts as a link trap; 0 = no cap [default: 50].
    #[arg(long)]
    max_per_pattern: Option<usize>,
    /// Requests in flight at once, all hosts together [default: 8].
    #[arg(long)]
    concurrency: Option<usize>,
    /// Requests in flight at once to one host [default: 4].
    #[arg(long)]
    per_host_concurrency: Option<usize>,
    /// Requests per second per host (e.g. 2, or 0.5 for one every two seconds).
    #[arg(long)]
    rate: Option<f64>,
    /// Seconds to wait for one request [default: 15].
    #[arg(long)]
    timeout: Option<f64>,
    /// Largest body read per response: bytes, or with K, M, G [default: 10M].
    #[arg(long)]
    max_body: Option<String>,
    /// New sub-resources (images, scripts, ...) fetched per page at most; 0 = no cap [default: 500].
    #[arg(long)]
    max_subresources_per_page: Option<usize>,
    /// Sub-resources fetched per scan at most; 0 = no cap [default: 10000].
    #[arg(long)]
    max_subresources: Option<usize>,
    /// User-Agent header [default: cookiescan/VERSION (+URL)].
    #[arg(long)]
    user_agent: Option<String>,
    /// Extra request header, 'Name: value' (repeatable).
    #[arg(long, value_name = "HEADER")]
    header: Vec<String>,
    /// Cookie sent from the start, NAME=VALUE (repeatable), for authenticated scans.
    #[arg(long, value_name = "NAME=VALUE")]
    cookie: Vec<String>,
    /// Cookies from a file: Netscape cookies.txt or NAME=VALUE lines.
    #[arg(long, value_name = "FILE")]
    cookie_file: Option<PathBuf>,
    /// Crawl pages robots.txt disallows for us.
    #[arg(long)]
    ignore_robots: bool,
    /// Do not read sitemap.xml / robots.txt Sitemap: lines.
    #[arg(long)]
    no_sitemaps: bool,
    /// Map HOST:PORT to ADDR, as curl does (repeatable).
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    resolve: Vec<String>,
}

#[derive(Args)]
struct BrowserArgs {
    /// Visit pages in headless Chromium: cookies a real browser stores, set by scripts too.
    #[arg(long)]
    browser: bool,
    /// The Chromium binary [default: chromium, chromium-browser or google-chrome on PATH].
    #[arg(long, value_name = "PATH")]
    chrome: Option<PathBuf>,
    /// Tabs visiting pages at once in browser mode.
    #[arg(long, default_value_t = 2)]
    browser_tabs: usize,
    /// Milliseconds to wait after each page's load event, for late scripts.
    #[arg(long, default_value_t = 500)]
    settle_ms: u64,
    /// Consent passes in browser mode: none, reject, accept, or all three (each on a fresh profile).
    #[arg(long, value_enum, default_value = "none")]
    consent: cookiescan::browser::ConsentMode,
    /// The @duckduckgo/autoconsent package directory [default: $COOKIESCAN_AUTOCONSENT, then local and global npm installs].
    #[arg(long, value_name = "PATH")]
    autoconsent: Option<PathBuf>,
    /// Accept invalid TLS certificates (like curl -k), in both modes.
    #[arg(long)]
    insecure: bool,
}

impl BrowserArgs {
    fn options(&self, user_agent: Option<&str>) -> Option<cookiescan::browser::BrowserOptions> {
        let mut o = cookiescan::browser::BrowserOptions {
            chrome: self.chrome.clone(),
            tabs: self.browser_tabs.max(1),
            settle: Duration::from_millis(self.settle_ms),
            consent: self.consent,
            autoconsent: self.autoconsent.clone(),
            insecure: self.insecure,
            ..Default::default()
        };
        if let Some(ua) = user_agent {
            o.user_agent = ua.to_string();
        }
        self.browser.then_some(o)
    }
}

#[derive(Args)]
struct PolicyArgs {
    /// The config file [default: ./cookiescan.toml when present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Declared cookies from a policy page or document (file or URL), a CSV or a TOML file (repeatable).
    #[arg(long, value_name = "FILE|URL")]
    policy: Vec<String>,
    /// Which findings make the exit code 1 [default: error; demo: never].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
}

#[derive(Args)]
struct OutputArgs {
    /// Report format (repeatable with --output-dir). Without --output-dir the one format goes
    /// to stdout [default: summary]; with it, each named format is written as a file.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Vec<Format>,
    /// Also write one report file, its format taken from the extension (.json .csv .html .md
    /// .sarif .xml .txt; anything else: JSON).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write cookiescan-report.{json,csv,html,md,sarif,xml} here (only the --format ones when
    /// given); stdout gets the summary.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Start CSV files with a byte order mark, so Excel reads them as UTF-8.
    #[arg(long)]
    csv_bom: bool,
    /// CSV with one row per finding instead of one per cookie.
    #[arg(long)]
    csv_findings: bool,
    /// Put cookie values in the report (they are secrets: off by default).
    #[arg(long)]
    include_values: bool,
    /// No progress bar and no list of the files written.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Args)]
struct KnowledgeArgs {
    /// Extra known-cookie entries: our TOML format or an Open Cookie Database CSV (repeatable; wins over built-ins).
    #[arg(long, value_name = "FILE")]
    cookie_db: Vec<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("COOKIESCAN_LOG"))
        .init();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            let unreachable = |c: &CrawlError| {
                matches!(c, CrawlError::Unreachable { .. } | CrawlError::Client(_))
            };
            match (
                e.downcast_ref::<CrawlError>(),
                e.downcast_ref::<ScanError>(),
            ) {
                (Some(c), _) | (_, Some(ScanError::Crawl(c))) if unreachable(c) => {
                    ExitCode::ScanFailed
                }
                _ => ExitCode::Usage,
            }
        }
    };
    code.into()
}

fn run(cli: Cli) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("could not start the async runtime")?;
    match cli.command {
        Command::Scan {
            urls,
            crawl,
            browser,
            policy,
            output,
            knowledge,
        } => {
            let config = Config::discover(policy.config.as_deref())?;
            let cli_section = scan_section(&urls, &crawl);
            let mut crawl_config = cli_section.or(config.scan.clone()).to_crawl_config()?;
            crawl_config.cookies = user_cookies(&crawl)?;
            crawl_config.include_values = output.include_values;
            crawl_config.insecure = browser.insecure;
            let browser = browser.options(crawl.user_agent.as_deref());
            let kb = Knowledge::load_in_background(&runtime, knowledge);
            let fail_on = policy
                .fail_on
                .or(config.compliance.fail_on)
                .unwrap_or(FailOn::Error);
            runtime.block_on(scan_and_report(
                crawl_config,
                browser.as_ref(),
                &config,
                &policy.policy,
                kb,
                &output,
                fail_on,
            ))
        }
        Command::Demo {
            browser,
            policy,
            output,
            knowledge,
        } => {
            let config = match &policy.config {
                Some(path) => Config::load(path)?,
                None => Config::parse(
                    cookiescan::demo::DEMO_CONFIG,
                    "fixtures/demo/cookiescan.toml",
                )?,
            };
            let kb = Knowledge::load_in_background(&runtime, knowledge);
            let fail_on = policy.fail_on.unwrap_or(FailOn::Never);
            runtime.block_on(async {
                let server = cookiescan::demo::start().await?;
                let base = CrawlConfig {
                    include_values: output.include_values,
                    ..CrawlConfig::default()
                };
                let crawl_config = cookiescan::demo::config(&server, base);
                // The demo's https certificate is its own throw-away one.
                let browser = browser
                    .options(None)
                    .map(|o| cookiescan::browser::BrowserOptions {
                        insecure: true,
                        ..o
                    });
                scan_and_report(
                    crawl_config,
                    browser.as_ref(),
                    &config,
                    &policy.policy,
                    kb,
                    &output,
                    fail_on,
                )
                .await
            })
        }
        Command::Lookup {
            name,
            domain,
            knowledge,
        } => {
            let kb = load_knowledge(&knowledge)?;
            print!(
                "{}",
                cookiescan::knowledge::describe_lookup(&kb, &name, domain.as_deref())
            );
            Ok(ExitCode::Success)
        }
        Command::Init {
            from,
            url,
            output,
            force,
        } => init(from.as_deref(), url.as_deref(), &output, force),
        Command::Diff { old, new, format } => {
            let diff = ReportDiff::between(&read_report(&old)?, &read_report(&new)?);
            print!("{}", diff.render(format)?);
            Ok(if diff.has_new() {
                ExitCode::Findings
            } else {
                ExitCode::Success
            })
        }
        Command::Batch {
            batch,
            crawl,
            policy,
            knowledge,
        } => {
            let config = Config::discover(policy.config.as_deref())?;
            let mut section = scan_section(&[], &crawl);
            section.urls = None;
            if !crawl.cookie.is_empty() || crawl.cookie_file.is_some() {
                anyhow::bail!(
                    "--cookie and --cookie-file are for one site: batch does not take them"
                );
            }
            let shared = batch_cmd::Shared {
                section,
                config,
                policies: policy.policy,
                fail_on: policy.fail_on,
                kb: load_knowledge(&knowledge)?,
            };
            runtime.block_on(batch_cmd::batch(*batch, shared))
        }
        Command::Merge { sources, store } => runtime.block_on(batch_cmd::merge(&sources, &store)),
        Command::Policy {
            command:
                PolicyCommand::Extract {
                    source,
                    format,
                    resolve,
                    knowledge,
                },
        } => {
            let kb = load_knowledge(&knowledge)?;
            let section = ScanSection {
                urls: Some(vec![source.clone()]),
                resolve: Some(resolve),
                ..Default::default()
            };
            let crawl = if source.starts_with("http://") || source.starts_with("https://") {
                section.to_crawl_config()?
            } else {
                CrawlConfig::default()
            };
            let (policy, notes) = runtime.block_on(Policy::load(
                &Config::default(),
                std::slice::from_ref(&source),
                &crawl,
                &kb,
            ))?;
            for n in &notes {
                eprintln!("note: {n}");
            }
            let text = match format.as_str() {
                "csv" => cookiescan::policy::to_csv(&policy.declared),
                _ => cookiescan::policy::to_toml(&policy.declared),
            };
            print!("{text}");
            eprintln!("{} cookies declared in {source}", policy.declared.len());
            Ok(ExitCode::Success)
        }
    }
}

fn scan_section(urls: &[String], a: &CrawlArgs) -> ScanSection {
    let some_vec = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    ScanSection {
        urls: some_vec(&urls.to_vec()),
        scope: a.scope,
        include: some_vec(&a.include),
        exclude: some_vec(&a.exclude),
        max_pages: a.max_pages,
        max_depth: a.max_depth,
        max_per_pattern: a.max_per_pattern,
        concurrency: a.concurrency,
        per_host_concurrency: a.per_host_concurrency,
        rate: a.rate,
        timeout: a.timeout,
        max_body: a.max_body.clone(),
        max_subresources_per_page: a.max_subresources_per_page,
        max_subresources: a.max_subresources,
        user_agent: a.user_agent.clone(),
        headers: some_vec(&a.header),
        ignore_robots: a.ignore_robots.then_some(true),
        sitemaps: a.no_sitemaps.then_some(false),
        resolve: some_vec(&a.resolve),
        // --policy is handled by scan_and_report: it replaces the file's [scan] policy.
        policy: None,
    }
}

fn user_cookies(a: &CrawlArgs) -> Result<Vec<UserCookie>> {
    let mut cookies = Vec::new();
    for c in &a.cookie {
        let (n, v) = c
            .split_once('=')
            .with_context(|| format!("--cookie '{c}' must be written NAME=VALUE"))?;
        cookies.push(UserCookie::new(n.trim(), v));
    }
    if let Some(path) = &a.cookie_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read the cookie file {}", path.display()))?;
        let parsed = parse_cookie_file(&text)
            .map_err(|e| anyhow::anyhow!("cookie file {}: {e}", path.display()))?;
        cookies.extend(parsed);
    }
    Ok(cookies)
}

fn load_knowledge(args: &KnowledgeArgs) -> Result<KnowledgeBase> {
    let mut kb = KnowledgeBase::builtin()?;
    for path in &args.cookie_db {
        for warning in kb.load_file(path)? {
            eprintln!("warning: {warning}");
        }
    }
    Ok(kb)
}

/// The knowledge base (and the script signatures), loaded on a blocking thread while the scan
/// starts crawling: their ~30 ms of parsing need not delay the first request or the report.
enum Knowledge {
    Loading(tokio::task::JoinHandle<Result<KnowledgeBase>>),
    Ready(Box<KnowledgeBase>),
}

impl Knowledge {
    fn load_in_background(runtime: &tokio::runtime::Runtime, args: KnowledgeArgs) -> Knowledge {
        Knowledge::Loading(runtime.spawn_blocking(move || {
            // The script signatures are compiled on first use: here too, not after the crawl.
            cookiescan::scripts::Signatures::builtin();
            load_knowledge(&args)
        }))
    }

    /// Cancels the crawl as soon as loading fails, so a bad --cookie-db fails fast.
    fn cancel_on_error(self, cancel: &Arc<Cancel>) -> Knowledge {
        let Knowledge::Loading(loading) = self else {
            return self;
        };
        let cancel = Arc::clone(cancel);
        Knowledge::Loading(tokio::spawn(async move {
            let kb = loading
                .await
                .context("loading the knowledge base failed")
                .and_then(|kb| kb);
            if kb.is_err() {
                cancel.cancel();
            }
            kb
        }))
    }

    async fn get(&mut self) -> Result<&KnowledgeBase> {
        if let Knowledge::Loading(loading) = self {
            let kb = loading
                .await
                .context("loading the knowledge base failed")??;
            *self = Knowledge::Ready(Box::new(kb));
        }
        match self {
            Knowledge::Ready(kb) => Ok(kb),
            Knowledge::Loading(_) => anyhow::bail!("the knowledge base was not loaded"),
        }
    }
}

async fn scan_and_report(
    crawl: CrawlConfig,
    browser: Option<&cookiescan::browser::BrowserOptions>,
    config: &Config,
    extra_policies: &[String],
    mut kb: Knowledge,
    output: &OutputArgs,
    fail_on: FailOn,
) -> Result<ExitCode> {
    let plan = OutputPlan::new(
        &output.format,
        output.output.as_deref(),
        output.output_dir.as_deref(),
    )?;
    plan.prepare()?;
    // --policy replaces [scan] policy; both add to the config's own [[cookie]] entries.
    let sources: Vec<String> = if extra_policies.is_empty() {
        config.scan.policy.iter().cloned().collect()
    } else {
        extra_policies.to_vec()
    };
    let (policy, notes) = if sources.is_empty() {
        (Policy::from_config(config), Vec::new())
    } else {
        Policy::load(config, &sources, &crawl, kb.get().await?).await?
    };
    for n in &notes {
        eprintln!("note: {n}");
    }
    let mut rules = ComplianceSettings::default();
    rules
        .max_lifetime_days
        .extend(config.compliance.max_lifetime_days.clone());

    let cancel = Arc::new(Cancel::default());
    let mut kb = kb.cancel_on_error(&cancel);
    let on_signal = Arc::clone(&cancel);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    let bar = ProgressBar::new_spinner();
    if output.quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} pages · {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let progress = BarProgress(bar.clone());
    let crawled = cookiescan::scan::visit(&crawl, browser, &progress, &cancel).await;
    bar.finish_and_clear();
    let kb = kb.get().await?;
    let report = cookiescan::scan::finish(&crawl, crawled?, kb, &policy, &rules).await?;
    let options = ExportOptions {
        csv_bom: output.csv_bom,
        csv_rows: if output.csv_findings {
            CsvRows::Findings
        } else {
            CsvRows::Cookies
        },
    };
    for path in plan.write(&report, options, &mut std::io::stdout().lock())? {
        if !output.quiet {
            eprintln!("wrote {}", path.display());
        }
    }
    let code = if report.partial {
        ExitCode::Interrupted
    } else if report.findings.iter().any(|f| fail_on.fails(f.severity)) {
        ExitCode::Findings
    } else {
        ExitCode::Success
    };
    // The process exits next: freeing the report's many small allocations would only cost time.
    std::mem::forget(report);
    Ok(code)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| {
        format!(
            "could not write {}: check the folder exists and is writable",
            path.display()
        )
    })
}

fn init(from: Option<&Path>, url: Option<&str>, output: &Path, force: bool) -> Result<ExitCode> {
    let text = match from {
        Some(path) => {
            let report = read_report(path)?;
            let start = url
                .map(str::to_string)
                .or_else(|| report.settings.start_urls.first().cloned());
            cookiescan::policy::init_from_observed(start.as_deref(), &report.cookies)
        }
        None => cookiescan::policy::init_starter(url),
    };
    if output == Path::new("-") {
        print!("{text}");
        return Ok(ExitCode::Success);
    }
    if output.exists() && !force {
        return Err(PolicyError::Setting(format!(
            "{} already exists: pass --force to overwrite it, or -o - to print",
            output.display()
        ))
        .into());
    }
    write_file(output, text.as_bytes())?;
    eprintln!("wrote {}", output.display());
    Ok(ExitCode::Success)
}

fn read_report(path: &Path) -> Result<Report> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("could not read the report {}", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is not a cookiescan JSON report: write one with `cookiescan scan -o report.json`",
            path.display()
        )
    })
}

struct BarProgress(ProgressBar);

impl Progress for BarProgress {
    fn page_done(&self, url: &Url, pages_done: usize, _pages_known: usize) {
        self.0.set_position(pages_done as u64);
        self.0.set_message(url.to_string());
    }
}
