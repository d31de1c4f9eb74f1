//! After the walk: resolve helper calls against the writes in helper bodies,
//! then turn everything into public findings with evidence.

use std::collections::{HashMap, HashSet, VecDeque};

use super::cookie_string::{is_deletion, key_name, option_attrs, parse_cookie_string, DAY};
use super::evidence::{positions, snippet, Api, Evidence};
use super::model::{CookieName, ScriptCookie, ScriptCookieAttrs, ScriptSource, StorageWrite};
use super::raw::{Collected, PendingCall, RawWrite, Target};
use super::value::{Sym, Value};

/// Bound on call-site substitutions (recursive helpers would never stop).
const MAX_DERIVED: usize = 5_000;
/// Findings kept per script and kind.
pub(crate) const MAX_FINDINGS: usize = 2_000;

fn name_sym(t: &Target) -> Sym {
    t.name_sym()
}

fn map_target(t: &Target, f: impl Fn(&Sym) -> Sym) -> Target {
    match t {
        Target::CookieString(s) => Target::CookieString(f(s)),
        Target::Cookie { name, attrs } => Target::Cookie {
            name: f(name),
            attrs: attrs.clone(),
        },
        Target::Storage { kind, key } => Target::Storage {
            kind: *kind,
            key: f(key),
        },
    }
}

fn target_name(t: &Target) -> CookieName {
    match t {
        Target::CookieString(s) => parse_cookie_string(s).0,
        Target::Cookie { name, .. } | Target::Storage { key: name, .. } => key_name(name),
    }
}

/// The first control character (other than HTAB) in the known text of a `document.cookie`
/// string: browsers ignore the whole string (RFC 6265bis §5.6). Names given to a library
/// (js-cookie percent-encodes them) or a storage key may hold any character.
fn refused_control_character(t: &Target) -> Option<u32> {
    let Target::CookieString(s) = t else {
        return None;
    };
    s.flatten()
        .chars()
        .find(|&c| c != '\t' && (c < ' ' || c == '\u{7f}'))
        .map(u32::from)
}

/// A helper's number above this many "days" (27 years) is taken as milliseconds instead:
/// Matomo's `setCookie(name, value, msToExpire)` and many copies of it count milliseconds,
/// and no real cookie asks for ten thousand days.
const MAX_PLAUSIBLE_DAYS: f64 = 10_000.0;

/// `setCookie(name, value, days)` / `(name, value, {expires, path...})`.
fn helper_attrs(args: &[Value]) -> ScriptCookieAttrs {
    match args.get(2) {
        Some(Value::Num(n)) => ScriptCookieAttrs {
            max_age_secs: Some(if *n > MAX_PLAUSIBLE_DAYS {
                (n / 1000.0) as i64
            } else {
                (n * DAY) as i64
            }),
            ..Default::default()
        },
        Some(o) => option_attrs(o, true),
        None => ScriptCookieAttrs::default(),
    }
}

struct Found {
    raw: RawWrite,
    /// Days argument of a `setCookie`-like call, when the body's own text
    /// does not say how long the cookie lives.
    helper_attrs: Option<ScriptCookieAttrs>,
}

impl Found {
    fn plain(raw: RawWrite) -> Self {
        Found {
            raw,
            helper_attrs: None,
        }
    }
}

pub(crate) fn finish(
    src: &ScriptSource,
    c: Collected,
) -> (Vec<ScriptCookie>, Vec<StorageWrite>, Vec<String>) {
    let Collected {
        raws,
        calls,
        fn_names,
        named_fns,
        cookie_fns,
        mut warnings,
    } = c;
    let (mut found, summaries) = split_by_helper(&raws);
    let by_func = calls_by_func(&calls, &named_fns);
    let mut helpers = HelperWrites::new(raws, &summaries);
    helpers.substitute_calls(&calls, &by_func, &mut found, &mut warnings);
    helpers.keep_unresolved(&mut found);
    found.extend(unseen_helper_calls(
        &calls,
        &named_fns,
        &summaries,
        &cookie_fns,
    ));
    let (cookies, storage) = publish(src, found, &fn_names, &mut warnings);
    (cookies, storage, warnings)
}

/// Writes whose name is known as they stand, and, per helper function, the writes that name
/// their cookie or key after one of its parameters.
fn split_by_helper(raws: &[RawWrite]) -> (Vec<Found>, HashMap<u32, Vec<usize>>) {
    let mut found: Vec<Found> = Vec::new();
    let mut summaries: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, r) in raws.iter().enumerate() {
        match name_sym(&r.target).param_funcs().next() {
            Some(f) => summaries.entry(f).or_default().push(i),
            None => found.push(Found::plain(r.clone())),
        }
    }
    (found, summaries)
}

/// The local function a call calls, and whether it is bound by scope (rather than only
/// matched by a name that no other function has).
fn resolve(call: &PendingCall, named_fns: &HashMap<String, Vec<u32>>) -> Option<(u32, bool)> {
    if let Some(f) = call.func {
        return Some((f, true));
    }
    match named_fns.get(&call.name).map(Vec::as_slice) {
        Some([f]) => Some((*f, false)),
        _ => None,
    }
}

