//! Declarations from a file or page given with `--policy` / `[scan] policy`: a CSV or TOML
//! declaration file, or a published policy document to extract from.

use super::{
    extract_bytes, read_declarations_csv, read_declarations_toml, DeclaredCookie, DocKind,
    Extraction, NameOracle, PolicyError,
};

/// What a policy source held.
#[derive(Debug, Default)]
pub struct Loaded {
    pub cookies: Vec<DeclaredCookie>,
    pub warnings: Vec<String>,
    /// Name repairs made by the extractor ("django_langua ge" → "django_language").
    pub repairs: Vec<String>,
}

/// Reads declarations from `bytes` named `origin` (a path or URL), choosing by extension and
/// content type: `.csv` and `.toml` are declaration files, everything else a policy document.
pub fn load_declarations(
    bytes: &[u8],
    origin: &str,
    content_type: Option<&str>,
    oracle: &dyn NameOracle,
) -> Result<Loaded, PolicyError> {
    let lower = origin.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or("");
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if path.ends_with(".csv") || ct.contains("text/csv") {
        let text = super::decode_text(bytes, origin)?;
        let (cookies, warnings) = read_declarations_csv(&text, origin)?;
        return Ok(Loaded {
            cookies,
            warnings,
            repairs: Vec::new(),
        });
    }
    if path.ends_with(".toml") {
        let text = super::decode_text(bytes, origin)?;
        let (cookies, warnings) = read_declarations_toml(&text, origin)?;
        return Ok(Loaded {
            cookies,
            warnings,
            repairs: Vec::new(),
        });
    }
    let kind = document_kind(origin, content_type);
    let Extraction {
        cookies,
        repairs,
        warnings,
        ..
    } = extract_bytes(bytes, kind, origin, oracle)?;
    let repairs = repairs
        .into_iter()
        .map(|r| {
            format!(
                "{origin}:{}: read '{}' as '{}' ({})",
                r.line, r.original, r.repaired, r.how
            )
        })
        .collect();
    Ok(Loaded {
        cookies,
        warnings,
        repairs,
    })
}

/// How a policy document named `origin` is read: HTML, Markdown, or guessed from its text.
pub fn document_kind(origin: &str, content_type: Option<&str>) -> DocKind {
    let lower = origin.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or("");
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("html") || path.ends_with(".html") || path.ends_with(".htm") {
        DocKind::Html
    } else if path.ends_with(".md") || ct.contains("markdown") {
        DocKind::Markdown
    } else {
        DocKind::Auto
    }
}

/// Reads a policy or config file (`flag` names where its path came from, for the error), at most [`super::MAX_INPUT_BYTES`] and one byte more: `/dev/zero` or a
/// multi-gigabyte dump must stop at the limit instead of filling memory before the size check.
pub fn read_policy_file(path: &str, flag: &str) -> Result<Vec<u8>, PolicyError> {
    use std::io::Read;
    let io = |e: std::io::Error| PolicyError::Io {
        origin: path.to_string(),
        detail: format!("{e}; check the path given with {flag}"),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(super::MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > super::MAX_INPUT_BYTES {
        return Err(PolicyError::TooLarge {
            origin: path.to_string(),
            limit_mb: super::MAX_INPUT_BYTES >> 20,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_policy_file_stops_at_the_limit() {
        let started = std::time::Instant::now();
        let err = read_policy_file("/dev/zero", "--policy").unwrap_err();
        assert!(
            matches!(err, PolicyError::TooLarge { limit_mb: 32, .. }),
            "{err}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
