//! Benchmark: analysis of a generated 1 MB minified bundle.
//! `cargo run --release --example bench_scripts`

#[path = "../tests/support/bundle.rs"]
mod bundle;

use std::time::{Duration, Instant};

use cookiescan::scripts::{analyze, ScriptSource, Signatures};

fn main() {
    let (code, writes) = bundle::minified_bundle(1 << 20, 40);
    let src = ScriptSource::external(&code, "https://example.com/static/app.min.js");
    let first = analyze(&src);
    assert_eq!(
        first.cookies.len() + first.storage.len(),
        writes,
        "every generated write found"
    );
    let _ = Signatures::builtin();
    let mut times: Vec<Duration> = Vec::new();
    let mut sig_times: Vec<Duration> = Vec::new();
    let mut cpu = Duration::ZERO;
    const RUNS: u32 = 30;
    for _ in 0..RUNS {
        let (t, c) = (Instant::now(), cpu_time());
        let a = analyze(&src);
        times.push(t.elapsed());
        cpu += cpu_time().saturating_sub(c);
        std::hint::black_box(a);
        let t = Instant::now();
        std::hint::black_box(Signatures::builtin().match_code(&src));
        sig_times.push(t.elapsed());
    }
    times.sort();
    sig_times.sort();
    println!(
        "analyze: {} bytes, {} writes found ({:?}): median {:.2?}, min {:.2?}, max {:.2?} wall; {:.2?} CPU per run; match_code median {:.2?}",
        code.len(),
        first.cookies.len() + first.storage.len(),
        first.mode,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        cpu / RUNS,
        sig_times[sig_times.len() / 2],
    );
}

/// Process CPU time (all threads), so a busy shared machine skews the
/// figure less than wall time does. Linux only; zero elsewhere.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may contain spaces): utime is the
    // 12th, stime the 13th, in clock ticks of 1/100 s.
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split(' ')
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    Duration::from_millis(f.iter().sum::<u64>() * 10)
}
