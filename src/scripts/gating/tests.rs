use super::*;

fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn gate(tag: &str, pairs: &[(&str, &str)]) -> Option<(Gate, Option<String>)> {
    let a = attrs(pairs);
    Gating::builtin().element_gate(&Element { tag, attrs: &a })
}

#[test]
fn builtin_gating_file_is_valid() {
    let g = Gating::from_toml_str(BUILTIN).unwrap_or_else(|e| panic!("{e}"));
    assert!(g.len() >= 9, "only {} managers", g.len());
}

#[test]
fn rejects_bad_files() {
    let base = "[words]\nx = 'analytics'\n";
    let unknown_category = "[words]\nx = 'tracking'\n[[manager]]\nid='a'\ndocs='https://a'\n[manager.library]\nfiles=[]\nmarkers=[]\n";
    assert!(Gating::from_toml_str(unknown_category).is_err());
    let no_condition = format!("{base}[[manager]]\nid='a'\ndocs='https://a'\n[[manager.markup]]\nelements=['script']\n[manager.library]\nfiles=[]\nmarkers=[]\n");
    assert!(Gating::from_toml_str(&no_condition).is_err());
    let bad_re = format!(
        "{base}[[manager]]\nid='a'\ndocs='https://a'\n[manager.library]\nfiles=['(']\nmarkers=[]\n"
    );
    assert!(Gating::from_toml_str(&bad_re).is_err());
    let http_docs = format!(
        "{base}[[manager]]\nid='a'\ndocs='http://a'\n[manager.library]\nfiles=[]\nmarkers=[]\n"
    );
    assert!(Gating::from_toml_str(&http_docs).is_err());
}

#[test]
fn reads_each_managers_documented_markup() {
    let (g, url) = gate(
        "script",
        &[
            ("type", "text/plain"),
            ("data-category", "analytics"),
            ("data-service", "Google Analytics"),
            ("src", "/ga.js"),
        ],
    )
    .unwrap();
    assert_eq!(g.manager, "vanilla-cookieconsent");
    assert_eq!(g.category.as_deref(), Some("analytics"));
    assert_eq!(g.service.as_deref(), Some("Google Analytics"));
    assert_eq!(url.as_deref(), Some("/ga.js"));

    let (g, url) = gate(
        "iframe",
        &[
            ("data-name", "youtube"),
            ("data-src", "https://yt.test/embed/x"),
        ],
    )
    .unwrap();
    assert_eq!(
        (g.manager.as_str(), g.service.as_deref()),
        ("klaro", Some("youtube"))
    );
    assert_eq!(url.as_deref(), Some("https://yt.test/embed/x"));
    // A data-name on an element that loads normally holds nothing back.
    assert!(gate("img", &[("data-name", "logo"), ("src", "/logo.png")]).is_none());

    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (
            "script",
            &[("type", "text/plain"), ("data-cookieconsent", "statistics")],
            "cookiebot",
            "analytics",
        ),
        (
            "script",
            &[
                ("type", "text/plain"),
                ("class", "x optanon-category-C0004"),
            ],
            "onetrust",
            "marketing",
        ),
        (
            "script",
            &[("type", "text/plain"), ("class", "cmplz-stats")],
            "complianz",
            "analytics",
        ),
        (
            "script",
            &[
                ("class", "_iub_cs_activate"),
                ("data-iub-purposes", "4"),
                ("suppressedsrc", "/a.js"),
            ],
            "iubenda",
            "analytics",
        ),
        (
            "script",
            &[("data-cookieyes", "cookieyes-analytics"), ("src", "/a.js")],
            "cookieyes",
            "analytics",
        ),
    ];
    for (tag, a, manager, category) in cases {
        let (g, _) = gate(tag, a).unwrap_or_else(|| panic!("{manager} not recognised"));
        assert_eq!(
            (g.manager.as_str(), g.category.as_deref()),
            (*manager, Some(*category))
        );
    }
    let (g, _) = gate(
        "script",
        &[
            ("type", "didomi/javascript"),
            ("data-vendor", "didomi:google"),
        ],
    )
    .unwrap();
    assert_eq!((g.manager.as_str(), g.category), ("didomi", None));
}

