//! The words of a declaration in each language, read from `data/declare/<lang>.toml`.

use serde::{Deserialize, Serialize};

use crate::knowledge::{Category, DAY, HOUR, MINUTE};

/// The languages a declaration can be written in.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
    De,
    Es,
    It,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Fr, Lang::De, Lang::Es, Lang::It, Lang::Nl];

    /// The ISO 639-1 code, as HTML's `lang` attribute and `[purposes]` keys write it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Nl => "nl",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    fn data(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../data/declare/en.toml"),
            Lang::Fr => include_str!("../../data/declare/fr.toml"),
            Lang::De => include_str!("../../data/declare/de.toml"),
            Lang::Es => include_str!("../../data/declare/es.toml"),
            Lang::It => include_str!("../../data/declare/it.toml"),
            Lang::Nl => include_str!("../../data/declare/nl.toml"),
        }
    }

    /// This language's words. The files are compiled in and checked by a unit test, so a
    /// failure here is a bug in the data, reported rather than panicked on.
    pub fn words(self) -> Result<Words, String> {
        toml::from_str(self.data())
            .map_err(|e| format!("data/declare/{}.toml is invalid: {e}", self.code()))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    /// The language's own name.
    pub language: String,
    pub title: String,
    pub intro: String,
    /// With `{site}` and `{date}`.
    pub generated: String,
    pub consent_manager: String,
    pub no_consent_manager: String,
    /// Between a label and its value (`": "`; French: a no-break space before the colon).
    pub colon: String,
    pub unknown: String,
    /// Put after a purpose shown in English because no translation exists.
    pub fallback: String,
    pub columns: Columns,
    pub categories: Categories,
    pub party: PartyWords,
    pub types: TypeWords,
    pub lifetime: LifetimeWords,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub name: String,
    pub provider: String,
    pub purpose: String,
    pub lifetime: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub domain: String,
    pub party: String,
}

