//! `cookiescan demo`: the built-in site (fixtures/demo/site.toml) served on 127.0.0.1 and
//! scanned with the same code as a real site, never leaving the machine.

use url::Url;

use crate::crawl::{CrawlConfig, Resolve};
use crate::fixture::{FixtureServer, SiteSpec};

/// The demo site's description, compiled in.
pub const DEMO_SITE: &str = include_str!("../../fixtures/demo/site.toml");
pub const DEMO_START_HOST: &str = "www.coop-demo.test";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the built-in demo site is invalid: {0}")]
    Spec(#[from] toml::de::Error),
    #[error("could not start the demo site on 127.0.0.1: {0}")]
    Serve(#[from] std::io::Error),
}

/// Starts the demo site; keep the server alive while scanning.
pub async fn start() -> Result<FixtureServer, DemoError> {
    let spec = SiteSpec::from_toml(DEMO_SITE)?;
    Ok(FixtureServer::start(spec).await?)
}

/// A crawl configuration for the running demo: every demo host resolved to the server and
/// no other host contacted.
pub fn config(server: &FixtureServer, mut base: CrawlConfig) -> CrawlConfig {
    let start = format!("{}/", server.origin(DEMO_START_HOST));
    base.start_urls = vec![Url::parse(&start).expect("the demo origin is a valid URL")];
    base.resolve = server
        .resolve_args()
        .iter()
        .filter_map(|r| r.parse::<Resolve>().ok())
        .collect();
    base.only_hosts = Some(server.hosts().to_vec());
    base
}

/// The demo's declared policy (deliberately incomplete), compiled in.
pub const DEMO_CONFIG: &str = include_str!("../../fixtures/demo/cookiescan.toml");