/// Function → the calls of it (index into `calls`, bound by scope).
fn calls_by_func(
    calls: &[PendingCall],
    named_fns: &HashMap<String, Vec<u32>>,
) -> HashMap<u32, Vec<(usize, bool)>> {
    let mut by_func: HashMap<u32, Vec<(usize, bool)>> = HashMap::new();
    for (i, call) in calls.iter().enumerate() {
        if let Some((f, scoped)) = resolve(call, named_fns) {
            by_func.entry(f).or_default().push((i, scoped));
        }
    }
    by_func
}

/// The writes in helper bodies, and the ones derived from them by substituting a call's
/// arguments, until every name is known or the budget is spent.
struct HelperWrites {
    raws: Vec<RawWrite>,
    /// A write some call resolved, so it is not reported with its parameter name.
    consumed: Vec<bool>,
    /// (write, the helper whose parameter it names), in a stable order.
    work: VecDeque<(usize, u32)>,
    /// (call, derived target) already queued: recursive helpers would loop.
    seen: HashSet<(usize, String)>,
    derived: usize,
}

impl HelperWrites {
    fn new(raws: Vec<RawWrite>, summaries: &HashMap<u32, Vec<usize>>) -> Self {
        let consumed = vec![false; raws.len()];
        let mut work: VecDeque<(usize, u32)> = summaries
            .iter()
            .flat_map(|(f, v)| v.iter().map(move |&i| (i, *f)))
            .collect();
        work.make_contiguous().sort_unstable();
        HelperWrites {
            raws,
            consumed,
            work,
            seen: HashSet::new(),
            derived: 0,
        }
    }

    fn substitute_calls(
        &mut self,
        calls: &[PendingCall],
        by_func: &HashMap<u32, Vec<(usize, bool)>>,
        found: &mut Vec<Found>,
        warnings: &mut Vec<String>,
    ) {
        while let Some((ri, f)) = self.work.pop_front() {
            for &(ci, scoped) in by_func.get(&f).map_or(&[][..], Vec::as_slice) {
                self.derived += 1;
                if self.derived > MAX_DERIVED {
                    warnings.push("helper call resolution stopped at its budget".into());
                    return;
                }
                let raw = derived_write(&self.raws[ri], f, &calls[ci], scoped);
                self.place(ri, ci, raw, &calls[ci], found);
            }
        }
    }

    /// A derived write that still names a parameter is queued for its caller's callers; one
    /// with a known name is found.
    fn place(
        &mut self,
        ri: usize,
        ci: usize,
        raw: RawWrite,
        call: &PendingCall,
        found: &mut Vec<Found>,
    ) {
        if let Some(g) = name_sym(&raw.target).param_funcs().next() {
            // Called with its caller's parameters: a helper of a helper.
            if self.seen.insert((ci, format!("{:?}", raw.target))) {
                self.consumed[ri] = true;
                self.raws.push(raw);
                self.consumed.push(false);
                self.work.push_back((self.raws.len() - 1, g));
            }
        } else if target_name(&raw.target) != CookieName::Unresolved {
            self.consumed[ri] = true;
            let helper_attrs = call.helper_like.then(|| helper_attrs(&call.args));
            found.push(Found { raw, helper_attrs });
        }
    }

    /// Helper writes no call resolved are still reported, under their parameter's name.
    fn keep_unresolved(&self, found: &mut Vec<Found>) {
        for (i, raw) in self.raws.iter().enumerate() {
            if !self.consumed[i] && name_sym(&raw.target).param_funcs().next().is_some() {
                found.push(Found::plain(raw.clone()));
            }
        }
    }
}

/// The write `origin` (in the body of helper `f`) makes when `call` calls it.
fn derived_write(origin: &RawWrite, f: u32, call: &PendingCall, scoped: bool) -> RawWrite {
    let target = map_target(&origin.target, |s| s.substitute(f, &call.args));
    let api = if matches!(target, Target::Storage { .. }) {
        origin.api
    } else {
        Api::Helper
    };
    let confidence = origin.confidence.min(if scoped { 0.9 } else { 0.8 });
    RawWrite {
        start: call.start,
        end: call.end,
        api,
        confidence,
        target,
        via: Some(f),
        method: call.method,
    }
}

/// Calls of helpers by name whose body was not seen (or did not resolve).
fn unseen_helper_calls(
    calls: &[PendingCall],
    named_fns: &HashMap<String, Vec<u32>>,
    summaries: &HashMap<u32, Vec<usize>>,
    cookie_fns: &HashSet<String>,
) -> Vec<Found> {
    let mut found = Vec::new();
    for call in calls.iter().filter(|c| c.helper_like) {
        if resolve(call, named_fns).is_some_and(|(f, _)| summaries.contains_key(&f)) {
            continue;
        }
        let name = call.args.first().map_or_else(Sym::unknown, Value::to_sym);
        let confidence = if cookie_fns.contains(&call.name) {
            0.85
        } else {
            0.6
        };
        let target = Target::Cookie {
            name,
            attrs: helper_attrs(&call.args),
        };
        found.push(Found::plain(RawWrite {
            start: call.start,
            end: call.end,
            api: Api::Helper,
            confidence,
            target,
            via: None,
            method: call.method,
        }));
    }
    found
}

