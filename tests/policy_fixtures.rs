//! Policies written for these tests: a French HTML page with tables, an English Markdown
//! page with pipe tables, a text policy with no table at all.

mod policy_support;

use cookiescan::policy::{extract, DocKind};
use policy_support::{assert_rows, extract_fixture, fixture, oracle, row};

const N: Option<&str> = Some("necessary");
const F: Option<&str> = Some("functional");
const A: Option<&str> = Some("analytics");
const M: Option<&str> = Some("marketing");

#[test]
fn french_html_tables_with_rowspan_colspan_caption_and_prose() {
    let ex = extract_fixture("politique-cookies.html");
    let lib = Some("Librairie Exemple");
    let dot = [".librairie-exemple.fr"];
    assert_rows(
        &ex.cookies,
        &[
            row("PHPSESSID", N, lib, &["www.librairie-exemple.fr"]),
            row("axeptio_cookies", N, lib, &dot),
            row("axeptio_authorized_vendors", N, lib, &dot),
            row("__cf_bm", N, Some("Cloudflare"), &dot),
            row("_ga", A, Some("Google Analytics"), &[]),
            row("_ga_*", A, Some("Google Analytics"), &[]),
            row("_pk_id.*", A, Some("Matomo"), &[]),
            row("_pk_ses.*", A, Some("Matomo"), &[]),
            row("_fbp", M, Some("Meta"), &[]),
            row("fr", M, Some("Meta"), &[]),
            row("bcookie", M, Some("LinkedIn"), &[]),
            row("lidc", M, Some("LinkedIn"), &[]),
            row("bandeau_langue", F, None, &[]),
        ],
    );
    let c = &ex.cookies;
    assert_eq!(c[0].lifetime.as_deref(), Some("Session"));
    assert_eq!(c[1].lifetime.as_deref(), Some("6 mois"));
    assert_eq!(
        c[0].category_label.as_deref(),
        Some("Cookies strictement nécessaires")
    );
    assert_eq!(c[8].category_label.as_deref(), Some("Publicité"));
    assert_eq!(c[12].lifetime.as_deref(), Some("12 mois"));
    assert_eq!(c[4].source.as_ref().map(|s| s.line), Some(52));
}

#[test]
fn markdown_pipe_tables_under_category_headings_and_a_category_column() {
    let ex = extract_fixture("cookie-policy.md");
    assert_rows(
        &ex.cookies,
        &[
            row("PHPSESSID", N, Some("us (first party)"), &[]),
            row("__stripe_mid", N, Some("Stripe"), &[]),
            row("__stripe_sid", N, Some("Stripe"), &[]),
            row("cf_clearance", N, Some("Cloudflare"), &[]),
            row("_ga", A, Some("Google"), &[".example.com"]),
            row("_gid", A, Some("Google"), &[".example.com"]),
            row("_hjSessionUser_*", A, Some("Hotjar"), &["www.example.com"]),
            row("_clck", A, Some("Microsoft Clarity"), &[]),
            row("_fbp", M, Some("Meta"), &[]),
            row("li_gc", M, Some("LinkedIn"), &[]),
            row("_uetsid", M, Some("Microsoft Advertising"), &[]),
            row("promo_banner_seen", F, Some("Example Shop"), &[]),
        ],
    );
    assert_eq!(
        ex.cookies[4].purpose.as_deref(),
        Some("Distinguish visitors | count sessions.")
    );
    assert_eq!(ex.cookies[0].lifetime.as_deref(), Some("End of session"));
    assert_eq!(
        ex.cookies[9].category_label.as_deref(),
        Some("Social media")
    );
}

#[test]
fn prose_only_policy_declares_nothing_and_names_what_it_mentions() {
    let ex = extract_fixture("prose-policy.txt");
    assert!(ex.cookies.is_empty(), "{:#?}", ex.cookies);
    assert!(ex.repairs.is_empty(), "{:#?}", ex.repairs);
    assert_eq!(ex.warnings.len(), 1, "{:#?}", ex.warnings);
    let note = &ex.warnings[0];
    assert!(
        note.starts_with("prose-policy.txt: no cookie table or list was found"),
        "{note}"
    );
    for name in [
        "PHPSESSID",
        "CookieConsent",
        "_ga",
        "_pk_ses",
        "_fbp",
        "IDE",
    ] {
        assert!(note.contains(name), "{name} missing from: {note}");
    }
    // Words of the text are not offered as cookies.
    for word in ["Session", "Necessary", "privacy_team"] {
        assert!(!note.contains(word), "{word} in: {note}");
    }
}

#[test]
fn kind_given_explicitly_matches_auto() {
    for (name, kind) in [
        ("politique-cookies.html", DocKind::Html),
        ("cookie-policy.md", DocKind::Markdown),
        ("prose-policy.txt", DocKind::Text),
    ] {
        let text = fixture(name);
        assert_eq!(
            extract(&text, kind, name, &oracle()),
            extract(&text, DocKind::Auto, name, &oracle()),
            "{name}"
        );
    }
}

#[test]
fn key_value_declarations_and_one_line_lists() {
    let text = "## Cookie list\n\n- **Name:** _hjid\n- **Provider:** Hotjar\n- **Purpose:** Keeps a random ID\n  across visits.\n- **Expiry:** 1 year\n- **Type:** Analytics\n\nName: wp-settings-*\nProvider: WordPress\nCategory: Preferences\n\nMarketing cookies: _fbp, _gcl_au and _uetvid.\n";
    let ex = extract(text, DocKind::Markdown, "kv.md", &oracle());
    assert_rows(
        &ex.cookies,
        &[
            row("_hjid", A, Some("Hotjar"), &[]),
            row("wp-settings-*", F, Some("WordPress"), &[]),
            row("_fbp", M, None, &[]),
            row("_gcl_au", M, None, &[]),
            row("_uetvid", M, None, &[]),
        ],
    );
    assert_eq!(
        ex.cookies[0].purpose.as_deref(),
        Some("Keeps a random ID across visits.")
    );
    assert_eq!(ex.cookies[0].lifetime.as_deref(), Some("1 year"));
}

#[test]
fn no_junk_from_prose_urls_or_category_words() {
    let text = "Cookie policy\n\n\"Necessary\" cookies and \"first-party\" cookies are described at https://example.com/cookie_policy?utm_source=x_y or in cookie_policy.pdf. Mail dpo_team@example.com. Session cookies expire. The _Important_ part: we use no tracking.\n";
    let ex = extract(text, DocKind::Text, "junk.txt", &oracle());
    assert!(ex.cookies.is_empty(), "{:#?}", ex.cookies);
}
