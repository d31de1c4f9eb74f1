//! Reading a site's configuration of its consent manager without running it: which services
//! it defines (and where, so code inside a definition is credited to that service), which it
//! enables, and the scripts a definition loads.

use std::collections::{HashMap, HashSet};

use regex::Regex;
use serde::Deserialize;

use super::super::evidence::positions;
use super::super::model::ScriptSource;
use super::super::signatures::{SignatureHit, Signatures};
use super::{compile, Gate, Gating, GatingError};

/// A definition longer than this is cut: real ones are a few kilobytes, and a hostile script
/// of unclosed definitions must not cost quadratic time.
const MAX_BLOCK: usize = 32_000;
/// Definitions read per script, at most.
const MAX_SERVICES: usize = 1_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    marker: String,
    #[serde(default)]
    enable: Vec<String>,
    service: String,
    service_name: Option<String>,
    service_category: Option<String>,
    loads: Option<String>,
}

pub(super) struct Config {
    marker: String,
    enable: Vec<Regex>,
    service: Regex,
    service_name: Option<Regex>,
    service_category: Option<Regex>,
    loads: Option<Regex>,
}

impl Config {
    pub(super) fn compile(id: &str, raw: RawConfig) -> Result<Config, GatingError> {
        let opt = |p: &Option<String>| p.as_deref().map(|p| compile(id, p)).transpose();
        Ok(Config {
            marker: raw.marker,
            enable: raw
                .enable
                .iter()
                .map(|p| compile(id, p))
                .collect::<Result<_, _>>()?,
            service: compile(id, &raw.service)?,
            service_name: opt(&raw.service_name)?,
            service_category: opt(&raw.service_category)?,
            loads: opt(&raw.loads)?,
        })
    }
}

/// One service defined in a script.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDef {
    pub manager: String,
    pub key: String,
    /// The definition's own category word (`analytic`, `ads`), as written.
    pub release: Option<String>,
    /// Byte range of the definition's `{ … }` block in the script.
    pub start: usize,
    pub end: usize,
    /// 1-based (line, column) of `start` and `end`, as evidence counts them.
    pub start_pos: (u32, u32),
    pub end_pos: (u32, u32),
    /// Script URLs the definition loads once released.
    pub loads: Vec<String>,
}

/// What the site's scripts configure, over the whole scan: enabled services and the category
/// of each defined one.
#[derive(Debug, Default)]
pub struct SiteConfig {
    enabled: HashSet<(String, String)>,
    release: HashMap<(String, String), String>,
}

