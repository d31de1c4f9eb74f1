//! Declaration files: CSV in, TOML and CSV out, TOML back in.

mod policy_support;

use cookiescan::knowledge::Category;
use cookiescan::policy::{
    read_declarations_csv, read_declarations_toml, to_csv, to_toml, DeclMatch, PolicyError,
};
use policy_support::extract_fixture;

#[test]
fn csv_columns_in_any_order_with_synonyms_quotes_and_a_bad_row() {
    let text = "\u{feff}Durée,Fournisseur,Nom,Finalité,Catégorie,Domaine\n\
        13 mois,Google,_ga,\"Distingue les visiteurs, mesure l'audience\",Statistiques,.example.fr\n\
        ,Matomo,_pk_id.*,Mesure,mesure d'audience,\"a.example.fr, b.example.fr\"\n\
        1 an,Meta,_fbp,Publicité,Publicité,example.fr,EXTRA\n\
        session,,PHPSESSID,,Nécessaire,\n\
        ,,,\"nameless row\",,\n\
        2 ans,Acme,acme_id,Suivi,Bizarre,\n";
    let (cookies, warnings) = read_declarations_csv(text, "decl.csv").expect("readable");
    let names: Vec<(&str, DeclMatch, Option<Category>)> = cookies
        .iter()
        .map(|c| (c.name.as_str(), c.match_kind, c.category))
        .collect();
    assert_eq!(
        names,
        [
            ("_ga", DeclMatch::Exact, Some(Category::Analytics)),
            ("_pk_id.", DeclMatch::Prefix, Some(Category::Analytics)),
            ("PHPSESSID", DeclMatch::Exact, Some(Category::Necessary)),
            ("acme_id", DeclMatch::Exact, None),
        ]
    );
    let ga = &cookies[0];
    assert_eq!(
        ga.purpose.as_deref(),
        Some("Distingue les visiteurs, mesure l'audience")
    );
    assert_eq!(
        (ga.provider.as_deref(), ga.lifetime.as_deref()),
        (Some("Google"), Some("13 mois"))
    );
    assert_eq!(ga.category_label.as_deref(), Some("Statistiques"));
    assert_eq!(cookies[1].domains, ["a.example.fr", "b.example.fr"]);
    assert_eq!(cookies[3].category_label.as_deref(), Some("Bizarre"));
    assert_eq!(cookies[2].source.as_ref().map(|s| s.line), Some(5));
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(warnings[0].starts_with("decl.csv:4: row skipped: 7 fields"));
    assert!(warnings[1].starts_with("decl.csv:6: row skipped: no cookie name"));
    assert!(warnings[2].starts_with("decl.csv:7: category 'Bizarre'"));
}

#[test]
fn semicolon_separated_english_headers() {
    let text = "cookie;type;vendor;host;description;expiry\nNID;Advertising;Google;.google.com;Ad preferences;6 months\n";
    let (cookies, warnings) = read_declarations_csv(text, "x.csv").expect("readable");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(cookies[0].name, "NID");
    assert_eq!(cookies[0].category, Some(Category::Marketing));
    assert_eq!(cookies[0].domains, [".google.com"]);
}

#[test]
fn csv_without_name_column_is_an_error_that_says_what_to_do() {
    let err = read_declarations_csv("provider,purpose\nGoogle,ads\n", "bad.csv").unwrap_err();
    assert!(matches!(err, PolicyError::NoNameColumn { .. }));
    let msg = err.to_string();
    assert!(msg.contains("bad.csv") && msg.contains("name"), "{msg}");
    let (none, w) = read_declarations_csv("", "empty.csv").expect("empty is not an error");
    assert!(none.is_empty() && w.len() == 1);
}

#[test]
fn toml_and_csv_output_read_back_unchanged() {
    let ex = extract_fixture("outscale-cookie-policy.txt");
    let toml_text = to_toml(&ex.cookies);
    assert!(toml_text.contains("[[cookie]]\nname = \"django_language\"\ndomain = \"cockpit-euwest-2.outscale.com\"\ncategory = \"necessary\"\n"));
    let (back, warnings) = read_declarations_toml(&toml_text, "out.toml").expect("valid TOML");
    assert!(warnings.is_empty());
    assert_eq!(back, ex.cookies);

    let html = extract_fixture("politique-cookies.html");
    let t = to_toml(&html.cookies);
    assert!(t.contains("prefix = \"_pk_id.\""));
    assert_eq!(
        read_declarations_toml(&t, "o.toml").expect("valid").0,
        html.cookies
    );

    let csv_text = to_csv(&html.cookies);
    let (from_csv, warnings) = read_declarations_csv(&csv_text, "out.csv").expect("valid CSV");
    assert!(warnings.is_empty(), "{warnings:?}");
    for (a, b) in from_csv.iter().zip(&html.cookies) {
        assert_eq!(
            (
                &a.name,
                a.match_kind,
                a.category,
                &a.domains,
                &a.provider,
                &a.lifetime
            ),
            (
                &b.name,
                b.match_kind,
                b.category,
                &b.domains,
                &b.provider,
                &b.lifetime
            )
        );
    }
    assert_eq!(from_csv.len(), html.cookies.len());
}

#[test]
fn toml_errors_and_skipped_entries() {
    let err = read_declarations_toml("[[cookie]]\nname = 3\n", "d.toml").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("d.toml is not a valid declaration file"),
        "{err}"
    );
    let (c, w) = read_declarations_toml("[[cookie]]\nname = \"a\"\nprefix = \"b\"\n\n[[cookie]]\npattern = \"^_ga_.*_x$\"\ncategory = \"Statistiques\"\n", "d.toml").expect("valid");
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].match_kind, c[0].category),
        (DeclMatch::Regex, Some(Category::Analytics))
    );
    assert_eq!(c[0].source.as_ref().map(|s| s.line), Some(5));
    assert!(w[0].starts_with("d.toml:1: cookie skipped"), "{w:?}");
}
