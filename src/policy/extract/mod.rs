//! Declared cookies out of a published policy: HTML, Markdown or text from a PDF.
//!
//! Every format becomes a list of blocks (headings, paragraphs, tables); tables go
//! through one column-role reader whatever their syntax, paragraphs through the prose
//! reader. Headings above give rows and sentences their category.

mod columns;
mod html;
mod html_table;
mod labels;
mod layout;
mod lists;
mod markdown;
mod names;
mod paragraphs;
mod pipes;
mod prose;
mod repair;
mod rows;
mod sentence;
mod shape;
mod sink;
mod spaced;
mod table;
mod text;
mod words;

use serde::{Deserialize, Serialize};

use crate::knowledge::Category;
use crate::policy::declared::DeclaredCookie;
use crate::policy::oracle::NameOracle;

pub(crate) use sink::Sink;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Html,
    Markdown,
    Text,
    /// HTML when the text is mostly markup, otherwise Markdown/text (read alike).
    Auto,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub cookies: Vec<DeclaredCookie>,
    /// How each cookie was read, one per cookie, in the same order.
    pub explain: Vec<Explanation>,
    pub repairs: Vec<Repair>,
    pub warnings: Vec<String>,
}

/// Why a row is a cookie: the layout it came from, its line, and the reason (for a
/// table, why its name column is the name column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub layout: Layout,
    pub line: usize,
    pub why: String,
}

/// A declaration found while reading, before repeats are settled.
pub(crate) struct Declared {
    pub cookie: DeclaredCookie,
    pub origin: Origin,
    pub why: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A table row, a record, a list item: a declaration.
    Formal(Layout),
    /// A name in running text; `strong` when set in code formatting or quotes, `plain`
    /// when written as an ordinary word.
    Prose { strong: bool, plain: bool },
}

/// A name or host the extractor rewrote; `original` is the text as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repair {
    pub original: String,
    pub repaired: String,
    pub line: usize,
    pub how: String,
}

pub(crate) enum Block {
    /// Levels 1–6 are real heading levels; 7 is bold-only or a `<summary>`/caption-like
    /// line; 8 is a short line guessed to be a heading.
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    /// Consecutive lines of one paragraph, joined with '\n'.
    Para {
        text: String,
        line: usize,
    },
    Table(Grid),
}

pub(crate) struct Grid {
    pub rows: Vec<GridRow>,
    pub caption: Option<String>,
    pub layout: Layout,
}

/// How a declaration was written: what `--explain` names for each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// An HTML `<table>`.
    HtmlTable,
    /// A Markdown pipe table (header, separator, rows).
    PipeTable,
    /// Rows written with bars but without a separator line.
    PipeLines,
    /// Web-to-text tables with each cell on its own line, ending in `|`.
    OneCellPerLine,
    /// Cells separated by tabs.
    TabSeparated,
    /// Columns aligned with runs of spaces (`pdftotext -layout`).
    SpaceAligned,
    /// A header line of column words, then one row per line: the name, then the rest.
    SpaceSeparated,
    /// `Name: _ga` / `Provider: Google` fields, or a name line followed by fields.
    Record,
    /// A name alone on its line, its description below.
    DefinitionList,
    /// Names listed one per line or bullet, or after "Analytics cookies:".
    NameList,
    /// A name in running text, in code formatting or quotes, next to declarations.
    Prose,
}

impl Layout {
    /// Lists that give names and little else.
    fn is_bare(self) -> bool {
        matches!(self, Layout::NameList | Layout::DefinitionList)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layout::HtmlTable => "html table",
            Layout::PipeTable => "pipe table",
            Layout::PipeLines => "pipe lines without separator",
            Layout::OneCellPerLine => "one cell per line",
            Layout::TabSeparated => "tab-separated table",
            Layout::SpaceAligned => "space-aligned columns",
            Layout::SpaceSeparated => "space-separated rows",
            Layout::Record => "field record",
            Layout::DefinitionList => "definition list",
            Layout::NameList => "list of names",
            Layout::Prose => "running text",
        }
    }
}

