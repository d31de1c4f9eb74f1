//! Which script-derived cookies a consent manager holds back: the script analysis notes the
//! gate of every piece of evidence it produces, and a record whose every sighting is a gated
//! script's is marked `gated` (set only after consent, judged against its releasing category).

use std::collections::{HashMap, HashSet};

use url::Url;

use super::{CookieRecord, ScriptBody, Source};
use crate::scripts::{
    Evidence, Gate, Gating, ScriptSource, ServiceDef, SignatureHit, Signatures, SiteConfig,
};

/// The gate of each piece of script evidence, and the evidence seen without one.
#[derive(Debug, Default)]
pub struct GateBook {
    gated: HashMap<String, Gate>,
    free: HashSet<String>,
}

fn key(e: &Evidence) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        e.location, e.line, e.column, e.snippet
    )
}

impl GateBook {
    pub(super) fn note(&mut self, evidence: &Evidence, gate: Option<&Gate>) {
        match gate {
            Some(g) => {
                self.gated.entry(key(evidence)).or_insert_with(|| g.clone());
            }
            None => {
                self.free.insert(key(evidence));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.gated.is_empty()
    }

    /// Marks the records only gated scripts set. A cookie a response set, a browser stored,
    /// or any script writes freely is not gated.
    pub fn mark(&self, records: &mut [CookieRecord]) {
        if self.gated.is_empty() {
            return;
        }
        for r in records {
            if r.sources.iter().any(|s| *s != Source::Script) || r.script_evidence.is_empty() {
                continue;
            }
            let mut gate = None;
            let all_gated = r.script_evidence.iter().all(|e| {
                let k = key(e);
                if self.free.contains(&k) {
                    return false;
                }
                match self.gated.get(&k) {
                    Some(g) => {
                        gate.get_or_insert(g);
                        true
                    }
                    None => false,
                }
            });
            if all_gated {
                r.gated = gate.cloned();
            }
        }
    }
}

/// The gate of a script or resource once the site's configuration is known: `None` when a
/// manager holds it for a service the site never enables (it never runs), else its gate.
pub(super) fn effective_gate(
    gating: &Gating,
    site: &SiteConfig,
    gate: Option<&Gate>,
) -> Option<Option<Gate>> {
    let Some(g) = gate else {
        return Some(None);
    };
    let mut g = g.clone();
    gating.complete(site, &mut g);
    if let Some(s) = &g.service {
        if gating.has_config(&g.manager) && !site.enables(&g.manager, s) {
            return None;
        }
    }
    Some(Some(g))
}

/// One script's view of consent gating: whether it is a manager's library, the services it
/// defines (with their gate when the site enables them), and the gate of the whole script.
pub(super) struct ScriptScope {
    library: bool,
    defs: Vec<(ServiceDef, Option<Gate>)>,
    body: Option<Gate>,
}

impl ScriptScope {
    /// `None` when the whole script never runs (held for a service the site does not enable).
    pub(super) fn new(
        gating: &Gating,
        site: &SiteConfig,
        gate: Option<&Gate>,
        src: &ScriptSource,
        url: Option<&str>,
    ) -> Option<ScriptScope> {
        let body = effective_gate(gating, site, gate)?;
        let library = gating.library_of(url, src.code).is_some();
        let defs = gating
            .services(src.code)
            .into_iter()
            // A library's own code matches a loose definition pattern by chance; only a
            // catalogue of services the site enables one by one is read there.
            .filter(|d| !library || gating.has_enable(&d.manager))
            .map(|d| {
                let g = site
                    .enables(&d.manager, &d.key)
                    .then(|| gating.service_gate(site, &d.manager, &d.key));
                (d, g)
            })
            .collect();
        Some(ScriptScope {
            library,
            defs,
            body,
        })
    }

    /// A write at (line, column): `None` when it belongs to a service the site does not
    /// enable, else its gate (the service's, or the whole script's).
    pub(super) fn write_gate(&self, line: u32, column: u32) -> Option<Option<Gate>> {
        match self.defs.iter().find(|(d, _)| d.contains(line, column)) {
            Some((_, Some(g))) => Some(Some(g.clone())),
            Some((_, None)) => None,
            None => Some(self.body.clone()),
        }
    }

    /// The code-marker signatures that count, with their gate: none inside a service
    /// definition the site does not enable, and inside a manager's library only the
    /// manager's own (category `consent`); an enabled definition is matched on its own.
    pub(super) fn hits(
        &self,
        hits: &[SignatureHit],
        sigs: &Signatures,
        src: &ScriptSource,
    ) -> Vec<(SignatureHit, Option<Gate>)> {
        let mut out: Vec<(SignatureHit, Option<Gate>)> = hits
            .iter()
            .filter(|h| {
                let e = &h.evidence;
                !self.defs.iter().any(|(d, _)| d.contains(e.line, e.column))
                    && (!self.library || h.category == "consent")
            })
            .map(|h| (h.clone(), self.body.clone()))
            .collect();
        for (d, g) in &self.defs {
            if let Some(g) = g {
                for h in Gating::match_service(sigs, src, d) {
                    out.push((h, Some(g.clone())));
                }
            }
        }
        out
    }
}

/// What every script the crawl kept configures (enabled services and their categories).
pub(super) fn site_config(gating: &Gating, scripts: &[ScriptBody]) -> SiteConfig {
    let mut site = SiteConfig::default();
    for b in scripts {
        let library = gating
            .library_of(b.url.as_ref().map(Url::as_str), &b.code)
            .is_some();
        gating.read_config(&b.code, library, &mut site);
    }
    site
}
