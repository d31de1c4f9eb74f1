//! `cookiescan policy extract`: the cookies a published policy declares, as TOML or CSV.

use cookiescan::config::CrawlSettings;
use cookiescan::crawl::CrawlConfig;
use cookiescan::exit_codes::ExitCode;
use cookiescan::policy::Policy;
use cookiescan::Error;

use super::args::KnowledgeArgs;

#[derive(clap::Subcommand)]
pub enum PolicyCommand {
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

pub async fn policy(command: PolicyCommand) -> Result<ExitCode, Error> {
    let PolicyCommand::Extract {
        source,
        format,
        resolve,
        knowledge,
    } = command;
    let kb = knowledge.load()?;
    let fetch = if source.starts_with("http://") || source.starts_with("https://") {
        CrawlSettings {
            urls: Some(vec![source.clone()]),
            resolve: Some(resolve),
            ..Default::default()
        }
        .to_crawl_config()?
    } else {
        CrawlConfig::default()
    };
    let (policy, notes) = Policy::default()
        .with_documents(std::slice::from_ref(&source), &fetch, &kb)
        .await?;
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
