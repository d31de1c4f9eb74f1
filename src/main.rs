//! The `cookiescan` command: parses flags, runs the command, turns its result into an exit
//! code. Everything else lives in the library and in `cli/`, one file per command.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("COOKIESCAN_LOG"))
        .init();
    match cli::run(args) {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code().into()
        }
    }
}
