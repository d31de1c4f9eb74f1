//! Markdown and plain text (as `pdftotext` gives it) into blocks.

use super::{layout, markdown, pipes, spaced, table, Block};

/// Longest line taken as a guessed heading, in words.
const HEADING_WORDS: usize = 10;

pub fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut out = Vec::new();
    let mut para: Option<(String, usize)> = None;
    let flush = |para: &mut Option<(String, usize)>, out: &mut Vec<Block>| {
        if let Some((text, line)) = para.take() {
            out.push(Block::Para { text, line });
        }
    };
    let mut i = 0;
    while i < lines.len() {
        if let Some((grid, next)) = markdown::table_at(&lines, i)
            .or_else(|| pipes::pipe_lines_at(&lines, i))
            .or_else(|| table::tab_table_at(&lines, i))
            .or_else(|| spaced::spaced_table_at(&lines, i))
            .or_else(|| layout::layout_table_at(&lines, i))
        {
            flush(&mut para, &mut out);
            out.push(Block::Table(grid));
            i = next;
            continue;
        }
        let line = lines[i];
        let t = line.trim();
        let no = i + 1;
        if t.is_empty() {
            flush(&mut para, &mut out);
        } else if let Some((level, h)) = heading(t) {
            flush(&mut para, &mut out);
            out.push(Block::Heading {
                level,
                text: h,
                line: no,
            });
        } else if guessed_heading(&lines, i) || numbered_section(t) {
            flush(&mut para, &mut out);
            out.push(Block::Heading {
                level: 8,
                text: t.to_string(),
                line: no,
            });
        } else if is_bullet(t) || para.is_none() {
            flush(&mut para, &mut out);
            para = Some((t.to_string(), no));
        } else if let Some((p, _)) = para.as_mut() {
            p.push('\n');
            p.push_str(t);
        }
        i += 1;
    }
    flush(&mut para, &mut out);
    out
}

/// `## Title` or a line that is bold and nothing else.
fn heading(t: &str) -> Option<(u8, String)> {
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
        let h = t[hashes..].trim().trim_end_matches('#').trim();
        return Some((hashes as u8, h.replace("**", "").replace("__", "")));
    }
    for mark in ["**", "__"] {
        if t.len() > 4
            && t.starts_with(mark)
            && t.ends_with(mark)
            && !t[2..t.len() - 2].contains(mark)
        {
            return Some((7, t[2..t.len() - 2].trim().to_string()));
        }
    }
    None
}

/// A short line standing alone, without sentence punctuation at its end: how headings
/// survive PDF-to-text.
fn guessed_heading(lines: &[&str], i: usize) -> bool {
    let t = lines[i].trim();
    let before_blank = i == 0 || lines[i - 1].trim().is_empty();
    let after_blank = i + 1 >= lines.len() || lines[i + 1].trim().is_empty();
    before_blank
        && after_blank
        // "2. Analytics" is a numbered heading, "- Analytics" a list item.
        && (!is_bullet(t) || t.starts_with(|c: char| c.is_ascii_digit()))
        && t.split_whitespace().count() <= HEADING_WORDS
        && t.chars().count() <= 90
        && !t.ends_with(['.', ',', ';'])
}

/// "2.1 Strictly Necessary Cookies": a section number with a dot inside starts a heading
/// even where web-to-text left no blank line around it.
fn numbered_section(t: &str) -> bool {
    let (num, rest) = t.split_once(' ').unwrap_or((t, ""));
    let parts: Vec<&str> = num.trim_end_matches('.').split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && rest.starts_with(char::is_uppercase)
        && rest.split_whitespace().count() <= 8
        && !rest.ends_with(['.', ',', ';', ':'])
}

pub fn is_bullet(t: &str) -> bool {
    let mut chars = t.chars();
    match chars.next() {
        Some('-' | '*' | '•' | '·' | '–' | '▪' | '◦') => {
            chars.next().is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(". ") || rest.starts_with(") ")
        }
        _ => false,
    }
}
