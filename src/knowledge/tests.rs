//! Knowledge-base level tests. They rely only on entries any real database has (Django,
//! Matomo, Google Analytics, Instagram, YouTube, Zendesk, Cloudflare, AWS); everything else
//! comes from user files loaded here.

use super::*;

/// A fresh built-in base, for tests that load user files into it.
pub(super) fn kb() -> KnowledgeBase {
    KnowledgeBase::builtin().expect("built-in data is valid")
}

/// The built-in base, parsed once, for read-only tests.
pub(super) fn shared() -> &'static KnowledgeBase {
    static KB: std::sync::OnceLock<KnowledgeBase> = std::sync::OnceLock::new();
    KB.get_or_init(kb)
}

fn q(name: &str) -> CookieQuery<'_> {
    CookieQuery::new(name)
}

pub(super) fn toml_entry(name: &str, kind: &str, extra: &str, vendor: &str) -> String {
    format!(
        "[[cookie]]\nname = '{name}'\nmatch = \"{kind}\"\nvendor = \"{vendor}\"\ncategory = \"necessary\"\npurpose = \"Test.\"\n{extra}\n"
    )
}

fn user_kb(text: &str) -> KnowledgeBase {
    let mut kb = KnowledgeBase::empty().unwrap();
    let w = kb.load_str(text, "user.toml").unwrap();
    assert!(w.is_empty(), "{w:?}");
    kb
}

#[test]
fn builtin_knows_the_reference_cookies() {
    let kb = shared();
    let cases = [
        ("csrftoken", "Django", MatchKind::Exact),
        ("sessionid", "Django", MatchKind::Exact),
        ("django_language", "Django", MatchKind::Exact),
        ("_pk_id.1.a1b2c3d4e5f60718", "Matomo", MatchKind::Prefix),
        ("_pk_ses.7.1fa9", "Matomo", MatchKind::Prefix),
        ("_ga", "Google Analytics", MatchKind::Exact),
        ("_ga_Q1W2E3R4T5", "Google Analytics", MatchKind::Prefix),
        ("YSC", "YouTube", MatchKind::Exact),
        ("VISITOR_INFO1_LIVE", "YouTube", MatchKind::Exact),
        ("__zlcmid", "Zendesk", MatchKind::Exact),
        ("_zlcmid", "Zendesk", MatchKind::Exact),
        ("__cf_bm", "Cloudflare", MatchKind::Exact),
        ("AWSALBCORS", "AWS", MatchKind::Prefix),
    ];
    for (name, vendor, kind) in cases {
        let c = kb.classify(&q(name));
        let v = c.vendor.clone().unwrap_or_default();
        assert!(
            v.contains(vendor) || (vendor == "AWS" && v.contains("Amazon")),
            "{name}: {c:?}"
        );
        assert!(
            c.match_kind == kind || (name == "AWSALBCORS" && c.is_known()),
            "{name}: {c:?}"
        );
        assert!(c.confidence >= 0.7, "{name}: {c:?}");
        assert_eq!(c.source, BUILTIN_SOURCE);
        assert!(c.reason.contains("built-in data/cookies/"), "{}", c.reason);
    }
    let matomo = kb.classify(&q("_pk_id.1.abc"));
    assert_eq!(matomo.category, Category::Analytics);
    assert!(matomo.expected_lifetime_secs.is_some());
}

#[test]
fn exact_beats_prefix_beats_regex() {
    let text = [
        toml_entry("abc_1", "exact", "", "E"),
        toml_entry("abc_", "prefix", "", "P"),
        toml_entry(r"abc_\d+", "regex", "", "R"),
        toml_entry(r"x\d+", "regex", "", "X"),
    ]
    .concat();
    let kb = user_kb(&text);
    let vendor = |n: &str| kb.classify(&q(n)).vendor;
    assert_eq!(vendor("abc_1").as_deref(), Some("E"));
    assert_eq!(vendor("abc_2").as_deref(), Some("P"));
    assert_eq!(vendor("x12").as_deref(), Some("X"));
    assert_eq!(kb.classify(&q("x12")).match_kind, MatchKind::Regex);
    assert_eq!(
        kb.classify(&q("ax12")).match_kind,
        MatchKind::None,
        "regex is anchored"
    );
    assert_eq!(
        kb.classify(&q("x12b")).match_kind,
        MatchKind::None,
        "regex is anchored"
    );
    let all = kb.explain("abc_1", None);
    let kinds: Vec<MatchKind> = all.iter().map(|c| c.match_kind).collect();
    assert_eq!(
        kinds,
        [MatchKind::Exact, MatchKind::Prefix, MatchKind::Regex]
    );
    assert!(all[0].confidence > all[1].confidence && all[1].confidence > all[2].confidence);
}

