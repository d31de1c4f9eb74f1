//! Issue 17 items 18, 20, 21: a wrong store fails in seconds, shards sharing a folder keep
//! their own summaries and `merge` writes the merged one, failed sites wait longer before each
//! retry, and a worker that died leaves a trace in `errors`.
mod batch_support;

use std::path::Path;
use std::time::{Duration, Instant};

use batch_support::*;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Runs cookiescan expecting failure; returns (exit code, stderr, seconds taken).
fn failing(args: &[String], dir: &Path) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let out = cookiescan()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn a_store_that_is_not_sqlite_or_a_dead_server_fails_in_seconds_with_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sites.txt"), "https://example.invalid/\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a database, just notes\n").unwrap();
    let dead = format!("postgres://nobody@127.0.0.1:{}/cookies", dead_port());
    let cases = [
        (
            args(&["batch", "sites.txt", "--store", "notes.txt"]),
            "notes.txt",
            "not a SQLite file",
        ),
        (
            args(&["batch", "sites.txt", "--store", &dead]),
            dead.as_str(),
            "server runs",
        ),
        (
            args(&["merge", "notes.txt", "--store", "all.db"]),
            "notes.txt",
            "not a SQLite file",
        ),
        (
            args(&["merge", &dead, "--store", "all.db"]),
            dead.as_str(),
            "server runs",
        ),
    ];
    for (args, store, hint) in cases {
        let (code, err, took) = failing(&args, dir.path());
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(took < Duration::from_secs(8), "{args:?} took {took:?}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "one sentence, no driver log: {err}"
        );
        assert!(err.contains(store) && err.contains(hint), "{err}");
        assert!(!err.contains('\u{1b}'), "no coloured log lines: {err}");
    }
    assert!(
        !dir.path().join("all.db").exists(),
        "merge checks its sources before creating the target"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shards_sharing_a_folder_keep_their_summaries_and_merge_writes_the_merged_one() {
    let server = sites(12, 0, 0).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let list_path = dir.path().join("domains.txt");
    let extra = list(&server, dead_port(), &list_path);
    let out = dir.path().join("out");
    let mut parts = Vec::new();
    for i in 0..3 {
        let part = dir.path().join(format!("part{i}.db")).display().to_string();
        let mut a = args(&["batch", &list_path.display().to_string(), "--store", &part]);
        a.extend(args(&["--shard", &format!("{i}/3"), "--output-dir"]));
        a.push(out.display().to_string());
        a.extend(extra.iter().cloned());
        run(&a);
        parts.push(part);
    }
    let rows = |name: &str| {
        std::fs::read_to_string(out.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .lines()
            .count()
            - 1
    };
    let per_shard: Vec<usize> = (0..3)
        .map(|i| rows(&format!("summary.shard-{i}-of-3.csv")))
        .collect();
    assert_eq!(per_shard.iter().sum::<usize>(), 13, "{per_shard:?}");
    assert!(
        !out.join("summary.csv").exists(),
        "no shard writes the plain name"
    );
    let mut merge = vec!["merge".to_string()];
    merge.extend(parts.iter().cloned());
    merge.extend(args(&[
        "--store",
        &dir.path().join("all.db").display().to_string(),
    ]));
    merge.extend(args(&["--output-dir", &out.display().to_string()]));
    run(&merge);
    assert_eq!(rows("summary.csv"), 13, "every site of every shard");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for h in server.hosts() {
        assert!(index.contains(h.as_str()), "{h} is in the merged index");
    }
    assert!(
        index.contains("cookiescan-report.html"),
        "reports are linked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sites_are_retried_with_a_growing_delay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = dead_port();
    let list_path = dir.path().join("sites.txt");
    std::fs::write(&list_path, format!("http://dead.test:{port}/\n")).unwrap();
    let store = dir.path().join("results.db").display().to_string();
    let started = Instant::now();
    run(&args(&[
        "batch",
        &list_path.display().to_string(),
        "--store",
        &store,
        "--max-attempts",
        "3",
        "--retry-delay",
        "2",
        "--timeout",
        "1",
        "--no-sitemaps",
        "--resolve",
        &format!("dead.test:{port}:127.0.0.1"),
        "-q",
    ]));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(6),
        "2 s then 4 s of waiting: {took:?}"
    );
    let pool = pool(&store).await;
    let times: Vec<time::OffsetDateTime> = {
        use sqlx::Row;
        sqlx::query("SELECT at FROM errors WHERE kind = 'scan' ORDER BY seq")
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                let at: String = r.get(0);
                time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
                    .unwrap()
            })
            .collect()
    };
    pool.close().await;
    assert_eq!(times.len(), 3, "three attempts recorded");
    let gaps: Vec<i64> = times
        .windows(2)
        .map(|w| (w[1] - w[0]).whole_seconds())
        .collect();
    // `at` has whole seconds: 2 s and 4 s waits show as at least 1 and 3.
    assert!(
        gaps[0] >= 1 && gaps[1] >= 3 && gaps[1] > gaps[0],
        "{gaps:?}"
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM scans WHERE status = 'failed' AND attempts = 3"
        )
        .await,
        1
    );
}

