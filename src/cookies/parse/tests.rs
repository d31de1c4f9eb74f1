use super::*;
use time::macros::datetime;

fn parse(line: &str) -> SetCookie {
    match parse_set_cookie(line) {
        Ok(cookie) => cookie,
        Err(e) => panic!("{line:?} should parse: {e}"),
    }
}

fn has_problem(cookie: &SetCookie, fragment: &str) -> bool {
    cookie.problems.iter().any(|p| p.contains(fragment))
}

#[test]
fn all_attributes() {
    let c = parse(
        "sid=abc123; Domain=.Example.COM; Path=/app; Expires=Wed, 21 Oct 2065 07:28:00 GMT; \
         Max-Age=3600; Secure; HttpOnly; SameSite=Strict; Partitioned; Priority=High",
    );
    assert_eq!(c.name, "sid");
    assert_eq!(c.value, "abc123");
    assert_eq!(c.domain.as_deref(), Some("example.com"));
    assert_eq!(c.path.as_deref(), Some("/app"));
    assert_eq!(c.expires, Some(datetime!(2065-10-21 07:28:00 UTC)));
    assert_eq!(c.max_age, Some(3600));
    assert!(c.secure && c.http_only && c.partitioned);
    assert_eq!(c.same_site, Some(SameSite::Strict));
    assert_eq!(c.unknown_attributes, vec!["Priority=High".to_owned()]);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
}

#[test]
fn attribute_names_are_case_insensitive_and_spaced() {
    let c = parse("a=b;secure ;  HTTPONLY;pArTiTiOnEd ;\tsamesite = lAx ;PATH= /x ");
    assert!(c.secure && c.http_only && c.partitioned);
    assert_eq!(c.same_site, Some(SameSite::Lax));
    assert_eq!(c.path.as_deref(), Some("/x"));
}

#[test]
fn max_age_wins_over_expires() {
    let now = datetime!(2030-01-01 0:00 UTC);
    let c = parse("a=b; Expires=Tue, 01 Jan 2030 01:00:00 GMT; Max-Age=60");
    assert_eq!(c.lifetime_secs(now), Some(60));
    // Order of the attributes does not matter.
    let c = parse("a=b; Max-Age=60; Expires=Tue, 01 Jan 2030 01:00:00 GMT");
    assert_eq!(c.lifetime_secs(now), Some(60));
    let c = parse("a=b; Expires=Tue, 01 Jan 2030 01:00:00 GMT");
    assert_eq!(c.lifetime_secs(now), Some(3600));
    assert!(!c.is_session());
    let c = parse("a=b; Expires=Sat, 31 Dec 2029 23:00:00 GMT");
    assert_eq!(c.lifetime_secs(now), Some(-3600));
    let c = parse("a=b");
    assert_eq!(c.lifetime_secs(now), None);
    assert!(c.is_session());
}

#[test]
fn bad_max_age_is_ignored_and_reported() {
    for bad in ["abc", "+5", "5s", "1.5", "50,399", "", "-", "0x10", " 1 2"] {
        let c = parse(&format!("a=b; Max-Age={bad}"));
        assert_eq!(c.max_age, None, "Max-Age={bad}");
        assert!(
            has_problem(&c, "Max-Age"),
            "Max-Age={bad}: {:?}",
            c.problems
        );
    }
    // An invalid Max-Age does not cancel an earlier valid one.
    assert_eq!(parse("a=b; Max-Age=5; Max-Age=x").max_age, Some(5));
    assert_eq!(parse("a=b; Max-Age=-0").max_age, Some(0));
    assert_eq!(parse("a=b; Max-Age=-20").max_age, Some(-20));
    assert_eq!(
        parse("a=b; Max-Age=99999999999999999999999").max_age,
        Some(i64::MAX)
    );
    assert!(parse("a=b; Max-Age=-99999999999999999999999")
        .max_age
        .is_some_and(|s| s < 0));
}

