//! Crawl throughput: `cargo bench --bench crawl` (add `-- --pages N` for another size).
//!
//! Serves a generated site (N pages, 20 links and 3 Set-Cookie headers each) on 127.0.0.1,
//! then measures, in one run:
//! 1. the ceiling: a bare reqwest loop fetching the same N URLs at the same concurrency,
//!    measured twice:
//!    - in-process: on the bench's own runtime, the one that also serves the site;
//!    - child process: this bench binary re-run as a separate process (`--bare-loop`), so
//!      that, like `cookiescan scan`, the client has its own runtime threads and the server's
//!      threads are in another process. This is the like-for-like ceiling: both clients then
//!      share the 2 cores with the same server in the same way.
//! 2. the real `cookiescan scan` binary crawling it (pages/s and peak RSS of the process).
//!
//! The scan's figure includes everything the process does: start-up, knowledge base, robots.txt,
//! the crawl, classification and writing the JSON report. The bare loop's figure is its fetch
//! loop alone (its child process start-up is not timed).
//!
//! `COOKIESCAN_BENCH_BIN=/path/to/cookiescan` measures that binary instead of this build's.
//! The scan runs with `--no-revisit`: the second visit of the first pages (cookies renewed on
//! every visit) waits until those pages' cookies are 2 s old, which on this 0.5 s crawl would
//! measure the wait, not the crawl. `COOKIESCAN_BENCH_ARGS="..."` replaces those extra flags
//! (`COOKIESCAN_BENCH_ARGS=` for a build older than the flag).

use std::process::Command;
use std::time::Instant;

use cookiescan::fixture::{FixtureServer, SiteSpec};
use futures_util::StreamExt;

const CONCURRENCY: usize = 8;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--bare-loop") {
        // The child process: fetch, print the rate, exit.
        let (origin, resolve, pages) = (&args[i + 1], &args[i + 2], &args[i + 3]);
        let pages: u64 = pages.parse().expect("page count");
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        println!("{}", rt.block_on(bare_loop(origin, resolve, pages)));
        return;
    }
    let pages: u64 = args
        .iter()
        .skip_while(|a| *a != "--pages")
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

    let in_process = rt.block_on(bare_loop(&origin, &resolve, pages));
    let child = bare_loop_in_child(&origin, &resolve, pages);
    let (scan_secs, rss_kib, visited) = run_cookiescan(&origin, &resolve, pages);
    let scan_rate = visited as f64 / scan_secs;
    println!(
        "site: {pages} pages, 20 links and 3 Set-Cookie each, concurrency {CONCURRENCY}, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("bare reqwest loop, in-process    : {in_process:>8.0} pages/s");
    println!("bare reqwest loop, child process : {child:>8.0} pages/s");
    println!("cookiescan scan                  : {scan_rate:>8.0} pages/s ({visited} pages in {scan_secs:.2} s)");
    println!(
        "  = {:.0}% of the child-process ceiling, {:.0}% of the in-process one",
        100.0 * scan_rate / child,
        100.0 * scan_rate / in_process
    );
    println!(
        "peak RSS                         : {:>8.1} MB",
        rss_kib as f64 / 1024.0
    );
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

/// The bare loop in a separate process (this binary, `--bare-loop`); returns its pages/s.
fn bare_loop_in_child(origin: &str, resolve: &str, pages: u64) -> f64 {
    let exe = std::env::current_exe().expect("bench binary");
    let out = Command::new(exe)
        .args(["--bare-loop", origin, resolve, &pages.to_string()])
        .output()
        .expect("bare loop child runs");
    assert!(
        out.status.success(),
        "bare loop child failed: {}",
        out.status
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("bare loop child prints its rate")
}

/// The extra flags of the measured scan (see the top of the file).
fn bench_args() -> String {
    std::env::var("COOKIESCAN_BENCH_ARGS").unwrap_or_else(|_| "--no-revisit".to_string())
}

// The child is reaped with wait4 (for its own rusage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_cookiescan(origin: &str, resolve: &str, pages: u64) -> (f64, i64, u64) {
    let dir = std::env::temp_dir().join(format!("cookiescan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let report = dir.join("report.json");
    let start = Instant::now();
    // COOKIESCAN_BENCH_BIN measures another build (an A/B comparison in the same conditions).
    let bin = std::env::var_os("COOKIESCAN_BENCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_cookiescan").into());
    let child = Command::new(bin)
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
        .args(bench_args().split_whitespace())
        .arg(format!("{origin}/p/0"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("cookiescan runs");
    // wait4, not getrusage(RUSAGE_CHILDREN): the peak RSS of this child alone, not the
    // largest of all children (the bare-loop child is one too).
    let mut status = 0;
    // SAFETY: wait4 reaps our own child and only writes into the status and struct we pass;
    // the Child handle is not waited on afterwards.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let pid = libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage);
        assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
        usage
    };
    let secs = start.elapsed().as_secs_f64();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "cookiescan failed: wait status {status}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    let visited = json["summary"]["pages_visited"].as_u64().unwrap_or(0);
    let _ = std::fs::remove_dir_all(&dir);
    (secs, usage.ru_maxrss, visited)
}
