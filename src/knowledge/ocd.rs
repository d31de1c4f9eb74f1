//! Import of the Open Cookie Database CSV (<https://github.com/jkwakman/Open-Cookie-Database>).

use std::sync::Arc;

use super::entry::{normalise_domain, Entry, PatternKind};
use super::lifetime::parse_lifetime_lenient;
use super::{Category, KnowledgeError, LoadWarning};

/// The header line of `open-cookie-database.csv`, exactly.
pub const OCD_HEADER: &str = "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match";
const COLUMNS: usize = 10;

/// Whether `text` starts like an Open Cookie Database export (BOM and blank lines allowed).
pub(crate) fn looks_like_ocd(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("ID,Platform,")
}

/// Maps the OCD's category words; "Security" is necessary and "Personalization" functional.
pub(crate) fn ocd_category(word: &str) -> Option<Category> {
    match word.trim().to_ascii_lowercase().as_str() {
        "security" => Some(Category::Necessary),
        "personalization" | "personalisation" => Some(Category::Functional),
        _ => Category::from_label(word),
    }
}

/// Parses the CSV. A wrong header is an error; bad rows are skipped with a warning.
pub(crate) fn parse_ocd(
    text: &str,
    origin: &str,
    layer: u32,
) -> Result<(Vec<Entry>, Vec<LoadWarning>), KnowledgeError> {
    let mut reader = checked_reader(text, origin)?;
    let source: Arc<str> = Arc::from(origin);
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    for result in reader.records() {
        let (line, row) = match result {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                (line, entry_from_row(&record, line, &source, layer))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                (line, Err(format!("unreadable CSV row ({e})")))
            }
        };
        match row {
            Ok(entry) => entries.push(entry),
            Err(message) => warnings.push(LoadWarning {
                file: origin.to_string(),
                line: usize::try_from(line).unwrap_or(usize::MAX),
                message: format!("row skipped: {message}"),
            }),
        }
    }
    Ok((entries, warnings))
}

/// A reader past the header, which must be the OCD's exactly (BOM allowed).
fn checked_reader<'t>(
    text: &'t str,
    origin: &str,
) -> Result<csv::Reader<&'t [u8]>, KnowledgeError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header_ok = reader
        .headers()
        .map(|h| h.iter().map(str::trim).eq(OCD_HEADER.split(',')))
        .unwrap_or(false);
    if !header_ok {
        return Err(KnowledgeError::CsvHeader {
            file: origin.to_string(),
            expected: OCD_HEADER.to_string(),
        });
    }
    Ok(reader)
}

/// One row as an entry, or why the row is skipped.
fn entry_from_row(
    record: &csv::StringRecord,
    line: u64,
    source: &Arc<str>,
    layer: u32,
) -> Result<Entry, String> {
    if record.len() != COLUMNS {
        return Err(format!(
            "expected {COLUMNS} columns, found {}",
            record.len()
        ));
    }
    let col = |i: usize| record.get(i).unwrap_or("").trim();
    let Some((name, mut kind)) = clean_name(col(3)) else {
        return Err("empty cookie name".into());
    };
    let Some(category) = ocd_category(col(2)) else {
        return Err(format!("unknown category '{}'", col(2)));
    };
    if col(9) == "1" && kind == PatternKind::Exact {
        kind = PatternKind::Prefix;
    }
    let vendor = [col(1), col(7)]
        .into_iter()
        .find(|v| !v.is_empty())
        .unwrap_or("Unknown vendor");
    let retention = col(6);
    let entry = Entry {
        name,
        kind,
        case_insensitive: false,
        domains: domain_hints(col(4)),
        vendor: vendor.to_string(),
        category,
        purpose: col(5).split_whitespace().collect::<Vec<_>>().join(" "),
        lifetime: (!retention.is_empty()).then(|| retention.to_string()),
        lifetime_secs: parse_lifetime_lenient(retention).and_then(|l| l.secs()),
        url: Some(col(8))
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .map(str::to_string),
        source: Arc::clone(source),
        file: Arc::clone(source),
        line: usize::try_from(line).unwrap_or(usize::MAX),
        layer,
    };
    if kind == PatternKind::Regex && regex::Regex::new(&entry.anchored_regex()).is_err() {
        return Err(format!(
            "cookie name '{}' cannot be turned into a pattern",
            col(3)
        ));
    }
    Ok(entry)
}

/// Cleans an OCD name: drops "[x4]" notes and stray control characters; a trailing `*` makes a
/// prefix; placeholders such as `<BannerID>` or `%INTEGER%` make a regex.
fn clean_name(raw: &str) -> Option<(String, PatternKind)> {
    let mut name: String = raw
        .chars()
        .filter(|c| !c.is_control() && *c != '\u{ad}')
        .collect();
    if let Some(i) = name.find(" [x") {
        if name.ends_with(']') {
            name.truncate(i);
        }
    }
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    if let Some(p) = name.strip_suffix('*') {
        if !p.is_empty() && !p.contains('*') {
            return Some((p.to_string(), PatternKind::Prefix));
        }
    }
    let placeholder = regex_placeholder();
    if placeholder.is_match(name) {
        let mut re = String::new();
        let mut last = 0;
        for m in placeholder.find_iter(name) {
            re.push_str(&regex::escape(&name[last..m.start()]));
            re.push_str(".+");
            last = m.end();
        }
        re.push_str(&regex::escape(&name[last..]));
        return Some((re, PatternKind::Regex));
    }
    Some((name.to_string(), PatternKind::Exact))
}

