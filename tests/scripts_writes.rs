//! Cookie and storage writes found by the parsed analysis, on fixtures of
//! real-world shapes (fixtures/scripts).

use cookiescan::scripts::{
    analyze, AnalysisMode, Api, CookieName, Method, ScriptSource, StorageKind,
};

#[path = "support/analysis.rs"]
mod analysis;
use analysis::{cookie, exact, fixture, names, run};

#[test]
fn document_cookie_forms() {
    let a = fixture("document_cookie_forms.js");
    assert_eq!(a.mode, AnalysisMode::Parsed);
    assert_eq!(
        names(&a),
        [
            "theme",
            "lang",
            "banner_seen",
            "_ga_like",
            "consent_v2",
            "alias_cookie",
            "old_cookie"
        ]
        .map(exact)
        .into_iter()
        .chain([CookieName::Unresolved])
        .collect::<Vec<_>>()
    );
    let theme = cookie(&a, &exact("theme"));
    assert_eq!(
        (
            theme.attrs.max_age_secs,
            theme.attrs.path.as_deref(),
            theme.attrs.same_site.as_deref()
        ),
        (Some(31_536_000), Some("/"), Some("Lax"))
    );
    let e = &theme.evidence;
    assert_eq!(
        (e.location.as_str(), e.line, e.column),
        ("https://example.com/js/document_cookie_forms.js", 2, 1)
    );
    assert_eq!(
        (e.method, e.api),
        (Method::ParsedWrite, Api::DocumentCookie)
    );
    assert_eq!(
        e.snippet,
        r#"document.cookie = "theme=dark; path=/; max-age=31536000; SameSite=Lax""#
    );
    assert!(e.confidence >= 0.9);
    let lang = cookie(&a, &exact("lang"));
    assert_eq!(
        (lang.attrs.domain.as_deref(), lang.attrs.secure),
        (Some(".example.org"), Some(true))
    );
    assert_eq!(
        cookie(&a, &exact("banner_seen")).attrs.expires.as_deref(),
        Some("Fri, 31 Dec 2027 23:59:59 GMT")
    );
    assert_eq!(
        cookie(&a, &exact("_ga_like")).attrs.max_age_secs,
        Some(31_536_000),
        "constant folded 60*60*24*365"
    );
    let tpl = cookie(&a, &exact("consent_v2"));
    assert_eq!(
        (
            tpl.evidence.line,
            tpl.evidence.column,
            tpl.attrs.same_site.as_deref()
        ),
        (12, 3, Some("strict"))
    );
    assert!(cookie(&a, &exact("old_cookie")).deletion);
    assert!(!cookie(&a, &exact("theme")).deletion);
    assert_eq!(cookie(&a, &CookieName::Unresolved).evidence.line, 22);
}

#[test]
fn minified_and_obfuscated() {
    let a = fixture("minified_bundle.js");
    assert_eq!(a.mode, AnalysisMode::Parsed);
    // `n="_p"+"k_id."` passed to a local helper `i(e,n,r){t.cookie=e+"="...}`
    // inside `!function(e,t){...}(window,document)`.
    let pk = cookie(&a, &CookieName::Prefix("_pk_id.3.".into()));
    assert_eq!(
        (
            pk.evidence.api,
            pk.attrs.path.as_deref(),
            pk.attrs.same_site.as_deref()
        ),
        (Api::Helper, Some("/"), Some("Lax"))
    );
    assert!(
        pk.evidence
            .note
            .as_deref()
            .is_some_and(|n| n.contains("`i`")),
        "{:?}",
        pk.evidence.note
    );
    cookie(&a, &exact("_mk_ses"));
    let promo = cookie(&a, &exact("promo_3")); // Babel's "".concat(...) form
    assert_eq!(
        (promo.attrs.max_age_secs, promo.evidence.api),
        (Some(1800), Api::DocumentCookie)
    );
    assert_eq!(a.cookies.len(), 4);

    let a = run(
        "x.js",
        r#"var x=location.host;document.cookie="_p"+"k_id."+x+"="+Date.now()+";path=/""#,
    );
    assert_eq!(names(&a), [CookieName::Prefix("_pk_id.".into())]);
}

