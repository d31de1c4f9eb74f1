//! Serves the benchmark's generated site until killed: `cargo run --release --example bench_site -- 10000`.
fn main() {
    let pages: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let spec = cookiescan::fixture::SiteSpec::from_toml(&format!(
            "hosts = [\"bench.test\"]\n[[route]]\npath = \"/p/*\"\nbehaviour = {{ kind = \"grid\", pages = {pages}, links = 20, cookies = 3 }}\n"
        ))
        .expect("site");
        let server = cookiescan::fixture::FixtureServer::start(spec).await.expect("server");
        println!("{}", server.port());
        std::future::pending::<()>().await;
    });
}