impl Columns {
    /// The headings in the order every table shows them.
    pub fn in_order(&self) -> [&str; 7] {
        [
            &self.name,
            &self.provider,
            &self.purpose,
            &self.lifetime,
            &self.kind,
            &self.domain,
            &self.party,
        ]
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Categories {
    pub necessary: String,
    pub functional: String,
    pub analytics: String,
    pub marketing: String,
    pub unclassified: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyWords {
    pub first: String,
    pub third: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeWords {
    pub http: String,
    pub script: String,
    pub local: String,
    pub session: String,
    pub indexeddb: String,
}

/// `[singular, plural]` per unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifetimeWords {
    pub session: String,
    /// Storage with no expiry (localStorage, IndexedDB).
    pub persistent: String,
    pub expired: String,
    pub second: [String; 2],
    pub minute: [String; 2],
    pub hour: [String; 2],
    pub day: [String; 2],
    pub month: [String; 2],
    pub year: [String; 2],
}

/// A lifetime as a count of one unit, rounded the way people say it: under 60 days in days,
/// under two years in months (of 30 days; twelve is one year), else in years; to the nearest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Session,
    Expired,
    Second(i64),
    Minute(i64),
    Hour(i64),
    Day(i64),
    Month(i64),
    Year(i64),
}

impl Span {
    pub fn of(secs: Option<i64>) -> Span {
        let Some(s) = secs else {
            return Span::Session;
        };
        // To the nearest unit: a browser reports `Expires` a moment after it was set, so a
        // 30-minute cookie reads 1799 seconds.
        let round = |unit: i64| (s + unit / 2) / unit;
        match s {
            i64::MIN..=0 => Span::Expired,
            1..MINUTE => Span::Second(s),
            _ if round(MINUTE) < 60 => Span::Minute(round(MINUTE)),
            _ if round(HOUR) < 24 => Span::Hour(round(HOUR)),
            _ if round(DAY) < 60 => Span::Day(round(DAY)),
            // Twelve months is how people say a year.
            _ if s < 730 * DAY => match round(30 * DAY) {
                12 => Span::Year(1),
                m => Span::Month(m),
            },
            _ => Span::Year(round(365 * DAY)),
        }
    }
}

impl Words {
    pub fn category(&self, c: Category) -> &str {
        match c {
            Category::Necessary => &self.categories.necessary,
            Category::Functional => &self.categories.functional,
            Category::Analytics => &self.categories.analytics,
            Category::Marketing => &self.categories.marketing,
            Category::Unclassified => &self.categories.unclassified,
        }
    }

    /// "13 months", "13 mois", "Session".
    pub fn lifetime(&self, secs: Option<i64>) -> String {
        let l = &self.lifetime;
        let (n, unit) = match Span::of(secs) {
            Span::Session => return l.session.clone(),
            Span::Expired => return l.expired.clone(),
            Span::Second(n) => (n, &l.second),
            Span::Minute(n) => (n, &l.minute),
            Span::Hour(n) => (n, &l.hour),
            Span::Day(n) => (n, &l.day),
            Span::Month(n) => (n, &l.month),
            Span::Year(n) => (n, &l.year),
        };
        format!("{n} {}", unit[usize::from(n != 1)])
    }

    /// Reads a lifetime written in this language's words ("13 mois", "Session"); `None` when
    /// it is not in that form.
    pub fn parse_lifetime(&self, text: &str) -> Option<Option<i64>> {
        let l = &self.lifetime;
        let t = text.trim().to_lowercase();
        if t == l.session.to_lowercase() {
            return Some(None);
        }
        let (n, unit) = t.split_once(' ')?;
        let n: i64 = n.trim().parse().ok()?;
        let units = [
            (&l.second, 1),
            (&l.minute, MINUTE),
            (&l.hour, HOUR),
            (&l.day, DAY),
            (&l.month, 30 * DAY),
            (&l.year, 365 * DAY),
        ];
        let unit = unit.trim();
        let per = units
            .iter()
            .find(|(w, _)| w.iter().any(|w| w.to_lowercase() == unit))?
            .1;
        Some(Some(n.checked_mul(per)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_strings(w: &Words) -> Vec<&str> {
        let l = &w.lifetime;
        let mut v = vec![
            w.language.as_str(),
            &w.title,
            &w.intro,
            &w.generated,
            &w.consent_manager,
            &w.no_consent_manager,
            &w.colon,
            &w.unknown,
            &w.fallback,
            &w.columns.name,
            &w.columns.provider,
            &w.columns.purpose,
            &w.columns.lifetime,
            &w.columns.kind,
            &w.columns.domain,
            &w.columns.party,
            &w.party.first,
            &w.party.third,
            &w.types.http,
            &w.types.script,
            &w.types.local,
            &w.types.session,
            &w.types.indexeddb,
            &l.session,
            &l.persistent,
            &l.expired,
        ];
        for pair in [&l.second, &l.minute, &l.hour, &l.day, &l.month, &l.year] {
            v.extend(pair.iter().map(String::as_str));
        }
        v.extend(Category::ALL.iter().map(|c| w.category(*c)));
        v
    }

    #[test]
    fn every_language_has_every_key_and_none_is_empty() {
        // deny_unknown_fields and required fields: a missing or misspelt key fails to parse.
        for lang in Lang::ALL {
            let w = lang.words().unwrap_or_else(|e| panic!("{e}"));
            for s in all_strings(&w) {
                assert!(!s.trim().is_empty(), "{}: an empty word", lang.code());
            }
            assert!(w.generated.contains("{site}") && w.generated.contains("{date}"));
        }
    }

    #[test]
    fn category_titles_read_back_as_their_category_in_every_language() {
        // `declare --check` reads a published page's headings through the policy extractor.
        for lang in Lang::ALL {
            let w = lang.words().unwrap();
            for c in Category::ALL {
                assert_eq!(
                    Category::from_label(w.category(c)),
                    Some(c),
                    "{}: '{}'",
                    lang.code(),
                    w.category(c)
                );
            }
        }
    }

    #[test]
    fn lifetimes_in_words_read_back_in_every_language() {
        for lang in Lang::ALL {
            let w = lang.words().unwrap();
            for secs in [None, Some(1800), Some(7200), Some(86_400), Some(14 * DAY)] {
                let text = w.lifetime(secs);
                assert_eq!(
                    w.parse_lifetime(&text),
                    Some(secs),
                    "{}: {text}",
                    lang.code()
                );
            }
            let month = w.lifetime(Some(395 * DAY));
            assert_eq!(
                Span::of(w.parse_lifetime(&month).unwrap()),
                Span::Month(13),
                "{month}"
            );
        }
        let fr = Lang::Fr.words().unwrap();
        assert_eq!(fr.lifetime(Some(395 * DAY)), "13 mois");
        assert_eq!(fr.lifetime(Some(364 * DAY)), "1 an");
        assert_eq!(fr.lifetime(Some(180 * DAY)), "6 mois");
        assert_eq!(fr.lifetime(Some(2 * 365 * DAY)), "2 ans");
        assert_eq!(fr.lifetime(Some(DAY)), "1 jour");
        assert_eq!(fr.lifetime(Some(1799)), "30 minutes");
        assert_eq!(fr.lifetime(Some(3599)), "1 heure");
        assert_eq!(fr.lifetime(Some(DAY - 30)), "1 jour");
        let de = Lang::De.words().unwrap();
        assert_eq!(de.lifetime(Some(1800)), "30 Minuten");
        assert_eq!(de.lifetime(None), "Sitzung");
    }
}