#[test]
fn templates_constants_and_aliases() {
    let code = r#"
        const NAME = "_ga", TTL = 2 * 365 * 86400;
        function set(v) { document.cookie = `${NAME}=${v}; max-age=${TTL}; path=/`; }
        (function (d) { d.cookie = "iife=1"; })(document);
        let c = "built=" + 1; c += "; path=/app"; c += "; SameSite=None; Secure"; window.document.cookie = c;
        var k = "a"; k = "b"; document.cookie = k + "=1";
        document["coo" + "kie"] = "computed=1";
        req.cookie = token; // not a cookie string, not document
        e.cookie = n + "=" + v + "; path=/"; // unknown object, cookie-shaped text
    "#;
    let a = run("t.js", code);
    let ga = cookie(&a, &exact("_ga"));
    assert_eq!(
        (ga.attrs.max_age_secs, ga.attrs.path.as_deref()),
        (Some(63_072_000), Some("/"))
    );
    cookie(&a, &exact("iife"));
    let built = cookie(&a, &exact("built"));
    assert_eq!(
        (
            built.attrs.path.as_deref(),
            built.attrs.same_site.as_deref(),
            built.attrs.secure
        ),
        (Some("/app"), Some("None"), Some(true))
    );
    cookie(&a, &exact("computed"));
    // `k` holds two values: the analysis does not guess which one.
    let unknown: Vec<_> = a
        .cookies
        .iter()
        .filter(|c| c.name == CookieName::Unresolved)
        .collect();
    assert_eq!(unknown.len(), 2, "{:#?}", a.cookies);
    assert!(unknown
        .iter()
        .any(|c| c.evidence.confidence <= 0.5 && c.evidence.snippet.starts_with("e.cookie")));
    assert_eq!(a.cookies.len(), 6);
}

#[test]
fn reads_comments_and_strings_are_not_writes() {
    for f in ["reads_only.js", "comments_and_strings.js"] {
        let a = fixture(f);
        assert_eq!(a.mode, AnalysisMode::Parsed, "{f}");
        assert!(a.cookies.is_empty() && a.storage.is_empty(), "{f}: {a:#?}");
    }
}

#[test]
fn storage_writes() {
    let a = fixture("storage_writes.js");
    let got: Vec<(StorageKind, CookieName, Api)> = a
        .storage
        .iter()
        .map(|s| (s.kind, s.key.clone(), s.evidence.api))
        .collect();
    let (l, s) = (StorageKind::Local, StorageKind::Session);
    let (la, sa) = (Api::LocalStorage, Api::SessionStorage);
    assert_eq!(
        got,
        [
            (l, exact("cart"), la),
            (l, exact("theme"), la),
            (s, exact("tab_id"), sa),
            (l, exact("last_visit"), la),
            (l, exact("onboarding_done"), la),
            (l, CookieName::Prefix("ajs_".into()), la),
            (s, CookieName::Unresolved, sa),
            (l, exact("aliased"), la),
        ]
    );
    assert!(a.cookies.is_empty());
}

#[test]
fn evidence_location_columns_and_snippets() {
    let long = format!(
        "déjà='é';document.cookie=\"long=1; path=/{}\";",
        "x".repeat(300)
    );
    let a = analyze(&ScriptSource::inline(&long, "https://site.example/page", 2));
    let e = &a.cookies[0].evidence;
    assert_eq!(e.location, "https://site.example/page inline #2");
    assert_eq!(
        (e.line, e.column),
        (1, 10),
        "columns count characters, not bytes"
    );
    assert!(
        e.snippet.chars().count() <= 120
            && e.snippet.starts_with("document.cookie=")
            && e.snippet.ends_with('…')
    );
    let multi = analyze(&ScriptSource::external(
        "x();\r\n  document.cookie =\n    'm=1';",
        "s.js",
    ));
    let e = &multi.cookies[0].evidence;
    assert_eq!(
        (e.line, e.column, e.snippet.as_str()),
        (2, 3, "document.cookie = 'm=1'")
    );
}

#[test]
fn results_serialize_for_the_report() {
    let a = fixture("js_cookie_usage.js");
    let json = serde_json::to_value(&a).unwrap_or_default();
    assert_eq!(json["mode"], "parsed");
    assert_eq!(
        json["cookies"][0]["name"],
        serde_json::json!({"match": "exact", "value": "ui_prefs"})
    );
    assert_eq!(json["cookies"][0]["evidence"]["api"], "js-cookie");
    assert_eq!(json["cookies"][0]["evidence"]["method"], "parsed-write");
}

/// Issue 17 item 9: browsers ignore a cookie string holding a control character, so a
/// script writing one sets no cookie and the analysis reports none (a warning says why).
#[test]
fn written_names_with_control_characters_are_refused_as_browsers_do() {
    let a = run(
        "control.js",
        concat!(
            "document.cookie = 'ff\\x01x=1; path=/';\n",
            "document.cookie = 'ok=1; path=/';\n",
            "document.cookie = 'del\\x7f=1';\n",
            "document.cookie = 'tab\\there=1';\n",
            "document.cookie = 'v=a\\x02b';\n",
            "localStorage.setItem('key\\x01', 'v');\n",
        ),
    );
    assert_eq!(names(&a), [exact("ok"), exact("tab\there")]);
    let refused = a
        .warnings
        .iter()
        .filter(|w| w.contains("control character"))
        .count();
    assert_eq!(refused, 3, "{:?}", a.warnings);
    assert!(
        a.warnings.iter().all(|w| !w.contains("a\u{2}b")),
        "no value in warnings"
    );
    assert_eq!(a.storage.len(), 1, "storage keys may hold any character");
}
