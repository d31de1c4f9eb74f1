//! The declared policy a scan is compared with: the config file's own declarations plus those
//! read from policy documents (files or URLs).

use url::Url;

use super::{load_declarations, read_policy_file, DeclaredCookie, Ignore, PolicyError};
use crate::crawl::CrawlConfig;
use crate::knowledge::KnowledgeBase;

/// The declared policy a scan is compared with (empty: only the rules that need no policy run).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub declared: Vec<DeclaredCookie>,
    pub ignores: Vec<Ignore>,
    /// Where the declarations came from (config file, policy documents).
    pub sources: Vec<String>,
}

impl Policy {
    pub fn is_empty(&self) -> bool {
        self.declared.is_empty() && self.ignores.is_empty()
    }

    /// These declarations plus those read from each `sources` entry (a path or an http(s) URL,
    /// fetched with `fetch`'s settings). Returns notes too: warnings and name repairs.
    pub async fn with_documents(
        mut self,
        sources: &[String],
        fetch: &CrawlConfig,
        kb: &KnowledgeBase,
    ) -> Result<(Policy, Vec<String>), PolicyError> {
        let mut notes = Vec::new();
        for src in sources {
            let (bytes, content_type) = read_source(src, fetch).await?;
            let loaded = load_declarations(&bytes, src, content_type.as_deref(), kb)?;
            if loaded.cookies.is_empty() {
                notes.push(format!("{src}: no cookie declarations found"));
            }
            notes.extend(loaded.warnings);
            notes.extend(loaded.repairs);
            self.declared.extend(loaded.cookies);
            self.sources.push(src.clone());
        }
        Ok((self, notes))
    }
}

/// The bytes of a policy document, and its content type when it came over HTTP.
async fn read_source(
    src: &str,
    fetch: &CrawlConfig,
) -> Result<(Vec<u8>, Option<String>), PolicyError> {
    if src.starts_with("http://") || src.starts_with("https://") {
        let url = Url::parse(src)
            .map_err(|_| PolicyError::Setting(format!("'{src}' is not a valid URL")))?;
        return Ok(crate::crawl::fetch_document(fetch, &url).await?);
    }
    Ok((read_policy_file(src, "--policy")?, None))
}
