//! Serves a fixture site (fixtures/sites/NAME.toml) on 127.0.0.1 until killed, and prints the
//! `--resolve` flags a scan of it needs. For measuring the real binary by hand, e.g.
//! `/usr/bin/time -v cookiescan scan $(cat flags) http://www.hostile.test:PORT/flood`.
//!
//! cargo run --example serve_fixture -- hostile

use cookiescan::fixture::{FixtureServer, SiteSpec};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "hostile".to_string());
    let path = format!("{}/fixtures/sites/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let spec = SiteSpec::from_toml(&std::fs::read_to_string(&path)?)?;
    let server = FixtureServer::start(spec).await?;
    let flags: Vec<String> = server
        .resolve_args()
        .into_iter()
        .map(|r| format!("--resolve {r}"))
        .collect();
    println!("{}", flags.join(" "));
    println!("port {}", server.port());
    std::future::pending::<()>().await;
    Ok(())
}
