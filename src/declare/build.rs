//! A finished report (+ the knowledge base) → a [`Declaration`] in one language.

use std::collections::BTreeMap;

use super::{Declaration, DeclareError, Expiry, Item, ItemKind, Lang, Section, Words};
use crate::knowledge::{
    Category, Classification, CookieQuery, KnowledgeBase, MatchKind, TranslatedPurposes,
};
use crate::observe::{Attribution, CookieRecord, Party, Source};
use crate::policy::DeclaredCookie;
use crate::report::{cookie_views, human_date, Coverage, Report};
use crate::scripts::StorageKind;

/// The database file whose vendors are consent managers.
const CONSENT_FILE: &str = "data/cookies/consent.toml";

/// Items of one section are in this order: name, then domain, then type (byte order).
type ItemKey = (Category, String, String, ItemKind);

/// Builds the declaration of `report` in `lang`. Every cookie of the report is listed (also
/// those an `[[ignore]]` covers: the site sets them all), cookies a database prefix covers as
/// one family, and each web storage key once.
pub fn declare(
    report: &Report,
    kb: &KnowledgeBase,
    lang: Lang,
) -> Result<Declaration, DeclareError> {
    let words = lang.words().map_err(DeclareError::Data)?;
    let translated =
        TranslatedPurposes::builtin(lang.code()).map_err(|e| DeclareError::Data(e.to_string()))?;
    let ctx = Ctx {
        lang,
        words: &words,
        translated: &translated,
    };
    let mut items: BTreeMap<ItemKey, Item> = BTreeMap::new();
    for v in cookie_views(report) {
        let decl = match v.coverage {
            Coverage::Declared(d) => Some(&d.declared),
            _ => None,
        };
        let item = ctx.cookie_item(&v.cookie.record, &v.cookie.classification, decl);
        merge(
            &mut items,
            (
                v.category,
                item.name.clone(),
                item.domain.clone(),
                item.kind,
            ),
            item,
        );
    }
    for s in &report.storage {
        let host = s.page_url.host_str().unwrap_or_default().to_string();
        let k = kb.classify(&CookieQuery {
            name: &s.key,
            domain: Some(&host),
            ..CookieQuery::new(&s.key)
        });
        // A storage key is judged only by a database entry: the name heuristics are about cookies.
        let (category, k) = if k.is_known() {
            (k.category, k)
        } else {
            (Category::Unclassified, Classification::unknown())
        };
        // Storage belongs to the origin of the page that holds it.
        let party = Party::of(&host, &report.site);
        let item = ctx.storage_item(s.kind, &s.key, host, party, &k);
        merge(
            &mut items,
            (category, item.name.clone(), item.domain.clone(), item.kind),
            item,
        );
    }
    let sections = Category::ALL
        .into_iter()
        .filter_map(|c| {
            let rows: Vec<Item> = items
                .iter()
                .filter(|(key, _)| key.0 == c)
                .map(|(_, i)| i.clone())
                .collect();
            (!rows.is_empty()).then(|| Section {
                category: c,
                title: words.category(c).to_string(),
                items: rows,
            })
        })
        .collect();
    Ok(Declaration {
        lang,
        site: report.site.clone(),
        scanned: human_date(report.finished_at),
        consent_manager: consent_manager(report, kb),
        sections,
        words,
    })
}

/// One row per key: a family seen as several cookies keeps the longest lifetime.
fn merge(items: &mut BTreeMap<ItemKey, Item>, key: ItemKey, item: Item) {
    match items.get_mut(&key) {
        None => {
            items.insert(key, item);
        }
        Some(old) => {
            let longer = match (old.expiry, item.expiry) {
                (Expiry::After(a), Expiry::After(b)) => b > a,
                (Expiry::Session | Expiry::Unknown, Expiry::After(_)) => true,
                (Expiry::Unknown, Expiry::Session) => true,
                _ => false,
            };
            if longer {
                old.expiry = item.expiry;
                old.lifetime = item.lifetime;
            }
        }
    }
}

struct Ctx<'a> {
    lang: Lang,
    words: &'a Words,
    translated: &'a TranslatedPurposes,
}

