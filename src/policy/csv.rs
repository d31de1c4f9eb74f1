//! CSV declaration files: one cookie per row, columns found by their header in any order
//! and language; `,`, `;` (French spreadsheets) or tab separated.

use crate::knowledge::Category;
use crate::policy::declared::{classify_name, DeclMatch, DeclaredCookie, SourceRef};
use crate::policy::headers::{header_role, normalise_header, Role};
use crate::policy::PolicyError;

/// Reads declared cookies; returns them with warnings about rows that were skipped or
/// only partly understood, each naming its line.
pub fn read_declarations_csv(
    text: &str,
    origin: &str,
) -> Result<(Vec<DeclaredCookie>, Vec<String>), PolicyError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut warnings = Vec::new();
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let Some(header) = first_row(&mut records, origin)? else {
        warnings.push(format!("{origin}: no rows"));
        return Ok((Vec::new(), warnings));
    };
    let cols =
        Columns::of(&header, origin, &mut warnings).ok_or_else(|| PolicyError::NoNameColumn {
            origin: origin.to_string(),
        })?;
    let mut out = Vec::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                warnings.push(format!("{origin}:{line}: row skipped: {e}"));
                continue;
            }
        };
        if rec.iter().all(str::is_empty) {
            continue;
        }
        if let Some(c) = declared_from_row(&rec, &cols, origin, &mut warnings) {
            out.push(c);
        }
    }
    Ok((out, warnings))
}

/// The header: the first row that is not blank, or `None` when there is none.
fn first_row<R: std::io::Read>(
    records: &mut ::csv::StringRecordsIter<'_, R>,
    origin: &str,
) -> Result<Option<::csv::StringRecord>, PolicyError> {
    for rec in records {
        match rec {
            Err(e) => {
                return Err(PolicyError::Csv {
                    origin: origin.to_string(),
                    detail: e.to_string(),
                })
            }
            Ok(r) if r.iter().all(str::is_empty) => continue,
            Ok(r) => return Ok(Some(r)),
        }
    }
    Ok(None)
}

/// One row as a declared cookie, or `None` with a warning saying why the row is skipped.
fn declared_from_row(
    rec: &::csv::StringRecord,
    cols: &Columns,
    origin: &str,
    warnings: &mut Vec<String>,
) -> Option<DeclaredCookie> {
    let line = rec.position().map_or(0, |p| p.line() as usize);
    if rec.len() > cols.width {
        warnings.push(format!(
            "{origin}:{line}: row skipped: {} fields where the header has {} (a comma inside an unquoted value?)",
            rec.len(),
            cols.width
        ));
        return None;
    }
    let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).filter(|s| !s.is_empty());
    let Some(written) = get(Some(cols.name)) else {
        warnings.push(format!("{origin}:{line}: row skipped: no cookie name"));
        return None;
    };
    if written.contains(char::is_whitespace) {
        warnings.push(format!("{origin}:{line}: row skipped: cookie name '{written}' contains spaces; put one cookie per row"));
        return None;
    }
    let (name, kind) = match get(cols.matching).map(str::to_lowercase).as_deref() {
        None => classify_name(written),
        Some(word) => match explicit_match(written, word) {
            Some(declared) => declared,
            None => {
                warnings.push(format!("{origin}:{line}: match '{word}' is not exact, prefix or pattern; read from the name instead"));
                classify_name(written)
            }
        },
    };
    let mut c = DeclaredCookie::new(name, kind);
    if let Some(label) = get(cols.category) {
        c.category = Category::from_label(label);
        if c.category.is_none() {
            warnings.push(format!("{origin}:{line}: category '{label}' is not a known category word; left unclassified"));
        }
        c.category_label = Some(get(cols.label).unwrap_or(label).to_string());
    }
    c.provider = get(cols.provider).map(str::to_string);
    for &d in &cols.domains {
        add_hosts(&mut c.domains, get(Some(d)).unwrap_or(""));
    }
    let purposes: Vec<&str> = cols.purposes.iter().filter_map(|&i| get(Some(i))).collect();
    c.purpose = (!purposes.is_empty()).then(|| purposes.join("; "));
    c.lifetime = get(cols.lifetime).map(str::to_string);
    c.source = Some(SourceRef {
        file: origin.to_string(),
        line,
    });
    Some(c)
}

/// The name and match kind a "match" column asks for, when it is a word we know.
fn explicit_match(written: &str, word: &str) -> Option<(String, DeclMatch)> {
    match word {
        "exact" => Some((written.to_string(), DeclMatch::Exact)),
        "prefix" => Some((written.trim_end_matches('*').to_string(), DeclMatch::Prefix)),
        "pattern" | "glob" => Some((written.to_string(), DeclMatch::Pattern)),
        "regex" => Some((written.to_string(), DeclMatch::Regex)),
        _ => None,
    }
}

/// Adds the hosts of a domain cell (hosts or URLs, separated by spaces, commas, semicolons or
/// lines), lowercased and each once.
fn add_hosts(domains: &mut Vec<String>, cell: &str) {
    for host in cell.split([' ', ',', ';', '\n']).filter(|h| !h.is_empty()) {
        let host = host
            .split_once("://")
            .map_or(host, |(_, h)| h)
            .split('/')
            .next()
            .unwrap_or("")
            .to_lowercase();
        if !host.is_empty() && !domains.contains(&host) {
            domains.push(host);
        }
    }
}

struct Columns {
    /// Fields in the header; a longer row has lost its alignment with it.
    width: usize,
    name: usize,
    matching: Option<usize>,
    category: Option<usize>,
    label: Option<usize>,
    provider: Option<usize>,
    domains: Vec<usize>,
    purposes: Vec<usize>,
    lifetime: Option<usize>,
}

impl Columns {
    fn of(
        header: &::csv::StringRecord,
        origin: &str,
        warnings: &mut Vec<String>,
    ) -> Option<Columns> {
        let mut c = Columns {
            width: header.len(),
            name: usize::MAX,
            matching: None,
            category: None,
            label: None,
            provider: None,
            domains: vec![],
            purposes: vec![],
            lifetime: None,
        };
        for (i, h) in header.iter().enumerate() {
            let norm = normalise_header(h);
            // Columns `to_csv` writes that are not plain roles.
            if matches!(norm.as_str(), "category label" | "label") {
                c.label.get_or_insert(i);
                continue;
            }
            if norm == "source" {
                continue;
            }
            let slot = match header_role(h) {
                Some(Role::Name) if c.name == usize::MAX => {
                    c.name = i;
                    continue;
                }
                Some(Role::Match) => &mut c.matching,
                Some(Role::Category) => &mut c.category,
                Some(Role::Provider) => &mut c.provider,
                Some(Role::Lifetime) => &mut c.lifetime,
                Some(Role::Domain) => {
                    c.domains.push(i);
                    continue;
                }
                Some(Role::Purpose) => {
                    c.purposes.push(i);
                    continue;
                }
                Some(Role::Name) | None => {
                    warnings.push(format!("{origin}:1: column '{h}' is not used"));
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(i);
            } else {
                warnings.push(format!(
                    "{origin}:1: column '{h}' repeats an earlier one and is not used"
                ));
            }
        }
        (c.name != usize::MAX).then_some(c)
    }
}

/// The separator used most on the header line, outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if b == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(d, n)| (*n, *d == b','))
        .map_or(b',', |(d, _)| *d)
}
