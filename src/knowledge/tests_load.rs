//! Loading tests: user files, the Open Cookie Database CSV, errors and garbage.

use super::tests::{kb, shared, toml_entry};
use super::*;

fn q(name: &str) -> CookieQuery<'_> {
    CookieQuery::new(name)
}

#[test]
fn open_cookie_database_import() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ocd/sample.csv");
    let mut kb = kb();
    let before = kb.len();
    let w = kb.load_file(&path).unwrap();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w
        .iter()
        .all(|w| w.file == path.display().to_string() && w.line >= 16));
    assert_eq!(kb.len(), before + 12);
    let c = kb.classify(&q("_ga"));
    assert_eq!(c.source, path.display().to_string(), "user file wins");
    assert_eq!(c.expected_lifetime.as_deref(), Some("2 years"));
    let c = kb.classify(&q("SR12345"));
    assert_eq!(
        (c.vendor.as_deref(), c.match_kind),
        (Some("Adform"), MatchKind::Regex)
    );
    let c = kb.classify(&q("demdex"));
    assert!(c
        .purpose
        .unwrap()
        .contains("among others, for identification"));
    // Detection by header works from memory too, and a `.csv` name with a wrong header fails.
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        KnowledgeBase::empty()
            .unwrap()
            .load_str(&text, "mem")
            .unwrap()
            .len(),
        3
    );
    let e = KnowledgeBase::empty()
        .unwrap()
        .load_str("name,category\n", "x.csv")
        .unwrap_err();
    assert!(matches!(e, KnowledgeError::CsvHeader { .. }), "{e}");
}

#[test]
fn load_errors_name_the_file_and_leave_the_base_unchanged() {
    let mut kb = kb();
    let before = kb.len();
    let text = format!(
        "{}\n[[cookie]]\nname = \"b\"\nvendr = \"V\"\n",
        toml_entry("a", "exact", "", "V")
    );
    let e = kb.load_str(&text, "mine.toml").unwrap_err().to_string();
    assert!(e.starts_with("mine.toml:11:") && e.contains("vendr"), "{e}");
    assert_eq!(kb.len(), before);
    let e = kb
        .load_file(Path::new("/no/such/cookies.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("/no/such/cookies.toml"), "{e}");
    let dir = std::env::temp_dir().join(format!("cookiescan-kb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("bin.toml");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let e = kb.load_file(&bin).unwrap_err();
    assert!(matches!(e, KnowledgeError::NotUtf8 { .. }), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn garbage_never_panics() {
    let cases = [
        "", "\u{feff}", "[[cookie]]", "[[cookie]]\nname = 1", "cookie = 3", "\0\0\0", "ID,Platform,",
        "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n\"unterminated,x\n,,,,\n1\n",
        "[[cookie]]\nname = \"(((\"\nmatch = \"regex\"\nvendor = \"v\"\ncategory = \"necessary\"\npurpose = \"p\"\n",
        "[[cookie]]\nname = \"é\"\nmatch = \"prefix\"\ncase_insensitive = true\nvendor = \"v\"\ncategory = \"necessary\"\npurpose = \"p\"\n",
    ];
    for text in cases {
        let mut kb = KnowledgeBase::empty().unwrap();
        let _ = kb.load_str(text, "garbage.toml");
        let _ = kb.load_str(text, "garbage.csv");
        for name in ["", "é", "ÉX", "\0", "_"] {
            let _ = kb.classify(&q(name));
            let _ = kb.is_known_name(name);
            let _ = kb.canonical_name(name);
        }
    }
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn loading_anything_never_panics(text in "\\PC{0,300}", csv in any::<bool>()) {
            let mut kb = KnowledgeBase::empty().unwrap();
            let text = if csv { format!("{OCD_HEADER}\n{text}") } else { text };
            let _ = kb.load_str(&text, if csv { "p.csv" } else { "p.toml" });
        }

        #[test]
        fn queries_never_panic(name in "\\PC{0,40}", domain in proptest::option::of("\\PC{0,20}"), secs in proptest::option::of(any::<i64>())) {
            let kb = shared();
            let query = CookieQuery { name: &name, domain: domain.as_deref(), lifetime_secs: secs, third_party: true, value_looks_random: true, ..Default::default() };
            let c = kb.classify(&query);
            prop_assert!((0.0..=1.0).contains(&c.confidence));
            let _ = kb.is_known_name(&name);
            let _ = kb.canonical_name(&name);
        }
    }
}
