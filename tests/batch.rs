//! `cookiescan batch` and `merge` against ~50 loopback sites on SQLite: failures recorded,
//! kill -9 and resume, shards merged equal one run, bad list lines numbered.

mod batch_support;
mod util;

use std::time::{Duration, Instant};

use batch_support::*;
use util::TestCommand;

fn flags(list: &std::path::Path, store: &std::path::Path, extra: &[String]) -> Vec<String> {
    let mut args = vec![
        "batch".to_string(),
        list.display().to_string(),
        "--store".into(),
        store.display().to_string(),
        "--sites-in-parallel".into(),
        "8".into(),
        // The hit counts below count scans: no second visit of the first pages.
        "--no-revisit".into(),
    ];
    args.extend(extra.iter().cloned());
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_of_fifty_sites_records_results_and_failures() {
    let server = sites(47, 2, 0).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let list_path = dir.path().join("domains.txt");
    let extra = list(&server, dead_port(), &list_path);
    let store = dir.path().join("results.db");
    let out_dir = dir.path().join("out");
    let mut args = flags(&list_path, &store, &extra);
    args.extend(["--output-dir".into(), out_dir.display().to_string()]);
    let out = run(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("pass") || l.starts_with("fail"))
            .count(),
        47,
        "{stdout}"
    );
    let db = store.display().to_string();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'done'").await,
        47
    );
    // Two hanging sites and one refused connection: each tried twice, recorded, never fatal.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'failed' AND attempts = 2 AND error IS NOT NULL").await, 3);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM errors WHERE kind = 'scan'").await,
        6
    );
    // Same columns as the CSV: every good site sets sessionid, _ga and _fbp.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cookies").await, 47 * 3);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cookies WHERE name = '_ga' AND vendor = 'Google Analytics' AND category = 'analytics'").await, 47);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM pages").await, 47 * 3);
    assert!(
        count(
            &db,
            "SELECT COUNT(*) FROM findings WHERE rule = 'set-before-consent'"
        )
        .await
            >= 47
    );
    let summary = std::fs::read_to_string(out_dir.join("summary.csv")).expect("summary.csv");
    assert_eq!(summary.lines().count(), 1 + 50);
    assert!(summary.starts_with("site,status,attempts,pages,cookies,necessary"));
    let index = std::fs::read_to_string(out_dir.join("index.html")).expect("index.html");
    assert!(
        index.contains("cookiescan-report.html"),
        "per-site reports are linked"
    );
    assert!(
        index.contains("http:&#x2f;&#x2f;dead.test"),
        "failed sites are listed"
    );
    let site_dir = out_dir
        .join("sites")
        .join(format!("s0.test_{}", server.port()));
    for ext in ["json", "csv", "html", "md", "sarif", "xml"] {
        assert!(
            site_dir.join(format!("cookiescan-report.{ext}")).is_file(),
            "{ext}"
        );
    }
    // Running it again scans nothing and duplicates nothing.
    let before = dump(&db).await;
    let again = run(&flags(&list_path, &store, &extra));
    assert_eq!(String::from_utf8_lossy(&again.stdout).lines().count(), 0);
    assert_eq!(dump(&db).await, before);
    assert_eq!(server.hits("s3.test", "/"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_batch_resumes_without_duplicates() {
    let server = sites(40, 0, 400).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let list_path = dir.path().join("domains.txt");
    let extra = list(&server, dead_port(), &list_path);
    let store = dir.path().join("results.db");
    let db = store.display().to_string();
    let mut args = flags(&list_path, &store, &extra);
    args[5] = "4".into();
    let mut child = TestCommand::new().args(&args).spawn();
    let start = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if store.exists()
            && try_count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'done'").await >= 8
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the batch made no progress"
        );
    }
    // SIGKILL: no chance to clean up, like a power cut.
    child.kill().expect("kill -9");
    let _ = child.wait();
    let done_before = count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'done'").await;
    assert!(done_before < 40, "killed mid-run");
    // Sites in flight at the kill are left `running` (how many depends on timing) and must
    // restart on resume; the counts below prove nothing was lost or duplicated either way.
    run(&args);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM scans WHERE status = 'done'").await,
        40
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cookies").await, 40 * 3);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM pages").await, 40 * 3);
    // Sites finished before the kill were not scanned again.
    let rescanned = (0..40)
        .filter(|i| server.hits(&format!("s{i}.test"), "/") > 1)
        .count();
    assert!(
        rescanned <= 4,
        "{rescanned} sites scanned twice (at most the 4 in flight)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_shards_merged_equal_one_run() {
    let server = sites(30, 1, 0).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let list_path = dir.path().join("domains.txt");
    let extra = list(&server, dead_port(), &list_path);
    let single = dir.path().join("single.db");
    run(&flags(&list_path, &single, &extra));
    let mut parts = Vec::new();
    for i in 0..3 {
        let part = dir.path().join(format!("part{i}.db"));
        let mut extra = extra.clone();
        extra.extend(["--shard".into(), format!("{i}/3")]);
        run(&flags(&list_path, &part, &extra));
        parts.push(part.display().to_string());
    }
    let sizes = [
        count(&parts[0], "SELECT COUNT(*) FROM scans").await,
        count(&parts[1], "SELECT COUNT(*) FROM scans").await,
        count(&parts[2], "SELECT COUNT(*) FROM scans").await,
    ];
    assert_eq!(sizes.iter().sum::<i64>(), 32);
    assert!(sizes.iter().all(|n| *n > 0), "{sizes:?}");
    let all = dir.path().join("all.db").display().to_string();
    let mut merge = vec!["merge".to_string()];
    merge.extend(parts.iter().cloned());
    merge.extend(["--store".into(), all.clone()]);
    run(&merge);
    let expected = dump(&single.display().to_string()).await;
    assert_eq!(dump(&all).await, expected);
    // Merging again changes nothing.
    run(&merge);
    assert_eq!(dump(&all).await, expected);
}

#[test]
fn bad_lines_are_reported_with_their_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list_path = dir.path().join("domains.txt");
    std::fs::write(
        &list_path,
        "# sites\nexample.org\nnot a site\nftp://x.org/\n\nhttp://[::1/\n",
    )
    .expect("write");
    let store = dir.path().join("r.db");
    let out = TestCommand::new()
        .args(flags(&list_path, &store, &[]))
        .output();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let name = list_path.display().to_string();
    for line in [3, 4, 6] {
        assert!(
            err.contains(&format!("{name}:{line}: ")),
            "line {line} in {err}"
        );
    }
    assert!(!err.contains(&format!("{name}:2:")));
    assert!(err.contains("3 line(s)"), "{err}");
    assert!(
        !store.exists(),
        "nothing is scanned until the list is right"
    );
}