fn publish(
    src: &ScriptSource,
    mut found: Vec<Found>,
    fn_names: &HashMap<u32, String>,
    warnings: &mut Vec<String>,
) -> (Vec<ScriptCookie>, Vec<StorageWrite>) {
    found.sort_by_key(|f| (f.raw.start, f.raw.end));
    let (pos, via_pos) = line_columns(src, &found);
    let mut cookies = Vec::new();
    let mut storage = Vec::new();
    let mut dedupe = HashSet::new();
    for (f, &(line, column)) in found.iter().zip(&pos) {
        let r = &f.raw;
        let target = map_target(&r.target, Sym::forget_params);
        let name = target_name(&target);
        if !dedupe.insert((r.start, r.api, name.clone())) {
            continue;
        }
        if let Some(code) = refused_control_character(&target) {
            warnings.push(format!(
                "line {line}: a cookie write contains the control character U+{code:04X}; browsers refuse such a cookie, so it is not reported"
            ));
            continue;
        }
        let evidence = Evidence {
            location: src.location.clone(),
            line,
            column,
            snippet: snippet(src.code, r.start as usize, r.end as usize),
            method: r.method,
            api: r.api,
            confidence: r.confidence,
            note: via_note(r.via, &via_pos, fn_names),
        };
        match target {
            Target::Storage { kind, .. } => storage.push(StorageWrite {
                kind,
                key: name,
                evidence,
            }),
            Target::CookieString(s) => {
                let attrs = string_attrs(&s, f.helper_attrs.as_ref());
                cookies.push(cookie(name, attrs, evidence));
            }
            Target::Cookie { attrs, .. } => cookies.push(cookie(name, attrs, evidence)),
        }
    }
    cap_findings(&mut cookies, &mut storage, warnings);
    (cookies, storage)
}

type LineColumn = (u32, u32);

/// Line and column of every write, and of every helper function a write went through; one
/// pass over the source for both.
fn line_columns(
    src: &ScriptSource,
    found: &[Found],
) -> (Vec<LineColumn>, HashMap<u32, LineColumn>) {
    let mut offsets: Vec<u32> = found.iter().map(|f| f.raw.start).collect();
    offsets.extend(found.iter().filter_map(|f| f.raw.via));
    let pos = positions(src.code, &offsets);
    let via_pos: HashMap<u32, LineColumn> = found
        .iter()
        .filter_map(|f| f.raw.via)
        .zip(pos[found.len()..].iter().copied())
        .collect();
    (pos, via_pos)
}

fn via_note(
    via: Option<u32>,
    via_pos: &HashMap<u32, LineColumn>,
    fn_names: &HashMap<u32, String>,
) -> Option<String> {
    via.map(|v| {
        let line = via_pos.get(&v).map_or(0, |p| p.0);
        match fn_names.get(&v) {
            Some(n) => format!("via local function `{n}` (line {line})"),
            None => format!("via a local function (line {line})"),
        }
    })
}

/// A `document.cookie` string's own attributes; a helper's days argument fills in the
/// lifetime only when the string does not give one.
fn string_attrs(s: &Sym, helper: Option<&ScriptCookieAttrs>) -> ScriptCookieAttrs {
    let mut attrs = parse_cookie_string(s).1;
    if let Some(h) = helper {
        if attrs.max_age_secs.is_none() && attrs.expires.is_none() {
            attrs.max_age_secs = h.max_age_secs;
        }
    }
    attrs
}

fn cookie(name: CookieName, attrs: ScriptCookieAttrs, evidence: Evidence) -> ScriptCookie {
    ScriptCookie {
        name,
        deletion: is_deletion(&attrs),
        attrs,
        evidence,
    }
}

fn cap_findings(
    cookies: &mut Vec<ScriptCookie>,
    storage: &mut Vec<StorageWrite>,
    warnings: &mut Vec<String>,
) {
    for (what, n) in [("cookie", cookies.len()), ("storage", storage.len())] {
        if n > MAX_FINDINGS {
            warnings.push(format!(
                "{n} {what} writes found; only the first {MAX_FINDINGS} are reported"
            ));
        }
    }
    cookies.truncate(MAX_FINDINGS);
    storage.truncate(MAX_FINDINGS);
}

#[cfg(test)]
mod helper_units {
    use super::*;

    #[test]
    fn helper_numbers_are_days_unless_only_milliseconds_make_sense() {
        let attrs = |n: f64| {
            helper_attrs(&[Value::Undefined, Value::Undefined, Value::Num(n)]).max_age_secs
        };
        assert_eq!(attrs(365.0), Some(365 * 86_400));
        // Matomo: 33696000000 ms = 390 days; 1800000 ms = 30 minutes.
        assert_eq!(attrs(33_696_000_000.0), Some(33_696_000));
        assert_eq!(attrs(1_800_000.0), Some(1_800));
    }
}
