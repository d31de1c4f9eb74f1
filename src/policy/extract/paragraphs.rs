//! Paragraphs: "Name: _ga / Provider: Google / Expiry: 2 years" records (cookie banners'
//! declaration lists) and otherwise prose. A record may run over several paragraphs
//! (one `<li>` per field), so it stays open until something else comes.

use super::labels::{category_in_heading, category_of_cell, is_lifetime};
use super::names::split_names;
use super::prose::mentions;
use super::repair::join_hosts;
use super::shape::name_like;
use super::text::is_bullet;
use super::{Ctx, Declared, Layout, Sink};
use crate::policy::declared::{DeclaredCookie, SourceRef};
use crate::policy::headers::{header_role, Role};

#[derive(Default)]
pub struct Paragraphs {
    /// Cookies of the open record (one per name in its Name field) and whether its last
    /// field was the purpose, which may continue on the next line.
    record: Vec<DeclaredCookie>,
    in_purpose: bool,
}

impl Paragraphs {
    pub fn para(
        &mut self,
        text: &str,
        line0: usize,
        ctx: Option<&Ctx>,
        found: &mut Vec<Declared>,
        sink: &mut Sink,
    ) {
        if self.record.is_empty() && !text.lines().any(|l| field(l).is_some()) {
            found.extend(mentions(text, line0, ctx, sink));
            return;
        }
        let mut prose: Option<(String, usize)> = None;
        let lines: Vec<&str> = text.lines().collect();
        for (k, l) in lines.iter().copied().enumerate() {
            let line = line0 + k;
            // "CookieConsent" alone on its line, then "Tipo: …", "Caducidad: …": the name
            // line opens the record its fields fill.
            let bare = l.trim().trim_end_matches(':');
            let opens_record = !bare.is_empty()
                && !bare.contains(char::is_whitespace)
                && field(l).is_none()
                && lines
                    .get(k + 1)
                    .and_then(|n| field(n))
                    .is_some_and(|(r, _, _)| r != Role::Name);
            if opens_record && self.take(Role::Name, "Name", bare, line, ctx, found, sink) {
                if let Some((p, at)) = prose.take() {
                    found.extend(mentions(&p, at, ctx, sink));
                }
                continue;
            }
            if let Some((role, key, value)) = field(l) {
                if self.take(role, key, value, line, ctx, found, sink) {
                    if let Some((p, at)) = prose.take() {
                        found.extend(mentions(&p, at, ctx, sink));
                    }
                    continue;
                }
            } else if self.in_purpose && !is_bullet(l.trim()) {
                for c in &mut self.record {
                    if let Some(p) = c.purpose.as_mut() {
                        p.push(' ');
                        p.push_str(l.trim());
                    }
                }
                continue;
            }
            self.flush(found, sink);
            match prose.as_mut() {
                Some((p, _)) => {
                    p.push('\n');
                    p.push_str(l);
                }
                None => prose = Some((l.to_string(), line)),
            }
        }
        if let Some((p, at)) = prose {
            found.extend(mentions(&p, at, ctx, sink));
        }
    }

    /// Applies one field; false when it does not belong to a record.
    #[allow(clippy::too_many_arguments)]
    fn take(
        &mut self,
        role: Role,
        key: &str,
        value: &str,
        line: usize,
        ctx: Option<&Ctx>,
        found: &mut Vec<Declared>,
        sink: &mut Sink,
    ) -> bool {
        self.in_purpose = false;
        if role == Role::Name {
            return self.open(key, value, line, ctx, found, sink);
        }
        if self.record.is_empty() {
            return false;
        }
        self.fill(role, value.trim(), line, sink);
        true
    }

    /// A name field closes the open record and opens one with a cookie per name; false
    /// when its value is not names.
    fn open(
        &mut self,
        key: &str,
        value: &str,
        line: usize,
        ctx: Option<&Ctx>,
        found: &mut Vec<Declared>,
        sink: &mut Sink,
    ) -> bool {
        // "Persistent cookies: these are designed so that…" is a sentence, not a name.
        let value = value.trim().trim_end_matches('.');
        let oracle = sink.oracle;
        if !(name_like(value)
            || value
                .split_whitespace()
                .all(|t| oracle.is_known(trim_list(t))))
        {
            return false;
        }
        let names = split_names(value, sink.oracle);
        if names.is_empty() {
            return false;
        }
        self.flush(found, sink);
        // "Analytics cookies: _ga, _gid" names its category in the key.
        let keyed = category_of_cell(key)
            .or_else(|| category_in_heading(key))
            .map(|c| (c, key.to_string()));
        let context = keyed.or_else(|| ctx.map(|c| (c.category, c.label.clone())));
        for f in names {
            if let Some((written, how)) = &f.repair {
                sink.repair(written, &f.name, line, how);
            }
            sink.check_lookalike(&f.name, f.known, line);
            let mut c = DeclaredCookie::new(f.name, f.kind);
            if let Some((cat, label)) = &context {
                c.category = Some(*cat);
                c.category_label = Some(label.clone());
            }
            c.source = Some(SourceRef {
                file: sink.origin.to_string(),
                line,
            });
            self.record.push(c);
        }
        true
    }

    /// Sets a field other than the name on every cookie of the open record.
    fn fill(&mut self, role: Role, value: &str, line: usize, sink: &mut Sink) {
        for c in &mut self.record {
            match role {
                Role::Provider => c.provider = Some(value.to_string()),
                Role::Category => {
                    c.category = category_of_cell(value).or_else(|| category_in_heading(value));
                    c.category_label = Some(value.to_string());
                }
                Role::Domain => c.domains = join_hosts(value).0,
                Role::Purpose => {
                    c.purpose = Some(value.to_string());
                    self.in_purpose = true;
                }
                Role::Lifetime => c.lifetime = Some(value.to_string()),
                Role::Name | Role::Match => {}
            }
        }
        if role == Role::Category && self.record.first().is_some_and(|c| c.category.is_none()) {
            sink.warn(
                line,
                format!("category '{value}' is not a known category word"),
            );
        }
        if role == Role::Lifetime && !is_lifetime(value) {
            sink.warn(
                line,
                format!("lifetime '{value}' does not read as a duration"),
            );
        }
    }

    pub fn flush(&mut self, found: &mut Vec<Declared>, _sink: &mut Sink) {
        self.in_purpose = false;
        // Records are as formal as a table row.
        found.extend(self.record.drain(..).map(|cookie| Declared {
            cookie,
            origin: super::Origin::Formal(Layout::Record),
            why: "a name field starts a record of fields".to_string(),
        }));
    }
}

/// `Name: _ga`, `- **Expiry**: 2 years`: a known field word, a colon, a value.
fn field(line: &str) -> Option<(Role, &str, &str)> {
    let t = line.trim().trim_start_matches(['-', '*', '•', ' ']);
    let (key, value) = t.split_once([':', '：'])?;
    let key = key.trim().trim_matches('*').trim();
    if key.is_empty()
        || key.len() > 40
        || key.split_whitespace().count() > 4
        || value.trim().is_empty()
    {
        return None;
    }
    let value = value.trim().trim_start_matches("**").trim();
    header_role(key).map(|r| (r, key, value))
}

fn trim_list(t: &str) -> &str {
    t.trim_matches(|c: char| matches!(c, ',' | ';' | '.' | '`' | '*'))
}
