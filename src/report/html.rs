//! One self-contained HTML page for compliance officers, rendered from `templates/report.html`
//! (and, for browser scans, `templates/report-consent.html`).
//!
//! Everything the page needs (CSS, the optional table script, the SVG chart) is inlined, so it
//! works offline and as an e-mail attachment. Every value from the report goes through the
//! template's HTML auto-escaping; only our own CSS, script, chart and the (itself auto-escaped)
//! consent section are marked safe.

use minijinja::value::Serde;
use minijinja::{context, AutoEscape, Environment, Value};
use serde::Serialize;

use super::consent::{consent_view, phases_text, ConsentView};
use super::svg::{bar_chart, Bar};
use super::view::{attributes, cookie_views, evidence, party_word, CookieView, Coverage};
use super::{human_date, human_duration, Exporter, Report, ReportError};
use crate::compliance::{all_rules, Finding, Severity};
use crate::knowledge::Category;
use crate::observe::{PageVisit, Party, ScriptSummary, SettingsSummary};

const TEMPLATE: &str = include_str!("../../templates/report.html");
/// Browser mode's consent section, included by `report.html`.
const CONSENT_TEMPLATE: &str = include_str!("../../templates/report-consent.html");
const CSS: &str = include_str!("../../templates/report.css");
const SCRIPT: &str = include_str!("../../templates/report.js");

pub struct HtmlExporter;

impl Exporter for HtmlExporter {
    fn render(&self, report: &Report) -> Result<Vec<u8>, ReportError> {
        let fail = |e: minijinja::Error| ReportError::Render {
            format: "html",
            detail: format!("{e:#}"),
        };
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.add_template("report.html", TEMPLATE).map_err(fail)?;
        env.add_template("report-consent.html", CONSENT_TEMPLATE)
            .map_err(fail)?;
        let views = cookie_views(report);
        let page = page(report, &views);
        // Browser mode's screenshots, their `src` marked safe (see `screenshots.rs`).
        let shots = Value::from(
            report
                .consent
                .as_ref()
                .map(super::screenshots::screenshot_values)
                .unwrap_or_default(),
        );
        // The consent section is its own template (minijinja is built without `include`),
        // rendered with the same auto-escaping and inserted whole.
        let consent = match &page.consent {
            Some(c) => env
                .get_template("report-consent.html")
                .and_then(|t| t.render(context! { c => Value::from(Serde(c)), shots }))
                .map_err(fail)?,
            None => String::new(),
        };
        let html = env
            .get_template("report.html")
            .and_then(|t| {
                t.render(context! {
                    r => Value::from(Serde(&page)),
                    chart => Value::from_safe_string(chart(&views)),
                    consent => Value::from_safe_string(consent),
                    css => Value::from_safe_string(CSS.to_string()),
                    script => Value::from_safe_string(SCRIPT.to_string()),
                })
            })
            .map_err(fail)?;
        Ok(html.into_bytes())
    }
}

#[derive(Serialize)]
struct ScriptRow {
    location: String,
    cookies: String,
    storage: String,
    signatures: String,
    fallback: bool,
}

