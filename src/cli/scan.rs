//! `scan` and `demo`: build the scan's setup, run it, say which files were written.

use cookiescan::compliance::FailOn;
use cookiescan::config::{BrowserSettings, Config, CrawlSettings, ScanFlags, ScanSetup};
use cookiescan::crawl::CrawlConfig;
use cookiescan::exit_codes::ExitCode;
use cookiescan::scan::{Job, Preload};
use cookiescan::Error;

use super::args::{KnowledgeArgs, OutputArgs, PolicyArgs};
use super::progress::Bar;

/// `cookiescan scan`.
pub async fn scan(
    urls: Vec<String>,
    crawl: CrawlSettings,
    browser: BrowserSettings,
    policy: PolicyArgs,
    output: OutputArgs,
    knowledge: KnowledgeArgs,
) -> Result<ExitCode, Error> {
    let config = Config::discover(policy.config.as_deref())?;
    let flags = flags(urls, crawl, browser, &policy, &output);
    let mut setup = ScanSetup::build(&flags, &config, FailOn::Error)?;
    setup.crawl.record_exchanges = output.har.is_some();
    run(&setup, &output, knowledge, &|| Ok(Vec::new())).await
}

/// `cookiescan demo`: the built-in site on 127.0.0.1, with its own config unless one is given.
pub async fn demo(
    browser: BrowserSettings,
    policy: PolicyArgs,
    mut output: OutputArgs,
    knowledge: KnowledgeArgs,
) -> Result<ExitCode, Error> {
    if let (None, Some(dir)) = (&output.har, &output.output_dir) {
        output.har = Some(dir.join("scan.har"));
    }
    let config = match &policy.config {
        Some(path) => Config::load(path)?,
        None => Config::parse(
            cookiescan::demo::DEMO_CONFIG,
            "fixtures/demo/cookiescan.toml",
        )?,
    };
    let server = cookiescan::demo::start().await.map_err(|e| Error::File {
        message: format!("the demo site could not start on 127.0.0.1: {e}"),
        code: ExitCode::ScanFailed,
    })?;
    let crawl = cookiescan::demo::config(&server, CrawlConfig::default());
    // The demo's https certificate is its own throw-away one.
    let browser = BrowserSettings {
        insecure: true,
        ..browser
    };
    let mut flags = flags(
        Vec::new(),
        CrawlSettings::default(),
        browser,
        &policy,
        &output,
    );
    // The demo's policy is wrong on purpose, and so is its `fail_on`: only --fail-on makes
    // its findings fail the demo.
    flags.fail_on = Some(policy.fail_on.unwrap_or(FailOn::Never));
    let mut setup = ScanSetup::for_crawl(crawl, &flags, &config, FailOn::Never)?;
    setup.crawl.record_exchanges = output.har.is_some();
    let cookie_db = knowledge.cookie_db.clone();
    // The declaration goes beside the reports, before the manifest that hashes them all.
    let declaration = || match &output.output_dir {
        Some(dir) => super::declare::demo_files(dir, &cookie_db),
        None => Ok(Vec::new()),
    };
    run(&setup, &output, knowledge, &declaration).await
}

fn flags(
    urls: Vec<String>,
    crawl: CrawlSettings,
    browser: BrowserSettings,
    policy: &PolicyArgs,
    output: &OutputArgs,
) -> ScanFlags {
    ScanFlags {
        crawl: CrawlSettings {
            urls: (!urls.is_empty()).then_some(urls),
            ..crawl
        },
        browser,
        policies: policy.policy.clone(),
        fail_on: policy.fail_on,
        include_values: output.include_values,
    }
}

async fn run(
    setup: &ScanSetup,
    output: &OutputArgs,
    knowledge: KnowledgeArgs,
    also_write: &dyn Fn() -> Result<Vec<std::path::PathBuf>, Error>,
) -> Result<ExitCode, Error> {
    let outputs = output.plan()?;
    let bar = Bar::new(output.quiet);
    let job = Job {
        setup,
        outputs: &outputs,
        export: output.export(),
        progress: &bar,
        har: output.har.as_deref(),
        also_write,
    };
    let kb = Preload::spawn(knowledge.cookie_db);
    let mut stdout = std::io::stdout().lock();
    let done = cookiescan::scan::run(job, kb, &mut stdout, &mut |line| eprintln!("{line}")).await?;
    if !output.quiet {
        for path in &done.written {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(done.code)
}
