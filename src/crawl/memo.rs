//! Links already offered during this crawl, remembered as written (`href="/about"`) with
//! what their resolution depends on. Real sites repeat the same menu and footer links on every
//! page; recognising them before resolving and normalising saves most of the per-link work.

use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};
use url::Url;

#[derive(Default)]
pub struct LinkMemo {
    /// Resolution context → raw hrefs seen in it.
    seen: Mutex<FxHashMap<String, FxHashSet<String>>>,
}

impl LinkMemo {
    /// Keeps the raw links of one page that were not seen before (in the same context), and
    /// remembers them. `base` is the page's base URL.
    pub fn fresh<'a>(&self, base: &Url, raw: &'a [String]) -> Vec<&'a String> {
        let origin = base.origin().ascii_serialization();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        raw.iter()
            .filter(|r| {
                let ctx = context(base, &origin, r.trim());
                let set = match seen.get_mut(ctx) {
                    Some(set) => set,
                    None => seen.entry(ctx.to_string()).or_default(),
                };
                if set.contains(r.as_str()) {
                    false
                } else {
                    set.insert(r.to_string());
                    true
                }
            })
            .collect()
    }
}

/// What resolving `raw` against `base` depends on: nothing for an absolute URL, the scheme for
/// `//host/…`, the origin for `/path`, the whole base for `?query`, `#frag` or empty, and
/// the base's directory for a relative path.
fn context<'a>(base: &'a Url, origin: &'a str, raw: &str) -> &'a str {
    let s = base.as_str();
    let has_scheme = raw.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if has_scheme {
        ""
    } else if raw.starts_with("//") || raw.starts_with("\\\\") {
        base.scheme()
    } else if raw.starts_with('/') || raw.starts_with('\\') {
        origin
    } else if raw.is_empty() || raw.starts_with('?') || raw.starts_with('#') {
        s.split('#').next().unwrap_or(s)
    } else {
        let path_end = s.find(['?', '#']).unwrap_or(s.len());
        let dir_end = s[..path_end].rfind('/').map_or(path_end, |i| i + 1);
        &s[..dir_end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_href_in_the_same_context_is_seen_once() {
        let memo = LinkMemo::default();
        let links = vec![
            "/about".to_string(),
            "next".to_string(),
            "?page=2".to_string(),
        ];
        let a = Url::parse("http://a.test/blog/one").unwrap();
        let b = Url::parse("http://a.test/blog/two").unwrap();
        let c = Url::parse("http://a.test/news/one").unwrap();
        assert_eq!(memo.fresh(&a, &links).len(), 3);
        // Same directory: "/about" and "next" resolve the same; "?page=2" does not.
        assert_eq!(memo.fresh(&b, &links), vec![&links[2]]);
        // Another directory: "next" resolves elsewhere; "/about" is still the same page.
        assert_eq!(memo.fresh(&c, &links), vec![&links[1], &links[2]]);
        let abs = vec!["https://x.test/".to_string()];
        assert_eq!(memo.fresh(&a, &abs).len(), 1);
        assert_eq!(memo.fresh(&c, &abs).len(), 0);
    }
}
