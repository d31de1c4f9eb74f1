//! The published JSON Schema of the report, and SARIF checked against the official schema.
mod report_support;
mod util;

use std::path::PathBuf;

use cookiescan::report::{json_schema, Format};
use report_support::{demo_report, render};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Validates `instance` against `schema`, listing every error on failure.
fn validate(schema: serde_json::Value, instance: &serde_json::Value, what: &str) {
    let url = "file:///schema.json";
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource(url, schema).expect("schema loads");
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(url, &mut schemas)
        .unwrap_or_else(|e| panic!("the schema for {what} does not compile: {e:#}"));
    if let Err(e) = schemas.validate(instance, index) {
        panic!("{what} does not validate:\n{e:#}");
    }
}

#[test]
fn committed_report_schema_matches_the_types() {
    let path = root().join("schema/report.schema.json");
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    if std::env::var_os("COOKIESCAN_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/report.schema.json is out of date with the report types: regenerate it with \
         COOKIESCAN_UPDATE_SCHEMA=1 cargo test --test report_schemas, review and commit it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_report_validates_against_the_committed_schema() {
    let text = std::fs::read_to_string(root().join("schema/report.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    // A raw scan, not normalised: real times, ports and order.
    let server = cookiescan::demo::start().await.unwrap();
    let crawl = cookiescan::demo::config(&server, Default::default());
    let config =
        cookiescan::config::Config::parse(cookiescan::demo::DEMO_CONFIG, "demo.toml").unwrap();
    let (policy, _) = config
        .policy()
        .with_documents(&[], &crawl, util::kb())
        .await
        .unwrap();
    let report = util::scan_with(&crawl, &policy).await;
    let json = render(&report, Format::Json);
    validate(
        schema,
        &serde_json::from_str(&json).unwrap(),
        "the demo report",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let text =
        std::fs::read_to_string(root().join("fixtures/schemas/sarif-schema-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let report = demo_report().await;
    let sarif: serde_json::Value = serde_json::from_str(&render(&report, Format::Sarif)).unwrap();
    validate(schema, &sarif, "the demo SARIF log");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), cookiescan::compliance::all_rules().len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    // Findings about a declaration point at its line in the policy file.
    let mismatch = results
        .iter()
        .find(|r| r["ruleId"] == "category-mismatch")
        .unwrap();
    let loc = &mismatch["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "fixtures/demo/cookiescan.toml"
    );
    assert!(loc["region"]["startLine"].as_u64().unwrap() > 1);
    // Others at the page.
    let undeclared = results
        .iter()
        .find(|r| r["ruleId"] == "undeclared-cookie")
        .unwrap();
    let uri = undeclared["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("http://"), "{uri}");
}
