//! Shared by the integration tests: serve a fixture site, configure a scan of it, and run the
//! real binary ([`TestCommand`], the one way every test starts `cookiescan`).
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use cookiescan::compliance::ComplianceSettings;
use cookiescan::crawl::{Cancel, CrawlConfig, Resolve};
use cookiescan::fixture::{FixtureServer, SiteSpec};
use cookiescan::knowledge::{ClassifiedCookie, KnowledgeBase};
use cookiescan::observe::CookieRecord;
use cookiescan::policy::Policy;
use cookiescan::report::Report;
use url::Url;

pub fn fixture_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Serves `fixtures/sites/NAME.toml` on 127.0.0.1.
pub async fn serve(name: &str) -> FixtureServer {
    let path = fixture_path(&format!("sites/{name}.toml"));
    let text = std::fs::read_to_string(&path).expect("fixture site exists");
    let spec = SiteSpec::from_toml(&text).expect("fixture site is valid TOML");
    FixtureServer::start(spec)
        .await
        .expect("fixture server starts")
}

/// A scan of `server` from `host` + `path`, with every fixture host resolved to it,
/// no other host contacted, and limits small enough for tests.
pub fn config(server: &FixtureServer, host: &str, path: &str) -> CrawlConfig {
    let start = Url::parse(&format!("{}{path}", server.origin(host))).expect("valid start URL");
    CrawlConfig {
        start_urls: vec![start],
        resolve: server
            .resolve_args()
            .iter()
            .map(|r| r.parse::<Resolve>().expect("valid"))
            .collect(),
        only_hosts: Some(server.hosts().to_vec()),
        timeout: Duration::from_secs(5),
        concurrency: 4,
        ..CrawlConfig::default()
    }
}

/// The built-in knowledge base, parsed once per test binary.
pub fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::builtin().expect("built-in database loads"))
}

pub async fn scan(config: &CrawlConfig) -> Report {
    scan_with(config, &Policy::default()).await
}

/// A scan compared with `policy`, under the default rule settings.
pub async fn scan_with(config: &CrawlConfig, policy: &Policy) -> Report {
    let rules = ComplianceSettings::default();
    cookiescan::scan::scan(config, kb(), policy, &rules, &(), &Cancel::default())
        .await
        .expect("scan runs")
}

pub fn cookie<'a>(report: &'a Report, name: &str) -> Option<&'a CookieRecord> {
    report
        .cookies
        .iter()
        .map(|c| &c.record)
        .find(|c| c.name == name)
}

pub fn classified<'a>(report: &'a Report, name: &str) -> Option<&'a ClassifiedCookie> {
    report.cookies.iter().find(|c| c.record.name == name)
}

pub fn names(report: &Report) -> Vec<&str> {
    report
        .cookies
        .iter()
        .map(|c| c.record.name.as_str())
        .collect()
}

/// Waits (up to a minute) until the scan has requested `path` on `host`.
pub async fn wait_for_hit(server: &FixtureServer, host: &str, path: &str) {
    for _ in 0..600 {
        if server.hits(host, path) > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the scan never requested {path} on {host}");
}

/// Sends Ctrl-C (SIGINT) to a running scan and returns how it ended.
pub async fn interrupt(child: std::process::Child) -> std::process::Output {
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("the wait finishes")
        .expect("the scan's output")
}

/// The real `cookiescan` binary with a temporary folder of its own, after ripgrep's
/// `tests/util.rs`: tests put their files in [`TestCommand::dir`], and the process runs from
/// the crate root (where `browser-deps/` is) unless [`TestCommand::in_dir`] moves it there.
/// The log filter is cleared so a developer's `COOKIESCAN_LOG` cannot change what is asserted.
pub struct TestCommand {
    dir: tempfile::TempDir,
    cmd: Command,
}

impl Default for TestCommand {
    fn default() -> Self {
        TestCommand::new()
    }
}

impl TestCommand {
    pub fn new() -> TestCommand {
        TestCommand::with_binary(env!("CARGO_BIN_EXE_cookiescan"))
    }

    /// Another build of cookiescan (a measurement comparing releases names one).
    pub fn with_binary(binary: impl AsRef<OsStr>) -> TestCommand {
        let mut cmd = Command::new(binary);
        // As assert_cmd did: a test never waits on the terminal the suite was started from.
        cmd.env_remove("COOKIESCAN_LOG").stdin(Stdio::null());
        TestCommand {
            dir: tempfile::tempdir().expect("a temporary folder"),
            cmd,
        }
    }

    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn env(&mut self, key: &str, value: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.env(key, value);
        self
    }

    /// `--resolve` for every host `server` serves, so the scan reaches it and nothing else.
    pub fn resolving(&mut self, server: &FixtureServer) -> &mut Self {
        for r in server.resolve_args() {
            self.cmd.args(["--resolve", &r]);
        }
        self
    }

    /// Runs from the temporary folder (a `cookiescan.toml` there is found; relative outputs
    /// land there).
    pub fn in_dir(&mut self) -> &mut Self {
        self.cmd.current_dir(self.dir.path());
        self
    }

    /// Runs from `path`.
    pub fn current_dir(&mut self, path: &Path) -> &mut Self {
        self.cmd.current_dir(path);
        self
    }

    /// The command's own temporary folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside [`TestCommand::dir`].
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` inside [`TestCommand::dir`] and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).expect("a test file is written");
        path
    }

    pub fn output(&mut self) -> Output {
        self.cmd.output().expect("cookiescan runs")
    }

    /// Runs to the end from inside a multi-threaded tokio test, handing this worker's tasks
    /// (the in-process fixture server) to another thread while the binary runs.
    pub fn output_serving(&mut self) -> Output {
        tokio::task::block_in_place(|| self.output())
    }

    /// Runs to the end and hands the result to assert_cmd's assertions.
    pub fn assert(&mut self) -> assert_cmd::assert::Assert {
        assert_cmd::assert::Assert::new(self.output())
    }

    /// Starts it with stdout and stderr captured (for tests that signal it).
    pub fn spawn(&mut self) -> Child {
        self.cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cookiescan starts")
    }

    /// Starts it with stdout and stderr discarded (for tests that only measure the process:
    /// a large report must not fill a pipe nobody reads).
    pub fn spawn_silent(&mut self) -> Child {
        self.cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cookiescan starts")
    }
}

/// Headless Chromium (the Debian package `chromium`) run on the local file `page` with a
/// fresh `profile`, no network use of its own and `extra` switches; killed after `within`.
/// Fails, never skips, when Chromium is missing.
pub fn headless_chromium(page: &Path, profile: &Path, extra: &[&str], within: Duration) -> Output {
    let browser = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .unwrap_or_else(|| {
            panic!(
                "headless Chromium is needed for this test and was not found: install the Debian \
                 package `chromium` (apt-get install -y chromium; scripts/test.sh does it)"
            )
        });
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .args(extra)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let deadline = std::time::Instant::now() + within;
    while child.try_wait().expect("wait for chromium").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().expect("chromium output")
}
