//! The IETF http-state cookie suite (RFC 6265's working group) over `parse_set_cookie` +
//! `Jar`, and its cookie-date files over `parse_cookie_date`.
//!
//! Run with `cargo test --test conformance -- --nocapture` to see the summary.

use std::path::{Path, PathBuf};

use cookiescan::cookies::{parse_cookie_date, parse_set_cookie, Jar};
use serde_json::Value;
use time::{macros::datetime, OffsetDateTime};
use url::Url;

/// Pass counts reached; a regression below them fails the test.
const PARSER_MIN_PASSED: usize = 222;
const DATES_MIN_PASSED: usize = 70;

/// The suite was written in 2010-2011: "Expires=Fri, 07 Aug 2019" means "in the future" and
/// "2007" means "in the past". Replaying it at a fixed time from that era keeps every case
/// meaning what it meant, on whatever day the test runs.
const SUITE_TIME: OffsetDateTime = datetime!(2011-06-01 0:00 UTC);

/// Cases where the 2011 suite and RFC 6265bis disagree. We follow 6265bis; the middle string is
/// the Cookie header 6265bis gives (empty = none), derived by hand from the RFC text, not copied
/// from our output.
const RFC6265BIS_EXPECTATIONS: &[(&str, &str, &str)] = &[
    ("0004", "foo", NAMELESS),
    ("0021", "a=b; x; c=d", NAMELESS),
    ("0023", "foo", NAMELESS),
    ("0024", "foo", NAMELESS),
    ("0025", "foo", NAMELESS),
    ("0026", "foo", NAMELESS),
    ("0027", "bar", NAMELESS_REPLACED),
    ("0028", "foo", NAMELESS),
    ("CHROMIUM0009", "BLAHHH", NAMELESS),
    ("CHROMIUM0010", r#""BLA\"HHH""#, NAMELESS),
    ("CHROMIUM0012", "ABC", NAMELESS),
    ("MOZILLA0012", r#"test="fubar! = foo; five"#, NAMELESS),
    ("MOZILLA0014", "six", NAMELESS),
    ("MOZILLA0015", "seven", NAMELESS_REPLACED),
    ("MOZILLA0016", "eight", NAMELESS_REPLACED),
    ("MOZILLA0017", "eight; test=six", NAMELESS_REPLACED),
    ("NAME0017", "a=bar", NAMELESS),
    ("NAME0023", "foo", NAMELESS),
    ("NAME0025", "==a=bar", NAMELESS),
    ("NAME0028", "a", NAMELESS),
    ("NAME0031", r#""foo"#, NAMELESS),
    ("NAME0032", r#""foo\"bar"#, NAMELESS),
    ("NAME0033", "aaa", NAMELESS_REPLACED),
    ("DISABLED_CHROMIUM0022", "", CONTROL_CHARACTER),
    ("DISABLED_CHROMIUM0023", "", CONTROL_CHARACTER),
    ("DISABLED_PATH0029", "", NO_PERCENT_DECODING),
];

/// §5.6 step 3: a name-value pair without '=' (or with nothing before it) is a cookie with an
/// empty name, sent as its value alone (§5.8.3); Chromium and Firefox do this. The 2011 suite
/// drops such lines.
const NAMELESS: &str = "nameless cookie";
/// As NAMELESS; the later nameless cookie replaces the earlier one (same empty name, domain and
/// path) and keeps its creation time.
const NAMELESS_REPLACED: &str = "nameless cookie, replaced";
/// §5.6 step 1: a line with a control character (NUL, CR) is ignored entirely. The suite (which
/// disabled these cases) expects the old truncation at the control character.
const CONTROL_CHARACTER: &str = "control character";
/// §5.1.4 path-match compares the request path as sent: "/f%6Fo" is not "/foo". The suite
/// disabled the case because browsers do not decode either.
const NO_PERCENT_DECODING: &str = "no percent-decoding of paths";

fn find_suite() -> PathBuf {
    let start = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in start.ancestors() {
        let candidate = dir.join("shared/conformance/http-state");
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!(
        "the IETF http-state suite was not found: no shared/conformance/http-state folder in {} \
         or any folder above it (in CI, check out the shared/ folder beside the clone)",
        start.display()
    );
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    // dates-bsd.json opens with a `//` licence comment, which JSON does not allow.
    let json: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("case without string field {key:?}: {v}"))
        .to_owned()
}

/// A Cookie header as RFC 6265bis §5.8.3 writes the suite's expected (name, value) list.
fn expected_header(case: &Value) -> String {
    let sent = case
        .get("sent")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("case without a sent list: {case}"));
    sent.iter()
        .map(|pair| {
            let (name, value) = (text(pair, "name"), text(pair, "value"));
            if name.is_empty() {
                value
            } else {
                format!("{name}={value}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn run_case(case: &Value) -> String {
    let test = text(case, "test");
    let mut jar = Jar::at_fixed_time(SUITE_TIME);
    let origin = Url::parse(&format!(
        "http://home.example.org:8888/cookie-parser?{test}"
    ))
    .expect("origin URL");
    let received = case
        .get("received")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("case without a received list: {case}"));
    for line in received.iter().filter_map(Value::as_str) {
        // Lines a browser ignores, and cookies it refuses, simply leave the jar unchanged.
        if let Ok(cookie) = parse_set_cookie(line) {
            let _ = jar.store(&cookie, &origin);
        }
    }
    let result = Url::parse(&format!(
        "http://home.example.org:8888/cookie-parser-result?{test}"
    ))
    .expect("result URL");
    let target = match case.get("sent-to").and_then(Value::as_str) {
        Some(to) => result.join(to).expect("sent-to URL"),
        None => result,
    };
    jar.cookie_header(&target).unwrap_or_default()
}

#[test]
fn ietf_http_state_suite() {
    let suite = find_suite();

    let cases = read_json(&suite.join("parser.json"));
    let cases = cases.as_array().expect("parser.json is a list");
    let mut passed = 0;
    let mut as_written = 0;
    let mut failures = Vec::new();
    let mut bis_notes = Vec::new();
    for case in cases {
        let test = text(case, "test");
        let got = run_case(case);
        let suite_says = expected_header(case);
        let bis = RFC6265BIS_EXPECTATIONS
            .iter()
            .find(|(name, _, _)| *name == test);
        let expected = bis.map_or(suite_says.clone(), |(_, header, _)| header.to_string());
        if got == suite_says {
            as_written += 1;
        }
        if let Some((_, header, why)) = bis {
            assert_ne!(
                *header, suite_says,
                "{test}: the RFC 6265bis entry agrees with the suite; drop it"
            );
            bis_notes.push(format!("{test} ({why})"));
        }
        if got == expected {
            passed += 1;
        } else {
            failures.push(format!("{test}: sent {got:?}, expected {expected:?}"));
        }
    }

    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let mut dates_total = 0;
    let mut dates_passed = 0;
    for file in ["dates.json", "dates-bsd.json"] {
        let dates = read_json(&suite.join(file));
        for date in dates.as_array().expect("a date file is a list") {
            dates_total += 1;
            let input = text(date, "test");
            let expected = date.get("expected").and_then(Value::as_str);
            let got = parse_cookie_date(&input).map(|d| d.format(format).expect("formattable"));
            if got.as_deref() == expected {
                dates_passed += 1;
            } else {
                failures.push(format!(
                    "{file} {input:?}: parsed {got:?}, expected {expected:?}"
                ));
            }
        }
    }

    println!(
        "http-state parser: {passed}/{} passed ({as_written} exactly as the 2011 suite expects, \
         {} cases expect RFC 6265bis instead); dates: {dates_passed}/{dates_total} passed",
        cases.len(),
        RFC6265BIS_EXPECTATIONS.len()
    );
    println!(
        "  RFC 6265bis instead of the suite: {}",
        bis_notes.join(", ")
    );
    assert_eq!(
        bis_notes.len(),
        RFC6265BIS_EXPECTATIONS.len(),
        "an RFC 6265bis entry names no case of parser.json"
    );
    for failure in &failures {
        println!("  FAIL {failure}");
    }
    assert_eq!(cases.len(), 222, "parser.json should hold 222 cases");
    assert!(
        passed >= PARSER_MIN_PASSED,
        "parser cases: {passed} passed, fewer than the {PARSER_MIN_PASSED} reached before"
    );
    assert!(
        dates_passed >= DATES_MIN_PASSED,
        "dates: {dates_passed} passed, fewer than the {DATES_MIN_PASSED} reached before"
    );
}
