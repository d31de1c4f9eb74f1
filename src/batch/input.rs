//! The list of sites a batch scans: one URL or bare domain per line, or a CSV with a `url`
//! column and optional per-row `policy` and `config` columns.
//!
//! Every bad line is reported with its number before any scan starts, so a typo on line 9,000
//! does not surface hours into a run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::parse_start_url;

/// One site to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The site's key everywhere (store, shards, merge): its start URL, normalised by `url`.
    pub site: String,
    /// Line in the list (1-based); orders the store and the summary like the list.
    pub line: usize,
    /// A policy document for this site only (path or URL), from the CSV `policy` column.
    pub policy: Option<String>,
    /// A cookiescan.toml for this site only, from the CSV `config` column.
    pub config: Option<String>,
}

/// A line of the list that cannot be scanned, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub reason: String,
}

/// The sites of a list, and its lines that could not be read.
#[derive(Debug, Default)]
pub struct SiteList {
    pub targets: Vec<Target>,
    pub bad: Vec<BadLine>,
    /// Lines naming a site an earlier line already named (skipped, not an error).
    pub duplicates: Vec<BadLine>,
}

const CSV_COLUMNS: [&str; 3] = ["url", "policy", "config"];

/// Reads a list file; relative `policy`/`config` paths are taken from the list's folder.
pub fn read_list(path: &Path) -> std::io::Result<SiteList> {
    let text = std::fs::read_to_string(path)?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        || first_line_is_csv_header(&text);
    Ok(if csv {
        parse_csv(&text, &base)
    } else {
        parse_lines(&text)
    })
}

fn first_line_is_csv_header(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.split(',').any(|c| c.trim().eq_ignore_ascii_case("url")))
}

/// One URL or bare domain per line; `#` starts a comment (at the start or after a space, so a
/// URL's `#fragment` survives).
pub fn parse_lines(text: &str) -> SiteList {
    let mut list = Builder::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let entry = strip_comment(raw).trim();
        if entry.is_empty() {
            continue;
        }
        if entry.split_whitespace().nth(1).is_some() {
            list.bad(
                line,
                format!("'{entry}' has more than one word: give one URL or domain per line"),
            );
            continue;
        }
        list.add(line, entry, None, None);
    }
    list.finish()
}

fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(at) => &line[..at],
        None => line,
    }
}

/// A CSV with a header row naming `url` and optionally `policy` and `config`. Rows are read
/// one line at a time (the csv crate leaves comment and blank lines out of its line numbers,
/// and the numbers reported must be the file's); a site list needs no multi-line cells.
pub fn parse_csv(text: &str, base: &Path) -> SiteList {
    let mut list = Builder::default();
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let Some((header_line, header)) = lines.next() else {
        return list.finish();
    };
    let header: Vec<String> = match cells(header) {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => {
            list.bad(header_line, format!("the CSV header cannot be read ({e})"));
            return list.finish();
        }
    };
    let column = |name: &str| header.iter().position(|c| c == name);
    if let Some(unknown) = header.iter().find(|c| !CSV_COLUMNS.contains(&c.as_str())) {
        list.bad(
            header_line,
            format!("unknown column '{unknown}': the columns are url, policy and config"),
        );
        return list.finish();
    }
    let Some(url_col) = column("url") else {
        list.bad(header_line, "the header has no 'url' column".to_string());
        return list.finish();
    };
    let (policy_col, config_col) = (column("policy"), column("config"));
    for (line, raw) in lines {
        let record = match cells(raw) {
            Ok(r) => r,
            Err(e) => {
                list.bad(line, format!("this CSV row cannot be read ({e})"));
                continue;
            }
        };
        let cell = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .filter(|v| !v.is_empty())
                .cloned()
        };
        let Some(url) = cell(Some(url_col)) else {
            list.bad(line, "the url cell is empty".to_string());
            continue;
        };
        let policy = cell(policy_col).map(|p| resolve_path(base, &p));
        let config = cell(config_col).map(|c| resolve_path(base, &c));
        if let Some(c) = &config {
            if !Path::new(c).is_file() {
                list.bad(line, format!("the config file '{c}' does not exist"));
                continue;
            }
        }
        list.add(line, &url, policy, config);
    }
    list.finish()
}

fn cells(line: &str) -> Result<Vec<String>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes());
    match reader.records().next() {
        Some(r) => Ok(r?.iter().map(str::to_string).collect()),
        None => Ok(Vec::new()),
    }
}

/// Paths in the list are relative to the list, URLs are kept as they are.
fn resolve_path(base: &Path, value: &str) -> String {
    if value.starts_with("http://") || value.starts_with("https://") {
        return value.to_string();
    }
    let p = PathBuf::from(value);
    if p.is_absolute() {
        value.to_string()
    } else {
        base.join(p).display().to_string()
    }
}

#[derive(Default)]
struct Builder {
    list: SiteList,
    seen: HashMap<String, usize>,
}

impl Builder {
    fn bad(&mut self, line: usize, reason: String) {
        self.list.bad.push(BadLine { line, reason });
    }

    fn add(&mut self, line: usize, entry: &str, policy: Option<String>, config: Option<String>) {
        let url = match parse_start_url(entry) {
            Ok(u) => u,
            Err(reason) => return self.bad(line, reason),
        };
        let site = url.to_string();
        if let Some(first) = self.seen.get(&site) {
            let reason = format!("{site} is already on line {first}");
            self.list.duplicates.push(BadLine { line, reason });
            return;
        }
        self.seen.insert(site.clone(), line);
        self.list.targets.push(Target {
            site,
            line,
            policy,
            config,
        });
    }

    fn finish(self) -> SiteList {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_and_bad_entries_are_numbered() {
        let list = parse_lines(
            "# sites\nexample.org\n\nhttps://www.example.com/shop # main shop\nnot a domain\nftp://x.org/\nexample.org\nhttp://a.test:8080/#top\n",
        );
        let sites: Vec<_> = list
            .targets
            .iter()
            .map(|t| (t.line, t.site.as_str()))
            .collect();
        assert_eq!(
            sites,
            [
                (2, "https://example.org/"),
                (4, "https://www.example.com/shop"),
                (8, "http://a.test:8080/#top")
            ]
        );
        let bad: Vec<_> = list.bad.iter().map(|b| b.line).collect();
        assert_eq!(bad, [5, 6]);
        assert!(list.bad[1].reason.contains("not an http(s) URL"));
        assert_eq!(list.duplicates[0].line, 7);
    }

    #[test]
    fn csv_rows_carry_their_policy_and_config() {
        let list = parse_csv(
            "url,policy\n# comment\nexample.org,docs/policy.html\n,x\nhttps://b.org/,https://b.org/cookies\n",
            Path::new("lists"),
        );
        assert_eq!(list.targets.len(), 2);
        assert_eq!(list.targets[0].line, 3);
        assert_eq!(
            list.targets[0].policy.as_deref(),
            Some(
                Path::new("lists")
                    .join("docs/policy.html")
                    .to_str()
                    .unwrap_or_default()
            )
        );
        assert_eq!(
            list.targets[1].policy.as_deref(),
            Some("https://b.org/cookies")
        );
        assert_eq!(
            list.bad,
            [BadLine {
                line: 4,
                reason: "the url cell is empty".into()
            }]
        );
        let unknown = parse_csv("url,colour\nexample.org,red\n", Path::new("."));
        assert_eq!(unknown.bad[0].line, 1);
        assert!(unknown.targets.is_empty());
    }
}
