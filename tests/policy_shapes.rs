//! The shapes real published policies take that issue 20 measured as rows (one fixture
//! each under fixtures/policies/shapes/, written for these tests with real cookie names),
//! read with the real knowledge base as `cookiescan policy extract` does.
mod util;

use cookiescan::knowledge::KnowledgeBase;
use cookiescan::policy::{extract_bytes, DeclaredCookie, DocKind, Extraction, Layout};
use util::TestCommand;

fn shape(name: &str) -> Extraction {
    let path = format!(
        "{}/fixtures/policies/shapes/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let kb = KnowledgeBase::builtin().expect("built-in database");
    extract_bytes(&bytes, DocKind::Auto, name, &kb).expect("text")
}

fn names(cookies: &[DeclaredCookie]) -> Vec<&str> {
    cookies.iter().map(|c| c.name.as_str()).collect()
}

fn purpose<'a>(ex: &'a Extraction, name: &str) -> &'a str {
    ex.cookies
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.purpose.as_deref())
        .unwrap_or_else(|| panic!("no purpose for {name}: {:#?}", ex.cookies))
}

#[test]
fn session_or_persistent_column_is_not_the_name_column() {
    let ex = shape("session-column.md");
    assert_eq!(names(&ex.cookies), ["_ga", "IDE", "test_cookie", "collect"]);
    assert_eq!(
        ex.cookies[0].lifetime.as_deref(),
        Some("Persistent (2 years)")
    );
    assert!(
        ex.explain[0].why.contains("column 1 (header 'Name')"),
        "{:?}",
        ex.explain[0]
    );
}

#[test]
fn camel_case_names_and_space_separated_rows_do_not_merge() {
    let ex = shape("camel-case-rows.txt");
    assert_eq!(
        names(&ex.cookies),
        [
            "cookieNoticeSeen",
            "wpCookiesDeclined",
            "JSESSIONID",
            "AWSALB"
        ]
    );
    assert!(ex
        .explain
        .iter()
        .all(|e| e.layout == Layout::SpaceSeparated));
    // Each row keeps its own text: the next row's name is never in the purpose above it.
    assert!(!purpose(&ex, "JSESSIONID").contains("AWSALB"));
    assert!(!purpose(&ex, "cookieNoticeSeen").contains("wpCookiesDeclined"));
    assert_eq!(ex.cookies[1].lifetime.as_deref(), Some("6 months"));
}

#[test]
fn one_cell_per_line_keeps_the_last_row_and_each_rows_own_purpose() {
    let ex = shape("one-cell-per-line.txt");
    assert_eq!(names(&ex.cookies), ["_pk_id", "_pk_ses", "pll_language"]);
    assert_eq!(
        purpose(&ex, "_pk_id"),
        "Stores a random visitor number so that returning visits are counted."
    );
    assert_eq!(
        purpose(&ex, "pll_language"),
        "Keeps the language you chose."
    );
    assert_eq!(ex.cookies[2].lifetime.as_deref(), Some("1 year"));
    let cats: Vec<Option<&str>> = ex
        .cookies
        .iter()
        .map(|c| c.category.map(|k| k.as_str()))
        .collect();
    assert_eq!(
        cats,
        [Some("analytics"), Some("analytics"), Some("functional")]
    );
    assert!(ex
        .explain
        .iter()
        .all(|e| e.layout == Layout::OneCellPerLine));
}

#[test]
fn glued_names_are_split_stray_dots_dropped_and_repeats_listed_once() {
    let ex = shape("glued-names.txt");
    assert_eq!(
        names(&ex.cookies),
        [
            "_pk_id",
            "_pk_ses",
            "mtm_consent",
            "cc_cookie",
            "mtm_consent_removed",
            "_pk_ref",
            "matomo_sessid"
        ]
    );
    let how: Vec<(&str, &str)> = ex
        .repairs
        .iter()
        .map(|r| (r.original.as_str(), r.repaired.as_str()))
        .collect();
    assert!(how.contains(&("refuser_pk_ref", "_pk_ref")), "{how:?}");
    assert!(
        how.contains(&("cc_cookiemtm_consent_removed", "cc_cookie")),
        "{how:?}"
    );
}

#[test]
fn version_line_in_a_prose_policy_gives_no_row_and_one_note() {
    let ex = shape("version-line-prose.txt");
    assert!(ex.cookies.is_empty(), "{:#?}", ex.cookies);
    assert_eq!(ex.warnings.len(), 1, "{:?}", ex.warnings);
    let note = &ex.warnings[0];
    assert!(note.contains("no cookie table or list was found"), "{note}");
    assert!(note.ends_with("the database knows: _ga"), "{note}");
    assert!(!note.contains("5th") && !note.contains("v2"), "{note}");
}

#[test]
fn definition_list_terms_are_rows() {
    let ex = shape("definition-list.txt");
    assert_eq!(names(&ex.cookies), ["signin_state", "Basketcookie", "_ga"]);
    assert_eq!(ex.cookies[2].lifetime.as_deref(), Some("2 years"));
    assert_eq!(
        purpose(&ex, "Basketcookie"),
        "Holds the contents of your basket until you check out."
    );
    assert!(ex
        .explain
        .iter()
        .all(|e| e.layout == Layout::DefinitionList));
}

#[test]
fn category_comes_from_the_heading_or_stays_empty() {
    let ex = shape("heading-categories.md");
    assert_eq!(names(&ex.cookies), ["_pk_id", "cookieyes-consent"]);
    assert_eq!(
        ex.cookies[0].category.map(|c| c.as_str()),
        Some("analytics")
    );
    // No heading or column says what the consent cookie is: the database decides later.
    assert_eq!(ex.cookies[1].category, None);
}

#[test]
fn explain_flag_says_how_each_row_was_read() {
    let path = format!(
        "{}/fixtures/policies/shapes/glued-names.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = TestCommand::new()
        .args(["policy", "extract", &path, "--explain"])
        .output();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("_pk_ref (line 8): list of names:"), "{err}");
    assert!(
        err.contains("repaired: read 'refuser_pk_ref' as '_pk_ref' (split a word or a name glued to a known name)"),
        "{err}"
    );
    // The declarations themselves stay on stdout, ready to paste.
    assert!(String::from_utf8_lossy(&out.stdout).contains("name = \"_pk_ref\""));

    let url = TestCommand::new()
        .args([
            "policy",
            "extract",
            "http://127.0.0.1:9/p.html",
            "--explain",
        ])
        .output();
    assert!(!url.status.success());
    assert!(
        String::from_utf8_lossy(&url.stderr).contains("save http://127.0.0.1:9/p.html to a file")
    );
}
