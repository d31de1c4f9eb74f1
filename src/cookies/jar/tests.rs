use super::*;
use crate::cookies::parse_set_cookie;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);

fn url(s: &str) -> Url {
    match Url::parse(s) {
        Ok(u) => u,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn cookie(line: &str) -> SetCookie {
    match parse_set_cookie(line) {
        Ok(c) => c,
        Err(e) => panic!("{line:?}: {e}"),
    }
}

fn accept(line: &str, from: &str) -> Result<(), String> {
    check_acceptance(&cookie(line), &url(from)).map_err(|r| r.to_string())
}

/// A jar after storing `lines` from `from`, with the results of each store.
fn jar_with(from: &str, lines: &[&str]) -> Jar {
    let mut jar = Jar::at_fixed_time(NOW);
    for line in lines {
        let _ = jar.store(&cookie(line), &url(from));
    }
    jar
}

fn header(jar: &Jar, to: &str) -> Option<String> {
    jar.cookie_header(&url(to))
}

#[test]
fn stores_and_sends() {
    let jar = jar_with("https://www.site.example/", &["a=1", "b=2; Path=/"]);
    assert_eq!(jar.len(), 2);
    assert_eq!(
        header(&jar, "https://www.site.example/x").as_deref(),
        Some("a=1; b=2")
    );
    assert_eq!(header(&jar, "https://other.example/"), None);
    assert_eq!(Jar::new().cookie_header(&url("https://x.example/")), None);
    assert!(Jar::default().is_empty());
}

#[test]
fn order_is_longest_path_then_creation() {
    let jar = jar_with(
        "https://s.example/a/b/c",
        &[
            "root=1; Path=/",
            "deep=2; Path=/a/b",
            "mid=3; Path=/a",
            "root2=4; Path=/",
        ],
    );
    assert_eq!(
        header(&jar, "https://s.example/a/b/c").as_deref(),
        Some("deep=2; mid=3; root=1; root2=4")
    );
}

#[test]
fn replacing_keeps_creation_time() {
    let jar = jar_with("https://s.example/", &["a=1", "b=2", "a=3"]);
    assert_eq!(
        header(&jar, "https://s.example/").as_deref(),
        Some("a=3; b=2")
    );
    assert_eq!(jar.len(), 2);
}

#[test]
fn expiry_uses_our_dates_and_the_jar_clock() {
    // The `cookie` crate cannot read this format; the jar must still see a persistent cookie.
    let mut jar = jar_with(
        "https://s.example/",
        &[
            "a=1; Expires=Thursday, 03-Jan-30 00:00:00 GMT",
            "b=2; Max-Age=60",
        ],
    );
    let stored: Vec<_> = jar.iter().map(|c| (c.name.clone(), c.expires)).collect();
    assert_eq!(
        stored,
        vec![
            ("a".to_owned(), Some(datetime!(2030-01-03 0:00 UTC))),
            ("b".to_owned(), Some(datetime!(2030-01-01 0:01 UTC))),
        ]
    );
    jar.set_fixed_time(datetime!(2030-01-01 0:01 UTC));
    assert_eq!(header(&jar, "https://s.example/").as_deref(), Some("a=1"));
    jar.set_fixed_time(datetime!(2030-01-05 0:00 UTC));
    assert_eq!(header(&jar, "https://s.example/"), None);
    assert!(jar.is_empty());
}

#[test]
fn lifetimes_are_capped_at_400_days() {
    let jar = jar_with(
        "https://s.example/",
        &[
            "a=1; Max-Age=999999999",
            "b=2; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
        ],
    );
    for c in jar.iter() {
        assert_eq!(c.expires, Some(NOW + Duration::days(400)), "{}", c.name);
    }
}

#[test]
fn past_expiry_deletes() {
    for deleting in [
        "a=x; Max-Age=0",
        "a=x; Max-Age=-5",
        "a=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        // Max-Age wins, even over a future Expires.
        "a=x; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
    ] {
        let jar = jar_with("https://s.example/", &["a=1", "b=2", deleting]);
        assert_eq!(
            header(&jar, "https://s.example/").as_deref(),
            Some("b=2"),
            "{deleting}"
        );
    }
    // Deleting needs the same identity: another path leaves the cookie alone.
    let jar = jar_with(
        "https://s.example/",
        &["a=1", "a=x; Max-Age=0; Path=/other"],
    );
    assert_eq!(header(&jar, "https://s.example/").as_deref(), Some("a=1"));
}

#[test]
fn host_only_and_domain_cookies() {
    let jar = jar_with(
        "https://www.site.example/",
        &[
            "host=1",
            "dom=2; Domain=site.example",
            "self=3; Domain=www.site.example",
        ],
    );
    assert_eq!(
        header(&jar, "https://www.site.example/").as_deref(),
        Some("host=1; dom=2; self=3")
    );
    assert_eq!(
        header(&jar, "https://site.example/").as_deref(),
        Some("dom=2")
    );
    assert_eq!(
        header(&jar, "https://a.www.site.example/").as_deref(),
        Some("dom=2; self=3")
    );
    assert_eq!(header(&jar, "https://othersite.example/"), None);
}

#[test]
fn path_matching_and_default_path() {
    let jar = jar_with(
        "https://s.example/docs/page.html",
        &["a=1", "b=2; Path=/docs/"],
    );
    assert_eq!(
        header(&jar, "https://s.example/docs").as_deref(),
        Some("a=1")
    );
    assert_eq!(
        header(&jar, "https://s.example/docs/x").as_deref(),
        Some("b=2; a=1")
    );
    assert_eq!(header(&jar, "https://s.example/docsx"), None);
    assert_eq!(header(&jar, "https://s.example/"), None);
}

#[test]
fn secure_cookies_need_a_secure_origin() {
    assert!(accept("a=1; Secure", "http://www.site.example/")
        .is_err_and(|r| r.contains("not a secure origin")));
    for ok in [
        "https://www.site.example/",
        "http://localhost:3000/",
        "http://127.0.0.2/",
        "http://[::1]:8080/",
    ] {
        assert_eq!(accept("a=1; Secure", ok), Ok(()), "{ok}");
    }
    let jar = jar_with("https://s.example/", &["a=1; Secure", "b=2"]);
    assert_eq!(header(&jar, "http://s.example/").as_deref(), Some("b=2"));
    assert_eq!(
        header(&jar, "https://s.example/").as_deref(),
        Some("a=1; b=2")
    );
    assert_eq!(
        header(&jar, "wss://s.example/").as_deref(),
        Some("a=1; b=2")
    );
}

#[test]
fn rejection_reasons() {
    let from = "https://www.site.example/";
    let cases = [
        (
            "a=1; Domain=other.example",
            "Domain=other.example does not domain-match the response host www.site.example",
        ),
        (
            "a=1; Domain=ww.site.example",
            "Domain=ww.site.example does not domain-match the response host www.site.example",
        ),
        (
            "a=1; Domain=example",
            "Domain=example is a public suffix, so browsers refuse it from www.site.example",
        ),
        (
            "a=1; Domain=sité.example",
            "Domain=sité.example is not a valid ASCII host name",
        ),
        (
            "a=1; Domain=x .example",
            "Domain=x .example is not a valid ASCII host name",
        ),
        (
            "a=1; SameSite=None",
            "SameSite=None without Secure is refused by browsers",
        ),
        (
            "a=1; Partitioned",
            "Partitioned without Secure is refused by browsers",
        ),
        (
            "__Secure-a=1",
            "a __Secure- cookie must have the Secure attribute",
        ),
        (
            "__secure-a=1",
            "a __Secure- cookie must have the Secure attribute",
        ),
        (
            "__Host-a=1; Path=/",
            "a __Host- cookie must have the Secure attribute",
        ),
        (
            "__Host-a=1; Secure; Path=/; Domain=www.site.example",
            "a __Host- cookie must not have a Domain attribute",
        ),
        ("__Host-a=1; Secure", "a __Host- cookie must have Path=/"),
        (
            "__HOST-a=1; Secure; Path=/x",
            "a __Host- cookie must have Path=/",
        ),
        (
            "__Host-a",
            "a nameless cookie whose value starts with __Secure- or __Host- is refused by browsers",
        ),
    ];
    for (line, reason) in cases {
        assert_eq!(accept(line, from), Err(reason.to_owned()), "{line}");
    }
    for ok in [
        "__Host-a=1; Secure; Path=/",
        "__Secure-a=1; Secure; Domain=site.example",
        "a=1; SameSite=None; Secure",
        "a=1; Partitioned; Secure",
        "a=1; Domain=.SITE.example",
    ] {
        assert_eq!(accept(ok, from), Ok(()), "{ok}");
    }
    assert!(accept("a=1", "data:text/plain,x").is_err_and(|r| r.contains("has no host")));
}

#[test]
fn public_suffixes_and_ip_hosts() {
    assert!(accept("a=1; Domain=co.uk", "https://www.bbc.co.uk/").is_err());
    assert!(accept("a=1; Domain=github.io", "https://x.github.io/").is_err());
    assert!(accept("a=1; Domain=test", "http://www.shop.test/").is_err());
    assert_eq!(
        accept("a=1; Domain=shop.test", "http://www.shop.test/"),
        Ok(())
    );
    // Domain equal to a public-suffix host: stored host-only, not sent to subdomains.
    let jar = jar_with("https://github.io/", &["a=1; Domain=github.io"]);
    assert_eq!(header(&jar, "https://github.io/").as_deref(), Some("a=1"));
    assert_eq!(header(&jar, "https://x.github.io/"), None);

    assert_eq!(accept("a=1; Domain=10.0.0.1", "http://10.0.0.1/"), Ok(()));
    assert!(accept("a=1; Domain=0.0.1", "http://10.0.0.1/")
        .is_err_and(|r| r.contains("takes no Domain other than itself")));
    assert!(accept("a=1; Domain=example.com", "http://10.0.0.1/").is_err());
    let jar = jar_with("http://[::1]:8080/", &["a=1; Domain=[::1]", "b=2"]);
    assert_eq!(header(&jar, "http://[::1]/").as_deref(), Some("a=1; b=2"));
    let jar = jar_with("http://localhost:8080/", &["a=1; Domain=localhost"]);
    assert_eq!(header(&jar, "http://localhost/").as_deref(), Some("a=1"));
    assert_eq!(header(&jar, "http://x.localhost/"), None);
}

#[test]
fn leave_secure_cookies_alone() {
    let mut jar = jar_with("https://s.example/", &["sid=secret; Secure"]);
    let plain = url("http://s.example/");
    let overwrite = jar.store(&cookie("sid=evil"), &plain);
    assert!(overwrite.is_err_and(|r| r.reason.contains("already stored")));
    let shadow = jar.store(
        &cookie("sid=evil; Path=/deeper"),
        &url("http://www.s.example/"),
    );
    assert!(shadow.is_err());
    assert_eq!(jar.store(&cookie("other=1"), &plain), Ok(()));
    // A secure origin may replace it.
    assert_eq!(
        jar.store(&cookie("sid=new"), &url("https://s.example/")),
        Ok(())
    );
    assert_eq!(
        header(&jar, "https://s.example/").as_deref(),
        Some("sid=new; other=1")
    );
}

#[test]
fn user_cookies() {
    let mut jar = Jar::new();
    let site = url("https://www.site.example/login");
    assert_eq!(jar.add_user_cookie("session", "abc", &site), Ok(()));
    assert_eq!(
        header(&jar, "https://api.www.site.example/v1/x").as_deref(),
        Some("session=abc")
    );
    assert_eq!(header(&jar, "https://site.example/"), None);
    // https makes it Secure: never sent in clear text.
    assert_eq!(header(&jar, "http://www.site.example/"), None);

    let mut ip_jar = Jar::new();
    assert_eq!(
        ip_jar.add_user_cookie("s", "1", &url("http://127.0.0.1:8080/a/b")),
        Ok(())
    );
    assert_eq!(
        ip_jar.cookie_header(&url("http://127.0.0.1/")).as_deref(),
        Some("s=1")
    );

    for (name, value) in [
        ("", "v"),
        ("a=b", "v"),
        ("a;b", "v"),
        ("a", "v;w"),
        ("a", "v\nw"),
    ] {
        assert!(
            jar.add_user_cookie(name, value, &site).is_err(),
            "{name:?}={value:?}"
        );
    }
    // A __Host- session cookie is what many sites use: host-only, as the browser had it.
    assert_eq!(jar.add_user_cookie("__Host-x", "1", &site), Ok(()));
    assert_eq!(
        header(&jar, "https://www.site.example/").as_deref(),
        Some("session=abc; __Host-x=1")
    );
    assert_eq!(
        header(&jar, "https://api.www.site.example/").as_deref(),
        Some("session=abc")
    );
    assert!(jar
        .add_user_cookie("__Host-x", "1", &url("http://www.site.example/"))
        .is_err_and(|r| r.reason.contains("Secure")));
}

#[test]
fn nameless_cookies_are_sent_as_their_value() {
    let jar = jar_with("https://s.example/", &["token", "a=1"]);
    assert_eq!(
        header(&jar, "https://s.example/").as_deref(),
        Some("token; a=1")
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Lines built from the pieces that steer the parser and the acceptance checks, so the
    /// deeper branches run too, not only the "control character" exit.
    fn cookie_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("=".to_owned()),
            Just(";".to_owned()),
            Just(" ".to_owned()),
            Just("\t".to_owned()),
            Just("__Host-".to_owned()),
            Just("__Secure-".to_owned()),
            Just("Domain=".to_owned()),
            Just("Path=".to_owned()),
            Just("Expires=".to_owned()),
            Just("Max-Age=".to_owned()),
            Just("SameSite=".to_owned()),
            Just("Secure".to_owned()),
            Just("HttpOnly".to_owned()),
            Just("Partitioned".to_owned()),
            Just(".".to_owned()),
            Just("/".to_owned()),
            Just("example.org".to_owned()),
            Just("home.example.org".to_owned()),
            Just("127.0.0.1".to_owned()),
            Just("[::1]".to_owned()),
            Just("None".to_owned()),
            Just("Wed, 21 Oct 2065 07:28:00 GMT".to_owned()),
            "-?[0-9]{1,25}",
            "[a-zA-Z0-9_.%-]{0,12}",
            any::<String>(),
        ];
        prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
    }

    fn any_url() -> impl Strategy<Value = Url> {
        let fixed = prop_oneof![
            Just("http://home.example.org:8888/cookie-parser?x"),
            Just("https://www.site.example/a/b"),
            Just("http://localhost/"),
            Just("http://127.0.0.1/"),
            Just("http://[::1]/"),
            Just("https://github.io/"),
            Just("data:text/plain,x"),
            Just("file:///etc/passwd"),
        ]
        .prop_map(url);
        let built = (
            "(https?|wss?|ftp)",
            "[a-z0-9.\\[\\]:-]{0,20}",
            "[/a-z%.]{0,10}",
        )
            .prop_filter_map("valid URL", |(scheme, host, path)| {
                Url::parse(&format!("{scheme}://{host}/{path}")).ok()
            });
        prop_oneof![fixed, built]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn arbitrary_strings(line in any::<String>(), target in any_url()) {
            exercise(&line, &target);
        }

        #[test]
        fn cookie_like_strings(line in cookie_like(), target in any_url(), later in any_url()) {
            exercise(&line, &target);
            let mut jar = Jar::new();
            if let Ok(c) = parse_set_cookie(&line) {
                let _ = jar.store(&c, &target);
                let _ = jar.cookie_header(&later);
            }
            let _ = jar.add_user_cookie(&line, &line, &target);
        }

        #[test]
        fn arbitrary_bytes_lossy(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let line = String::from_utf8_lossy(&bytes);
            exercise(&line, &url("https://www.site.example/"));
        }

        #[test]
        fn hand_made_cookies(
            name in any::<String>(),
            domain in proptest::option::of(any::<String>()),
            path in proptest::option::of(any::<String>()),
            max_age in proptest::option::of(any::<i64>()),
            target in any_url(),
        ) {
            // Public fields let callers build cookies the parser would never produce.
            let mut c = cookie("a=b");
            c.name = name;
            c.domain = domain;
            c.path = path;
            c.max_age = max_age;
            c.secure = true;
            let _ = check_acceptance(&c, &target);
            let mut jar = Jar::at_fixed_time(datetime!(9999-12-31 23:59:59 UTC));
            let _ = jar.store(&c, &target);
            let _ = jar.cookie_header(&target);
            let _ = c.lifetime_secs(OffsetDateTime::UNIX_EPOCH);
        }
    }

    fn exercise(line: &str, target: &Url) {
        let _ = crate::cookies::parse_cookie_date(line);
        if let Ok(c) = parse_set_cookie(line) {
            assert!(c.name.len() + c.value.len() <= 4096);
            assert!(!c.name.starts_with([' ', '\t']) && !c.value.ends_with([' ', '\t']));
            let _ = check_acceptance(&c, target);
            let mut jar = Jar::new();
            if jar.store(&c, target).is_ok() {
                let sent = jar.cookie_header(target).unwrap_or_default();
                assert!(!sent.chars().any(|ch| ch != '\t' && ch.is_ascii_control()));
            }
        }
    }
}

#[test]
fn more_than_180_cookies_of_one_domain_evict_the_oldest() {
    let mut jar = Jar::at_fixed_time(NOW);
    // Host-only cookies of two hosts and Domain cookies all count under site.example.
    for i in 0..100 {
        let _ = jar.store(
            &cookie(&format!("w{i}=1")),
            &url("https://www.site.example/"),
        );
    }
    for i in 0..100 {
        let line = format!("d{i}=1; Domain=site.example");
        let _ = jar.store(&cookie(&line), &url("https://shop.site.example/"));
    }
    let _ = jar.store(&cookie("other=1"), &url("https://other.example/"));
    assert_eq!(jar.len(), MAX_COOKIES_PER_DOMAIN + 1);
    let sent = header(&jar, "https://www.site.example/").unwrap_or_default();
    let names: Vec<&str> = sent
        .split("; ")
        .map(|p| p.split('=').next().unwrap_or(""))
        .collect();
    // 200 stored, 180 kept: the first 20 (w0..w19) went.
    assert!(
        !names.contains(&"w0") && !names.contains(&"w19"),
        "{names:?}"
    );
    assert!(
        names.contains(&"w20") && names.contains(&"d99"),
        "{names:?}"
    );
    assert_eq!(
        header(&jar, "https://other.example/").as_deref(),
        Some("other=1")
    );
    // Replacing a cookie keeps its age: it is not saved from eviction by being re-set.
    let _ = jar.store(&cookie("w20=2"), &url("https://www.site.example/"));
    let _ = jar.store(&cookie("new=1"), &url("https://www.site.example/"));
    let sent = header(&jar, "https://www.site.example/").unwrap_or_default();
    assert!(!sent.contains("w20="), "{sent}");
    assert!(sent.contains("new=1"));
}

#[test]
fn the_whole_jar_keeps_at_most_3000_cookies() {
    let mut jar = Jar::at_fixed_time(NOW);
    for d in 0..160 {
        for i in 0..20 {
            let _ = jar.store(
                &cookie(&format!("c{i}=1")),
                &url(&format!("https://s{d}.example/")),
            );
        }
    }
    assert_eq!(jar.len(), MAX_COOKIES);
    assert_eq!(
        header(&jar, "https://s0.example/"),
        None,
        "the oldest domain went first"
    );
    assert!(header(&jar, "https://s159.example/").is_some());
}

#[test]
fn name_and_value_over_4096_bytes_are_not_stored() {
    let mut jar = Jar::at_fixed_time(NOW);
    let mut big = cookie("big=1");
    big.value = "v".repeat(4094);
    let err = jar.store(&big, &url("https://s.example/"));
    assert!(err.is_err());
    assert!(
        !err.map_err(|r| r.to_string()).unwrap_err().contains("vvvv"),
        "no value in the reason"
    );
    big.value = "v".repeat(4093);
    assert!(jar.store(&big, &url("https://s.example/")).is_ok());
    assert_eq!(jar.len(), 1);
}
