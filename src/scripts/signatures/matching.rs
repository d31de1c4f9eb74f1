//! Matching resource URLs and script text against the signatures.

use super::super::evidence::{positions, snippet, Api, Evidence, Method};
use super::super::model::ScriptSource;
use super::{SignatureHit, Signatures, CODE_CONFIDENCE, URL_CONFIDENCE};

impl Signatures {
    fn hit(&self, i: usize, evidence: Evidence) -> SignatureHit {
        let s = &self.sigs[i];
        SignatureHit {
            id: s.id.clone(),
            vendor: s.vendor.clone(),
            category: s.category.clone(),
            cookies: s.cookies.clone(),
            no_cookies: s.no_cookies,
            evidence,
        }
    }

    /// Signatures whose URL patterns match a resource URL (script, iframe or
    /// image src). Patterns see `host/path?query`, host lower-cased.
    pub fn match_url(&self, url: &str) -> Vec<SignatureHit> {
        let normalized = normalize_url(url);
        let mut owners: Vec<usize> = self
            .urls
            .matches(&normalized)
            .iter()
            .map(|p| self.url_owner[p])
            .collect();
        owners.dedup();
        owners
            .into_iter()
            .map(|i| {
                let evidence = Evidence {
                    location: url.to_string(),
                    line: 0,
                    column: 0,
                    snippet: snippet(url, 0, url.len()),
                    method: Method::Signature,
                    api: Api::VendorScript,
                    confidence: self.confidence[i].unwrap_or(URL_CONFIDENCE),
                    note: None,
                };
                self.hit(i, evidence)
            })
            .collect()
    }

    /// Signatures whose code markers occur in a script's text (strings
    /// included: loaders name their URLs in strings). One hit per signature,
    /// at its first marker.
    pub fn match_code(&self, src: &ScriptSource) -> Vec<SignatureHit> {
        let mut first: Vec<Option<(usize, usize)>> = vec![None; self.sigs.len()];
        let mut note = |i: usize, start: usize, end: usize| {
            if first[i].is_none_or(|(s, _)| start < s) {
                first[i] = Some((start, end));
            }
        };
        for m in self.markers.find_overlapping_iter(src.code) {
            note(
                self.marker_owner[m.pattern().as_usize()],
                m.start(),
                m.end(),
            );
        }
        for k in self.code_set.matches(src.code).iter() {
            let (i, re) = &self.code_res[k];
            if let Some(m) = re.find(src.code) {
                note(*i, m.start(), m.end());
            }
        }
        let found: Vec<(usize, usize, usize)> = first
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.map(|(s, e)| (i, s, e)))
            .collect();
        let offsets: Vec<u32> = found.iter().map(|&(_, s, _)| s as u32).collect();
        let pos = positions(src.code, &offsets);
        found
            .into_iter()
            .zip(pos)
            .map(|((i, s, e), (line, column))| {
                let evidence = Evidence {
                    location: src.location.clone(),
                    line,
                    column,
                    snippet: snippet(src.code, s, (e + 60).max(s)),
                    method: Method::Signature,
                    api: Api::VendorScript,
                    confidence: self.confidence[i]
                        .map_or(CODE_CONFIDENCE, |c| c.min(CODE_CONFIDENCE)),
                    note: None,
                };
                self.hit(i, evidence)
            })
            .collect()
    }
}

/// `https://Static.Hotjar.com/c/x.js` → `static.hotjar.com/c/x.js`;
/// protocol-relative and relative URLs are used as they are.
fn normalize_url(url: &str) -> String {
    let url = url.trim();
    let parsed = if url.starts_with("//") {
        url::Url::parse(&format!("https:{url}"))
    } else {
        url::Url::parse(url)
    };
    match parsed {
        Ok(u) if u.host_str().is_some() => {
            let mut out = format!("{}{}", u.host_str().unwrap_or_default(), u.path());
            if let Some(q) = u.query() {
                out.push('?');
                out.push_str(q);
            }
            out
        }
        _ => url.to_string(),
    }
}
