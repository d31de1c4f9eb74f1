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
        /// Also say, on stderr, how each row was read: its layout, line, repairs, and why a column is the name column (files only).
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
}

pub async fn policy(command: PolicyCommand) -> Result<ExitCode, Error> {
    let PolicyCommand::Extract {
        source,
        format,
        resolve,
        explain,
        knowledge,
    } = command;
    let kb = knowledge.load()?;
    let is_url = source.starts_with("http://") || source.starts_with("https://");
    if explain && is_url {
        return Err(Error::Usage(format!(
            "--explain reads policy files, not URLs: save {source} to a file and pass the file"
        )));
    }
    let fetch = if is_url {
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
    if explain {
        eprint!("{}", explanation(&source, &kb)?);
    }
    eprintln!("{} cookies declared in {source}", policy.declared.len());
    Ok(ExitCode::Success)
}

/// How each row of a policy file was read, for `--explain`.
fn explanation(source: &str, kb: &cookiescan::knowledge::KnowledgeBase) -> Result<String, Error> {
    use cookiescan::policy::{document_kind, explain_text, extract_bytes, read_policy_file};
    let bytes = read_policy_file(source, "policy extract")?;
    let kind = document_kind(source, None);
    Ok(explain_text(&extract_bytes(&bytes, kind, source, kb)?))
}
