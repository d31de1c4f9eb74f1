//! Prints what a policy declares, as TOML: `cargo run --example policy_dump -- FILE`.
use cookiescan::policy::{extract_bytes, to_toml, DocKind, NoOracle};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: policy_dump FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match extract_bytes(&bytes, DocKind::Auto, &path, &NoOracle) {
        Ok(ex) => {
            print!("{}", to_toml(&ex.cookies));
            for w in ex.warnings {
                eprintln!("warning: {w}");
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
