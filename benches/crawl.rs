//! Crawl throughput: `cargo bench --bench crawl` (add `-- --pages N` for another size).
//!
//! Serves a generated site (N pages, 20 links and 3 Set-Cookie headers each) on 127.0.0.1,
//! then measures, in one run:
//! 1. the ceiling: a bare reqwest loop fetching the same N URLs at the same concurrency;
//! 2. the real `cookiescan scan` binary crawling it (pages/s and peak RSS of the process).

use std::process::Command;
use std::time::Instant;

use cookiescan::fixture::{FixtureServer, SiteSpec};
use futures_util::StreamExt;

const CONCURRENCY: usize = 8;

fn main() {
    let pages: u64 = std::env::args()
        .skip_while(|a| a != "--pages")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let spec = SiteSpec::from_toml(&format!(
        "hosts = [\"bench.test\"]\n[[route]]\npath = \"/p/*\"\nbehaviour = {{ kind = \"grid\", pages = {pages}, links = 20, cookies = 3 }}\n"
    ))
    .expect("bench site");
    let server = rt.block_on(FixtureServer::start(spec)).expect("server");
    let origin = server.origin("bench.test");
    let resolve = format!("bench.test:{}:127.0.0.1", server.port());

    let ceiling = rt.block_on(bare_loop(&origin, &resolve, pages));
    let (scan_secs, rss_kib, visited) = run_cookiescan(&origin, &resolve, pages);
    let scan_rate = visited as f64 / scan_secs;
    println!(
        "site: {pages} pages, 20 links and 3 Set-Cookie each, concurrency {CONCURRENCY}, 2 cores"
    );
    println!("bare reqwest loop : {:>8.0} pages/s", ceiling);
    println!("cookiescan scan   : {:>8.0} pages/s ({visited} pages in {scan_secs:.2} s), {:.0}% of the ceiling", scan_rate, 100.0 * scan_rate / ceiling);
    println!("peak RSS          : {:>8.1} MB", rss_kib as f64 / 1024.0);
    drop(server);
}

async fn bare_loop(origin: &str, resolve: &str, pages: u64) -> f64 {
    let r: cookiescan::crawl::Resolve = resolve.parse().expect("resolve");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .resolve(&r.host, r.socket_addr())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let start = Instant::now();
    let ok = futures_util::stream::iter(0..pages)
        .map(|i| {
            let client = client.clone();
            let url = format!("{origin}/p/{i}");
            async move {
                let resp = client.get(url).send().await.ok()?;
                let _cookies = resp.headers().get_all("set-cookie").iter().count();
                resp.bytes().await.ok()
            }
        })
        .buffer_unordered(CONCURRENCY)
        .filter(|r| std::future::ready(r.is_some()))
        .count()
        .await;
    assert_eq!(ok as u64, pages, "the bare loop failed some fetches");
    pages as f64 / start.elapsed().as_secs_f64()
}

fn run_cookiescan(origin: &str, resolve: &str, pages: u64) -> (f64, i64, u64) {
    let dir = std::env::temp_dir().join(format!("cookiescan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let report = dir.join("report.json");
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_cookiescan"))
        .args([
            "scan",
            "--quiet",
            "--fail-on",
            "never",
            "--no-sitemaps",
            "--max-per-pattern",
            "0",
        ])
        .args(["--max-pages", &pages.to_string()])
        .args([
            "--concurrency",
            &CONCURRENCY.to_string(),
            "--per-host-concurrency",
            &CONCURRENCY.to_string(),
        ])
        .args(["--resolve", resolve, "-o"])
        .arg(&report)
        .arg(format!("{origin}/p/0"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("cookiescan runs");
    let secs = start.elapsed().as_secs_f64();
    assert!(status.success(), "cookiescan failed: {status}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    let visited = json["summary"]["pages_visited"].as_u64().unwrap_or(0);
    let _ = std::fs::remove_dir_all(&dir);
    // SAFETY: getrusage only writes into the struct we pass.
    let rss = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    };
    (secs, rss, visited)
}
