//! The declaration as GitHub-flavoured Markdown: one heading and one table per category.

use std::fmt::Write;

use super::{Declaration, DeclareError, Renderer};

pub struct MarkdownRenderer;

impl Renderer for MarkdownRenderer {
    fn render(&self, d: &Declaration) -> Result<Vec<u8>, DeclareError> {
        let w = &d.words;
        let mut s = format!("## {}\n\n{}\n\n", esc(&w.title), esc(&w.intro));
        match &d.consent_manager {
            Some(m) => {
                let label = esc(&w.consent_manager);
                let _ = writeln!(s, "{label}{}**{}**\n", esc(&w.colon), esc(m));
            }
            None => {
                let _ = writeln!(s, "{}\n", esc(&w.no_consent_manager));
            }
        }
        let header = w.columns.in_order();
        for sec in &d.sections {
            let _ = writeln!(s, "### {}\n", esc(&sec.title));
            let cells: Vec<String> = header.iter().map(|h| esc(h)).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
            let _ = writeln!(s, "|{}", "---|".repeat(header.len()));
            for i in &sec.items {
                let purpose = match &i.purpose {
                    Some(p) if i.purpose_fallback => format!("{} *{}*", esc(p), esc(&w.fallback)),
                    Some(p) => esc(p),
                    None => esc(&w.unknown),
                };
                let cells = [
                    code(&i.name),
                    esc(i.provider.as_deref().unwrap_or(&w.unknown)),
                    purpose,
                    esc(&i.lifetime),
                    esc(&i.type_label),
                    esc(&i.domain),
                    esc(&i.party_label),
                ];
                let _ = writeln!(s, "| {} |", cells.join(" | "));
            }
            s.push('\n');
        }
        let generated = w
            .generated
            .replace("{site}", &d.site)
            .replace("{date}", &d.scanned);
        let _ = writeln!(s, "*{}*", esc(&generated));
        Ok(s.into_bytes())
    }
}

/// A name as a code span, so `_pk_id.*` needs no escapes; a name with a backtick or a bar
/// is escaped text instead.
fn code(name: &str) -> String {
    if name.contains(['`', '|']) || name.chars().any(char::is_control) {
        esc(name)
    } else {
        format!("`{name}`")
    }
}

/// Text from a website, made inert, exactly as the Markdown report does it (`|` cannot end a
/// cell, a line break cannot end a row, `@name` cannot notify anyone).
fn esc(s: &str) -> String {
    crate::report::escape_markdown(s)
}

#[cfg(test)]
mod tests {
    use super::{code, esc};

    #[test]
    fn names_are_code_and_site_text_cannot_break_the_table() {
        assert_eq!(code("_pk_id.*"), "`_pk_id.*`");
        assert_eq!(code("a|b"), "a\\|b");
        assert_eq!(code("a`b"), "a\\`b");
        assert_eq!(esc("x\ny <b>"), "x y \\<b\\>");
        assert_eq!(esc("@team"), "@&#8203;team");
    }
}
