//! Shared by the batch tests: many loopback sites on one fixture server, the batch binary,
//! and table dumps to compare stores.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use cookiescan::fixture::{FixtureServer, SiteSpec};
use sqlx::{AnyPool, Row};

/// `good` sites s0.test … plus `hanging` sites that never answer and one dead port.
/// `slow_ms` delays each site's second page (to kill a batch mid-run).
pub async fn sites(good: usize, hanging: usize, slow_ms: u64) -> FixtureServer {
    let mut hosts: Vec<String> = (0..good).map(|i| format!("s{i}.test")).collect();
    hosts.extend((0..hanging).map(|i| format!("hang{i}.test")));
    let list: Vec<String> = hosts.iter().map(|h| format!("{h:?}")).collect();
    let mut spec = format!(
        r#"hosts = [{}]
[[route]]
path = "/"
set_cookie = ["sessionid=abc; Path=/; HttpOnly", "_ga=GA1.2.3.4; Max-Age=63072000; Path=/"]
body = "<a href='/about'>about</a> <a href='/contact'>contact</a>"
[[route]]
path = "/about"
set_cookie = ["_fbp=fb.1.2.3; Max-Age=7776000; Path=/"]
behaviour = {{ kind = "slow", ms = {slow_ms} }}
body = "about"
[[route]]
path = "/contact"
body = "contact"
"#,
        list.join(", ")
    );
    for i in 0..hanging {
        spec.push_str(&format!(
            "[[route]]\nhost = \"hang{i}.test\"\npath = \"/\"\nbehaviour = {{ kind = \"hang\" }}\n"
        ));
    }
    let spec = SiteSpec::from_toml(&spec).expect("valid spec");
    FixtureServer::start(spec).await.expect("server starts")
}

/// A port nothing listens on (a site whose connection is refused).
pub fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Writes the site list (every host of `server`, plus `dead.test` on `dead`) and returns the
/// flags that resolve them all to 127.0.0.1.
pub fn list(server: &FixtureServer, dead: u16, path: &Path) -> Vec<String> {
    let mut text = String::from("# batch test sites\n");
    for h in server.hosts() {
        text.push_str(&format!("{}/\n", server.origin(h)));
    }
    text.push_str(&format!("http://dead.test:{dead}/\n"));
    std::fs::write(path, text).expect("write list");
    let mut flags = Vec::new();
    for r in server.resolve_args() {
        flags.push("--resolve".into());
        flags.push(r);
    }
    flags.push("--resolve".into());
    flags.push(format!("dead.test:{dead}:127.0.0.1"));
    flags.extend(
        // No wait between attempts: these tests are about what is recorded, not when.
        [
            "--timeout",
            "1",
            "--max-attempts",
            "2",
            "--retry-delay",
            "0",
            "--no-sitemaps",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    flags
}

pub fn cookiescan() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cookiescan"));
    c.env_remove("COOKIESCAN_LOG");
    c
}

pub fn run(args: &[String]) -> Output {
    let out = cookiescan().args(args).output().expect("cookiescan runs");
    assert!(
        out.status.success(),
        "cookiescan {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub async fn pool(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    let url = if url.contains("://") {
        url.to_string()
    } else {
        format!("sqlite://{url}")
    };
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("store opens")
}

/// Every table's content that does not depend on when or by whom a site was scanned.
pub async fn dump(url: &str) -> Vec<String> {
    let pool = pool(url).await;
    let queries = [
        "SELECT site, status, CAST(attempts AS TEXT), CAST(pages AS TEXT), CAST(cookies AS TEXT), CAST(marketing AS TEXT), verdict FROM scans ORDER BY site",
        "SELECT site, url, CAST(status AS TEXT), CAST(cookies_set AS TEXT) FROM pages ORDER BY site, url",
        "SELECT site, name, domain, category, vendor, CAST(lifetime_days AS TEXT), declared, findings FROM cookies ORDER BY site, name, domain, path",
        "SELECT site, CAST(seq AS TEXT), rule, message FROM findings ORDER BY site, seq",
        "SELECT site, kind, CAST(seq AS TEXT), message FROM errors WHERE kind <> 'scan' ORDER BY site, kind, seq",
    ];
    let mut out = Vec::new();
    for q in queries {
        for row in sqlx::query(q).fetch_all(&pool).await.expect("query runs") {
            let cells: Vec<String> = (0..row.len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .unwrap_or_default()
                })
                .collect();
            out.push(cells.join("|"));
        }
    }
    pool.close().await;
    out
}

pub async fn count(url: &str, sql: &'static str) -> i64 {
    let pool = pool(url).await;
    let n: i64 = sqlx::query(sql)
        .fetch_one(&pool)
        .await
        .expect("query runs")
        .try_get(0)
        .expect("a count");
    pool.close().await;
    n
}

/// `count`, or 0 while the query fails (the tables do not exist yet).
pub async fn try_count(url: &str, sql: &'static str) -> i64 {
    let pool = pool(url).await;
    let n = match sqlx::query(sql).fetch_one(&pool).await {
        Ok(row) => row.try_get(0).unwrap_or(0),
        Err(_) => 0,
    };
    pool.close().await;
    n
}
