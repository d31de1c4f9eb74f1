//! Reading categories, lifetimes and providers out of the words around a declaration.

use std::sync::OnceLock;

use regex::Regex;

use crate::knowledge::Category;
use crate::policy::headers::fold_confusables;

/// Category named by a table cell ("Statistical", "Cookies de mesure d'audience").
pub fn category_of_cell(cell: &str) -> Option<Category> {
    let cell = cell.trim();
    if cell.is_empty() || cell.split_whitespace().count() > 8 {
        return None;
    }
    Category::from_label(cell)
        .or_else(|| {
            (!cell.is_ascii())
                .then(|| Category::from_label(&fold_confusables(cell)))
                .flatten()
        })
        .or_else(|| {
            // "Cookies de mesure d'audience" needs the word scan, but "Google Analytics"
            // names a provider, not a category: only scan cells that speak of cookies.
            let lower = cell.to_lowercase();
            (lower.contains("cookie") || lower.contains("traceur"))
                .then(|| category_in_heading(cell))
                .flatten()
        })
}

/// Category a heading announces. `Category::from_label` splits "a/b" and lets either part
/// decide; a heading such as "Cookies necessary for the platform to function
/// properly/functionality cookies" must be decided by its first category words, so this
/// scans word windows from the left and takes the earliest, longest match.
pub fn category_in_heading(text: &str) -> Option<Category> {
    scan(text, 16, false).map(|(c, _)| c)
}

/// Words that start no category label; skipping them saves most lookups.
const NEVER_FIRST: &[&str] = &[
    "the", "a", "an", "of", "to", "and", "or", "in", "on", "for", "is", "are", "we", "our", "you",
    "your", "this", "that", "these", "it", "by", "with", "as", "be", "de", "la", "le", "les",
    "des", "du", "et", "à", "pour", "un", "une", "vos", "votre", "nous", "der", "die", "das",
    "und", "cookie", "cookies",
];

fn scan(text: &str, max_words: usize, skip_vague: bool) -> Option<(Category, String)> {
    let folded = if text.is_ascii() {
        std::borrow::Cow::Borrowed(text)
    } else {
        fold_confusables(text).into()
    };
    let words: Vec<&str> = folded
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '/' | ','
                        | ';'
                        | ':'
                        | '('
                        | ')'
                        | '"'
                        | '“'
                        | '”'
                        | '*'
                        | '#'
                        | '|'
                        | '-'
                        | '–'
                )
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > max_words {
        return None;
    }
    for i in 0..words.len() {
        if NEVER_FIRST.iter().any(|w| w.eq_ignore_ascii_case(words[i])) {
            continue;
        }
        for len in (1..=3.min(words.len() - i)).rev() {
            let phrase = words[i..i + len].join(" ");
            let lower = phrase.to_lowercase();
            if skip_vague && VAGUE.iter().any(|v| lower.contains(v)) {
                continue;
            }
            if let Some(c) = Category::from_label(&phrase) {
                return Some((c, phrase));
            }
        }
    }
    None
}

const VAGUE: &[&str] = &[
    "other", "autre", "unknown", "sonstige", "social", "required",
];

fn duration_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let unit = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|heures?|days?|jours?|weeks?|semaines?|months?|mois|years?|ans?|années?|tagen?|tage|wochen|monaten?|monate|jahren?|jahre|días|dias|semanas|meses|mes|años|año|giorni|settimane|mesi|anni|anno|dagen|dag|weken|maanden|maand|jaar|jaren|[smhdjy])";
        Regex::new(&format!(
            r"(?i)\b\d+(?:[.,]\d+)?\s*{unit}\b(?:\s*(?:and|et|,)?\s*\d+\s*{unit}\b)?"
        ))
        .expect("duration pattern is valid")
    })
}

fn session_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(?:session|persistent|persistant|sitzung|sesión|sessione|sessie|fin de (?:la )?session|end of (?:the )?(?:browser )?session|(?:browser )?session cookie)\b")
            .expect("session pattern is valid")
    })
}

/// The first duration in a text ("Up to 365 days …" → "365 days").
pub fn duration_in(text: &str) -> Option<String> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    duration_re()
        .find(text)
        .map(|m| m.as_str().trim().to_string())
}

