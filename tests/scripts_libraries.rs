//! Writes through cookie libraries, helpers and the Cookie Store API, on
//! fixtures of real-world shapes (fixtures/scripts).

use cookiescan::scripts::{analyze, Api, CookieName, ScriptSource};

#[path = "support/analysis.rs"]
mod analysis;
use analysis::{cookie, exact, fixture, names, run};

#[test]
fn js_cookie() {
    let a = fixture("js_cookie_usage.js");
    assert_eq!(names(&a), ["ui_prefs", "visited", "cart_id"].map(exact));
    let p = cookie(&a, &exact("ui_prefs"));
    assert_eq!(p.evidence.api, Api::JsCookie);
    assert_eq!(
        (
            p.attrs.max_age_secs,
            p.attrs.path.as_deref(),
            p.attrs.domain.as_deref(),
            p.attrs.same_site.as_deref(),
            p.attrs.secure
        ),
        (
            Some(365 * 86_400),
            Some("/"),
            Some("example.com"),
            Some("strict"),
            Some(true)
        )
    );
    assert_eq!(
        cookie(&a, &exact("cart_id")).attrs.max_age_secs,
        Some(7 * 86_400)
    );
}

#[test]
fn jquery_cookie_reads_and_deletes_do_not_count() {
    let a = fixture("jquery_cookie.js");
    assert_eq!(names(&a), [exact("newsletter_closed")]);
    let c = &a.cookies[0];
    assert_eq!(
        (
            c.evidence.api,
            c.attrs.max_age_secs,
            c.attrs.path.as_deref()
        ),
        (Api::JqueryCookie, Some(30 * 86_400), Some("/"))
    );
}

#[test]
fn set_cookie_helpers() {
    let a = fixture("set_cookie_helpers.js");
    let w3 = cookie(&a, &exact("cookie_notice_accepted"));
    assert_eq!(
        (
            w3.evidence.api,
            w3.evidence.line,
            w3.attrs.max_age_secs,
            w3.attrs.path.as_deref()
        ),
        (Api::Helper, 2, Some(365 * 86_400), Some("/"))
    );
    assert!(w3.evidence.confidence >= 0.85);
    assert_eq!(
        w3.evidence.note.as_deref(),
        Some("via local function `setCookie` (line 6)")
    );
    assert_eq!(
        cookie(&a, &exact("ppkcookie")).attrs.max_age_secs,
        Some(7 * 86_400)
    );
    let remote = cookie(&a, &exact("remote_helper"));
    assert!(
        remote.evidence.confidence < cookie(&a, &exact("utils_cookie")).evidence.confidence,
        "a helper defined here is surer"
    );
    assert_eq!(remote.attrs.max_age_secs, Some(30 * 86_400));
    assert_eq!(a.cookies.len(), 5, "{:#?}", names(&a));
}

#[test]
fn helper_calling_helper() {
    let code = r#"function save(n, v) { write(n, v, 1); }
        function write(name, val, d) { document.cookie = name + "=" + val + "; path=/"; }
        save("deep", "1"); save(unknownName(), "2");"#;
    let a = run("h.js", code);
    assert_eq!(names(&a), [exact("deep")]);
    assert_eq!(a.cookies[0].evidence.line, 3);
}

#[test]
fn cookie_store_both_forms() {
    let a = fixture("cookie_store.js");
    assert_eq!(names(&a), ["choice", "session_hint", "late"].map(exact));
    let s = cookie(&a, &exact("session_hint"));
    assert_eq!(s.evidence.api, Api::CookieStore);
    assert_eq!(
        (
            s.attrs.max_age_secs,
            s.attrs.domain.as_deref(),
            s.attrs.path.as_deref(),
            s.attrs.same_site.as_deref()
        ),
        (Some(86_400), Some("example.com"), Some("/"), Some("lax"))
    );
}

#[test]
fn consent_banner_cookie() {
    let a = fixture("consent_banner.js");
    let c = cookie(&a, &exact("cc_cookie"));
    assert_eq!(
        (
            c.attrs.max_age_secs,
            c.attrs.path.as_deref(),
            c.attrs.same_site.as_deref()
        ),
        (Some(182 * 86_400), Some("/"), Some("Lax"))
    );
    assert_eq!(a.cookies.len(), 1);
}

#[test]
fn bundled_library_call_shapes() {
    let code = r#"
        (0, o.setCookie)("bundled_helper", "1", 10);
        r.a.set("bundled_js_cookie", v, { expires: 30, path: "/" });
        m.set("map_key", v); cache.set("x", 1, 2);           // not cookies
        function store(k, v) { localStorage.setItem(k, v); }
        store("via_store", 1);
    "#;
    let a = analyze(&ScriptSource::external(code, "b.js"));
    let got: Vec<(CookieName, Api)> = a
        .cookies
        .iter()
        .map(|c| (c.name.clone(), c.evidence.api))
        .collect();
    assert_eq!(
        got,
        [
            (exact("bundled_helper"), Api::Helper),
            (exact("bundled_js_cookie"), Api::JsCookie)
        ]
    );
    assert_eq!(
        cookie(&a, &exact("bundled_js_cookie")).attrs.max_age_secs,
        Some(30 * 86_400)
    );
    assert_eq!(a.storage.len(), 1);
    assert_eq!(
        (&a.storage[0].key, a.storage[0].evidence.line),
        (&exact("via_store"), 6)
    );
    assert!(a.storage[0]
        .evidence
        .note
        .as_deref()
        .is_some_and(|n| n.contains("`store`")));
}
