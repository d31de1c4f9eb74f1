//! `declare` with headless Chromium: the banner configurations it writes, loaded by the real
//! consent libraries (vanilla-cookieconsent must render our cookie tables in its preferences
//! modal, Klaro our categories and services), and the declaration of a browser scan. Needs the Debian package `chromium` and the npm packages
//! of `browser-deps/` (`npm ci --prefix browser-deps`); without them these tests fail, never skip.
mod util;

use std::path::{Path, PathBuf};
use std::time::Duration;

use util::TestCommand;

fn package_file(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("browser-deps/node_modules")
        .join(rel);
    assert!(
        path.is_file(),
        "{} is missing: install the test's consent libraries with `npm ci --prefix browser-deps`",
        path.display()
    );
    path
}

/// The demo's declaration in `format` and `lang`.
fn declaration(c: &TestCommand, format: &str, lang: &str) -> String {
    let report = c.path("report.json");
    if !report.exists() {
        let out = TestCommand::new()
            .args(["demo", "--quiet", "-o"])
            .arg(&report)
            .output();
        assert!(out.status.success(), "{out:?}");
    }
    let out = TestCommand::new()
        .arg("declare")
        .arg(&report)
        .args(["--format", format, "--lang", lang])
        .output();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Chromium's DOM of `page` once its scripts ran (virtual time lets the promises settle).
fn dom(page: &Path, profile: &Path) -> String {
    let extra = [
        // vanilla-cookieconsent hides from automated browsers.
        "--disable-blink-features=AutomationControlled",
        "--virtual-time-budget=5000",
        "--dump-dom",
    ];
    let out = util::headless_chromium(page, profile, &extra, Duration::from_secs(90));
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("data-ready=\"1\""),
        "the library did not finish: {}\n{}",
        dom.split("data-error=")
            .nth(1)
            .unwrap_or("no error recorded"),
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

/// A page of `scripts` in order (each an inline script, or `src:PATH` for a library file),
/// recording an uncaught error on `<body data-error>`.
fn page(c: &TestCommand, name: &str, scripts: &[&str]) -> PathBuf {
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n\
         <script>window.onerror = (m) => document.body.setAttribute('data-error', String(m));</script>\n",
    );
    for s in scripts {
        match s.strip_prefix("src:") {
            Some(path) => html.push_str(&format!("<script src=\"file://{path}\"></script>\n")),
            None => html.push_str(&format!("<script>\n{s}\n</script>\n")),
        }
    }
    html.push_str("</body></html>\n");
    c.write(name, html)
}

#[test]
fn vanilla_cookieconsent_renders_the_declared_cookie_tables() {
    let c = TestCommand::new();
    let config = declaration(&c, "cookieconsent", "en");
    let umd = package_file("vanilla-cookieconsent/dist/cookieconsent.umd.js");
    let run = "const cfg = cookiescanConsentConfig;\n\
        cfg.hideFromBots = false;\n\
        const tr = cfg.language.translations[cfg.language.default];\n\
        tr.consentModal = { title: 'T', description: 'D', acceptAllBtn: 'A', acceptNecessaryBtn: 'R' };\n\
        Object.assign(tr.preferencesModal, { title: 'P', acceptAllBtn: 'A', acceptNecessaryBtn: 'R', savePreferencesBtn: 'S' });\n\
        CookieConsent.run(cfg).then(() => { CookieConsent.showPreferences(); document.body.setAttribute('data-ready', '1'); })\n\
          .catch((e) => document.body.setAttribute('data-error', String(e)));";
    let umd = format!("src:{}", umd.display());
    let html = page(&c, "cc.html", &[&umd, &config, run]);
    let dom = dom(&html, &c.path("profile"));
    let captions: Vec<&str> = dom
        .split("<caption class=\"pm__table-caption\">")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .collect();
    assert_eq!(
        captions,
        [
            "Necessary cookies",
            "Functional cookies",
            "Analytics cookies",
            "Marketing cookies"
        ]
    );
    for cell in [
        "<div>_pk_id.*</div>",
        "<div>Matomo</div>",
        "<div>13 months</div>",
        "<div>VISITOR_INFO1_LIVE</div>",
    ] {
        assert!(dom.contains(cell), "{cell} is not in the preferences modal");
    }
}

#[test]
fn klaro_lists_the_declared_categories_and_services() {
    let c = TestCommand::new();
    let config = declaration(&c, "klaro", "fr");
    let klaro = package_file("klaro/dist/klaro.js");
    let config = format!("{config}\nklaroConfig.noAutoLoad = true;");
    let run = "klaro.setup(klaroConfig); klaro.show(klaroConfig, true);\n\
        document.body.setAttribute('data-ready', '1');";
    // Klaro reads its config when it loads: the config comes first.
    let klaro = format!("src:{}", klaro.display());
    let html = page(&c, "klaro.html", &[&config, &klaro, run]);
    let dom = dom(&html, &c.path("profile"));
    let titles: Vec<&str> = dom
        .split("class=\"cm-list-title\">")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .collect();
    let analytics = titles
        .iter()
        .position(|t| *t == "Cookies statistiques")
        .unwrap_or_else(|| panic!("no analytics purpose in {titles:?}"));
    // The demo's analytics services, by name: FPID, the gated Hotjar script, Matomo, Odoo.
    assert_eq!(
        titles[analytics + 1..analytics + 5],
        ["Google Analytics", "Hotjar", "Matomo", "Odoo"]
    );
    assert_eq!(titles[0], "Cookies nécessaires", "{titles:?}");
    assert!(titles.contains(&"Cookies publicitaires"), "{titles:?}");
}

/// A browser reports `Expires` a moment after the cookie was set: Matomo's 30-minute `_pk_ses`
/// reads 1799 seconds and must still be declared as 30 minutes.
#[test]
fn browser_scan_lifetimes_round_to_the_nearest_unit_and_types_follow_the_writer() {
    let c = TestCommand::new();
    let report = c.path("browser.json");
    let out = TestCommand::new()
        .args(["demo", "--browser", "--consent", "accept", "--quiet", "-o"])
        .arg(&report)
        .output();
    assert!(out.status.success(), "{out:?}");
    let out = TestCommand::new()
        .arg("declare")
        .arg(&report)
        .args(["--format", "json"])
        .output();
    assert!(out.status.success(), "{out:?}");
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = |name: &str| {
        d["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["items"].as_array().unwrap())
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not declared: {d}"))
            .clone()
    };
    let ses = item("_pk_ses.*");
    assert_eq!(
        (&ses["lifetime"], &ses["type"]),
        (&"30 minutes".into(), &"script-cookie".into())
    );
    assert_eq!(item("cc_cookie")["type"], "script-cookie");
    assert_eq!(item("YSC")["type"], "http-cookie");
    assert_eq!(d["consent_manager"], "CookieConsent (Orest Bida)");
}