#[test]
fn longest_prefix_wins() {
    let text = [
        toml_entry("_pk_", "prefix", "", "Short"),
        toml_entry("_pk_id.", "prefix", "", "Long"),
    ]
    .concat();
    let kb = user_kb(&text);
    assert_eq!(
        kb.classify(&q("_pk_id.1.ff")).vendor.as_deref(),
        Some("Long")
    );
    assert_eq!(
        kb.classify(&q("_pk_ref.1.ff")).vendor.as_deref(),
        Some("Short")
    );
    let mut kb = self::kb();
    kb.load_str(&toml_entry("_pk_", "prefix", "", "Short"), "user.toml")
        .unwrap();
    assert_eq!(
        kb.classify(&q("_pk_id.1.ff")).vendor.as_deref(),
        Some("Matomo"),
        "longer built-in prefix beats a shorter user prefix"
    );
}

#[test]
fn domain_hint_breaks_ties() {
    let kb = shared();
    let on = |domain: Option<&str>, site: Option<&str>| {
        kb.classify(&CookieQuery {
            name: "sessionid",
            domain,
            site,
            ..Default::default()
        })
    };
    for (d, s) in [
        (Some("instagram.com"), None),
        (Some(".instagram.com"), None),
        (Some("www.instagram.com"), None),
        (None, Some("instagram.com")),
    ] {
        let c = on(d, s);
        assert_eq!(c.vendor.as_deref(), Some("Instagram"), "{d:?} {s:?}");
        assert!(
            c.confidence > 0.95 && c.reason.contains("instagram.com"),
            "{c:?}"
        );
    }
    for (d, s) in [
        (Some("example.com"), Some("example.com")),
        (None, None),
        (Some("notinstagram.com"), None),
    ] {
        assert_eq!(on(d, s).vendor.as_deref(), Some("Django"), "{d:?} {s:?}");
    }
    let listed = kb.explain("sessionid", Some("instagram.com"));
    assert_eq!(listed[0].vendor.as_deref(), Some("Instagram"));
    assert!(listed.iter().any(|c| c.vendor.as_deref() == Some("Django")));
    let listed = kb.explain("sessionid", Some("example.com"));
    assert_eq!(listed[0].vendor.as_deref(), Some("Django"));
    let insta = listed
        .iter()
        .find(|c| c.vendor.as_deref() == Some("Instagram"))
        .unwrap();
    assert!(
        insta.confidence < 0.9 && insta.reason.contains("not example.com"),
        "{insta:?}"
    );
}

#[test]
fn hinted_entry_alone_still_matches_with_less_confidence() {
    let kb = user_kb(&toml_entry(
        "only_here",
        "exact",
        "domain = \"shop.example\"",
        "Shop",
    ));
    let c = kb.classify(&CookieQuery {
        name: "only_here",
        domain: Some("other.org"),
        ..Default::default()
    });
    assert_eq!(c.vendor.as_deref(), Some("Shop"));
    assert!(c.confidence < rank::EXACT_CONFIDENCE);
}

#[test]
fn case_rules() {
    let kb = shared();
    assert!(
        !kb.classify(&q("CSRFTOKEN")).is_known(),
        "names are case-sensitive by default"
    );
    assert!(kb.is_known_name("CSRFTOKEN"));
    assert_eq!(kb.canonical_name("Sessionid").as_deref(), Some("sessionid"));
    assert_eq!(kb.canonical_name("sessionid").as_deref(), Some("sessionid"));
    assert_eq!(kb.canonical_name("_PK_ID").as_deref(), Some("_pk_id"));
    assert_eq!(
        kb.canonical_name("_PK_ID.1.AbC").as_deref(),
        Some("_pk_id.1.AbC")
    );
    assert_eq!(kb.canonical_name("no_such_cookie_zz"), None);
    for name in [
        "_pk_id",
        "_pk_id.",
        "_pk_id.*",
        "_PK_SES",
        "_ga_",
        "_GA_XYZ",
        "visitor_info1_live",
    ] {
        assert!(kb.is_known_name(name), "{name}");
    }
    for name in ["", "*", "_pk", "_pk_idx", "no_such_cookie_zz"] {
        assert!(!kb.is_known_name(name), "{name}");
    }

    let text = [
        toml_entry("MyCookie", "exact", "case_insensitive = true", "CI"),
        toml_entry("PRE_", "prefix", "case_insensitive = true", "CIP"),
        toml_entry("Rx[0-9]", "regex", "case_insensitive = true", "CIR"),
        toml_entry("Strict", "exact", "", "S"),
    ]
    .concat();
    let kb = user_kb(&text);
    for (name, vendor) in [
        ("mycookie", "CI"),
        ("MYCOOKIE", "CI"),
        ("pre_x", "CIP"),
        ("rX7", "CIR"),
        ("Strict", "S"),
    ] {
        assert_eq!(
            kb.classify(&q(name)).vendor.as_deref(),
            Some(vendor),
            "{name}"
        );
    }
    assert!(!kb.classify(&q("strict")).is_known());
    assert!(kb.is_known_name("STRICT") && kb.is_known_name("rx1"));
    assert_eq!(kb.canonical_name("STRICT").as_deref(), Some("Strict"));
    assert_eq!(kb.canonical_name("rx1"), None, "no spelling for a regex");
}

