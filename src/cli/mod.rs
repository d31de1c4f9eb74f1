//! The command line: one file per command. Each turns its flags into library calls and
//! returns an exit code; every error is a [`cookiescan::Error`] that knows its own code.
mod analyze;
mod args;
mod batch;
mod declare;
mod diff;
mod init;
mod lookup;
mod policy;
mod progress;
mod report_file;
mod scan;
mod verify;

use clap::{Parser, Subcommand};

use cookiescan::config::{BrowserSettings, Config, CrawlSettings};
use cookiescan::exit_codes::ExitCode;
use cookiescan::Error;

use args::{KnowledgeArgs, OutputArgs, PolicyArgs};

#[derive(Parser)]
#[command(
    name = "cookiescan",
    version,
    about = "Audit the cookies a website sets."
)]
pub struct Cli {
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
        crawl: Box<CrawlSettings>,
        #[command(flatten)]
        browser: BrowserSettings,
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
        browser: BrowserSettings,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Run the scan's pipeline (classify, policy, rules, reports) on a HAR file recorded in a
    /// browser's DevTools or by `scan --har`.
    Analyze {
        #[command(flatten)]
        har: analyze::AnalyzeArgs,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Say what the known-cookie database knows about a cookie name, and why.
    Lookup(lookup::LookupArgs),
    /// Write a commented cookiescan.toml, or one declaring what a finished scan observed.
    Init(init::InitArgs),
    /// Compare two JSON reports of a site: cookies added, removed, changed. Exits 1 when a
    /// cookie or a finding appeared.
    Diff(diff::DiffArgs),
    /// Scan many sites into one SQLite file or a shared PostgreSQL; run it again to resume.
    Batch {
        #[command(flatten)]
        batch: Box<batch::BatchArgs>,
        #[command(flatten)]
        crawl: Box<CrawlSettings>,
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
        /// Write the merged store's summary.csv and index.html here [default: next to a SQLite store].
        #[arg(long, value_name = "DIR")]
        output_dir: Option<std::path::PathBuf>,
    },
    /// Write the site's cookie declaration (HTML, Markdown, JSON, banner configs) from a JSON
    /// report or a fresh scan; --check compares it with the published one (exit 1 on drift).
    Declare {
        #[command(flatten)]
        declare: Box<declare::DeclareArgs>,
        #[command(flatten)]
        crawl: Box<CrawlSettings>,
        #[command(flatten)]
        browser: BrowserSettings,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Check an --output-dir against its manifest.json: exit 0 when untouched, 1 naming each
    /// changed, missing or extra file, 2 when the manifest cannot be read.
    Verify(verify::VerifyArgs),
    /// Work with published cookie policies.
    Policy {
        #[command(subcommand)]
        command: policy::PolicyCommand,
    },
}

/// Runs one command to its exit code.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| Error::File {
        message: format!("could not start the async runtime: {e}"),
        code: ExitCode::ScanFailed,
    })?;
    match cli.command {
        Command::Scan {
            urls,
            crawl,
            browser,
            policy,
            output,
            knowledge,
        } => runtime.block_on(scan::scan(urls, *crawl, browser, policy, output, knowledge)),
        Command::Demo {
            browser,
            policy,
            output,
            knowledge,
        } => runtime.block_on(scan::demo(browser, policy, output, knowledge)),
        Command::Analyze {
            har,
            policy,
            output,
            knowledge,
        } => runtime.block_on(analyze::analyze(har, policy, output, knowledge)),
        Command::Lookup(a) => lookup::lookup(a),
        Command::Init(a) => init::init(a),
        Command::Diff(a) => diff::diff(a),
        Command::Batch {
            batch,
            crawl,
            policy,
            knowledge,
        } => {
            if crawl.cookies.is_some() || crawl.cookie_file.is_some() {
                return Err(Error::Usage(
                    "--cookie and --cookie-file are for one site: batch does not take them".into(),
                ));
            }
            let shared = batch::Shared {
                section: CrawlSettings {
                    urls: None,
                    ..*crawl
                },
                config: Config::discover(policy.config.as_deref())?,
                policies: policy.policy,
                fail_on: policy.fail_on,
                kb: knowledge.load()?,
            };
            runtime.block_on(batch::batch(*batch, shared))
        }
        Command::Merge {
            sources,
            store,
            output_dir,
        } => runtime.block_on(batch::merge(&sources, &store, output_dir.as_deref())),
        Command::Policy { command } => runtime.block_on(policy::policy(command)),
        Command::Declare {
            declare,
            crawl,
            browser,
            policy,
            knowledge,
        } => {
            let groups = declare::ScanGroups {
                crawl: *crawl,
                browser,
                policy,
                knowledge,
            };
            runtime.block_on(declare::run(*declare, groups))
        }
        Command::Verify(a) => verify::verify(a),
    }
}
