//! Static analysis of JavaScript for the cookies (and storage entries) it
//! writes, without running it, plus known tracker/widget signatures.
//!
//! [`analyze`] first estimates nesting depth from tokens (`prescan.rs`,
//! `lexical.rs`), then parses with oxc on a thread with a stack sized for
//! it and walks the tree (`analyze.rs`, `detect.rs`, `names.rs`), evaluating
//! cookie strings with bounded constant propagation (`scope.rs`,
//! `resolve.rs`, `value.rs`, `cookie_string.rs`). Writes whose name is a
//! parameter are resolved at the calls of their function (`raw.rs`,
//! `post.rs`). Scripts that do not parse, or nest too deeply to parse
//! safely, get a token scan instead (`fallback.rs`, `token_expr.rs`).
//! [`Signatures`] matches resource URLs and code markers against
//! `data/signatures.toml` (`signatures.rs`, `signatures/matching.rs`).
//! [`Gating`] reads consent managers' markup and configuration and recognises their
//! libraries (`data/consent_gating.toml`, `gating.rs`, `gating/config.rs`).

mod analyze;
mod cookie_string;
mod detect;
mod evidence;
mod fallback;
mod gating;
mod lexical;
mod model;
mod names;
mod post;
mod prescan;
mod raw;
mod resolve;
mod scope;
mod signatures;
mod token_expr;
mod value;

use std::sync::{Mutex, OnceLock};

use aho_corasick::AhoCorasick;
use oxc_allocator::Allocator;
use oxc_parser::{ParseOptions, Parser};
use oxc_span::SourceType;

pub use evidence::{Api, Evidence, Method, SNIPPET_MAX};
pub use gating::{Element, Gate, Gating, GatingError, ServiceDef, SiteConfig};
pub use model::{
    AnalysisMode, CookieName, ScriptAnalysis, ScriptCookie, ScriptCookieAttrs, ScriptSource,
    StorageKind, StorageWrite,
};
pub use signatures::{ImpliedCookie, Party, Signature, SignatureError, SignatureHit, Signatures};

use raw::Collected;

/// Stack for the parse-and-walk thread beyond what nesting needs.
const BASE_STACK: u64 = 16 << 20;
/// Scripts whose nesting would need more stack than this are scanned
/// lexically instead: about 30,000 nested brackets.
const MAX_STACK: u64 = 256 << 20;

#[derive(Debug, thiserror::Error)]
enum Fallback {
    #[error("script does not parse ({0}); lexical scan used")]
    Syntax(String),
    #[error("nesting too deep to parse safely (~{mib} MiB of stack estimated, bracket depth {depth}); lexical scan used")]
    TooDeep { depth: u32, mib: u64 },
    #[error("syntax tree deeper than {0} levels; lexical scan used")]
    TreeTooDeep(u32),
    #[error("analysis thread failed ({0}); lexical scan used")]
    Thread(String),
}

/// Finds the cookie and storage writes in one script. Never panics; time
/// and memory are linear in the script's size.
///
/// Parsing and walking run on a scoped thread whose stack is sized from a
/// non-recursive pre-scan of the nesting depth, because oxc's parser is
/// recursive and has no depth limit of its own (100,000 nested parentheses
/// overflow any default stack).
pub fn analyze(src: &ScriptSource) -> ScriptAnalysis {
    // Insurance for "never panics": a bug here must cost one script's
    // findings, not the crawl.
    std::panic::catch_unwind(|| analyze_unguarded(src)).unwrap_or_else(|_| {
        let scanned = std::panic::catch_unwind(|| post::finish(src, fallback::scan(src.code)));
        let (cookies, storage, mut warnings) = scanned.unwrap_or_default();
        warnings.insert(
            0,
            "internal error in the analysis; lexical scan used".into(),
        );
        ScriptAnalysis {
            cookies,
            storage,
            mode: AnalysisMode::LexicalFallback,
            warnings,
        }
    })
}

fn analyze_unguarded(src: &ScriptSource) -> ScriptAnalysis {
    if !mentions_candidates(src.code) {
        return ScriptAnalysis {
            cookies: vec![],
            storage: vec![],
            mode: AnalysisMode::Skipped,
            warnings: vec![],
        };
    }
    let pre = prescan::prescan(src.code);
    let stack = BASE_STACK + pre.stack_bytes;
    let parsed = if stack > MAX_STACK {
        Err(Fallback::TooDeep {
            depth: pre.max_depth,
            mib: stack >> 20,
        })
    } else {
        parse_on_thread(src.code, stack)
    };
    let (collected, mode, reason) = match parsed {
        Ok((mut c, recovered)) => {
            if recovered {
                merge_lexical(&mut c, fallback::scan(src.code));
            }
            (c, AnalysisMode::Parsed, None)
        }
        Err(reason) => (
            fallback::scan(src.code),
            AnalysisMode::LexicalFallback,
            Some(reason),
        ),
    };
    let (cookies, storage, mut warnings) = post::finish(src, collected);
    if let Some(reason) = reason {
        warnings.insert(0, reason.to_string());
    }
    ScriptAnalysis {
        cookies,
        storage,
        mode,
        warnings,
    }
}