#[derive(Serialize)]
struct Page {
    /// Which script sets which cookie.
    scripts: Vec<ScriptRow>,
    site: String,
    version: String,
    date: String,
    duration: String,
    partial: bool,
    pages_visited: usize,
    pages_failed: usize,
    pages_skipped: usize,
    resources: usize,
    cookies: usize,
    first_party: usize,
    third_party: usize,
    settings: Vec<(&'static str, String)>,
    verdict: (&'static str, String),
    severities: Vec<SeverityGroup>,
    rows: Vec<CookieRow>,
    page_rows: Vec<PageRow>,
    policy: PolicyView,
    warnings: Vec<String>,
    /// Browser mode: the consent passes side by side and the cookie × phase matrix.
    consent: Option<ConsentView>,
}

#[derive(Serialize)]
struct SeverityGroup {
    severity: &'static str,
    title: &'static str,
    rules: Vec<RuleGroup>,
}

#[derive(Serialize)]
struct RuleGroup {
    id: String,
    title: &'static str,
    help: &'static str,
    findings: Vec<FindingRow>,
}

#[derive(Serialize)]
struct FindingRow {
    message: String,
    location: Option<String>,
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct CookieRow {
    name: String,
    vendor: String,
    category: &'static str,
    guessed: bool,
    category_source: &'static str,
    purpose: String,
    party: &'static str,
    domain: String,
    path: String,
    lifetime: String,
    lifetime_secs: i64,
    expected: String,
    attributes: String,
    first_seen: String,
    pages_seen: usize,
    evidence: Vec<String>,
    coverage: &'static str,
    status: &'static str,
    rules: Vec<String>,
    /// Browser mode: the consent phases it was present in ("before consent, after accept").
    phases: String,
    /// Static scans: "after consent (held back by …)" when a consent manager holds it back.
    gate: String,
}

#[derive(Serialize)]
struct PageRow {
    url: String,
    status: String,
    ok: bool,
    depth: usize,
    cookies_set: usize,
    final_url: Option<String>,
}

#[derive(Serialize)]
struct PolicyView {
    given: bool,
    sources: Vec<String>,
    declarations: Vec<DeclRow>,
    ignored: Vec<(String, String, Vec<String>)>,
    undeclared: Vec<String>,
}

#[derive(Serialize)]
struct DeclRow {
    name: String,
    category: String,
    provider: String,
    lifetime: String,
    source: String,
    observed: Vec<String>,
}

fn page(r: &Report, views: &[CookieView]) -> Page {
    let s = &r.summary;
    Page {
        site: r.site.clone(),
        version: r.tool.version.clone(),
        date: human_date(r.started_at),
        duration: human_duration(r.duration_ms),
        partial: r.partial,
        pages_visited: s.pages_visited,
        pages_failed: s.pages_failed,
        pages_skipped: s.pages_skipped,
        resources: s.resources_fetched,
        cookies: s.cookies,
        first_party: s.first_party,
        third_party: s.third_party,
        settings: settings_rows(&r.settings),
        verdict: verdict(r),
        severities: severities(&r.findings),
        rows: views.iter().map(cookie_row).collect(),
        page_rows: r.pages.iter().map(page_row).collect(),
        policy: policy(r, views),
        consent: r.consent.as_ref().map(|c| consent_view(c, views)),
        warnings: r.warnings.iter().map(|w| w.message.clone()).collect(),
        scripts: r.scripts.iter().map(script_row).collect(),
    }
}

/// The settings table: what the scan was asked to cover, and how politely.
fn settings_rows(cfg: &SettingsSummary) -> Vec<(&'static str, String)> {
    vec![
        ("Start URLs", cfg.start_urls.join(" ")),
        ("Scope", format!("{:?}", cfg.scope).to_lowercase()),
        (
            "Limits",
            format!(
                "{} pages, depth {}, {} per URL pattern",
                cfg.max_pages,
                cfg.max_depth
                    .map_or("unlimited".to_string(), |d| d.to_string()),
                cfg.max_per_pattern
            ),
        ),
        (
            "Politeness",
            format!(
                "{} requests at once ({} per host){}; robots.txt {}",
                cfg.concurrency,
                cfg.per_host_concurrency,
                cfg.rate
                    .map(|r| format!(", {r} per second per host"))
                    .unwrap_or_default(),
                if cfg.respect_robots {
                    "respected"
                } else {
                    "ignored"
                }
            ),
        ),
        ("User agent", cfg.user_agent.clone()),
    ]
}

fn page_row(p: &PageVisit) -> PageRow {
    PageRow {
        url: p.url.to_string(),
        status: match (&p.status, &p.error, &p.skipped) {
            (Some(code), _, _) => format!("HTTP {code}"),
            (None, Some(e), _) => format!("failed: {e}"),
            (None, None, Some(why)) => format!("skipped: {why}"),
            _ => "not fetched".to_string(),
        },
        ok: p.status.is_some_and(|c| c < 400),
        depth: p.depth,
        cookies_set: p.cookies_set,
        final_url: p.final_url.as_ref().map(|u| u.to_string()),
    }
}

fn script_row(sc: &ScriptSummary) -> ScriptRow {
    ScriptRow {
        location: sc.location.clone(),
        cookies: sc.cookies.join(", "),
        storage: sc.storage.join(", "),
        signatures: sc.signatures.join(", "),
        fallback: sc.mode == crate::scripts::AnalysisMode::LexicalFallback,
    }
}

/// The one line a reader looks at first: (CSS class, sentence).
fn verdict(r: &Report) -> (&'static str, String) {
    let c = &r.summary.findings;
    let mut line = if c.error > 0 {
        (
            "fail",
            format!(
                "Action required: {} errors, {} warnings, {} notes.",
                c.error, c.warning, c.info
            ),
        )
    } else if c.warning > 0 {
        (
            "warn",
            format!(
                "Review needed: no errors, {} warnings, {} notes.",
                c.warning, c.info
            ),
        )
    } else {
        ("pass", "No errors or warnings.".to_string())
    };
    if !has_policy(r) {
        line.1
            .push_str(" No cookie policy was given, so declarations were not checked.");
    }
    if r.partial {
        line.1
            .push_str(" The scan was interrupted: these results are incomplete.");
    }
    line
}

fn has_policy(r: &Report) -> bool {
    let p = &r.policy;
    !(p.declarations.is_empty() && p.ignored.is_empty() && p.sources.is_empty())
}

/// Findings grouped by severity, then by rule in rule order, each rule with its explanation.
fn severities(findings: &[Finding]) -> Vec<SeverityGroup> {
    [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Notes"),
    ]
    .into_iter()
    .map(|(sev, title)| SeverityGroup {
        severity: sev.as_str(),
        title,
        rules: all_rules()
            .iter()
            .map(|rule| rule.info())
            .filter_map(|info| {
                let rows: Vec<FindingRow> = findings
                    .iter()
                    .filter(|f| f.severity == sev && f.rule == info.id)
                    .map(finding_row)
                    .collect();
                (!rows.is_empty()).then(|| RuleGroup {
                    id: info.id.to_string(),
                    title: info.title,
                    help: info.help,
                    findings: rows,
                })
            })
            .collect(),
    })
    .filter(|g| !g.rules.is_empty())
    .collect()
}

fn finding_row(f: &Finding) -> FindingRow {
    FindingRow {
        message: f.message.clone(),
        location: f
            .declaration
            .as_ref()
            .map(|d| format!("{} line {}", d.file, d.line))
            .or_else(|| f.page.clone()),
        evidence: f.evidence.clone(),
    }
}

fn cookie_row(v: &CookieView) -> CookieRow {
    let r = v.record();
    let k = &v.cookie.classification;
    CookieRow {
        name: r.name.clone(),
        vendor: k.vendor.clone().unwrap_or_default(),
        category: v.category.as_str(),
        guessed: !k.is_known() && v.declared_category().is_none(),
        category_source: v.category_source.as_str(),
        purpose: k
            .purpose
            .clone()
            .unwrap_or_else(|| format!("Unknown ({})", k.reason)),
        party: party_word(r.party),
        domain: r.domain.clone(),
        path: r.path.clone(),
        lifetime: super::renewal::lifetime_text(r),
        lifetime_secs: r.lifetime_secs.unwrap_or(-1),
        expected: k.expected_lifetime.clone().unwrap_or_default(),
        attributes: attributes(r).join(" "),
        first_seen: r.first_seen_url.to_string(),
        pages_seen: r.pages_seen,
        evidence: evidence(r),
        coverage: v.coverage_word(),
        status: v.worst().map_or("ok", Severity::as_str),
        rules: v.findings.iter().map(|f| f.rule.clone()).collect(),
        phases: phases_text(v),
        gate: super::gating::gate_phrase(r).unwrap_or_default(),
    }
}

fn policy(r: &Report, views: &[CookieView]) -> PolicyView {
    let p = &r.policy;
    PolicyView {
        given: has_policy(r),
        sources: p.sources.clone(),
        declarations: p
            .declarations
            .iter()
            .map(|d| {
                let c = &d.declared;
                DeclRow {
                    name: c.name.clone(),
                    category: match (&c.category_label, c.category) {
                        (Some(label), Some(cat)) if label.to_lowercase() != cat.as_str() => {
                            format!("{cat} ({label})")
                        }
                        (_, Some(cat)) => cat.to_string(),
                        (Some(label), None) => label.clone(),
                        (None, None) => String::new(),
                    },
                    provider: c.provider.clone().unwrap_or_default(),
                    lifetime: c.lifetime.clone().unwrap_or_default(),
                    source: c
                        .source
                        .as_ref()
                        .map(|s| format!("{}:{}", s.file, s.line))
                        .unwrap_or_default(),
                    observed: d.observed.clone(),
                }
            })
            .collect(),
        ignored: p
            .ignored
            .iter()
            .map(|i| (i.name.clone(), i.reason.clone(), i.observed.clone()))
            .collect(),
        undeclared: views
            .iter()
            .filter(|v| v.coverage == Coverage::Undeclared)
            .map(|v| v.record().name.clone())
            .collect(),
    }
}

fn chart(views: &[CookieView]) -> String {
    let category_colour = |c: Category| match c {
        Category::Necessary => "#2f7d32",
        Category::Functional => "#1f6fb2",
        Category::Analytics => "#b26a00",
        Category::Marketing => "#b3261e",
        Category::Unclassified => "#6b6b6b",
    };
    let by_category = Category::ALL
        .iter()
        .map(|&c| Bar {
            label: c.to_string(),
            count: views.iter().filter(|v| v.category == c).count(),
            colour: category_colour(c),
        })
        .collect();
    let by_party = [(Party::First, "#455a64"), (Party::Third, "#8e24aa")]
        .into_iter()
        .map(|(p, colour)| Bar {
            label: format!("{}-party", party_word(p)),
            count: views.iter().filter(|v| v.record().party == p).count(),
            colour,
        })
        .collect();
    bar_chart(&[("By category", by_category), ("By party", by_party)])
}
