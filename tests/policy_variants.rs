//! Shapes of policy the fixtures do not show: other languages, `pdftotext -layout` output,
//! tables without a header row.

mod policy_support;

use cookiescan::policy::{extract, DocKind};
use policy_support::{assert_rows, oracle, row};

#[test]
fn german_markdown_table_under_a_compound_heading() {
    let text = "# Datenschutz\n\n## Statistik-Cookies\n\n| Name | Anbieter | Zweck | Speicherdauer |\n|------|----------|-------|---------------|\n| _ga | Google | Unterscheidet Besucher | 2 Jahre |\n| _gid | Google | Unterscheidet Besucher | 1 Tag |\n\n## Marketing-Cookies\n\n| Name | Anbieter | Zweck | Speicherdauer |\n|---|---|---|---|\n| _fbp | Meta | Werbung | 3 Monate |\n";
    let ex = extract(text, DocKind::Auto, "de.md", &oracle());
    let (a, m) = (Some("analytics"), Some("marketing"));
    assert_rows(
        &ex.cookies,
        &[
            row("_ga", a, Some("Google"), &[]),
            row("_gid", a, Some("Google"), &[]),
            row("_fbp", m, Some("Meta"), &[]),
        ],
    );
    assert_eq!(ex.cookies[0].lifetime.as_deref(), Some("2 Jahre"));
}

#[test]
fn spanish_html_table() {
    let text = "<html><body><h3>Cookies analíticas</h3><table><tr><th>Nombre</th><th>Proveedor</th><th>Finalidad</th><th>Caducidad</th></tr><tr><td>_hjid</td><td>Hotjar</td><td>Identifica al usuario.</td><td>1 año</td></tr></table><h3>Cookies técnicas</h3><p>La cookie <code>cookieyes-consent</code> guarda su elección.</p></body></html>";
    let ex = extract(text, DocKind::Auto, "es.html", &oracle());
    assert_rows(
        &ex.cookies,
        &[
            row("_hjid", Some("analytics"), Some("Hotjar"), &[]),
            row("cookieyes-consent", Some("necessary"), None, &[]),
        ],
    );
}

#[test]
fn pdftotext_layout_table() {
    let text = "Marketing cookies\n\n\
Cookie        Provider     Purpose                        Expiry\n\
_fbp          Meta         Delivers adverts on other      3 months\n\
\x20                          websites.\n\
_uetsid       Microsoft    Attributes sales to our ads.   1 day\n\
\n\
Your choices\n";
    let ex = extract(text, DocKind::Text, "layout.txt", &oracle());
    let m = Some("marketing");
    assert_rows(
        &ex.cookies,
        &[
            row("_fbp", m, Some("Meta"), &[]),
            row("_uetsid", m, Some("Microsoft"), &[]),
        ],
    );
    assert_eq!(
        ex.cookies[0].purpose.as_deref(),
        Some("Delivers adverts on other websites.")
    );
    assert_eq!(ex.cookies[0].lifetime.as_deref(), Some("3 months"));
}

#[test]
fn tab_table_without_header() {
    let text = "Cookies we use:\n\n_ga\tGoogle Analytics\tStatistics\t2 years\n_fbp\tMeta\tAdvertising\t3 months\nwp-settings-*\tWordPress\tPreferences\t1 year\n";
    let ex = extract(text, DocKind::Text, "nohead.txt", &oracle());
    assert_rows(
        &ex.cookies,
        &[
            row("_ga", Some("analytics"), Some("Google Analytics"), &[]),
            row("_fbp", Some("marketing"), Some("Meta"), &[]),
            row("wp-settings-*", Some("functional"), Some("WordPress"), &[]),
        ],
    );
}
