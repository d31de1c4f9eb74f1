//! Scripts that do not parse, huge bundles, pathological nesting and random
//! input: the analysis falls back, stays fast and never panics.

mod support {
    pub mod bundle;
}

use std::time::{Duration, Instant};

use cookiescan::scripts::{
    analyze, AnalysisMode, CookieName, Method, ScriptAnalysis, ScriptSource,
};
use proptest::prelude::*;

/// Generous: these tests run unoptimised on a shared 2-core CI machine.
/// Release builds are ~10x faster (see the report / examples/bench_scripts.rs).
const DEBUG_BUDGET: Duration = Duration::from_secs(30);

fn run(code: &str) -> ScriptAnalysis {
    analyze(&ScriptSource::external(code, "https://example.com/x.js"))
}

fn fixture(file: &str) -> String {
    let path = format!("{}/fixtures/scripts/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn exact(n: &str) -> CookieName {
    CookieName::Exact(n.to_string())
}

fn names(a: &ScriptAnalysis) -> Vec<CookieName> {
    a.cookies.iter().map(|c| c.name.clone()).collect()
}

#[test]
fn syntax_error_falls_back_to_lexical_scan() {
    let a = run(&fixture("broken_syntax.js"));
    assert_eq!(a.mode, AnalysisMode::LexicalFallback);
    assert!(a.warnings[0].contains("does not parse"), "{:?}", a.warnings);
    assert_eq!(
        names(&a),
        ["x", "visit_shop", "after_error"].map(exact),
        "comments and strings still ignored"
    );
    assert!(a
        .cookies
        .iter()
        .all(|c| c.evidence.method == Method::LexicalFallback));
    let x = &a.cookies[0].evidence;
    assert_eq!(
        (x.line, x.column, x.snippet.as_str()),
        (3, 1, r#"document.cookie="x=1""#)
    );
    assert_eq!(a.cookies[1].attrs.path.as_deref(), Some("/"));
    assert_eq!(a.storage.len(), 1);
    assert_eq!(a.storage[0].key, exact("draft"));
}

#[test]
fn html_served_as_javascript() {
    let a = run(&fixture("html_as_js.js"));
    assert_eq!(a.mode, AnalysisMode::LexicalFallback);
    assert_eq!(names(&a), [exact("from_html_page")]);
}

#[test]
fn lexical_scan_ignores_comments_strings_and_reads() {
    let code = format!(
        "{}\n{}\nfunction (",
        fixture("comments_and_strings.js"),
        fixture("reads_only.js")
    );
    let a = run(&code);
    assert_eq!(a.mode, AnalysisMode::LexicalFallback);
    assert!(a.cookies.is_empty() && a.storage.is_empty(), "{a:#?}");
}

#[test]
fn invalid_utf8_decoded_lossily() {
    let mut bytes = b"var a='\xff\xfe';\x00\x01 document.cookie = 'after_garbage=1';".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28, b'\n']);
    let code = String::from_utf8_lossy(&bytes);
    let a = run(&code);
    assert_eq!(names(&a), [exact("after_garbage")], "{a:#?}");
}

#[test]
fn no_candidates_skips_parsing() {
    let a = run("function f(){return 1}");
    assert_eq!(a.mode, AnalysisMode::Skipped);
    assert!(run("").cookies.is_empty());
}

#[test]
fn five_megabyte_bundle_in_bounded_time() {
    let (code, writes) = support::bundle::minified_bundle(5 << 20, 200);
    assert!(code.len() >= 5 << 20);
    let t = Instant::now();
    let a = run(&code);
    let took = t.elapsed();
    assert_eq!(a.mode, AnalysisMode::Parsed, "{:?}", a.warnings);
    assert_eq!(a.cookies.len() + a.storage.len(), writes);
    assert!(took < DEBUG_BUDGET, "5 MB took {took:?}");
    eprintln!("5 MB bundle: {took:?}");
}

/// Nesting the parser cannot take (it recurses) goes to the lexical scan,
/// which still finds the write buried inside.
#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let core = "document.cookie='deep=1'";
    let n = 100_000;
    let cases = [
        (
            "parentheses",
            format!("x={}{core}{};", "(".repeat(n), ")".repeat(n)),
        ),
        (
            "arrays",
            format!("x={}{core}{};", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "calls",
            format!("x={}{core}{};", "f(".repeat(n), ")".repeat(n)),
        ),
        (
            "functions",
            format!("{}{core}{}", "function f(){".repeat(n), "}".repeat(n)),
        ),
        (
            "templates",
            format!("x={}{core}{};", "`${".repeat(n), "}`".repeat(n)),
        ),
        (
            "objects",
            format!("x={}{core}{};", "{a:".repeat(n), "}".repeat(n)),
        ),
        ("else-if", format!("{}{core};", "if(a)b;else ".repeat(n))),
        ("ternaries", format!("x={}({core});", "a?b:".repeat(n))),
        ("unary", format!("x={}({core});", "!".repeat(n))),
        ("binary", format!("x={}({core});", "a+".repeat(n))),
        ("members", format!("x=a{};{core}", ".b".repeat(n))),
        ("arrows", format!("x={}{core};", "()=>".repeat(n))),
        ("unclosed", format!("x={}{core}", "(".repeat(n))),
    ];
    for (what, code) in cases {
        let t = Instant::now();
        let a = run(&code);
        let took = t.elapsed();
        assert_eq!(
            names(&a),
            [exact("deep")],
            "{what}: {:?} {:?}",
            a.mode,
            a.warnings
        );
        assert!(took < DEBUG_BUDGET, "{what} took {took:?}");
        eprintln!("{what}: {:?} in {took:?}", a.mode);
    }
}

#[test]
fn moderately_deep_real_code_still_parses() {
    let n = 2_000;
    let code = format!(
        "x={}document.cookie='d=1'{};",
        "(function(){return ".repeat(n),
        ";})()".repeat(n)
    );
    let a = run(&code);
    assert_eq!(
        (a.mode, names(&a)),
        (AnalysisMode::Parsed, vec![exact("d")])
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_js_like_noise(parts in proptest::collection::vec(proptest::sample::select(vec![
        "(", ")", "[", "]", "{", "}", "`", "${", "'", "\"", "/", "/*", "*/", "//", "\n", "=", "+", ";", ",", ".", "?", ":", "!",
        "document", "cookie", "document.cookie=", "localStorage", ".setItem(", "Cookies.set(", "'a=1'", "x", "function", "=>",
        "if", "else", "return", "<!--", "-->", "\\", "é", "\u{2028}", "cookieStore.set({name:", "$.cookie(", "setCookie(",
    ]), 0..200)) {
        let code: String = parts.concat();
        let a = run(&code);
        prop_assert!(a.cookies.iter().all(|c| c.evidence.snippet.chars().count() <= 120 && !c.evidence.snippet.contains('\n')));
    }
}

#[test]
fn five_megabyte_bundle_that_does_not_parse() {
    let (mut code, writes) = support::bundle::minified_bundle(5 << 20, 200);
    code.push_str("\nfunction (");
    let t = Instant::now();
    let a = run(&code);
    let took = t.elapsed();
    assert_eq!(a.mode, AnalysisMode::LexicalFallback);
    assert_eq!(a.cookies.len() + a.storage.len(), writes);
    assert!(took < DEBUG_BUDGET, "took {took:?}");
}
