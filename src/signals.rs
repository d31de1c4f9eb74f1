//! Stopping on a signal: Ctrl-C (SIGINT) and SIGTERM (sent by `timeout`, `kill` and CI
//! cancellation) both cancel the scan, so the partial report is written and Chromium and its
//! profile are removed; the exit code says which signal it was.

use std::sync::{Arc, OnceLock};

use crate::crawl::Cancel;
use crate::exit_codes::ExitCode;

/// The signal that stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Interrupt,
    Terminate,
}

impl Stop {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Stop::Interrupt => ExitCode::Interrupted,
            Stop::Terminate => ExitCode::Terminated,
        }
    }
}

/// Cancels `cancel` on the first SIGINT or SIGTERM; the returned cell then says which. Call
/// inside a Tokio runtime, before the work starts: until then the signals keep their default
/// action (the process ends at once).
pub fn cancel_on_signal(cancel: &Arc<Cancel>) -> Arc<OnceLock<Stop>> {
    let stop = Arc::new(OnceLock::new());
    let (cancel, seen) = (Arc::clone(cancel), Arc::clone(&stop));
    // Registered here, not in the task, so a signal sent right after this returns is caught.
    let terminate = terminate_stream();
    tokio::spawn(async move {
        if let Some(s) = next_stop(terminate).await {
            let _ = seen.set(s);
            cancel.cancel();
        }
    });
    stop
}

#[cfg(unix)]
type TermStream = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type TermStream = ();

#[cfg(unix)]
fn terminate_stream() -> TermStream {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok()
}

#[cfg(not(unix))]
fn terminate_stream() -> TermStream {}

#[cfg(unix)]
async fn next_stop(mut terminate: TermStream) -> Option<Stop> {
    let term = async {
        match terminate.as_mut() {
            Some(t) => t.recv().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.ok().map(|()| Stop::Interrupt),
        r = term => r.map(|()| Stop::Terminate),
    }
}

#[cfg(not(unix))]
async fn next_stop(_: TermStream) -> Option<Stop> {
    tokio::signal::ctrl_c().await.ok().map(|()| Stop::Interrupt)
}
