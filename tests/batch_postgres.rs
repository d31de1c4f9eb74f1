//! `cookiescan batch --store postgres://…` with several workers on one real PostgreSQL
//! (scripts/test.sh starts one and sets COOKIESCAN_TEST_POSTGRES). In CI a missing or
//! unreachable database fails these tests; elsewhere a missing variable skips them.

mod batch_support;
mod util;

use std::process::Child;
use std::time::{Duration, Instant};

use batch_support::*;
use util::TestCommand;

fn admin_url() -> Option<String> {
    match std::env::var("COOKIESCAN_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "COOKIESCAN_TEST_POSTGRES is not set: in CI, scripts/test.sh must start PostgreSQL"
        ),
        Err(_) => {
            eprintln!("skipped: set COOKIESCAN_TEST_POSTGRES=postgres://… (scripts/test.sh does)");
            None
        }
    }
}

/// A new empty database for one test, so tests running together do not share sites.
async fn fresh_database(admin: &str, name: &str) -> String {
    let pool = pool(admin).await;
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .expect("the test PostgreSQL is reachable and lets us create databases");
    }
    pool.close().await;
    let mut url = url::Url::parse(admin).expect("a postgres:// URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

fn worker(list: &std::path::Path, store: &str, extra: &[String], lease: &str) -> Child {
    TestCommand::new()
        .args(["batch", &list.display().to_string(), "--store", store])
        .args(["--sites-in-parallel", "3", "--lease-secs", lease])
        // The hit counts count scans: no second visit of the first pages.
        .arg("--no-revisit")
        .args(extra)
        .spawn()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_the_sites_and_scan_each_once() {
    let Some(admin) = admin_url() else { return };
    let db = fresh_database(&admin, "cookiescan_share").await;
    let server = sites(30, 0, 200).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let list_path = dir.path().join("domains.txt");
    let extra = list(&server, dead_port(), &list_path);
    let a = worker(&list_path, &db, &extra, "300");
    let b = worker(&list_path, &db, &extra, "300");
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let lines = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.starts_with("error"))
            .count()
    };
    assert_eq!(lines(&a) + lines(&b), 30);
    assert!(lines(&a) > 0 && lines(&b) > 0, "both workers took sites");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'done'").await,
        30
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cookies").await, 90);
    for i in 0..30 {
        assert_eq!(
            server.hits(&format!("s{i}.test"), "/"),
            1,
            "s{i} scanned once"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_sites_are_taken_over() {
    let Some(admin) = admin_url() else { return };
    let db = fresh_database(&admin, "cookiescan_takeover").await;
    let server = sites(20, 0, 600).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let list_path = dir.path().join("domains.txt");
    let extra = list(&server, dead_port(), &list_path);
    let mut a = worker(&list_path, &db, &extra, "3");
    let start = Instant::now();
    // The worker creates the tables; until then the count fails and reads as zero.
    // Kill it while it holds leases: at least 3 sites done and some still running.
    while try_count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'done'").await < 3
        || try_count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'running'").await == 0
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "worker a made no progress"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    a.kill().expect("kill -9");
    let _ = a.wait();
    let orphaned = count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'running'").await;
    assert!(orphaned > 0, "the killed worker held leases");
    let b = worker(&list_path, &db, &extra, "3")
        .wait_with_output()
        .expect("b");
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'done'").await,
        20
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cookies").await, 60);
    let twice = (0..20)
        .filter(|i| server.hits(&format!("s{i}.test"), "/") > 1)
        .count();
    // Only sites the dead worker had started can have been fetched twice (it may have been
    // killed before its first request for some of them).
    assert!(
        twice as i64 <= orphaned,
        "{twice} sites scanned twice, {orphaned} orphaned"
    );
}