impl Ctx<'_> {
    fn cookie_item(
        &self,
        r: &CookieRecord,
        k: &Classification,
        decl: Option<&DeclaredCookie>,
    ) -> Item {
        let prefix = (k.match_kind == MatchKind::Prefix)
            .then_some(k.pattern.as_deref())
            .flatten();
        let (name, family) = match prefix {
            Some(p) => (format!("{p}*"), true),
            None => (r.name.clone(), r.name.ends_with('*')),
        };
        let expiry = if !r.lifetime_known {
            Expiry::Unknown
        } else {
            r.lifetime_secs.map_or(Expiry::Session, Expiry::After)
        };
        let kind = cookie_kind(r);
        let (purpose, purpose_lang, purpose_fallback) = self.purpose(k, decl);
        Item {
            name,
            family,
            provider: k
                .vendor
                .clone()
                .or_else(|| decl.and_then(|d| d.provider.clone())),
            purpose,
            purpose_lang,
            purpose_fallback,
            lifetime: self.expiry_words(expiry),
            expiry,
            kind,
            type_label: self.type_label(kind).to_string(),
            domain: r.domain.clone(),
            party: r.party,
            party_label: self.party_label(r.party).to_string(),
        }
    }

    fn storage_item(
        &self,
        kind: StorageKind,
        key: &str,
        domain: String,
        party: Party,
        k: &Classification,
    ) -> Item {
        let (kind, expiry) = match kind {
            StorageKind::Local => (ItemKind::LocalStorage, Expiry::UntilCleared),
            StorageKind::Session => (ItemKind::SessionStorage, Expiry::Session),
            StorageKind::IndexedDb => (ItemKind::IndexedDb, Expiry::UntilCleared),
        };
        let (purpose, purpose_lang, purpose_fallback) = self.purpose(k, None);
        Item {
            name: key.to_string(),
            family: false,
            provider: k.vendor.clone(),
            purpose,
            purpose_lang,
            purpose_fallback,
            lifetime: self.expiry_words(expiry),
            expiry,
            kind,
            type_label: self.type_label(kind).to_string(),
            domain,
            party,
            party_label: self.party_label(party).to_string(),
        }
    }

    /// The site's own words in this language first, then the database's translation, then
    /// English (the site's, then the database's), marked as a fallback outside English.
    fn purpose(
        &self,
        k: &Classification,
        decl: Option<&DeclaredCookie>,
    ) -> (Option<String>, Option<String>, bool) {
        let code = self.lang.code();
        let own = decl.and_then(|d| d.purposes.get(code).cloned());
        let db = match (&k.vendor, &k.pattern, k.is_known()) {
            (Some(v), Some(p), true) => self.translated.get(v, p).map(str::to_string),
            _ => None,
        };
        let english = decl
            .and_then(|d| d.purposes.get("en").or(d.purpose.as_ref()))
            .or(k.purpose.as_ref())
            .filter(|p| !p.trim().is_empty())
            .cloned();
        let native = own
            .or(if self.lang == Lang::En {
                english.clone()
            } else {
                db
            })
            .filter(|p| !p.trim().is_empty());
        match (native, english) {
            (Some(p), _) => (Some(p), Some(code.to_string()), false),
            (None, Some(p)) => (Some(p), Some("en".to_string()), true),
            (None, None) => (None, None, false),
        }
    }

    fn expiry_words(&self, e: Expiry) -> String {
        match e {
            Expiry::Session => self.words.lifetime(None),
            Expiry::After(s) => self.words.lifetime(Some(s)),
            Expiry::UntilCleared => self.words.lifetime.persistent.clone(),
            Expiry::Unknown => self.words.unknown.clone(),
        }
    }

    fn type_label(&self, kind: ItemKind) -> &str {
        let t = &self.words.types;
        match kind {
            ItemKind::HttpCookie => &t.http,
            ItemKind::ScriptCookie => &t.script,
            ItemKind::LocalStorage => &t.local,
            ItemKind::SessionStorage => &t.session,
            ItemKind::IndexedDb => &t.indexeddb,
        }
    }

    fn party_label(&self, p: Party) -> &str {
        match p {
            Party::First => &self.words.party.first,
            Party::Third => &self.words.party.third,
        }
    }
}

/// An HTTP cookie when a response set it (a header, or in the browser a response of the
/// page's tab); script-set when only JavaScript wrote it.
fn cookie_kind(r: &CookieRecord) -> ItemKind {
    let by = |a: Attribution| r.sightings.iter().any(|s| s.attribution == Some(a));
    let http = r.sources.contains(&Source::Http) || by(Attribution::Response);
    let script = r.sources.contains(&Source::Script) || by(Attribution::Script);
    if script && !http {
        ItemKind::ScriptCookie
    } else {
        ItemKind::HttpCookie
    }
}

/// The manager a browser pass found; else the vendor of a consent manager's own cookie.
fn consent_manager(report: &Report, kb: &KnowledgeBase) -> Option<String> {
    if let Some(m) = report.consent.as_ref().and_then(|c| c.manager()) {
        return Some(m.to_string());
    }
    report.cookies.iter().find_map(|c| {
        let k = &c.classification;
        let (vendor, pattern) = (k.vendor.as_deref()?, k.pattern.as_deref()?);
        kb.entries()
            .iter()
            .any(|e| &*e.file == CONSENT_FILE && e.vendor == vendor && e.name == pattern)
            .then(|| vendor.to_string())
    })
}

/// A first-party HTTP cookie with nothing else known, for tests of the renderers and checks.
#[cfg(test)]
pub(crate) fn test_item(name: &str) -> Item {
    Item {
        name: name.to_string(),
        family: false,
        provider: None,
        purpose: None,
        purpose_lang: None,
        purpose_fallback: false,
        expiry: Expiry::Session,
        lifetime: "Session".to_string(),
        kind: ItemKind::HttpCookie,
        type_label: "HTTP cookie".to_string(),
        domain: "a.test".to_string(),
        party: Party::First,
        party_label: "First party".to_string(),
    }
}
