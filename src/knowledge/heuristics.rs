//! Guesses for unknown cookies, driven by the rules in `data/heuristics.toml`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind as AcMatchKind};
use serde::Deserialize;

use super::entry::line_of;
use super::lifetime::{parse_lifetime, DAY};
use super::{Category, Classification, CookieQuery, KnowledgeError, MatchKind};

pub(crate) const BUILTIN_FILE: &str = "data/heuristics.toml";
const BUILTIN_TEXT: &str = include_str!("../../data/heuristics.toml");
/// A guess never claims more than this.
pub const MAX_HEURISTIC_CONFIDENCE: f32 = 0.4;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    rule: Vec<toml::Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    category: String,
    confidence: f32,
    reason: String,
    #[serde(default)]
    name_contains: Vec<String>,
    third_party: Option<bool>,
    value_looks_random: Option<bool>,
    min_lifetime: Option<String>,
    set_by_third_party: Option<bool>,
    written_at_choice: Option<bool>,
}

#[derive(Debug)]
struct Rule {
    id: String,
    category: Category,
    confidence: f32,
    reason: String,
    words: Vec<String>,
    finder: Option<AhoCorasick>,
    third_party: Option<bool>,
    value_looks_random: Option<bool>,
    min_lifetime_secs: Option<i64>,
    set_by_third_party: Option<bool>,
    written_at_choice: Option<bool>,
}

/// The ordered rule list; the first rule whose conditions all hold wins.
#[derive(Debug)]
pub(crate) struct Heuristics {
    rules: Vec<Rule>,
}

impl Heuristics {
    pub(crate) fn builtin() -> Result<Heuristics, KnowledgeError> {
        Heuristics::parse(BUILTIN_TEXT, BUILTIN_FILE)
    }

