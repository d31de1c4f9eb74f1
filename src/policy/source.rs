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
    let kind = if ct.contains("html") || path.ends_with(".html") || path.ends_with(".htm") {
        DocKind::Html
    } else if path.ends_with(".md") || ct.contains("markdown") {
        DocKind::Markdown
    } else {
        DocKind::Auto
    };
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