#[test]
fn invalid_expires_is_kept_raw() {
    let c = parse("a=b; Expires=tomorrow");
    assert_eq!(c.expires, None);
    assert_eq!(c.expires_invalid.as_deref(), Some("tomorrow"));
    assert!(c.is_session());
    assert!(has_problem(&c, "not a cookie date"));
    // Formats the `cookie` crate cannot read are still dates.
    let c = parse("a=b; expires=Thursday, 01-Jan-70 00:00:00 GMT");
    assert_eq!(c.expires, Some(datetime!(1970-01-01 0:00 UTC)));
}

#[test]
fn same_site_absent_invalid_and_last_wins() {
    assert_eq!(parse("a=b").same_site, None);
    assert_eq!(parse("a=b; SameSite=none").same_site, Some(SameSite::None));
    let c = parse("a=b; SameSite=Bogus");
    assert_eq!(c.same_site, None);
    assert!(has_problem(&c, "SameSite=\"Bogus\""));
    let c = parse("a=b; SameSite");
    assert_eq!(c.same_site, None);
    assert!(has_problem(&c, "SameSite"));
    assert_eq!(
        parse("a=b; SameSite=Lax; SameSite=Strict").same_site,
        Some(SameSite::Strict)
    );
    // The last SameSite counts even when it is invalid (Chromium: back to unspecified).
    assert_eq!(parse("a=b; SameSite=Strict; SameSite=x").same_site, None);
}

#[test]
fn partitioned_and_flags_with_values() {
    let c = parse("a=b; Partitioned=yes; Secure=1");
    assert!(c.partitioned && c.secure);
    assert!(has_problem(&c, "Partitioned takes no value"));
    assert!(has_problem(&c, "Secure takes no value"));
    assert!(!parse("a=b; Secure qux").secure);
}

#[test]
fn domain_and_path_rules() {
    assert_eq!(
        parse("a=b; Domain=..x.com").domain.as_deref(),
        Some(".x.com")
    );
    let c = parse("a=b; Domain=x.com; Domain=");
    assert_eq!(
        c.domain.as_deref(),
        Some("x.com"),
        "an empty Domain is ignored"
    );
    assert!(has_problem(&c, "Domain is empty"));
    assert_eq!(parse("a=b; Domain=.").domain, None);
    let c = parse("a=b; Path=/x; Path=relative");
    assert_eq!(c.path, None, "an invalid Path resets to the default path");
    assert!(has_problem(&c, "does not start with '/'"));
    assert_eq!(parse("a=b; Path=").path, None);
    assert_eq!(parse("a=b; Path=/a/b/").path.as_deref(), Some("/a/b/"));
}

#[test]
fn duplicate_attributes_last_wins_and_reported() {
    let c = parse("a=b; Path=/x; Path=/y; Domain=a.com; Domain=b.com; Secure; Secure");
    assert_eq!(c.path.as_deref(), Some("/y"));
    assert_eq!(c.domain.as_deref(), Some("b.com"));
    assert!(has_problem(&c, "Path is given 2 times"));
    assert!(has_problem(&c, "Domain is given 2 times"));
    assert!(has_problem(&c, "Secure is given 2 times"));
}

#[test]
fn long_attribute_values_are_ignored() {
    let long = format!("/{}", "p".repeat(1024));
    let c = parse(&format!("a=b; Path=/ok; Path={long}"));
    assert_eq!(c.path.as_deref(), Some("/ok"));
    assert!(has_problem(&c, "1024-byte limit"));
}

#[test]
fn values_keep_quotes_and_inner_spaces() {
    assert_eq!(parse("a=\"x y\"").value, "\"x y\"");
    assert_eq!(parse("a = \t b c \t").value, "b c");
    assert_eq!(parse("a=b=c").value, "b=c");
    let c = parse("a=\"b;c\"");
    assert_eq!(c.value, "\"b");
    assert_eq!(c.unknown_attributes, vec!["c\"".to_owned()]);
    // Only SP and HTAB are trimmed; NBSP belongs to the name.
    assert_eq!(parse("\u{a0}a=b").name, "\u{a0}a");
}

