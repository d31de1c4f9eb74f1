//! Web storage in browser mode: the `localStorage`/`sessionStorage` keys and IndexedDB
//! databases a page holds (ePrivacy covers them like cookies). A key the hook saw being
//! written names the script and line that wrote it; the others are listed as found.

use std::collections::HashSet;

use serde_json::Value;
use url::Url;

use super::capture::JsWrite;
use crate::observe::{ConsentPhase, StorageItem};
use crate::scripts::{Evidence, Method, StorageKind};

/// What the page's origin holds once it settled: `{origin, local, session, indexeddb}`.
/// Every access is guarded: a sandboxed frame throws on `localStorage` itself.
pub const READ_HELD: &str = r#"(async () => {
  const keys = get => { try { return Object.keys(get()); } catch (_) { return []; } };
  let idb = [];
  try { idb = (await indexedDB.databases()).map(d => d.name).filter(n => n); } catch (_) {}
  return { origin: location.origin, local: keys(() => localStorage),
           session: keys(() => sessionStorage), indexeddb: idb };
})()"#;

/// The storage kind a hook report names; None for cookie writes.
pub fn kind(api: &str) -> Option<StorageKind> {
    match api {
        "local-storage" => Some(StorageKind::Local),
        "session-storage" => Some(StorageKind::Session),
        "indexeddb" => Some(StorageKind::IndexedDb),
        _ => None,
    }
}

/// Collects one page's storage, each (origin, kind, key) once per pass (`seen`).
pub struct StorageSink<'a> {
    pub page: &'a Url,
    pub phase: ConsentPhase,
    pub seen: &'a mut HashSet<String>,
    pub out: Vec<StorageItem>,
}

impl StorageSink<'_> {
    /// A write the hook reported, with the script and line that made it.
    pub fn written(&mut self, w: &JsWrite) {
        let Some(kind) = kind(&w.api) else { return };
        let frame = Url::parse(&w.frame_url).unwrap_or_else(|_| self.page.clone());
        let inline = w.script_url.is_empty() || w.script_url == w.frame_url;
        let evidence = Evidence {
            location: if inline {
                format!("{frame} inline")
            } else {
                w.script_url.clone()
            },
            line: w.line,
            column: w.column,
            snippet: String::new(),
            method: Method::Observed,
            api: kind.api(),
            confidence: 1.0,
            note: None,
        };
        let origin = frame.origin().ascii_serialization();
        self.push(&origin, kind, &w.text, evidence, w.phase);
    }

    /// What [`READ_HELD`] returned: keys already listed by a write are skipped.
    pub fn held(&mut self, v: &Value) {
        let origin = v["origin"].as_str().unwrap_or_default().to_owned();
        for (field, kind) in [
            ("local", StorageKind::Local),
            ("session", StorageKind::Session),
            ("indexeddb", StorageKind::IndexedDb),
        ] {
            for key in v[field].as_array().into_iter().flatten() {
                let Some(key) = key.as_str() else { continue };
                let evidence = Evidence {
                    location: origin.clone(),
                    line: 0,
                    column: 0,
                    snippet: String::new(),
                    method: Method::Observed,
                    api: kind.api(),
                    confidence: 1.0,
                    note: Some(
                        "found in the browser's storage; the write itself was not seen".into(),
                    ),
                };
                self.push(&origin, kind, key, evidence, self.phase);
            }
        }
    }

    fn push(
        &mut self,
        origin: &str,
        kind: StorageKind,
        key: &str,
        evidence: Evidence,
        phase: ConsentPhase,
    ) {
        if !self
            .seen
            .insert(format!("storage\0{kind:?}\0{origin}\0{key}"))
        {
            return;
        }
        self.out.push(StorageItem {
            kind,
            key: key.to_owned(),
            page_url: self.page.clone(),
            evidence,
            phase: Some(phase),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(api: &str, key: &str) -> JsWrite {
        JsWrite {
            api: api.into(),
            text: key.into(),
            script_url: "http://a.test/app.js".into(),
            line: 3,
            column: 7,
            frame_url: "http://a.test/page".into(),
            phase: ConsentPhase::BeforeConsent,
            choice_page: None,
            visible: false,
        }
    }

    #[test]
    fn a_written_key_is_attributed_and_not_listed_again_when_found() {
        let page = Url::parse("http://a.test/page").unwrap();
        let mut seen = HashSet::new();
        let mut sink = StorageSink {
            page: &page,
            phase: ConsentPhase::BeforeConsent,
            seen: &mut seen,
            out: Vec::new(),
        };
        sink.written(&write("local-storage", "ab_test"));
        sink.written(&write("document.cookie", "x=1"));
        sink.held(
            &json!({"origin": "http://a.test", "local": ["ab_test", "theme"],
                          "session": ["tab"], "indexeddb": ["cache-db"]}),
        );
        let got: Vec<(StorageKind, &str, u32)> = sink
            .out
            .iter()
            .map(|s| (s.kind, s.key.as_str(), s.evidence.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (StorageKind::Local, "ab_test", 3),
                (StorageKind::Local, "theme", 0),
                (StorageKind::Session, "tab", 0),
                (StorageKind::IndexedDb, "cache-db", 0),
            ]
        );
        assert_eq!(sink.out[0].evidence.location, "http://a.test/app.js");
    }

    #[test]
    fn malformed_results_are_ignored() {
        let page = Url::parse("http://a.test/").unwrap();
        let mut seen = HashSet::new();
        let mut sink = StorageSink {
            page: &page,
            phase: ConsentPhase::AfterReject,
            seen: &mut seen,
            out: Vec::new(),
        };
        sink.held(&json!({"local": "not a list", "session": [1, null]}));
        sink.held(&Value::Null);
        assert!(sink.out.is_empty());
    }
}
