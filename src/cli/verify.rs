//! `cookiescan verify DIR`: is the folder still as the scan wrote it?

use std::path::PathBuf;

use cookiescan::exit_codes::ExitCode;
use cookiescan::Error;

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The folder a scan wrote with --output-dir (it holds manifest.json).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Exit 0 when every file matches `manifest.json`, 1 naming each changed, missing or extra
/// file, 2 when the manifest itself cannot be read.
pub fn verify(args: VerifyArgs) -> Result<ExitCode, Error> {
    let v = cookiescan::evidence::verify(&args.dir)?;
    for path in &v.changed {
        println!("changed: {path}");
    }
    for path in &v.missing {
        println!("missing: {path}");
    }
    for path in &v.extra {
        println!("extra: {path}");
    }
    if v.untouched() {
        println!(
            "ok: {} files match {} (manifest SHA-256 {})",
            v.checked,
            args.dir.join("manifest.json").display(),
            v.manifest_sha256
        );
        Ok(ExitCode::Success)
    } else {
        println!(
            "{} changed, {} missing, {} extra: {} is not as the scan wrote it (manifest SHA-256 {})",
            v.changed.len(),
            v.missing.len(),
            v.extra.len(),
            args.dir.display(),
            v.manifest_sha256
        );
        Ok(ExitCode::Findings)
    }
}
