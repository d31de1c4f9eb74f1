//! `cookiescan analyze FILE.har`: the scan's pipeline (observe, classify, policy, rules,
//! reports) on a HAR recorded by hand in a browser, or written by `scan --har`.

use std::path::PathBuf;

use cookiescan::compliance::FailOn;
use cookiescan::config::{BrowserSettings, Config, CrawlSettings, ScanFlags, ScanSetup};
use cookiescan::crawl::CrawlConfig;
use cookiescan::exit_codes::ExitCode;
use cookiescan::scan::{finish, Crawled};
use cookiescan::Error;

use super::args::{KnowledgeArgs, OutputArgs, PolicyArgs};

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// The HAR file (Chrome or Firefox DevTools: Network tab, "Save all as HAR"; or scan --har).
    #[arg(value_name = "FILE.har")]
    pub file: PathBuf,
}

pub async fn analyze(
    args: AnalyzeArgs,
    policy: PolicyArgs,
    output: OutputArgs,
    knowledge: KnowledgeArgs,
) -> Result<ExitCode, Error> {
    if output.har.is_some() {
        return Err(Error::Usage(
            "--har writes the HAR of a scan, and analyze reads one: leave --har out".into(),
        ));
    }
    let config = Config::discover(policy.config.as_deref())?;
    let outputs = output.plan()?;
    outputs.prepare()?;
    let imported = cookiescan::har::load(&args.file, output.include_values)?;
    let flags = ScanFlags {
        crawl: CrawlSettings::default(),
        browser: BrowserSettings::default(),
        policies: policy.policy.clone(),
        fail_on: policy.fail_on,
        include_values: output.include_values,
    };
    let crawl = CrawlConfig {
        start_urls: vec![imported.site],
        ..CrawlConfig::default()
    };
    let setup = ScanSetup::for_crawl(crawl, &flags, &config, FailOn::Error)?;
    let kb = knowledge.load()?;
    let (policy, notes) = setup.read_policy(&kb).await?;
    notes.iter().for_each(|n| eprintln!("note: {n}"));
    let crawled = Crawled {
        outcome: imported.outcome,
        consent: None,
        storage: Vec::new(),
    };
    let report = finish(&setup.crawl, crawled, &kb, &policy, &setup.rules).await?;
    let mut stdout = std::io::stdout().lock();
    let written = outputs.write(&report, output.export(), &mut stdout)?;
    if !output.quiet {
        for path in &written {
            eprintln!("wrote {}", path.display());
        }
    }
    let fails = report
        .findings
        .iter()
        .any(|f| setup.fail_on.fails(f.severity));
    Ok(if fails {
        ExitCode::Findings
    } else {
        ExitCode::Success
    })
}