    pub(crate) fn parse(text: &str, origin: &str) -> Result<Heuristics, KnowledgeError> {
        let err = |line: usize, message: String| KnowledgeError::Heuristics {
            file: origin.to_string(),
            line,
            message,
        };
        let raw: RawRules = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            err(line, e.message().trim().replace('\n', " "))
        })?;
        let mut rules = Vec::new();
        for spanned in raw.rule {
            let line = line_of(text, spanned.span().start);
            let r = spanned.into_inner();
            let category = Category::from_label(&r.category)
                .ok_or_else(|| err(line, format!("unknown category '{}'", r.category)))?;
            if !(0.0..=MAX_HEURISTIC_CONFIDENCE).contains(&r.confidence) {
                return Err(err(
                    line,
                    format!("confidence {} is not within 0..=0.4", r.confidence),
                ));
            }
            let min_lifetime_secs = match r.min_lifetime.as_deref() {
                None => None,
                Some(l) => Some(
                    parse_lifetime(l)
                        .map_err(|m| err(line, m))?
                        .secs()
                        .unwrap_or(0),
                ),
            };
            let words: Vec<String> = r
                .name_contains
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect();
            if words.iter().any(String::is_empty) {
                return Err(err(line, "name_contains has an empty word".into()));
            }
            if words.is_empty()
                && r.third_party.is_none()
                && r.value_looks_random.is_none()
                && min_lifetime_secs.is_none()
                && r.set_by_third_party.is_none()
                && r.written_at_choice.is_none()
            {
                return Err(err(line, format!("rule '{}' has no condition", r.id)));
            }
            let finder = if words.is_empty() {
                None
            } else {
                let ac = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(AcMatchKind::LeftmostFirst)
                    .build(&words)
                    .map_err(|e| err(line, e.to_string()))?;
                Some(ac)
            };
            rules.push(Rule {
                id: r.id,
                category,
                confidence: r.confidence,
                reason: r.reason,
                words,
                finder,
                third_party: r.third_party,
                value_looks_random: r.value_looks_random,
                min_lifetime_secs,
                set_by_third_party: r.set_by_third_party,
                written_at_choice: r.written_at_choice,
            });
        }
        Ok(Heuristics { rules })
    }

    /// The first rule that applies, as a clearly labelled guess.
    pub(crate) fn apply(&self, q: &CookieQuery) -> Option<Classification> {
        self.rules.iter().find_map(|r| {
            let word = match &r.finder {
                Some(f) => Some(r.words[f.find(q.name)?.pattern().as_usize()].as_str()),
                None => None,
            };
            let holds = r.third_party.is_none_or(|t| t == q.third_party)
                && r.value_looks_random
                    .is_none_or(|v| v == q.value_looks_random)
                && r.min_lifetime_secs.is_none_or(|min| {
                    q.lifetime_secs
                        .is_some_and(|s| s.saturating_add(DAY) >= min)
                })
                && r.set_by_third_party.is_none_or(|t| t == q.writer.is_some())
                && r.written_at_choice.is_none_or(|w| w == q.written_at_choice);
            holds.then(|| Classification {
                vendor: None,
                category: r.category,
                purpose: None,
                expected_lifetime: None,
                expected_lifetime_secs: None,
                match_kind: MatchKind::Heuristic,
                pattern: Some(r.id.clone()),
                confidence: r.confidence,
                reason: format!(
                    "Guess by heuristic '{}' (no database entry matched): {}.",
                    r.id,
                    r.reason
                        .replace("{word}", word.unwrap_or(""))
                        .replace("{writer}", q.writer.unwrap_or("a third party"))
                ),
                source: super::BUILTIN_SOURCE.to_string(),
                doc_url: None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(q: CookieQuery) -> Option<Classification> {
        Heuristics::builtin().unwrap().apply(&q)
    }

    #[test]
    fn builtin_rules_load_and_stay_guesses() {
        let h = Heuristics::builtin().unwrap();
        assert!(h.rules.len() >= 5);
        assert!(h
            .rules
            .iter()
            .all(|r| r.confidence <= MAX_HEURISTIC_CONFIDENCE));
    }

    /// Asserts that `q` is guessed by rule `id` as `cat`, with `in_reason` in its reason.
    fn assert_guess(q: CookieQuery<'_>, id: &str, cat: Category, in_reason: &str) {
        let c = guess(q).unwrap_or_else(|| panic!("{} matched no rule", q.name));
        assert_eq!(c.pattern.as_deref(), Some(id), "{}", q.name);
        assert_eq!(c.category, cat, "{}", q.name);
        assert_eq!(c.match_kind, MatchKind::Heuristic);
        assert!(c.confidence > 0.0 && c.confidence <= 0.4);
        assert!(
            c.reason.starts_with("Guess") && c.reason.contains(in_reason),
            "{}",
            c.reason
        );
    }

    #[test]
    fn each_name_rule_fires_with_its_reason() {
        let cases = [
            ("site_consent_v2", "consent", Category::Necessary, "consent"),
            (
                "cookie_notice_accepted",
                "consent",
                Category::Necessary,
                "cookie_notice",
            ),
            (
                "myapp_SESSION",
                "security-or-session",
                Category::Necessary,
                "sess",
            ),
            ("X-CSRF", "security-or-session", Category::Necessary, "csrf"),
            (
                "xsrf-token",
                "security-or-session",
                Category::Necessary,
                "xsrf",
            ),
            (
                "api_token",
                "security-or-session",
                Category::Necessary,
                "token",
            ),
            (
                "auth_state",
                "security-or-session",
                Category::Necessary,
                "auth",
            ),
            (
                "lb_affinity",
                "load-balancing",
                Category::Necessary,
                "affinity",
            ),
            ("site_lang", "preferences", Category::Functional, "lang"),
            ("user_locale", "preferences", Category::Functional, "locale"),
            (
                "shop_currency",
                "preferences",
                Category::Functional,
                "currency",
            ),
        ];
        for (name, id, cat, in_reason) in cases {
            assert_guess(CookieQuery::new(name), id, cat, in_reason);
        }
    }

    #[test]
    fn a_random_id_kept_a_year_by_a_third_party_is_a_tracking_guess() {
        let q = CookieQuery {
            name: "zq",
            third_party: true,
            value_looks_random: true,
            lifetime_secs: Some(365 * DAY),
            ..Default::default()
        };
        assert_guess(
            q,
            "third-party-tracking-id",
            Category::Marketing,
            "third party",
        );
    }

    #[test]
    fn a_third_party_writer_is_never_guessed_necessary_from_the_name() {
        for name in ["trk_sess", "ad_token", "partner_consent", "lb_affinity"] {
            let q = CookieQuery {
                writer: Some("cdn.adnet.test"),
                ..CookieQuery::new(name)
            };
            let c = guess(q).unwrap_or_else(|| panic!("{name} matched no rule"));
            assert_ne!(c.category, Category::Necessary, "{name}: {}", c.reason);
            assert_eq!(c.pattern.as_deref(), Some("third-party-writer"), "{name}");
            assert!(c.reason.contains("cdn.adnet.test"), "{}", c.reason);
        }
        // The same names from the site itself keep their guess.
        assert_eq!(
            guess(CookieQuery::new("trk_sess")).unwrap().category,
            Category::Necessary
        );
    }

    #[test]
    fn a_choice_written_when_the_banner_is_answered_is_the_consent_state() {
        for name in [
            "visitor_choice",
            "consent_choice",
            "cookie_consent",
            "privacy_choice",
        ] {
            let q = CookieQuery {
                written_at_choice: true,
                ..CookieQuery::new(name)
            };
            let c = guess(q).unwrap_or_else(|| panic!("{name} matched no rule"));
            assert_eq!(c.pattern.as_deref(), Some("consent-state"), "{name}");
            assert_eq!(c.category, Category::Necessary);
            assert!(c.reason.contains("consent state"), "{}", c.reason);
        }
        // Without the moment of the click, `*_choice` says nothing.
        assert!(guess(CookieQuery::new("visitor_choice")).is_none());
    }

    #[test]
    fn tracking_id_rule_needs_every_condition() {
        let base = CookieQuery {
            name: "zq",
            third_party: true,
            value_looks_random: true,
            lifetime_secs: Some(364 * DAY),
            ..Default::default()
        };
        assert!(guess(base).is_some(), "one day of slack");
        assert!(guess(CookieQuery {
            lifetime_secs: Some(300 * DAY),
            ..base
        })
        .is_none());
        assert!(guess(CookieQuery {
            lifetime_secs: None,
            ..base
        })
        .is_none());
        assert!(guess(CookieQuery {
            third_party: false,
            ..base
        })
        .is_none());
        assert!(guess(CookieQuery {
            value_looks_random: false,
            ..base
        })
        .is_none());
        assert!(guess(CookieQuery::new("zq")).is_none());
    }

    #[test]
    fn bad_rules_are_errors_with_a_line() {
        let cases = [
            ("[[rule]]\nid = \"a\"\ncategory = \"necessary\"\nconfidence = 0.9\nreason = \"r\"\nthird_party = true\n", "0.4"),
            ("[[rule]]\nid = \"a\"\ncategory = \"tasty\"\nconfidence = 0.1\nreason = \"r\"\nthird_party = true\n", "category"),
            ("[[rule]]\nid = \"a\"\ncategory = \"necessary\"\nconfidence = 0.1\nreason = \"r\"\n", "no condition"),
            ("[[rule]]\nid = \"a\"\ncategory = \"necessary\"\nconfidence = 0.1\nreason = \"r\"\nname_has = [\"x\"]\n", "name_has"),
        ];
        for (text, want) in cases {
            let e = Heuristics::parse(text, "h.toml").unwrap_err().to_string();
            assert!(e.starts_with("h.toml:") && e.contains(want), "{e}");
        }
    }
}