pub(crate) struct GridRow {
    pub cells: Vec<String>,
    pub line: usize,
    pub kind: RowKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    Cells,
    /// A text-table line whose first cell is empty: either the wrapped rest of the row above
    /// or a new row without a first cell; decided once the name column is known.
    MayContinue,
    /// A heading met between rows (page breaks put them there); `cells[0]` is its text.
    Heading,
}

/// The category the nearest heading gives what follows it.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    pub category: Category,
    pub label: String,
    pub level: u8,
}

/// Reads the cookies a policy declares. Never fails: what cannot be read is skipped and,
/// where it matters, named in `warnings`.
pub fn extract(text: &str, kind: DocKind, origin: &str, oracle: &dyn NameOracle) -> Extraction {
    let mut sink = Sink::new(origin, oracle);
    let kind = match kind {
        DocKind::Auto if html::looks_like_html(text) => DocKind::Html,
        DocKind::Auto => DocKind::Text,
        k => k,
    };
    let (blocks, cut) = match kind {
        DocKind::Html => html::blocks(text, MAX_TEXT_BYTES),
        _ => {
            let (head, cut) = within_budget(text);
            (text::blocks(head), cut)
        }
    };
    if cut {
        sink.warnings.push(format!(
            "{origin}: only the first {} MB of text were read; a cookie policy is far smaller, so pass the policy page itself",
            MAX_TEXT_BYTES >> 20
        ));
    }
    let ctxs = contexts(&blocks);
    let mut found: Vec<Declared> = lists::list_declarations(&blocks, &ctxs, &mut sink);
    let mut prose = paragraphs::Paragraphs::default();
    for (block, ctx) in blocks.iter().zip(&ctxs) {
        match block {
            Block::Heading { text, line, .. } => {
                prose.flush(&mut found, &mut sink);
                prose.para(text, *line, ctx.as_ref(), &mut found, &mut sink);
                prose.flush(&mut found, &mut sink);
            }
            Block::Para { text, line } => {
                prose.para(text, *line, ctx.as_ref(), &mut found, &mut sink)
            }
            Block::Table(grid) => {
                prose.flush(&mut found, &mut sink);
                let (cookies, why) = rows::table_cookies(grid, ctx.as_ref(), &mut sink);
                if cookies.is_empty() {
                    // Not a cookie table (or not one we can read): its text may still
                    // name cookies.
                    for r in &grid.rows {
                        prose.para(
                            &r.cells.join("  "),
                            r.line,
                            ctx.as_ref(),
                            &mut found,
                            &mut sink,
                        );
                    }
                    prose.flush(&mut found, &mut sink);
                }
                found.extend(cookies.into_iter().map(|cookie| Declared {
                    cookie,
                    origin: Origin::Formal(grid.layout),
                    why: why.clone(),
                }));
            }
        }
    }
    prose.flush(&mut found, &mut sink);
    let declared = found.iter().any(|d| matches!(d.origin, Origin::Formal(_)));
    if !declared {
        sink.warnings
            .push(no_declaration_note(origin, &found, oracle));
        // Nothing is declared, so no name was read as anything.
        sink.repairs.clear();
        found.clear();
    }
    let (cookies, explain) = settle(found);
    Extraction {
        cookies,
        explain,
        repairs: sink.repairs,
        warnings: sink.warnings,
    }
}

/// A policy without a table or list declares nothing; the names its text mentions that
/// the database knows are a hint of what to declare.
fn no_declaration_note(origin: &str, found: &[Declared], oracle: &dyn NameOracle) -> String {
    let mut known: Vec<&str> = Vec::new();
    for d in found {
        let n = d.cookie.name.as_str();
        // "consent" or "gdpr" in a sentence is a word, whatever the database holds.
        let plain = matches!(d.origin, Origin::Prose { plain: true, .. });
        if !plain && oracle.is_known(n) && !known.contains(&n) {
            known.push(n);
        }
    }
    if known.is_empty() {
        format!("{origin}: no cookie table or list was found, so no cookie is declared")
    } else {
        format!(
            "{origin}: no cookie table or list was found, so no cookie is declared; the text mentions cookies the database knows: {}",
            known.join(", ")
        )
    }
}