#[test]
fn serializes_dates_as_rfc3339() {
    let c = parse("a=b; Expires=Wed, 21 Oct 2065 07:28:00 GMT; SameSite=Lax");
    let json = serde_json::to_value(&c).unwrap_or_default();
    assert_eq!(json["expires"], "2065-10-21T07:28:00Z");
    assert_eq!(json["same_site"], "Lax");
    assert_eq!(parse("a=b").problems, Vec::<String>::new());
}

/// Malformed lines: what a browser does with each, and never a panic.
#[test]
fn malformed_lines() {
    use ParseError::*;
    let eight_kb = format!("{}=v", "n".repeat(8 * 1024));
    let lossy = String::from_utf8_lossy(b"n=\xff\xfe; Path=/\xc3").into_owned();
    let rejected: Vec<(&str, ParseError)> = vec![
        ("", Empty),
        ("   \t ", Empty),
        (";", NoNameNoValue),
        (";;;;", NoNameNoValue),
        ("=", NoNameNoValue),
        ("=;", NoNameNoValue),
        (" = ; Secure", NoNameNoValue),
        ("; a=b", NoNameNoValue),
        ("a=b\0c", ControlCharacter { code: 0, at: 3 }),
        ("\0", ControlCharacter { code: 0, at: 0 }),
        (
            "a=b\r\nSet-Cookie: evil=1",
            ControlCharacter { code: 13, at: 3 },
        ),
        ("a=b\n", ControlCharacter { code: 10, at: 3 }),
        ("a=b\u{7f}", ControlCharacter { code: 0x7f, at: 3 }),
        ("a=b; Path=/\u{1}", ControlCharacter { code: 1, at: 11 }),
        (
            "a=b; Comment=\u{1b}[31m",
            ControlCharacter { code: 0x1b, at: 13 },
        ),
        (&eight_kb, TooLong { len: 8 * 1024 + 1 }),
    ];
    for (line, want) in rejected {
        assert_eq!(parse_set_cookie(line), Err(want), "{:.40?}", line);
    }
    let long_value = format!("a={}", "v".repeat(4096));
    assert_eq!(parse_set_cookie(&long_value), Err(TooLong { len: 4097 }));
    let at_limit = format!("{}={}", "n".repeat(4095), "v");
    assert!(parse_set_cookie(&at_limit).is_ok(), "4096 bytes is allowed");

    let c = parse(&lossy);
    assert_eq!(c.value, "\u{fffd}\u{fffd}");
    assert_eq!(c.path.as_deref(), Some("/\u{fffd}"));

    let c = parse("foo");
    assert_eq!((c.name.as_str(), c.value.as_str()), ("", "foo"));
    assert!(has_problem(&c, "no name"));
    let c = parse("=foo=bar");
    assert_eq!((c.name.as_str(), c.value.as_str()), ("", "foo=bar"));
    let c = parse("a=");
    assert_eq!((c.name.as_str(), c.value.as_str()), ("a", ""));

    let c = parse("a=b; =; ==; ;; x");
    assert_eq!(c.unknown_attributes, vec!["=", "==", "x"]);
    let c = parse("a=b\t; \tSecure\t");
    assert!(c.secure);
    let many = format!("a=b{}", "; x".repeat(10_000));
    assert_eq!(parse(&many).unknown_attributes.len(), 10_000);
    let c = parse("a=b; Expires=");
    assert_eq!(c.expires_invalid.as_deref(), Some(""));
    let c = parse("a=b; Domain=例え.jp");
    assert_eq!(c.domain.as_deref(), Some("例え.jp"));
}

#[test]
fn nameless_cookie_values_stay_out_of_problems_and_excerpts() {
    let c = parse("SECRETVALUE; Path=/");
    assert!(
        c.problems.iter().all(|p| !p.contains("SECRETVALUE")),
        "{:?}",
        c.problems
    );
    assert_eq!(super::name_excerpt("SECRETVALUE; a=b"), "");
    assert_eq!(super::name_excerpt(&"S".repeat(5000)), "");
    assert_eq!(super::name_excerpt(" sid =SECRET; Path=/"), "sid");
    assert_eq!(
        super::name_excerpt(&format!("{}=v", "n".repeat(100))).len(),
        60
    );
}