fn regex_placeholder() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"<[A-Za-z0-9_ -]+>|%[A-Za-z0-9_]+%|\*").expect("constant pattern")
    })
}

/// "google.com (3rd party)", ".bing.com (3rd party) or .microsoft.com (3rd party)" → hints.
/// No hints when any part is not a plain domain ("advertiser's website domain (1st party)"),
/// because then the cookie may be set on any site.
fn domain_hints(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split(" or ").flat_map(|p| p.split(',')) {
        let host = part.split('(').next().unwrap_or("").trim();
        if host.is_empty() {
            continue;
        }
        match normalise_domain(host) {
            Some(d) => out.push(d),
            None => return Vec::new(),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../fixtures/ocd/sample.csv");

    #[test]
    fn detects_the_header() {
        assert!(looks_like_ocd(SAMPLE));
        assert!(looks_like_ocd("\u{feff}\nID,Platform,Category"));
        assert!(!looks_like_ocd("[[cookie]]\n"));
        let e = parse_ocd("ID,Platform,Category\n1,a,b\n", "x.csv", 1).unwrap_err();
        assert!(e.to_string().starts_with("x.csv: "), "{e}");
    }

    #[test]
    fn imports_the_sample_with_quoted_commas_and_bad_rows() {
        let (e, w) = parse_ocd(SAMPLE, "sample.csv", 1).unwrap();
        let get = |n: &str| {
            e.iter()
                .find(|x| x.name == n)
                .unwrap_or_else(|| panic!("{n} missing"))
        };
        let ga = get("_ga");
        assert_eq!(
            (ga.kind, ga.category, ga.lifetime_secs),
            (
                PatternKind::Exact,
                Category::Analytics,
                Some(2 * 365 * 86_400)
            )
        );
        assert!(ga.domains.is_empty(), "first-party on any site: no hint");
        assert_eq!(get("_ga_").kind, PatternKind::Prefix);
        let demdex = get("demdex");
        assert_eq!(demdex.purpose, "Unique value with which Audience Manager can identify a user. Used, among others, for identification, segmentation, modeling and reporting purposes.");
        assert_eq!(demdex.category, Category::Marketing);
        let amp = get("AMP_TOKEN");
        assert!(
            amp.purpose.contains("non-AMP content. Reference:"),
            "newlines in quotes: {}",
            amp.purpose
        );
        assert_eq!(amp.line, 5);
        assert_eq!(
            get("__cf_bm").category,
            Category::Necessary,
            "Security → necessary"
        );
        assert_eq!(get("__cf_bm").lifetime_secs, Some(1800));
        assert_eq!(get("sessionid").domains, vec!["instagram.com".to_string()]);
        assert_eq!(
            get("lang_pref").category,
            Category::Functional,
            "Personalization → functional"
        );
        assert_eq!(get("CookieConsent").lifetime, Some("1 year".into()));
        assert_eq!(get("SSPR_").kind, PatternKind::Prefix);
        assert_eq!(get(r"SR.+").kind, PatternKind::Regex);
        assert_eq!(
            get("MUID").domains,
            vec!["bing.com".to_string(), "microsoft.com".to_string()]
        );
        assert_eq!(get("s_cc").lifetime_secs, None, "session");
        assert_eq!(get("s_cc").url, None, "#N/A is not a URL");
        let lines: Vec<(usize, &str)> = w.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(w.len(), 3, "{lines:?}");
        assert!(
            w[0].message.contains("columns") && w[0].line == 16,
            "{lines:?}"
        );
        assert!(
            w[1].message.contains("empty cookie name") && w[1].line == 17,
            "{lines:?}"
        );
        assert!(
            w[2].message.contains("unknown category 'Tasty'") && w[2].line == 18,
            "{lines:?}"
        );
        assert!(w.iter().all(|w| w.file == "sample.csv"));
    }

    #[test]
    fn name_cleaning() {
        assert_eq!(
            clean_name("CookieConsent [x4]"),
            Some(("CookieConsent".into(), PatternKind::Exact))
        );
        assert_eq!(
            clean_name("ce_need_secure_cookie\t"),
            Some(("ce_need_secure_cookie".into(), PatternKind::Exact))
        );
        assert_eq!(
            clean_name("UID_EXT_*"),
            Some(("UID_EXT_".into(), PatternKind::Prefix))
        );
        assert_eq!(
            clean_name("pagead/conv/%INTEGER%"),
            Some(("pagead/conv/.+".into(), PatternKind::Regex))
        );
        assert_eq!(
            clean_name("a.b<ID>"),
            Some((r"a\.b.+".into(), PatternKind::Regex))
        );
        assert_eq!(clean_name("  "), None);
    }
}
