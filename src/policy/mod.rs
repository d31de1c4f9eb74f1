//! The site's declared cookies: read from its published cookie policy (HTML, Markdown or
//! text extracted from a PDF) or from a CSV/TOML declaration file, and written back as
//! TOML or CSV.

mod csv;
mod declared;
mod extract;
mod headers;
mod init;
mod load;
mod oracle;
mod output;
mod source;

pub use self::csv::read_declarations_csv;
pub use declared::{classify_name, DeclMatch, DeclaredCookie, Ignore, SourceRef};
pub use extract::{extract, DocKind, Explanation, Extraction, Layout, Repair};
pub use headers::{header_role, Role};
pub use init::{from_observed as init_from_observed, starter as init_starter};
pub use load::Policy;
pub use oracle::{ListOracle, NameOracle, NoOracle};
pub use output::{explain_text, read_declarations_toml, to_csv, to_toml, Entry, OneOrMany};
pub use source::{document_kind, load_declarations, read_policy_file, Loaded};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum PolicyError {
    #[error("{origin} is {what}, not a text cookie policy: give its text as HTML, Markdown or plain text (for a PDF, run `pdftotext -layout` first)")]
    NotText { origin: String, what: String },
    #[error("{origin} is larger than {limit_mb} MB, far more than any cookie policy: pass the page or file that holds the policy itself")]
    TooLarge { origin: String, limit_mb: usize },
    #[error("{origin} has no cookie name column: add a header row with a column called name, cookie or nom")]
    NoNameColumn { origin: String },
    #[error("{origin} could not be read as CSV ({detail}): check the quoting near that line")]
    Csv { origin: String, detail: String },
    #[error("{origin} is not a valid declaration file ({detail}): each cookie is a [[cookie]] table with name, prefix or pattern")]
    Toml { origin: String, detail: String },
    #[error("{0}")]
    Setting(String),
    #[error("could not read {origin}: {detail}")]
    Io { origin: String, detail: String },
    /// A policy given as a URL could not be fetched.
    #[error(transparent)]
    Fetch(#[from] crate::crawl::CrawlError),
    #[error("pattern '{pattern}' is not a valid regular expression ({reason}): fix it or use name/prefix")]
    BadPattern { pattern: String, reason: String },
}

impl PolicyError {
    pub fn exit_code(&self) -> crate::exit_codes::ExitCode {
        match self {
            PolicyError::Fetch(c) => c.exit_code(),
            _ => crate::exit_codes::ExitCode::Usage,
        }
    }
}

/// Largest input read; a real policy is well under 1 MB.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// `extract` for bytes as read from a file: refuses binary input (images, PDFs, archives)
/// with a clear error, decodes UTF-8 (with or without BOM), UTF-16 with a BOM, and falls
/// back to Windows-1252, the usual encoding of old French and German pages.
pub fn extract_bytes(
    bytes: &[u8],
    kind: DocKind,
    origin: &str,
    oracle: &dyn NameOracle,
) -> Result<Extraction, PolicyError> {
    let text = decode_text(bytes, origin)?;
    let mut ex = extract(&text, kind, origin, oracle);
    if text.trim().is_empty() {
        ex.warnings = vec![format!("{origin}: the file is empty")];
    }
    Ok(ex)
}

/// Text of a file meant to be text, or why it is not.
pub fn decode_text(bytes: &[u8], origin: &str) -> Result<String, PolicyError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(PolicyError::TooLarge {
            origin: origin.to_string(),
            limit_mb: MAX_INPUT_BYTES >> 20,
        });
    }
    let not_text = |what: &str| PolicyError::NotText {
        origin: origin.to_string(),
        what: what.to_string(),
    };
    let magic: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF file"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
        (b"RIFF", "a RIFF media file"),
        (b"\x7fELF", "an executable"),
    ];
    if let Some((_, what)) = magic.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Err(not_text(what));
    }
    if let Some(rest) = bytes
        .strip_prefix(b"\xff\xfe")
        .or_else(|| bytes.strip_prefix(b"\xfe\xff"))
    {
        let le = bytes[0] == 0xff;
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        return String::from_utf16(&units).map_err(|_| not_text("invalid UTF-16"));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    if sample.contains(&0) || controls * 100 > sample.len().max(1) {
        return Err(not_text("binary data"));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Ok(bytes.iter().map(|&b| cp1252(b)).collect()),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}
