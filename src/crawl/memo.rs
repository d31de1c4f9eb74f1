//! Links already offered during this crawl, remembered as written (`href="/about"`) with
//! what their resolution depends on. Real sites repeat the same menu and footer links on every
//! page; recognising them before resolving and normalising saves most of the per-link work.
//!
//! Each link is remembered with the rank of the page that offered it (the order in which the
//! crawl took its pages). A page of a lower rank that reaches the link later, because it was
//! slower to load, still gets it: the frontier credits a page to the lowest-ranked page linking
//! to it, so that which page a link is "found on" does not depend on which answered first.

use std::sync::Mutex;

use rustc_hash::FxHashMap;
use url::Url;

/// Raw links remembered at most: the memo only saves work, so past this it stops learning
/// (a site of link floods would otherwise grow it by every link of every page).
const MAX_REMEMBERED: usize = 200_000;

/// Raw href → the lowest rank of a page that offered it.
type Hrefs = FxHashMap<String, u32>;

#[derive(Default)]
pub struct LinkMemo {
    /// Resolution context → raw hrefs seen in it with the lowest rank that offered each, and
    /// how many there are in all.
    seen: Mutex<(FxHashMap<String, Hrefs>, usize)>,
}

impl LinkMemo {
    /// Keeps the raw links of one page that no page of a lower rank offered before (in the
    /// same context), and remembers them. `base` is the page's base URL, `rank` the page's.
    pub fn fresh<'a>(&self, base: &Url, raw: &'a [String], rank: u32) -> Vec<&'a String> {
        let origin = base.origin().ascii_serialization();
        // A page's links fall in five contexts (two may be the same string): each context's
        // set is looked up once per page, not once per link.
        let ctx: [&str; 5] = std::array::from_fn(|slot| context_of_slot(base, &origin, slot));
        let canon: [usize; 5] =
            std::array::from_fn(|slot| (0..slot).find(|&t| ctx[t] == ctx[slot]).unwrap_or(slot));
        let mut sets: [Option<Hrefs>; 5] = Default::default();
        let mut guard = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let (seen, remembered) = &mut *guard;
        let fresh = raw
            .iter()
            .filter(|r| {
                let slot = canon[slot(r.trim())];
                let set =
                    sets[slot].get_or_insert_with(|| seen.remove(ctx[slot]).unwrap_or_default());
                match set.get_mut(r.as_str()) {
                    Some(by) if *by <= rank => false,
                    Some(by) => {
                        *by = rank;
                        true
                    }
                    None => {
                        if *remembered < MAX_REMEMBERED {
                            set.insert(r.to_string(), rank);
                            *remembered += 1;
                        }
                        true
                    }
                }
            })
            .collect();
        for (slot, set) in sets.into_iter().enumerate() {
            if let Some(set) = set {
                seen.insert(ctx[slot].to_string(), set);
            }
        }
        fresh
    }
}

/// What resolving `raw` against `base` depends on: nothing for an absolute URL, the scheme for
/// `//host/…`, the origin for `/path`, the whole base for `?query`, `#frag` or empty, and
/// the base's directory for a relative path.
/// Returns which of the five it is; [`context_of_slot`] gives the context itself.
fn slot(raw: &str) -> usize {
    let has_scheme = raw.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if has_scheme {
        0
    } else if raw.starts_with("//") || raw.starts_with("\\\\") {
        1
    } else if raw.starts_with('/') || raw.starts_with('\\') {
        2
    } else if raw.is_empty() || raw.starts_with('?') || raw.starts_with('#') {
        3
    } else {
        4
    }
}

/// The context of links of kind `slot` on a page whose base is `base`.
fn context_of_slot<'a>(base: &'a Url, origin: &'a str, slot: usize) -> &'a str {
    let s = base.as_str();
    match slot {
        0 => "",
        1 => base.scheme(),
        2 => origin,
        3 => s.split('#').next().unwrap_or(s),
        _ => {
            let path_end = s.find(['?', '#']).unwrap_or(s.len());
            let dir_end = s[..path_end].rfind('/').map_or(path_end, |i| i + 1);
            &s[..dir_end]
        }
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
        assert_eq!(memo.fresh(&a, &links, 0).len(), 3);
        // Same directory: "/about" and "next" resolve the same; "?page=2" does not.
        assert_eq!(memo.fresh(&b, &links, 0), vec![&links[2]]);
        // Another directory: "next" resolves elsewhere; "/about" is still the same page.
        assert_eq!(memo.fresh(&c, &links, 0), vec![&links[1], &links[2]]);
        // A base ending in '/': "?q" and "x" have the same context string; both are kept.
        let d = Url::parse("http://a.test/dir/").unwrap();
        let both = vec!["?q".to_string(), "x".to_string()];
        assert_eq!(memo.fresh(&d, &both, 0).len(), 2);
        assert_eq!(memo.fresh(&d, &both, 0).len(), 0);
        let abs = vec!["https://x.test/".to_string()];
        assert_eq!(memo.fresh(&a, &abs, 0).len(), 1);
        assert_eq!(memo.fresh(&c, &abs, 0).len(), 0);
    }

    #[test]
    fn a_lower_ranked_page_that_answers_late_still_gets_the_link() {
        let memo = LinkMemo::default();
        let links = vec!["/contact".to_string()];
        let about = Url::parse("http://a.test/about").unwrap();
        let home = Url::parse("http://a.test/").unwrap();
        assert_eq!(memo.fresh(&about, &links, 5).len(), 1);
        assert_eq!(memo.fresh(&home, &links, 0).len(), 1, "rank 0 beats rank 5");
        assert_eq!(memo.fresh(&about, &links, 5).len(), 0);
        assert_eq!(memo.fresh(&home, &links, 0).len(), 0);
    }

    #[test]
    fn memo_stops_remembering_past_its_cap() {
        let memo = LinkMemo::default();
        let a = Url::parse("http://a.test/").unwrap();
        let links: Vec<String> = (0..MAX_REMEMBERED + 5).map(|i| format!("/p{i}")).collect();
        assert_eq!(memo.fresh(&a, &links, 0).len(), links.len());
        // Only the first MAX_REMEMBERED were learnt; the rest still count as fresh.
        assert_eq!(memo.fresh(&a, &links, 0).len(), 5);
    }
}