/// Cheap pre-filter: without these words (any case) a script can only write
/// cookies through obfuscation this analysis would not resolve anyway.
fn mentions_candidates(code: &str) -> bool {
    static WORDS: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["cookie", "storage"])
            .ok()
    });
    words.as_ref().is_none_or(|ac| ac.is_match(code))
}

/// After a parse that recovered from errors the tree may lack statements
/// the parser skipped; the token scan's findings outside every parsed
/// write are added.
fn merge_lexical(parsed: &mut Collected, lexical: Collected) {
    let covered = |start: u32| {
        parsed
            .raws
            .iter()
            .any(|r| r.start <= start && start < r.end.max(r.start + 1))
            || parsed
                .calls
                .iter()
                .any(|c| c.start <= start && start < c.end.max(c.start + 1))
    };
    let raws: Vec<_> = lexical
        .raws
        .into_iter()
        .filter(|r| !covered(r.start))
        .collect();
    let calls: Vec<_> = lexical
        .calls
        .into_iter()
        .filter(|c| !covered(c.start))
        .collect();
    parsed.raws.extend(raws);
    parsed.calls.extend(calls);
}

/// The collected findings, and whether the parser had to recover from errors.
fn parse_on_thread(code: &str, stack: u64) -> Result<(Collected, bool), Fallback> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("cookiescan-js".into())
            .stack_size(usize::try_from(stack).unwrap_or(usize::MAX))
            .spawn_scoped(scope, || parse_and_walk(code))
            .map_err(|e| Fallback::Thread(e.to_string()))?;
        handle.join().map_err(|p| {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned());
            Fallback::Thread(format!("panic: {}", msg.unwrap_or_default()))
        })?
    })
}

/// Arenas kept between calls: a fresh arena page-faults the whole syntax
/// tree in again (a fifth of the time for a 1 MB bundle). Bounded so a
/// one-off huge script does not stay resident.
static ARENAS: Mutex<Vec<Allocator>> = Mutex::new(Vec::new());
const KEEP_ARENAS: usize = 2;
const KEEP_ARENA_BYTES: usize = 64 << 20;
/// Arena bytes per source byte, measured on minified bundles (about 19), so
/// one chunk holds the tree instead of a chain of doublings.
const ARENA_PER_SOURCE_BYTE: usize = 24;

fn parse_and_walk(code: &str) -> Result<(Collected, bool), Fallback> {
    let pooled = ARENAS.lock().ok().and_then(|mut v| v.pop());
    let want = code
        .len()
        .saturating_mul(ARENA_PER_SOURCE_BYTE)
        .min(KEEP_ARENA_BYTES);
    let mut alloc = match pooled {
        Some(a) if a.capacity() >= want => a,
        _ => Allocator::with_capacity(want),
    };
    let result = parse_in(&alloc, code);
    if alloc.capacity() <= KEEP_ARENA_BYTES {
        alloc.reset();
        if let Ok(mut pool) = ARENAS.lock() {
            if pool.len() < KEEP_ARENAS {
                pool.push(alloc);
            }
        }
    }
    result
}

fn parse_in(alloc: &Allocator, code: &str) -> Result<(Collected, bool), Fallback> {
    let options = ParseOptions {
        allow_return_outside_function: true,
        preserve_parens: false,
        enable_ident_hashes: false,
        ..ParseOptions::default()
    };
    let ret = Parser::new(alloc, code, SourceType::unambiguous())
        .with_options(options)
        .parse();
    let first_error = || {
        ret.diagnostics
            .first()
            .map(|d| d.message.to_string())
            .unwrap_or_default()
    };
    if ret.panicked {
        return Err(Fallback::Syntax(first_error()));
    }
    let mut collected = analyze::walk_program(&ret.program)
        .ok_or(Fallback::TreeTooDeep(analyze::MAX_WALK_DEPTH))?;
    let recovered = !ret.diagnostics.is_empty();
    if recovered {
        collected.warnings.push(format!(
            "{} recoverable syntax error(s), first: {}; lexical scan added for skipped code",
            ret.diagnostics.len(),
            first_error()
        ));
    }
    Ok((collected, recovered))
}
