//! The JSON report's schema, generated from the Rust types so it cannot drift from them.
//! `schema/report.schema.json` is this, committed; a test keeps the two equal.

use super::Report;

/// The JSON Schema (draft 2020-12) of the JSON report.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Report);
    schema.to_value()
}
