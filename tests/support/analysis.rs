//! Shared by the script-analysis tests: run the analysis on a fixture and pick results.
#![allow(dead_code)]

use cookiescan::scripts::{analyze, CookieName, ScriptAnalysis, ScriptCookie, ScriptSource};

pub fn run(file: &str, code: &str) -> ScriptAnalysis {
    analyze(&ScriptSource::external(
        code,
        &format!("https://example.com/js/{file}"),
    ))
}

pub fn fixture(file: &str) -> ScriptAnalysis {
    let path = format!("{}/fixtures/scripts/{file}", env!("CARGO_MANIFEST_DIR"));
    let code = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    run(file, &code)
}

pub fn exact(n: &str) -> CookieName {
    CookieName::Exact(n.to_string())
}

pub fn cookie<'a>(a: &'a ScriptAnalysis, name: &CookieName) -> &'a ScriptCookie {
    a.cookies
        .iter()
        .find(|c| &c.name == name)
        .unwrap_or_else(|| panic!("no {name:?} in {:#?}", a.cookies))
}

pub fn names(a: &ScriptAnalysis) -> Vec<CookieName> {
    a.cookies.iter().map(|c| c.name.clone()).collect()
}