#[test]
fn user_entries_win_and_later_files_win() {
    let mut kb = kb();
    let before = kb.len();
    let w = kb
        .load_str(&toml_entry("_ga", "exact", "", "Mine"), "mine.toml")
        .unwrap();
    assert!(w.is_empty());
    assert_eq!(kb.len(), before + 1);
    let c = kb.classify(&q("_ga"));
    assert_eq!(
        (c.vendor.as_deref(), c.source.as_str()),
        (Some("Mine"), "mine.toml")
    );
    assert!(c.reason.contains("user file mine.toml:1"), "{}", c.reason);
    kb.load_str(&toml_entry("_ga", "exact", "", "Newer"), "newer.toml")
        .unwrap();
    assert_eq!(kb.classify(&q("_ga")).vendor.as_deref(), Some("Newer"));
    kb.load_str(&toml_entry("_ga_", "prefix", "", "MinePrefix"), "p.toml")
        .unwrap();
    assert_eq!(
        kb.classify(&q("_ga_ABC")).vendor.as_deref(),
        Some("MinePrefix")
    );
    // A user entry tied to another site does not displace the generic built-in elsewhere.
    kb.load_str(
        &toml_entry("sessionid", "exact", "domain = \"example.org\"", "Ours"),
        "o.toml",
    )
    .unwrap();
    let on = |d: &'static str| CookieQuery {
        name: "sessionid",
        domain: Some(d),
        ..Default::default()
    };
    assert_eq!(
        kb.classify(&on("example.org")).vendor.as_deref(),
        Some("Ours")
    );
    assert_eq!(
        kb.classify(&on("other.net")).vendor.as_deref(),
        Some("Django")
    );
}

#[test]
fn categories_accept_policy_synonyms() {
    let mut text = String::new();
    for (i, label) in [
        "Statistiques",
        "Targeting cookies",
        "Strictly necessary",
        "Preferences",
        "Other",
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!("[[cookie]]\nname = \"c{i}\"\nvendor = \"V\"\ncategory = \"{label}\"\npurpose = \"P.\"\n"));
    }
    let kb = user_kb(&text);
    let got: Vec<Category> = (0..5)
        .map(|i| kb.classify(&q(&format!("c{i}"))).category)
        .collect();
    use Category::*;
    assert_eq!(
        got,
        [Analytics, Marketing, Necessary, Functional, Unclassified]
    );
}

#[test]
fn unknown_names_get_a_labelled_guess_or_nothing() {
    let kb = shared();
    let c = kb.classify(&q("myapp_sess"));
    assert_eq!(
        (c.match_kind, c.category),
        (MatchKind::Heuristic, Category::Necessary)
    );
    assert!(c.confidence <= MAX_HEURISTIC_CONFIDENCE && c.vendor.is_none());
    let c = kb.classify(&q("zzqqxx"));
    assert_eq!(c, Classification::unknown());
    assert_eq!(c.reason, "no entry and no heuristic matched");
    assert_eq!(kb.explain("zzqqxx", None), vec![Classification::unknown()]);
    assert_eq!(
        kb.explain("myapp_sess", None)[0].match_kind,
        MatchKind::Heuristic
    );
}

#[test]
fn classify_is_the_first_of_explain() {
    let kb = shared();
    for name in [
        "sessionid",
        "_ga",
        "_ga_X1",
        "_pk_id.1.x",
        "YSC",
        "nope",
        "lang",
        "AWSALB",
    ] {
        for domain in [None, Some("instagram.com"), Some("example.com")] {
            let query = CookieQuery {
                name,
                domain,
                ..Default::default()
            };
            assert_eq!(
                kb.classify(&query),
                kb.explain_query(&query)[0],
                "{name} {domain:?}"
            );
        }
    }
}

#[test]
fn classification_serialises_lowercase() {
    let json = serde_json::to_value(shared().classify(&q("_ga"))).unwrap();
    assert_eq!(json["match_kind"], "exact");
    assert_eq!(json["category"], "analytics");
    let back: Classification = serde_json::from_value(json).unwrap();
    assert_eq!(back.match_kind, MatchKind::Exact);
}
