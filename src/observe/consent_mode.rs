//! Google Consent Mode v2 as Google tags send it: which requests are Google tag hits, and the
//! consent state their `gcs` and `gcd` parameters carry. The endpoints and the meaning of the
//! `gcd` letters are data (data/consent_mode.toml), each with the page that documents it.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use url::Url;

const BUILTIN: &str = include_str!("../../data/consent_mode.toml");

/// One consent type's state after a hit.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentState {
    Granted,
    Denied,
    /// The tag sent no value for this type.
    NotSet,
    /// The hit carried no consent state at all, or a letter outside data/consent_mode.toml.
    #[default]
    Unknown,
}

impl ConsentState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Granted => "granted",
            ConsentState::Denied => "denied",
            ConsentState::NotSet => "not set",
            ConsentState::Unknown => "unknown",
        }
    }
}

/// The four consent types of Consent Mode v2, as one hit reported them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub struct ConsentModeState {
    pub ad_storage: ConsentState,
    pub analytics_storage: ConsentState,
    pub ad_user_data: ConsentState,
    pub ad_personalization: ConsentState,
}

impl ConsentModeState {
    /// (consent type, state) in Google's order.
    pub fn types(&self) -> [(&'static str, ConsentState); 4] {
        [
            ("ad_storage", self.ad_storage),
            ("analytics_storage", self.analytics_storage),
            ("ad_user_data", self.ad_user_data),
            ("ad_personalization", self.ad_personalization),
        ]
    }

    pub fn any_granted(&self) -> bool {
        self.types()
            .iter()
            .any(|(_, s)| *s == ConsentState::Granted)
    }

    /// The consent types granted, in Google's order.
    pub fn granted(&self) -> Vec<&'static str> {
        self.types()
            .iter()
            .filter(|(_, s)| *s == ConsentState::Granted)
            .map(|(t, _)| *t)
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub name: String,
    pub host: String,
    pub path: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Gcs {
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Letter {
    meaning: String,
    state: ConsentState,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Gcd {
    order: Vec<String>,
    sources: Vec<String>,
    letters: std::collections::BTreeMap<char, Letter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    endpoint: Vec<Endpoint>,
    gcs: Gcs,
    gcd: Gcd,
}

fn parse_table(text: &str) -> Result<Table, String> {
    let t: Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let want = [
        "ad_storage",
        "analytics_storage",
        "ad_user_data",
        "ad_personalization",
    ];
    if t.gcd.order != want {
        return Err(format!("gcd.order must be {want:?}"));
    }
    let documented = |s: &str| s.starts_with("https://");
    if !t.gcd.sources.iter().all(|s| documented(s)) || !documented(&t.gcs.source) {
        return Err("every gcs/gcd source must be an https URL".into());
    }
    for e in &t.endpoint {
        if e.host.is_empty() || !e.path.starts_with('/') || !documented(&e.source) {
            return Err(format!(
                "endpoint {:?} needs a host, a path starting with '/' and an https source",
                e.name
            ));
        }
    }
    Ok(t)
}

/// The built-in table; data/consent_mode.toml is checked by a unit test, so an error here
/// leaves an empty table (no hit is recognised) rather than stopping the scan.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse_table(BUILTIN).unwrap_or_else(|e| {
            tracing::error!("data/consent_mode.toml: {e}");
            Table {
                endpoint: Vec::new(),
                gcs: Gcs {
                    source: String::new(),
                },
                gcd: Gcd {
                    order: Vec::new(),
                    sources: Vec::new(),
                    letters: Default::default(),
                },
            }
        })
    })
}

impl Table {
    /// The endpoint a request goes to, when it is a Google tag hit.
    pub fn endpoint(&self, url: &Url) -> Option<&Endpoint> {
        let host = url.host_str()?;
        self.endpoint.iter().find(|e| {
            (host == e.host || host.ends_with(&format!(".{}", e.host)))
                && url.path().starts_with(&e.path)
        })
    }

    /// The state `gcs` and `gcd` describe; `gcs` wins for the two storage types it carries,
    /// as it is the state at the time of the hit.
    pub fn state(&self, gcs: Option<&str>, gcd: Option<&str>) -> ConsentModeState {
        let mut s = ConsentModeState::default();
        if let Some(gcd) = gcd {
            let letters: Vec<ConsentState> = gcd
                .chars()
                .skip(2)
                .step_by(2)
                .take(4)
                .map(|c| {
                    self.gcd
                        .letters
                        .get(&c)
                        .map_or(ConsentState::Unknown, |l| l.state)
                })
                .collect();
            let at = |i: usize| letters.get(i).copied().unwrap_or_default();
            s = ConsentModeState {
                ad_storage: at(0),
                analytics_storage: at(1),
                ad_user_data: at(2),
                ad_personalization: at(3),
            };
        }
        if let Some(g) = gcs.and_then(|g| g.strip_prefix("G1")) {
            let bit = |c: Option<char>, old: ConsentState| match c {
                Some('1') => ConsentState::Granted,
                Some('0') => ConsentState::Denied,
                _ => old,
            };
            let mut c = g.chars();
            s.ad_storage = bit(c.next(), s.ad_storage);
            s.analytics_storage = bit(c.next(), s.analytics_storage);
        }
        s
    }