/// Whether a cell reads as a lifetime ("13 mois", "Session", "1 year").
pub fn is_lifetime(cell: &str) -> bool {
    let cell = cell.trim();
    const SESSION_START: &[&str] = &[
        "session", "persist", "sitzung", "sesi", "sessi", "fin de", "end of", "browser",
    ];
    let starts = |s: &str| {
        SESSION_START
            .iter()
            .any(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
    };
    !cell.is_empty()
        && cell.split_whitespace().count() <= 8
        && ((starts(cell) && session_re().is_match(cell))
            || (cell.bytes().any(|b| b.is_ascii_digit()) && duration_re().is_match(cell)))
}

/// Lifetime stated in running text, only after words that say so ("The data retention is
/// 180 days", "stored for 12 months", "conservé pendant 13 mois"): a bare "24 months" may
/// be about something else.
pub fn lifetime_in(text: &str) -> Option<String> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    static CUE: OnceLock<Regex> = OnceLock::new();
    static FOR: OnceLock<Regex> = OnceLock::new();
    let cue = CUE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:retention|retained|kept|stored|expires?|expiry|expiration|lifetime|lifespan|duration|lasts?|valid|durée|conserv[ée]+s?|expire|gültig|laufzeit|speicherdauer)\b")
            .expect("lifetime cue pattern is valid")
    });
    let for_ = FOR.get_or_init(|| {
        Regex::new(r"(?i)\b(?:for|pendant|durant|für|während)\s+(?:up to\s+|a period of\s+|une durée de\s+)?$").expect("for pattern is valid")
    });
    for d in duration_re().find_iter(text) {
        let before = &text[..d.start()];
        let near = before.char_indices().rev().nth(50).map_or(0, |(i, _)| i);
        if for_.is_match(before) || cue.is_match(&before[near..]) {
            return Some(d.as_str().trim().to_string());
        }
    }
    None
}

/// Words that name what a cookie is for rather than who sets it: "Site language" or
/// "Session ID" in a label column is a title, "Zendesk" or "Piwik Analytics" a provider.
const GENERIC: &[&str] = &[
    "language",
    "langue",
    "lang",
    "token",
    "session",
    "id",
    "identifier",
    "identifiant",
    "csrf",
    "xsrf",
    "security",
    "sécurité",
    "consent",
    "consentement",
    "login",
    "log-in",
    "connexion",
    "cart",
    "panier",
    "preferences",
    "préférences",
    "preference",
    "authentication",
    "authentification",
    "user",
    "utilisateur",
    "visitor",
    "visiteur",
    "selection",
    "choice",
    "choices",
    "choix",
    "cookie",
    "cookies",
    "tracking",
    "settings",
    "paramètres",
    "currency",
    "country",
    "pays",
    "theme",
    "statistics",
    "statistiques",
    "load",
    "balancing",
    "chat",
];

pub fn looks_like_provider(cell: &str) -> bool {
    let words: Vec<&str> = cell.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 || cell.len() > 48 {
        return false;
    }
    let starts_upper = cell
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    starts_upper
        && category_of_cell(cell).is_none()
        && !is_lifetime(cell)
        && !words.iter().any(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_lowercase();
            GENERIC.contains(&w.as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_decided_by_their_first_category_words() {
        let h = "Cookies necessary for the platform to function properly/functionality cookies";
        assert_eq!(category_in_heading(h), Some(Category::Necessary));
        assert_eq!(
            category_in_heading("Cookies de mesure d'audience"),
            Some(Category::Analytics)
        );
        assert_eq!(category_in_heading("What cookies do we use?"), None);
        assert_eq!(
            category_in_heading("Statistik-Cookies"),
            Some(Category::Analytics)
        );
        assert_eq!(category_of_cell("Statistical"), Some(Category::Analytics));
    }

    #[test]
    fn lifetimes_in_cells_and_sentences() {
        assert!(is_lifetime("13 mois") && is_lifetime("Session") && is_lifetime("1 year"));
        assert!(!is_lifetime("Necessary") && !is_lifetime("Zendesk"));
        assert_eq!(
            lifetime_in("The data retention is 180 days.").as_deref(),
            Some("180 days")
        );
        assert_eq!(lifetime_in("Deleted after 24 months"), None);
        assert_eq!(
            lifetime_in("sets _pk_id for 13 months").as_deref(),
            Some("13 months")
        );
        assert_eq!(
            lifetime_in("conservé pendant 6 mois").as_deref(),
            Some("6 mois")
        );
    }

    #[test]
    fn providers_versus_titles() {
        for p in [
            "Zendesk",
            "Piwik Analytics",
            "WPML",
            "YouTube",
            "Wordpress",
            "Odoo",
        ] {
            assert!(looks_like_provider(p), "{p}");
        }
        for t in [
            "Site language",
            "CSRF Token (sécurité)",
            "Session ID",
            "Necessary",
            "2 years",
        ] {
            assert!(!looks_like_provider(t), "{t}");
        }
    }
}
