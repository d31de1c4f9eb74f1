//! `cookiescan demo`: the built-in site (fixtures/demo/site.toml) served on 127.0.0.1 and
//! scanned with the same code as a real site, never leaving the machine.

use url::Url;

use crate::crawl::{CrawlConfig, Resolve};
use crate::fixture::{FixtureServer, SiteSpec, TlsIdentity};

/// The demo site's description, compiled in.
pub const DEMO_SITE: &str = include_str!("../../fixtures/demo/site.toml");
pub const DEMO_START_HOST: &str = "www.coop-demo.test";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the built-in demo site is invalid: {0}")]
    Spec(#[from] toml::de::Error),
    #[error("could not start the demo site on 127.0.0.1: {0}")]
    Serve(#[from] std::io::Error),
    #[error("could not make the demo site's certificate: {0}")]
    Certificate(String),
}

/// Starts the demo site, over http and https (a self-signed certificate made now for the
/// demo's host names); keep the server alive while scanning.
pub async fn start() -> Result<FixtureServer, DemoError> {
    serve(SiteSpec::from_toml(DEMO_SITE)?).await
}

/// Serves `spec` the way the demo is served: http and https, a fresh certificate.
pub async fn serve(spec: SiteSpec) -> Result<FixtureServer, DemoError> {
    let made = rcgen::generate_simple_self_signed(spec.hosts.clone())
        .map_err(|e| DemoError::Certificate(e.to_string()))?;
    let identity = TlsIdentity {
        cert_chain: vec![made.cert.der().to_vec()],
        key_pkcs8: made.signing_key.serialize_der(),
    };
    Ok(FixtureServer::start_tls(spec, &identity).await?)
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
    // The certificate is the demo's own throw-away one.
    base.insecure = true;
    base
}

/// The demo's declared policy (deliberately incomplete), compiled in.
pub const DEMO_CONFIG: &str = include_str!("../../fixtures/demo/cookiescan.toml");