    /// What a `gcd` letter means, for reports ("denied by default, granted by update").
    pub fn meaning(&self, letter: char) -> Option<&str> {
        self.gcd.letters.get(&letter).map(|l| l.meaning.as_str())
    }
}

/// The `gcs` and `gcd` parameters of a request URL, each cut to a sane length.
pub fn params(url: &Url) -> (Option<String>, Option<String>) {
    let mut gcs = None;
    let mut gcd = None;
    for (k, v) in url.query_pairs() {
        let v: String = v.chars().take(32).collect();
        match k.as_ref() {
            "gcs" => gcs = Some(v),
            "gcd" => gcd = Some(v),
            _ => {}
        }
    }
    (gcs, gcd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsentState::*;

    #[test]
    fn the_builtin_table_is_valid_and_documented() {
        let t = parse_table(BUILTIN).expect("data/consent_mode.toml is valid");
        assert!(t.endpoint.len() >= 8);
        assert_eq!(t.gcd.letters.len(), 7);
        for (letter, meaning) in [
            ('l', "not set"),
            ('r', "denied by default, granted by update"),
        ] {
            assert_eq!(t.gcd.letters[&letter].meaning, meaning);
        }
        assert!(parse_table("endpoint = []").is_err());
        let bad = BUILTIN.replace("path = \"/g/collect\"", "path = \"g/collect\"");
        assert!(parse_table(&bad).is_err());
    }

    #[test]
    fn google_tag_hits_are_recognised_by_host_and_path() {
        let t = table();
        let name = |u: &str| t.endpoint(&Url::parse(u).unwrap()).map(|e| e.name.as_str());
        assert_eq!(
            name("https://region1.google-analytics.com/g/collect?v=2"),
            Some("GA4 collect")
        );
        assert_eq!(
            name("http://www.google-analytics.com:8080/g/collect?v=2"),
            Some("GA4 collect")
        );
        assert_eq!(
            name("https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/?x=1"),
            Some("Google Ads remarketing")
        );
        assert_eq!(name("https://www.google-analytics.com/analytics.js"), None);
        assert_eq!(name("https://evilgoogle-analytics.com/g/collect"), None);
    }

    #[test]
    fn gcs_and_gcd_decode_to_the_four_consent_types() {
        let t = table();
        let all = |a, b, c, d| ConsentModeState {
            ad_storage: a,
            analytics_storage: b,
            ad_user_data: c,
            ad_personalization: d,
        };
        // Denied by default, then granted by the visitor's update.
        assert_eq!(
            t.state(Some("G111"), Some("11r1r1r1r5")),
            all(Granted, Granted, Granted, Granted)
        );
        assert_eq!(
            t.state(Some("G100"), Some("11p1p1p1p5")),
            all(Denied, Denied, Denied, Denied)
        );
        // Consent Mode v1: no ad_user_data / ad_personalization.
        assert_eq!(
            t.state(Some("G101"), Some("11p1t1l1l5")),
            all(Denied, Granted, NotSet, NotSet)
        );
        assert_eq!(
            t.state(Some("G110"), None),
            all(Granted, Denied, Unknown, Unknown)
        );
        assert_eq!(t.state(None, None), ConsentModeState::default());
        // Junk never panics: unknown letters and short strings are unknown.
        assert_eq!(
            t.state(Some("G1"), Some("11z")),
            all(Unknown, Unknown, Unknown, Unknown)
        );
        assert_eq!(t.state(Some("💥"), Some("1💥💥💥")).ad_storage, Unknown);
    }

    #[test]
    fn params_are_read_from_the_query_and_cut() {
        let u = Url::parse(&format!(
            "https://www.google-analytics.com/g/collect?v=2&gcs=G111&gcd={}&cid=1.2",
            "x".repeat(500)
        ))
        .unwrap();
        let (gcs, gcd) = params(&u);
        assert_eq!(gcs.as_deref(), Some("G111"));
        assert_eq!(gcd.map(|g| g.len()), Some(32));
    }
}