impl Gating {
    /// The services defined in a script, for every manager whose configuration marker it
    /// contains.
    pub fn services(&self, code: &str) -> Vec<ServiceDef> {
        let mut out = Vec::new();
        for m in &self.managers {
            let Some(c) = &m.config else { continue };
            if !code.contains(c.marker.as_str()) {
                continue;
            }
            for caps in c.service.captures_iter(code).take(MAX_SERVICES) {
                let Some(whole) = caps.get(0) else { continue };
                let Some(open) = code[whole.start()..].find('{').map(|i| whole.start() + i) else {
                    continue;
                };
                let end = block_end(code, open);
                let body = &code[open..end];
                let key = caps
                    .get(1)
                    .map(|k| k.as_str().to_string())
                    .or_else(|| first_capture(c.service_name.as_ref(), body));
                let Some(key) = key else { continue };
                let loads = c
                    .loads
                    .as_ref()
                    .map(|re| {
                        re.captures_iter(body)
                            .filter_map(|l| l.get(1).map(|u| u.as_str().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(ServiceDef {
                    manager: m.id.clone(),
                    key,
                    release: first_capture(c.service_category.as_ref(), body),
                    start: open,
                    end,
                    start_pos: (0, 0),
                    end_pos: (0, 0),
                    loads,
                });
            }
        }
        let offsets: Vec<u32> = out
            .iter()
            .flat_map(|d| [d.start as u32, d.end as u32])
            .collect();
        let pos = positions(code, &offsets);
        for (d, p) in out.iter_mut().zip(pos.chunks(2)) {
            d.start_pos = p[0];
            d.end_pos = p[1];
        }
        out
    }

    /// Whether the site's code must enable a manager's services one by one (tarteaucitron's
    /// `job.push`), rather than by defining them.
    pub fn has_enable(&self, manager: &str) -> bool {
        self.manager(manager)
            .and_then(|m| m.config.as_ref())
            .is_some_and(|c| !c.enable.is_empty())
    }

    /// Whether the manager reads a configuration of services (so a service the site does
    /// not enable never runs).
    pub fn has_config(&self, manager: &str) -> bool {
        self.manager(manager).is_some_and(|m| m.config.is_some())
    }

    /// Tracker signatures inside one service definition, located in the whole script.
    pub fn match_service(
        sigs: &Signatures,
        src: &ScriptSource,
        def: &ServiceDef,
    ) -> Vec<SignatureHit> {
        let Some(text) = src.code.get(def.start..def.end) else {
            return Vec::new();
        };
        let part = ScriptSource {
            code: text,
            location: src.location.clone(),
        };
        let mut hits = sigs.match_code(&part);
        for h in &mut hits {
            let (line, col) = def.start_pos;
            if h.evidence.line == 1 {
                h.evidence.column += col - 1;
            }
            h.evidence.line += line - 1;
        }
        hits
    }

    /// Adds what one script configures. In a manager's own library only definitions count
    /// (their categories); enabling is the site's own code.
    pub fn read_config(&self, code: &str, library: bool, site: &mut SiteConfig) {
        for def in self.services(code) {
            let has_enable = self
                .manager(&def.manager)
                .and_then(|m| m.config.as_ref())
                .is_some_and(|c| !c.enable.is_empty());
            if library && !has_enable {
                continue;
            }
            let id = (def.manager.clone(), def.key.clone());
            if let Some(r) = def.release {
                site.release.entry(id.clone()).or_insert(r);
            }
            if !library && !has_enable {
                site.enabled.insert(id);
            }
        }
        if library {
            return;
        }
        for m in &self.managers {
            let Some(c) = &m.config else { continue };
            if !code.contains(c.marker.as_str()) {
                continue;
            }
            for re in &c.enable {
                for caps in re.captures_iter(code) {
                    if let Some(k) = caps.get(1) {
                        site.enabled.insert((m.id.clone(), k.as_str().to_string()));
                    }
                }
            }
        }
    }

    fn manager(&self, id: &str) -> Option<&super::Manager> {
        self.managers.iter().find(|m| m.id == id)
    }

    /// The gate of a service of `manager`, with its category when the site's configuration
    /// gives one.
    pub fn service_gate(&self, site: &SiteConfig, manager: &str, key: &str) -> Gate {
        let release = site
            .release
            .get(&(manager.to_string(), key.to_string()))
            .cloned();
        let category = match (&release, self.manager(manager)) {
            (Some(r), Some(m)) => self.category(m, r),
            _ => None,
        };
        Gate {
            manager: manager.to_string(),
            released_by: release.unwrap_or_else(|| key.to_string()),
            service: Some(key.to_string()),
            category,
        }
    }

    /// A gate that names only a service (Klaro's `data-name`) gets the service's category
    /// from the site's configuration.
    pub fn complete(&self, site: &SiteConfig, gate: &mut Gate) {
        if gate.category.is_some() {
            return;
        }
        if let Some(s) = gate.service.clone() {
            let full = self.service_gate(site, &gate.manager, &s);
            if full.category.is_some() {
                gate.released_by = full.released_by;
                gate.category = full.category;
            }
        }
    }
}

impl ServiceDef {
    /// Whether a finding at (line, column) lies inside the definition.
    pub fn contains(&self, line: u32, column: u32) -> bool {
        self.start_pos <= (line, column) && (line, column) < self.end_pos
    }
}

impl SiteConfig {
    pub fn enables(&self, manager: &str, key: &str) -> bool {
        self.enabled
            .contains(&(manager.to_string(), key.to_string()))
    }
}

fn first_capture(re: Option<&Regex>, text: &str) -> Option<String> {
    re?.captures(text)?.get(1).map(|m| m.as_str().to_string())
}

/// The byte after the `}` closing the block opened at `open`, skipping strings and
/// comments; the end of the script (or [`MAX_BLOCK`]) when it never closes.
fn block_end(code: &str, open: usize) -> usize {
    let b = code.as_bytes();
    let limit = (open + MAX_BLOCK).min(b.len());
    let (mut depth, mut i) = (0usize, open);
    while i < limit {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < limit && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < limit && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut j = i + 2;
                while j + 1 < limit && !(b[j] == b'*' && b[j + 1] == b'/') {
                    j += 1;
                }
                i = j + 1;
            }
            _ => {}
        }
        i += 1;
    }
    // Always on a char boundary: MAX_BLOCK may cut inside a character.
    let mut end = limit;
    while end > open && !code.is_char_boundary(end) {
        end -= 1;
    }
    end
}