/// Marks `site` as leased by a worker that is gone (its lease long expired).
async fn orphan(store: &str, site: &str) {
    let pool = pool(store).await;
    sqlx::query(
        "UPDATE scans SET status = 'running', lease_owner = 'worker-that-died', lease_expires = 1 \
         WHERE site = $1",
    )
    .bind(site)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

async fn lease_rows(store: &str) -> Vec<String> {
    use sqlx::Row;
    let pool = pool(store).await;
    let rows = sqlx::query("SELECT site, message FROM errors WHERE kind = 'lease'")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.get::<String, _>(0), r.get::<String, _>(1)))
        .collect();
    pool.close().await;
    rows
}

async fn takeover_is_recorded(store: &str) {
    let server = sites(2, 0, 0).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let list_path = dir.path().join("domains.txt");
    let extra = list(&server, dead_port(), &list_path);
    let mut a = args(&[
        "batch",
        &list_path.display().to_string(),
        "--store",
        store,
        "-q",
    ]);
    a.extend(extra);
    run(&a);
    let site = format!("{}/", server.origin("s1.test"));
    orphan(store, &site).await;
    run(&a);
    let rows = lease_rows(store).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with(&site) && rows[0].contains("worker-that-died"),
        "{rows:?}"
    );
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM scans WHERE status = 'done'").await,
        2,
        "the site was scanned again"
    );
    // The trace survives a merge (twice: no duplicate).
    let merged = dir.path().join("merged.db").display().to_string();
    for _ in 0..2 {
        run(&args(&["merge", store, "--store", &merged]));
    }
    assert_eq!(lease_rows(&merged).await, rows);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_died_leaves_a_lease_row_in_errors_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    takeover_is_recorded(&dir.path().join("results.db").display().to_string()).await;
}

/// The PostgreSQL path: another worker's expired lease, taken over by `claim`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_died_leaves_a_lease_row_in_errors_postgres() {
    let admin = match std::env::var("COOKIESCAN_TEST_POSTGRES") {
        Ok(url) => url,
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "COOKIESCAN_TEST_POSTGRES is not set: in CI, scripts/test.sh must start PostgreSQL"
            )
        }
        Err(_) => {
            eprintln!("skipped: set COOKIESCAN_TEST_POSTGRES=postgres://… (scripts/test.sh does)");
            return;
        }
    };
    let name = "cookiescan_lease_takeover";
    let admin_pool = pool(&admin).await;
    for sql in [
        "DROP DATABASE IF EXISTS cookiescan_lease_takeover",
        "CREATE DATABASE cookiescan_lease_takeover",
    ] {
        sqlx::query(sql)
            .execute(&admin_pool)
            .await
            .expect("test database");
    }
    admin_pool.close().await;
    let mut url = url::Url::parse(&admin).expect("a postgres:// URL");
    url.set_path(&format!("/{name}"));
    takeover_is_recorded(url.as_str()).await;
}
