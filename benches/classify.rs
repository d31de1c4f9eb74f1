//! Classification throughput. Run with:
//!
//!     cargo bench --bench classify
//!
//! 100,000 cookie names: ~70 % known (exact names and prefix names with random suffixes such
//! as `_pk_id.1.<hex>` or `_ga_<id>`), ~30 % unknown random names. Target: ≥ 1,000,000 names/s.
//! Set `COOKIESCAN_BENCH_DB=path` to load an extra user file (e.g. the Open Cookie Database CSV).

use std::hint::black_box;
use std::time::Instant;

use cookiescan::knowledge::{CookieQuery, KnowledgeBase, MatchKind, PatternKind};

const N: usize = 100_000;
const RUNS: usize = 7;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
    fn token(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }
}

fn main() {
    let start = Instant::now();
    let mut kb = KnowledgeBase::builtin().unwrap_or_else(|e| panic!("{e}"));
    println!(
        "KnowledgeBase::builtin(): {} entries in {:.1} ms",
        kb.len(),
        start.elapsed().as_secs_f64() * 1e3
    );
    if let Ok(path) = std::env::var("COOKIESCAN_BENCH_DB") {
        let warnings = kb
            .load_file(path.as_ref())
            .unwrap_or_else(|e| panic!("{e}"));
        println!("loaded {path}: {} warning(s)", warnings.len());
    }
    let names_of = |kind: PatternKind| -> Vec<&str> {
        let v: Vec<&str> = kb
            .entries()
            .iter()
            .filter(|e| e.kind == kind && !e.case_insensitive)
            .map(|e| e.name.as_str())
            .collect();
        assert!(!v.is_empty(), "no {kind:?} entries to benchmark");
        v
    };
    let exact = names_of(PatternKind::Exact);
    let prefixes = names_of(PatternKind::Prefix);

    let hex = b"0123456789abcdef";
    let alnum = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let lower = b"abcdefghijklmnopqrstuvwxyz_";
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let names: Vec<String> = (0..N)
        .map(|_| match rng.next() % 100 {
            0..40 => rng.pick(&exact).to_string(),
            40..70 => {
                let p = rng.pick(&prefixes);
                if p.ends_with('.') {
                    format!("{p}{}.{}", rng.next() % 9 + 1, rng.token(hex, 16))
                } else {
                    format!("{p}{}", rng.token(alnum, 10))
                }
            }
            _ => {
                let len = 4 + (rng.next() % 12) as usize;
                rng.token(lower, len)
            }
        })
        .collect();
    let queries: Vec<CookieQuery> = names
        .iter()
        .enumerate()
        .map(|(i, n)| CookieQuery {
            name: n,
            domain: Some(if i % 3 == 0 {
                ".tracker.example"
            } else {
                "www.shop.example"
            }),
            site: Some("shop.example"),
            third_party: i % 3 == 0,
            lifetime_secs: (i % 4 != 0).then_some(400 * 86_400),
            value_looks_random: i % 2 == 0,
            ..Default::default()
        })
        .collect();

    let mut known = 0usize;
    for q in &queries {
        if !matches!(
            kb.classify(q).match_kind,
            MatchKind::Heuristic | MatchKind::None
        ) {
            known += 1;
        }
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        for q in &queries {
            black_box(kb.classify(black_box(q)));
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let rate = |t: f64| N as f64 / t;
    println!(
        "classify: {N} names ({:.0} % matched a database entry, {} entries), median {:.0} names/s, best {:.0} names/s",
        100.0 * known as f64 / N as f64,
        kb.len(),
        rate(times[RUNS / 2]),
        rate(times[0]),
    );
}
