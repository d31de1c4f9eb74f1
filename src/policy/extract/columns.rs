//! What each column of a cookie table holds. Headers help, but the cells decide: the
//! Outscale table heads its cookie names "Description" and its titles "Name".

use super::labels::{category_of_cell, is_lifetime};
use super::names::{name_score, strong_shape};
use super::repair::join_hosts;
use crate::policy::headers::{header_role, header_role_exact, Role};
use crate::policy::oracle::NameOracle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Category,
    Provider,
    Domain,
    Purpose,
    Lifetime,
    /// A short title ("Site language", "Zendesk"): the provider when it reads like one,
    /// else the start of the purpose.
    Label,
    Ignore,
}

/// Rows looked at to decide the roles; enough for any real table, and bounds the work.
pub const SAMPLE_ROWS: usize = 200;
const MIN_NAME_SCORE: f32 = 0.35;

/// Whether a row is a header: mostly known header words in short cells, and nothing
/// shaped like a cookie name (`cookies_preferences` would read as "cookies preferences").
pub fn is_header_row(cells: &[String], oracle: &dyn NameOracle) -> bool {
    let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
    if filled.len() < 2 || filled.iter().any(|c| c.split_whitespace().count() > 6) {
        return false;
    }
    // "Session or persistent" names no cookie even where the database knows `session`.
    let named = filled.iter().any(|c| {
        c.split_whitespace().any(|t| {
            header_role_exact(t).is_none()
                && !is_lifetime(t)
                && !HEADER_WORDS.contains(&t.to_lowercase().as_str())
                && (oracle.is_known(t) || strong_shape(t))
        })
    });
    let mapped = filled
        .iter()
        .filter(|c| c.split_whitespace().count() <= 4 && header_role(c).is_some())
        .count();
    mapped * 2 >= filled.len() && !named
}

/// Words of table headers that are also cookie names somewhere (`session`), never a
/// reason to doubt that a row is a header.
const HEADER_WORDS: &[&str] = &[
    "session",
    "persistent",
    "or",
    "first",
    "third",
    "party",
    "usage",
    "expiry",
    "expiration",
];

/// The role of every column and why the name column was taken, or `None` when no column
/// holds cookie names.
pub fn assign(
    header: Option<&[String]>,
    body: &[&[String]],
    oracle: &dyn NameOracle,
) -> Option<(Vec<Col>, String)> {
    let ncols = body
        .iter()
        .map(|r| r.len())
        .chain(header.map(<[String]>::len))
        .max()?;
    let hroles: Vec<Option<Role>> = (0..ncols)
        .map(|c| header.and_then(|h| h.get(c)).and_then(|h| header_role(h)))
        .collect();
    let stats: Vec<Stats> = (0..ncols).map(|c| Stats::of(body, c, oracle)).collect();
    let scored = name_candidates(&hroles, &stats);
    let &(name_col, _) = scored.first()?;
    let why = why_names(header, &hroles, &scored);
    let cat_col = category_column(name_col, &hroles, &stats);
    let mut have_provider = false;
    let roles = (0..ncols)
        .map(|c| {
            if c == name_col {
                Col::Name
            } else if Some(c) == cat_col {
                Col::Category
            } else {
                other_role(hroles[c], &stats[c], &mut have_provider)
            }
        })
        .collect();
    Some((roles, why))
}

/// Columns that may hold the names with their scores, best first.
fn name_candidates(hroles: &[Option<Role>], stats: &[Stats]) -> Vec<(usize, f32)> {
    // A column of lifetimes ("Session", "Persistent (2 years)") is never the name column,
    // whatever the database knows of those words.
    let mut scored: Vec<(usize, f32)> = (0..stats.len())
        .filter(|&c| stats[c].filled > 0 && stats[c].lifetime < 0.5)
        .map(|c| {
            let bonus = match hroles[c] {
                Some(Role::Name) => 0.2,
                Some(_) => -0.1,
                None => 0.0,
            };
            (c, stats[c].name + bonus)
        })
        .filter(|&(_, s)| s >= MIN_NAME_SCORE)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
}

/// Why the best of `scored` (not empty) holds the names, for `--explain`.
fn why_names(
    header: Option<&[String]>,
    hroles: &[Option<Role>],
    scored: &[(usize, f32)],
) -> String {
    let (name_col, score) = scored[0];
    let header_word = header
        .and_then(|h| h.get(name_col))
        .filter(|h| !h.is_empty());
    format!(
        "column {} ({}) holds the names: {} (score {:.2}{})",
        name_col + 1,
        header_word.map_or("no header".to_string(), |h| format!("header '{h}'")),
        if hroles[name_col] == Some(Role::Name) {
            "its header says so and its cells read as cookie names"
        } else {
            "its cells read as cookie names"
        },
        score,
        scored.get(1).map_or(String::new(), |(c, s)| format!(
            "; next best column {} at {s:.2}",
            c + 1
        ))
    )
}

fn category_column(name_col: usize, hroles: &[Option<Role>], stats: &[Stats]) -> Option<usize> {
    (0..stats.len())
        .filter(|&c| c != name_col)
        .filter(|&c| {
            let s = &stats[c];
            (hroles[c] == Some(Role::Category) && (s.category >= 0.3 || s.filled == 0))
                || (s.category >= 0.6 && s.words <= 6.0)
        })
        .max_by(|&a, &b| {
            stats[a]
                .category
                .total_cmp(&stats[b].category)
                .then(b.cmp(&a))
        })
}

/// The role of a column that holds neither the names nor the category; only the first
/// column headed as a provider is the provider.
fn other_role(h: Option<Role>, s: &Stats, have_provider: &mut bool) -> Col {
    if h == Some(Role::Match) {
        Col::Ignore
    } else if (h == Some(Role::Domain) && s.domain >= 0.2) || s.domain >= 0.5 {
        Col::Domain
    } else if h == Some(Role::Lifetime)
        || s.lifetime >= 0.6
        || (h == Some(Role::Category) && s.lifetime >= 0.5)
    {
        Col::Lifetime
    } else if h == Some(Role::Category) {
        // "Type" holding "HTTP" or "First party": not a category we can use.
        Col::Ignore
    } else if h == Some(Role::Provider) && !*have_provider {
        *have_provider = true;
        Col::Provider
    } else if h == Some(Role::Purpose) || h == Some(Role::Provider) || s.words >= 5.0 {
        Col::Purpose
    } else {
        Col::Label
    }
}

/// Column statistics over the sampled rows; each is a fraction or mean over filled cells.
struct Stats {
    filled: usize,
    name: f32,
    category: f32,
    domain: f32,
    lifetime: f32,
    words: f32,
}

impl Stats {
    fn of(body: &[&[String]], c: usize, oracle: &dyn NameOracle) -> Stats {
        let cells: Vec<&str> = body
            .iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        let n = cells.len().max(1) as f32;
        let frac = |f: &dyn Fn(&str) -> bool| cells.iter().filter(|s| f(s)).count() as f32 / n;
        Stats {
            filled: cells.len(),
            name: cells.iter().map(|s| name_score(s, oracle)).sum::<f32>() / n,
            category: frac(&|s| category_of_cell(s).is_some()),
            domain: frac(&|s| s.split_whitespace().count() <= 12 && !join_hosts(s).0.is_empty()),
            lifetime: frac(&is_lifetime),
            words: cells
                .iter()
                .map(|s| s.split_whitespace().count() as f32)
                .sum::<f32>()
                / n,
        }
    }
}
