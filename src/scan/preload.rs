//! The knowledge base (and the script signatures) loaded on a blocking thread while the scan
//! starts crawling: their ~30 ms of parsing need not delay the first request or the report.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::crawl::Cancel;
use crate::knowledge::{KnowledgeBase, KnowledgeError};

/// The built-in database plus `--cookie-db` files, and what loading them warned about.
pub type Loaded = (KnowledgeBase, Vec<String>);

pub enum Preload {
    Loading(JoinHandle<Result<Loaded, KnowledgeError>>),
    Ready(Box<KnowledgeBase>),
}

impl Preload {
    /// Starts loading on the current runtime's blocking pool.
    pub fn spawn(extra: Vec<PathBuf>) -> Preload {
        Preload::Loading(tokio::task::spawn_blocking(move || {
            // The script signatures are compiled on first use: here too, not after the crawl.
            crate::scripts::Signatures::builtin();
            load(&extra)
        }))
    }

    /// Cancels `cancel` as soon as loading fails, so a bad `--cookie-db` stops the crawl early.
    pub fn cancel_on_error(self, cancel: &Arc<Cancel>) -> Preload {
        let Preload::Loading(loading) = self else {
            return self;
        };
        let cancel = Arc::clone(cancel);
        Preload::Loading(tokio::spawn(async move {
            let loaded = joined(loading.await);
            if loaded.is_err() {
                cancel.cancel();
            }
            loaded
        }))
    }

    /// The knowledge base, once loaded; warnings of `--cookie-db` files go to `warn`.
    pub async fn get(
        &mut self,
        warn: &mut dyn FnMut(&str),
    ) -> Result<&KnowledgeBase, KnowledgeError> {
        if let Preload::Loading(loading) = self {
            let (kb, warnings) = joined(loading.await)?;
            for w in &warnings {
                warn(w);
            }
            *self = Preload::Ready(Box::new(kb));
        }
        match self {
            Preload::Ready(kb) => Ok(kb),
            Preload::Loading(_) => unreachable!("a finished load was just stored"),
        }
    }
}

/// The built-in database plus each extra file (ours or an Open Cookie Database CSV).
pub fn load(extra: &[PathBuf]) -> Result<Loaded, KnowledgeError> {
    let mut kb = KnowledgeBase::builtin()?;
    let mut warnings = Vec::new();
    for path in extra {
        warnings.extend(kb.load_file(path)?.into_iter().map(|w| w.to_string()));
    }
    Ok((kb, warnings))
}

fn joined(
    r: Result<Result<Loaded, KnowledgeError>, tokio::task::JoinError>,
) -> Result<Loaded, KnowledgeError> {
    r.unwrap_or_else(|e| {
        Err(KnowledgeError::Load {
            message: format!("loading the knowledge base stopped: {e}"),
        })
    })
}
