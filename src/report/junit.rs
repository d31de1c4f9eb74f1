//! JUnit XML for CI dashboards: one test case per cookie, failing when the cookie has an
//! error finding, so a regression shows up beside the unit tests.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::view::{cookie_views, CookieView};
use super::{Exporter, Report, ReportError};
use crate::compliance::Severity;

pub struct JunitExporter;

impl Exporter for JunitExporter {
    fn render(&self, report: &Report) -> Result<Vec<u8>, ReportError> {
        let mut suite = TestSuite::new(format!("cookies on {}", report.site));
        suite.set_time(Duration::from_millis(report.duration_ms));
        suite.add_property(Property::new("site", report.site.as_str()));
        suite.add_property(Property::new(
            "pages",
            report.summary.pages_visited.to_string(),
        ));
        suite.add_property(Property::new("partial", report.partial.to_string()));
        suite.add_test_cases(cookie_views(report).iter().map(test_case));
        suite.add_test_cases(super::signals::junit_cases(report));
        let mut junit = quick_junit::Report::new("cookiescan");
        junit.set_time(Duration::from_millis(report.duration_ms));
        junit.add_test_suite(suite);
        let mut out = Vec::new();
        junit.serialize(&mut out).map_err(|e| ReportError::Render {
            format: "junit",
            detail: e.to_string(),
        })?;
        Ok(xml_1_0_only(out))
    }
}

/// Drops every character XML 1.0 forbids. quick-junit strips the C0 controls itself but lets
/// U+FFFE and U+FFFF through, and a site can put either in a cookie name; one of them makes
/// the whole file unreadable to every JUnit consumer.
fn xml_1_0_only(out: Vec<u8>) -> Vec<u8> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    match String::from_utf8(out) {
        Ok(text) if text.chars().all(allowed) => text.into_bytes(),
        Ok(text) => text
            .chars()
            .filter(|c| allowed(*c))
            .collect::<String>()
            .into_bytes(),
        Err(e) => String::from_utf8_lossy(e.as_bytes())
            .chars()
            .filter(|c| allowed(*c))
            .collect::<String>()
            .into_bytes(),
    }
}

fn test_case(v: &CookieView) -> TestCase {
    let r = v.record();
    let errors: Vec<&str> = v
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.message.as_str())
        .collect();
    let status = match errors.first() {
        Some(first) => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(*first);
            s.set_type(
                v.findings
                    .iter()
                    .find(|f| f.severity == Severity::Error)
                    .map_or("", |f| f.rule.as_str()),
            );
            s.set_description(errors.join("\n"));
            s
        }
        None => TestCaseStatus::success(),
    };
    let name = if r.path == "/" {
        format!("{} ({})", r.name, r.domain)
    } else {
        format!("{} ({}{})", r.name, r.domain, r.path)
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(format!("cookies.{}", v.category));
    let others: Vec<String> = v
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Error)
        .map(|f| format!("{}: {}", f.severity.as_str(), f.message))
        .collect();
    if !others.is_empty() {
        case.set_system_out(others.join("\n"));
    }
    case
}

#[cfg(test)]
mod tests {
    use super::xml_1_0_only;

    #[test]
    fn junit_output_keeps_only_xml_1_0_characters() {
        let raw = "<a n=\"x\u{FFFE}y\u{FFFF}\u{1}\">\tok \u{1F36A}</a>"
            .as_bytes()
            .to_vec();
        assert_eq!(
            String::from_utf8(xml_1_0_only(raw)).unwrap(),
            "<a n=\"xy\">\tok \u{1F36A}</a>"
        );
    }
}