/// Text read from one document. Real policies are well under 1 MB; the cap keeps a
/// pathological input (20 MB of dense tables) to seconds even in a debug build.
pub const MAX_TEXT_BYTES: usize = 2 << 20;

/// The document cut at the last line break within the budget, and whether it was cut.
fn within_budget(text: &str) -> (&str, bool) {
    if text.len() <= MAX_TEXT_BYTES {
        return (text, false);
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').unwrap_or(end);
    (&text[..end], true)
}

/// The heading context in force at each block (after the block, for a heading).
fn contexts(blocks: &[Block]) -> Vec<Option<Ctx>> {
    let mut ctx: Option<Ctx> = None;
    blocks
        .iter()
        .map(|b| {
            if let Block::Heading { level, text, .. } = b {
                update_ctx(&mut ctx, *level, text);
            }
            ctx.clone()
        })
        .collect()
}

/// A category heading starts a context; another heading of the same or a higher level
/// ends it. Small or guessed headings without category words ("Hotjar", a logo line) do
/// not end it unless they read like a section title.
fn update_ctx(ctx: &mut Option<Ctx>, level: u8, text: &str) {
    if let Some(category) = labels::category_in_heading(text) {
        // "2. Strictly necessary cookies" is labelled without its numbering.
        let label = names::clean_cell(text)
            .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | ')' | '#' | ' '))
            .trim_end_matches([' ', ':'])
            .to_string();
        *ctx = Some(Ctx {
            category,
            label,
            level,
        });
        return;
    }
    if let Some(c) = ctx {
        let words = text.split_whitespace().count();
        if level <= c.level && (level <= 6 || words >= 3) {
            *ctx = None;
        }
    }
}

/// Tables, records and lists are the declaration; a name in running text counts only when
/// written as code or quoted and no declaration names it. Repeats (same name, provider,
/// category, domains) are one row: a grouped list that names a cookie twice declares it once.
fn settle(found: Vec<Declared>) -> (Vec<DeclaredCookie>, Vec<Explanation>) {
    use std::collections::{HashMap, HashSet};
    let tabled: HashSet<String> = found
        .iter()
        .filter(|d| matches!(d.origin, Origin::Formal(_)))
        .map(|d| d.cookie.name.to_lowercase())
        .collect();
    // A name a table or record declares is not declared again by a bare list of names
    // (the name line that opens a record, a summary list above the table).
    let detailed: HashSet<String> = found
        .iter()
        .filter(|d| matches!(d.origin, Origin::Formal(l) if !l.is_bare()))
        .map(|d| d.cookie.name.to_lowercase())
        .collect();
    let mut out: Vec<DeclaredCookie> = Vec::new();
    let mut explain: Vec<Explanation> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for d in found {
        let layout = match d.origin {
            Origin::Formal(layout)
                if layout.is_bare() && detailed.contains(&d.cookie.name.to_lowercase()) =>
            {
                continue
            }
            Origin::Formal(layout) => layout,
            Origin::Prose { strong: true, .. }
                if !tabled.contains(&d.cookie.name.to_lowercase()) =>
            {
                Layout::Prose
            }
            Origin::Prose { .. } => continue,
        };
        let c = d.cookie;
        let key = format!(
            "{}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}",
            c.name, c.match_kind, c.provider, c.category, c.domains
        );
        match seen.get(&key) {
            Some(&i) => {
                let o = &mut out[i];
                if o.purpose.is_none() {
                    o.purpose = c.purpose;
                }
                if o.lifetime.is_none() {
                    o.lifetime = c.lifetime;
                }
            }
            None => {
                seen.insert(key, out.len());
                explain.push(Explanation {
                    layout,
                    line: c.source.as_ref().map_or(0, |s| s.line),
                    why: d.why,
                });
                out.push(c);
            }
        }
    }
    (out, explain)
}
