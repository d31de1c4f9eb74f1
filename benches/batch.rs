//! Batch throughput: `cargo bench --bench batch` (`-- --sites N` for another size; the
//! PostgreSQL runs need COOKIESCAN_TEST_POSTGRES, as scripts/test.sh sets it).
//!
//! Serves N small sites (3 pages, 3 cookies each) on 127.0.0.1 and runs the real binary:
//! SQLite with one process, then PostgreSQL with one and with two worker processes. Prints
//! sites/min, the peak RSS of the largest process and the store size per site.

use std::process::Command;
use std::time::Instant;

use cookiescan::fixture::{FixtureServer, SiteSpec};

fn main() {
    let n: usize = std::env::args()
        .skip_while(|a| a != "--sites")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let hosts: Vec<String> = (0..n).map(|i| format!("\"b{i}.test\"")).collect();
    let spec = format!(
        "hosts = [{}]\n[[route]]\npath = \"/\"\nset_cookie = [\"sessionid=a; Path=/\", \"_ga=GA1.2.3.4; Max-Age=63072000\"]\nbody = \"<a href='/a'>a</a> <a href='/b'>b</a>\"\n[[route]]\npath = \"/a\"\nset_cookie = [\"_fbp=fb.1; Max-Age=7776000\"]\nbody = \"a\"\n[[route]]\npath = \"/b\"\nbody = \"b\"\n",
        hosts.join(", ")
    );
    let server = rt
        .block_on(FixtureServer::start(
            SiteSpec::from_toml(&spec).expect("spec"),
        ))
        .expect("server");
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("sites.txt");
    let mut text = String::new();
    let mut resolve = Vec::new();
    for (h, r) in server.hosts().iter().zip(server.resolve_args()) {
        text.push_str(&format!("{}/\n", server.origin(h)));
        resolve.push("--resolve".to_string());
        resolve.push(r);
    }
    std::fs::write(&list, text).expect("list");
    let bin = env!("CARGO_BIN_EXE_cookiescan");
    let run = |store: &str, workers: usize| -> (f64, u64) {
        let start = Instant::now();
        let children: Vec<_> = (0..workers)
            .map(|_| {
                Command::new(bin)
                    .args(["batch", &list.display().to_string(), "--store", store, "-q"])
                    .args(["--sites-in-parallel", "8", "--no-sitemaps"])
                    .args(&resolve)
                    .spawn()
                    .expect("batch starts")
            })
            .collect();
        for mut c in children {
            assert!(c.wait().expect("batch runs").success());
        }
        (start.elapsed().as_secs_f64(), peak_rss_kib())
    };
    println!("{n} sites, 3 pages and 3 cookies each, --sites-in-parallel 8, 2 cores");
    let db = dir.path().join("bench.db");
    let (secs, rss) = run(&db.display().to_string(), 1);
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!(
        "SQLite, 1 process   : {:>7.0} sites/min ({secs:.1} s), peak RSS {:.0} MB, {:.1} KB per site",
        n as f64 * 60.0 / secs,
        rss as f64 / 1024.0,
        size as f64 / 1024.0 / n as f64
    );
    let Ok(admin) = std::env::var("COOKIESCAN_TEST_POSTGRES") else {
        println!("PostgreSQL: skipped (set COOKIESCAN_TEST_POSTGRES)");
        return;
    };
    for workers in [1, 2] {
        let url = rt.block_on(fresh_database(
            &admin,
            &format!("cookiescan_bench_{workers}"),
        ));
        let (secs, _) = run(&url, workers);
        println!(
            "PostgreSQL, {workers} worker(s): {:>7.0} sites/min ({secs:.1} s)",
            n as f64 * 60.0 / secs
        );
    }
}

async fn fresh_database(admin: &str, name: &str) -> String {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(admin).await.expect("postgres");
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .expect("create database");
    }
    let mut url = url::Url::parse(admin).expect("url");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// Peak RSS of the largest child process waited for so far.
fn peak_rss_kib() -> u64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    u64::try_from(usage.ru_maxrss).unwrap_or(0)
}
