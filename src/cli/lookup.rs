//! `cookiescan lookup`: what the known-cookie database says about a name, and why.

use cookiescan::exit_codes::ExitCode;
use cookiescan::Error;

use super::args::KnowledgeArgs;

#[derive(clap::Args)]
pub struct LookupArgs {
    name: String,
    /// The cookie's domain or the site it was seen on (breaks ties between vendors).
    #[arg(long)]
    domain: Option<String>,
    #[command(flatten)]
    knowledge: KnowledgeArgs,
}

pub fn lookup(a: LookupArgs) -> Result<ExitCode, Error> {
    let kb = a.knowledge.load()?;
    print!(
        "{}",
        cookiescan::knowledge::describe_lookup(&kb, &a.name, a.domain.as_deref())
    );
    Ok(ExitCode::Success)
}
