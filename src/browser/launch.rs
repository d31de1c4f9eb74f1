//! Starting headless Chromium with a fresh profile, and stopping it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::{BrowserError, BrowserOptions};

/// Names Chromium is installed under, tried in this order on PATH.
const CANDIDATES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The browser binary: `--chrome PATH`, else the first candidate on PATH.
pub fn find_chrome(explicit: Option<&Path>) -> Result<PathBuf, BrowserError> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(BrowserError::NoChrome(format!(
                "{} does not exist",
                p.display()
            )))
        };
    }
    find_on_path(CANDIDATES).ok_or_else(|| {
        BrowserError::NoChrome(
            "none of chromium, chromium-browser, google-chrome is on PATH".into(),
        )
    })
}

pub(crate) fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// A running browser. Dropping it kills the process, then removes the profile.
pub struct Chrome {
    child: Child,
    pub ws_url: String,
    // Declared after `child` so it is dropped after the kill below.
    profile: tempfile::TempDir,
}

impl Chrome {
    /// Shuts the browser down cleanly (`Browser.close`): its helper processes (network
    /// service, renderers) exit with it, so none is left writing into the profile while it is
    /// removed. Drop still kills and removes when this is not called (Ctrl-C, an error).
    pub async fn close(mut self, cdp: &super::cdp::Cdp) {
        let _ = tokio::time::timeout(
            Duration::from_secs(2),
            cdp.call(None, "Browser.close", serde_json::json!({})),
        )
        .await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        // Give it a moment to release the profile before the directory is removed.
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // A helper process that outlived the kill can still write a file or two while the
        // directory is removed: try again briefly rather than leave the profile behind.
        for _ in 0..20 {
            match std::fs::remove_dir_all(self.profile.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => break,
            }
        }
    }
}

/// Chromium gets SIGKILL when we die, even by SIGKILL (when no Drop runs): otherwise it and its
/// helpers outlive us with their profile (FACTS.md). Its helpers exit when it does. The signal
/// follows the thread that started it; Tokio's worker threads live as long as the runtime.
#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_: &mut Command) {}

/// Starts Chromium on a fresh temporary profile and returns once its DevTools endpoint is up.
pub async fn launch(
    binary: &Path,
    opts: &BrowserOptions,
    resolver_rules: &str,
) -> Result<Chrome, BrowserError> {
    let profile = fresh_profile()?;
    let mut cmd = chromium_command(binary, opts, resolver_rules, profile.path());
    let mut child = cmd
        .spawn()
        .map_err(|e| BrowserError::Launch(format!("could not start {}: {e}", binary.display())))?;
    let ws_url = match devtools_endpoint(&mut child).await {
        Some(u) => u,
        None => {
            let _ = child.start_kill();
            return Err(BrowserError::Launch(format!(
                "{} did not open its DevTools endpoint within 30 s",
                binary.display()
            )));
        }
    };
    Ok(Chrome {
        child,
        ws_url,
        profile,
    })
}

/// A temporary profile that allows third-party cookies: headless Chromium blocks them unless
/// the profile says so before launch, and a visitor's default browser allows them (FACTS.md).
fn fresh_profile() -> Result<tempfile::TempDir, BrowserError> {
    let profile = tempfile::Builder::new()
        .prefix("cookiescan-profile-")
        .tempdir()
        .map_err(|e| BrowserError::Launch(format!("could not create a temporary profile: {e}")))?;
    let default = profile.path().join("Default");
    std::fs::create_dir_all(&default)
        .and_then(|_| {
            std::fs::write(
                default.join("Preferences"),
                r#"{"profile":{"cookie_controls_mode":0}}"#,
            )
        })
        .map_err(|e| BrowserError::Launch(format!("could not write the profile: {e}")))?;
    Ok(profile)
}

/// Chromium as the scan runs it: headless, quiet towards the network, on `profile`.
fn chromium_command(
    binary: &Path,
    opts: &BrowserOptions,
    resolver_rules: &str,
    profile: &Path,
) -> Command {
    let mut cmd = Command::new(binary);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--mute-audio",
        "--disable-blink-features=AutomationControlled",
        // Every tab visits a page at once: none may run its timers late as a background tab
        // would (a banner binding its buttons after 500 ms then loses the click).
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--remote-debugging-port=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--user-agent={}", opts.user_agent))
    .arg("about:blank")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .kill_on_drop(true);
    if !resolver_rules.is_empty() {
        cmd.arg(format!("--host-resolver-rules={resolver_rules}"));
    }
    die_with_parent(&mut cmd);
    if opts.insecure {
        cmd.arg("--ignore-certificate-errors");
    }
    cmd
}

/// The `ws://` URL Chromium prints on stderr once it listens (None after 30 s). The rest of
/// its stderr is drained so it never blocks on a full pipe.
async fn devtools_endpoint(child: &mut tokio::process::Child) -> Option<String> {
    let stderr = child.stderr.take()?;
    let mut lines = BufReader::new(stderr).lines();
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line.strip_prefix("DevTools listening on ") {
                return Some(url.trim().to_owned());
            }
        }
        None
    })
    .await
    .ok()
    .flatten();
    if found.is_some() {
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    }
    found
}
