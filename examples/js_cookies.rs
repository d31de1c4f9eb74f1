//! Prints what the script analysis finds in JavaScript files:
//! `cargo run --example js_cookies -- file.js...`

use cookiescan::scripts::{analyze, ScriptSource, Signatures};

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let code = String::from_utf8_lossy(&bytes);
        let src = ScriptSource::external(&code, &path);
        let a = analyze(&src);
        println!("== {path}: {:?}", a.mode);
        for w in &a.warnings {
            println!("  warning: {w}");
        }
        for c in &a.cookies {
            let e = &c.evidence;
            println!(
                "  cookie {:?} {:?}{} [{} {:?} {:.2}] {}:{} `{}`{}",
                c.name,
                c.attrs,
                if c.deletion { " (deletion)" } else { "" },
                e.api.as_str(),
                e.method,
                e.confidence,
                e.line,
                e.column,
                e.snippet,
                e.note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            );
        }
        for s in &a.storage {
            let e = &s.evidence;
            println!(
                "  storage {:?} {:?} [{} {:.2}] {}:{} `{}`",
                s.kind,
                s.key,
                e.api.as_str(),
                e.confidence,
                e.line,
                e.column,
                e.snippet
            );
        }
        for h in Signatures::builtin().match_code(&src) {
            println!(
                "  signature {} ({}) {}:{} `{}`",
                h.id, h.vendor, h.evidence.line, h.evidence.column, h.evidence.snippet
            );
        }
    }
}
