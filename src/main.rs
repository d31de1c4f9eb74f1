//! The `cookiescan` command: parses flags and calls the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use regex::Regex;
use url::Url;

use cookiescan::crawl::{
    parse_cookie_file, Cancel, CrawlConfig, CrawlError, Progress, Resolve, ScopeMode,
};
use cookiescan::exit_codes::ExitCode;
use cookiescan::knowledge::KnowledgeBase;
use cookiescan::report::{Format, Report};

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
    /// Crawl a site and report every cookie it sets.
    Scan {
        /// Start URL(s); a bare domain means https://DOMAIN/.
        #[arg(required = true)]
        urls: Vec<String>,
        #[command(flatten)]
        crawl: Box<CrawlArgs>,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Scan the built-in demo site on 127.0.0.1 (no network needed).
    Demo {
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
}

#[derive(Args)]
struct KnowledgeArgs {
    /// Extra known-cookie entries: our TOML format or an Open Cookie Database CSV (repeatable; wins over built-ins).
    #[arg(long, value_name = "FILE")]
    cookie_db: Vec<PathBuf>,
}

#[derive(Args)]
struct CrawlArgs {
    /// Which URLs are pages of the site.
    #[arg(long, value_enum, default_value = "domain")]
    scope: ScopeMode,
    /// Only crawl URLs matching this regex (repeatable).
    #[arg(long, value_name = "REGEX")]
    include: Vec<String>,
    /// Never crawl URLs matching this regex (repeatable).
    #[arg(long, value_name = "REGEX")]
    exclude: Vec<String>,
    #[arg(long, default_value_t = 500)]
    max_pages: usize,
    #[arg(long)]
    max_depth: Option<usize>,
    /// Pages per URL pattern (digits folded) before it counts as a link trap; 0 = no cap.
    #[arg(long, default_value_t = 50)]
    max_per_pattern: usize,
    /// Requests in flight at once, all hosts together.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Requests in flight at once to one host.
    #[arg(long, default_value_t = 4)]
    per_host_concurrency: usize,
    /// Requests per second per host (e.g. 2, or 0.5 for one every two seconds).
    #[arg(long)]
    rate: Option<f64>,
    /// Seconds to wait for one request.
    #[arg(long, default_value_t = 15.0)]
    timeout: f64,
    /// Largest body read per response (bytes; K, M, G suffixes are KiB, MiB, GiB).
    #[arg(long, default_value = "10M", value_parser = parse_size)]
    max_body: usize,
    #[arg(long, default_value = cookiescan::crawl::DEFAULT_USER_AGENT)]
    user_agent: String,
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
    resolve: Vec<Resolve>,
}

#[derive(Args)]
struct OutputArgs {
    /// What to print on stdout.
    #[arg(long, value_enum, default_value = "summary")]
    format: Format,
    /// Also write the JSON report to this file.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Put cookie values in the report (they are secrets: off by default).
    #[arg(long)]
    include_values: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
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
            match e.downcast_ref::<CrawlError>() {
                Some(CrawlError::Unreachable { .. }) | Some(CrawlError::Client(_)) => {
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
            output,
            knowledge,
        } => {
            let mut config = crawl_config(&urls, &crawl)?;
            config.include_values = output.include_values;
            let kb = load_knowledge(&knowledge)?;
            runtime.block_on(scan_and_report(config, &kb, &output))
        }
        Command::Demo { output, knowledge } => {
            let kb = load_knowledge(&knowledge)?;
            runtime.block_on(async {
                let server = cookiescan::demo::start().await?;
                let base = CrawlConfig {
                    include_values: output.include_values,
                    ..CrawlConfig::default()
                };
                let config = cookiescan::demo::config(&server, base);
                scan_and_report(config, &kb, &output).await
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
    }
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

async fn scan_and_report(
    config: CrawlConfig,
    kb: &KnowledgeBase,
    output: &OutputArgs,
) -> Result<ExitCode> {
    let cancel = Arc::new(Cancel::default());
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
    let report = cookiescan::scan::scan(&config, kb, &progress, &cancel).await;
    bar.finish_and_clear();
    let report = report?;
    write_outputs(&report, output)?;
    Ok(if report.partial {
        ExitCode::Interrupted
    } else {
        ExitCode::Success
    })
}

fn write_outputs(report: &Report, output: &OutputArgs) -> Result<()> {
    if let Some(path) = &output.output {
        write_file(path, &Format::Json.exporter().render(report)?)?;
    }
    let bytes = output.format.exporter().render(report)?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&bytes)
        .context("could not write to stdout")?;
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| {
        format!(
            "could not write the report to {}: check the folder exists and is writable",
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

fn crawl_config(urls: &[String], a: &CrawlArgs) -> Result<CrawlConfig> {
    let start_urls = urls
        .iter()
        .map(|u| parse_start_url(u))
        .collect::<Result<Vec<_>>>()?;
    let regexes = |list: &[String], flag: &str| -> Result<Vec<Regex>> {
        list.iter()
            .map(|r| {
                Regex::new(r)
                    .with_context(|| format!("{flag} '{r}' is not a valid regular expression"))
            })
            .collect()
    };
    let mut headers = Vec::new();
    for h in &a.header {
        let (n, v) = h
            .split_once(':')
            .with_context(|| format!("--header '{h}' must be written 'Name: value'"))?;
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let mut cookies = Vec::new();
    for c in &a.cookie {
        let (n, v) = c
            .split_once('=')
            .with_context(|| format!("--cookie '{c}' must be written NAME=VALUE"))?;
        cookies.push((n.trim().to_string(), v.to_string()));
    }
    if let Some(path) = &a.cookie_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read the cookie file {}", path.display()))?;
        let parsed = parse_cookie_file(&text)
            .map_err(|e| anyhow::anyhow!("cookie file {}: {e}", path.display()))?;
        cookies.extend(parsed);
    }
    if !(a.timeout > 0.0 && a.timeout.is_finite()) {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    if a.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        anyhow::bail!("--rate must be a positive number of requests per second");
    }
    Ok(CrawlConfig {
        start_urls,
        scope: a.scope,
        include: regexes(&a.include, "--include")?,
        exclude: regexes(&a.exclude, "--exclude")?,
        max_pages: a.max_pages,
        max_depth: a.max_depth,
        max_per_pattern: a.max_per_pattern,
        concurrency: a.concurrency.max(1),
        per_host_concurrency: a.per_host_concurrency.max(1),
        rate: a.rate,
        timeout: Duration::from_secs_f64(a.timeout),
        max_body: a.max_body,
        user_agent: a.user_agent.clone(),
        headers,
        cookies,
        respect_robots: !a.ignore_robots,
        use_sitemaps: !a.no_sitemaps,
        resolve: a.resolve.clone(),
        ..CrawlConfig::default()
    })
}

fn parse_start_url(raw: &str) -> Result<Url> {
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}/")
    };
    let url = Url::parse(&with_scheme).with_context(|| {
        format!("'{raw}' is not a valid URL: give an http(s) URL such as https://example.org/")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        anyhow::bail!("'{raw}' is not an http(s) URL: give one such as https://example.org/");
    }
    Ok(url)
}

fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (num, mult) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 1024),
        Some('M') => (&t[..t.len() - 1], 1024 * 1024),
        Some('G') => (&t[..t.len() - 1], 1024 * 1024 * 1024),
        _ => (t, 1),
    };
    num.trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("'{s}' is not a size: write bytes, or a number with K, M or G"))
}