#[test]
fn ordinary_and_negated_scripts_are_not_gated() {
    assert!(gate("script", &[("src", "/app.js")]).is_none());
    assert!(gate(
        "script",
        &[("type", "text/plain"), ("data-category", "!analytics")]
    )
    .is_none());
    assert!(gate(
        "script",
        &[
            ("data-cookieconsent", "ignore"),
            ("src", "https://consent.cookiebot.com/uc.js")
        ]
    )
    .is_none());
}

#[test]
fn recognises_libraries_by_file_name_and_content() {
    let g = Gating::builtin();
    assert_eq!(
        g.library_of(
            Some("http://a.test/tarteaucitron/tarteaucitron.services.js"),
            ""
        ),
        Some("tarteaucitron")
    );
    assert_eq!(
        g.library_of(Some("http://a.test/lib/cookieconsent.umd.js"), ""),
        Some("vanilla-cookieconsent")
    );
    let bundle = "tarteaucitron.services.x = {};".repeat(25);
    assert_eq!(
        g.library_of(Some("http://a.test/app.js"), &bundle),
        Some("tarteaucitron")
    );
    // A site's own configuration names the manager a few times: not a library.
    let config = "tarteaucitron.services.mine = {}; tarteaucitron.job.push('mine');";
    assert_eq!(g.library_of(None, config), None);
}

#[test]
fn reads_tarteaucitron_services_and_what_the_site_enables() {
    let g = Gating::builtin();
    let code = r#"
tarteaucitron.services.heatmap = {
  key: 'heatmap', type: 'analytic', cookies: ['_clck'],
  js: function () { tarteaucitron.addScript('/js/heat.js'); var s = "}"; }
};
tarteaucitron.services.unused = { key: 'unused', type: 'ads', js: function () {} };
(tarteaucitron.job = tarteaucitron.job || []).push('heatmap');
"#;
    let defs = g.services(code);
    assert_eq!(defs.len(), 2);
    assert_eq!(defs[0].key, "heatmap");
    assert_eq!(defs[0].loads, vec!["/js/heat.js"]);
    assert!(code[defs[0].start..defs[0].end].ends_with("\"}\"; }\n}"));
    let mut site = SiteConfig::default();
    g.read_config(code, false, &mut site);
    assert!(site.enables("tarteaucitron", "heatmap"));
    assert!(!site.enables("tarteaucitron", "unused"));
    let gate = g.service_gate(&site, "tarteaucitron", "heatmap");
    assert_eq!(gate.category.as_deref(), Some("analytics"));
    assert_eq!(
        g.service_gate(&site, "tarteaucitron", "unused")
            .category
            .as_deref(),
        Some("marketing")
    );
}

#[test]
fn klaro_services_are_enabled_by_being_listed() {
    let g = Gating::builtin();
    let code = "var klaroConfig = { services: [ { name: 'hotjar', purposes: ['analytics'] }, { name: 'yt', purposes: ['marketing'] } ] };";
    let mut site = SiteConfig::default();
    g.read_config(code, false, &mut site);
    assert!(site.enables("klaro", "hotjar") && site.enables("klaro", "yt"));
    let mut gate = gate("script", &[("type", "text/plain"), ("data-name", "hotjar")])
        .unwrap()
        .0;
    g.complete(&site, &mut gate);
    assert_eq!(gate.category.as_deref(), Some("analytics"));
}

proptest::proptest! {
    #[test]
    fn reading_configuration_never_panics(code in "(tarteaucitron\\.services\\.a = \\{|klaroConfig|\\{ name: 'x'|\\}|'|\"|`|/\\*|//|\\\\|é|\n|[a-z]){0,120}") {
        let g = Gating::builtin();
        let _ = g.services(&code);
        g.read_config(&code, false, &mut SiteConfig::default());
    }
}
