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

pub(crate) fn finish(
    src: &ScriptSource,
    c: Collected,
) -> (Vec<ScriptCookie>, Vec<StorageWrite>, Vec<String>) {
    let Collected {
        mut raws,
        calls,
        fn_names,
        named_fns,
        cookie_fns,
        mut warnings,
    } = c;
    let mut found: Vec<Found> = Vec::new();
    let mut summaries: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, r) in raws.iter().enumerate() {
        match name_sym(&r.target).param_funcs().next() {
            Some(f) => summaries.entry(f).or_default().push(i),
            None => found.push(Found {
                raw: r.clone(),
                helper_attrs: None,
            }),
        }
    }
    let resolve = |call: &PendingCall| -> Option<(u32, bool)> {
        if let Some(f) = call.func {
            return Some((f, true));
        }
        match named_fns.get(&call.name).map(Vec::as_slice) {
            Some([f]) => Some((*f, false)),
            _ => None,
        }
    };
    let mut by_func: HashMap<u32, Vec<(usize, bool)>> = HashMap::new();
    for (i, call) in calls.iter().enumerate() {
        if let Some((f, scoped)) = resolve(call) {
            by_func.entry(f).or_default().push((i, scoped));
        }
    }

    let mut consumed = vec![false; raws.len()];
    let mut work: VecDeque<(usize, u32)> = summaries
        .iter()
        .flat_map(|(f, v)| v.iter().map(move |&i| (i, *f)))
        .collect();
    work.make_contiguous().sort_unstable();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut derived = 0usize;
    'work: while let Some((ri, f)) = work.pop_front() {
        for &(ci, scoped) in by_func.get(&f).map_or(&[][..], Vec::as_slice) {
            derived += 1;
            if derived > MAX_DERIVED {
                warnings.push("helper call resolution stopped at its budget".into());
                break 'work;
            }
            let call = &calls[ci];
            let origin = &raws[ri];
            let target = map_target(&origin.target, |s| s.substitute(f, &call.args));
            let api = if matches!(target, Target::Storage { .. }) {
                origin.api
            } else {
                Api::Helper
            };
            let confidence = origin.confidence.min(if scoped { 0.9 } else { 0.8 });
            let raw = RawWrite {
                start: call.start,
                end: call.end,
                api,
                confidence,
                target,
                via: Some(f),
                method: call.method,
            };
            if let Some(g) = name_sym(&raw.target).param_funcs().next() {
                // Called with its caller's parameters: a helper of a helper.
                if seen.insert((ci, format!("{:?}", raw.target))) {
                    consumed[ri] = true;
                    raws.push(raw);
                    consumed.push(false);
                    work.push_back((raws.len() - 1, g));
                }
            } else if target_name(&raw.target) != CookieName::Unresolved {
                consumed[ri] = true;
                let helper_attrs = call.helper_like.then(|| helper_attrs(&call.args));
                found.push(Found { raw, helper_attrs });
            }
        }
    }
    for (i, raw) in raws.iter().enumerate() {
        if !consumed[i] && name_sym(&raw.target).param_funcs().next().is_some() {
            found.push(Found {
                raw: raw.clone(),
                helper_attrs: None,
            });
        }
    }

    // Calls of helpers by name whose body was not seen (or did not resolve).
    for call in calls.iter().filter(|c| c.helper_like) {
        if resolve(call).is_some_and(|(f, _)| summaries.contains_key(&f)) {
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
        let raw = RawWrite {
            start: call.start,
            end: call.end,
            api: Api::Helper,
            confidence,
            target,
            via: None,
            method: call.method,
        };
        found.push(Found {
            raw,
            helper_attrs: None,
        });
    }

    let (cookies, storage) = publish(src, found, &fn_names, &mut warnings);
    (cookies, storage, warnings)
}

fn publish(
    src: &ScriptSource,
    mut found: Vec<Found>,
    fn_names: &HashMap<u32, String>,
    warnings: &mut Vec<String>,
) -> (Vec<ScriptCookie>, Vec<StorageWrite>) {
    found.sort_by_key(|f| (f.raw.start, f.raw.end));
    let mut offsets: Vec<u32> = found.iter().map(|f| f.raw.start).collect();
    offsets.extend(found.iter().filter_map(|f| f.raw.via));
    let pos = positions(src.code, &offsets);
    let via_pos: HashMap<u32, (u32, u32)> = found
        .iter()
        .filter_map(|f| f.raw.via)
        .zip(pos[found.len()..].iter().copied())
        .collect();
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
        let note = r.via.map(|v| {
            let line = via_pos.get(&v).map_or(0, |p| p.0);
            match fn_names.get(&v) {
                Some(n) => format!("via local function `{n}` (line {line})"),
                None => format!("via a local function (line {line})"),
            }
        });
        let evidence = Evidence {
            location: src.location.clone(),
            line,
            column,
            snippet: snippet(src.code, r.start as usize, r.end as usize),
            method: r.method,
            api: r.api,
            confidence: r.confidence,
            note,
        };
        match target {
            Target::Storage { kind, .. } => storage.push(StorageWrite {
                kind,
                key: name,
                evidence,
            }),
            Target::CookieString(s) => {
                let mut attrs = parse_cookie_string(&s).1;
                if let Some(h) = &f.helper_attrs {
                    if attrs.max_age_secs.is_none() && attrs.expires.is_none() {
                        attrs.max_age_secs = h.max_age_secs;
                    }
                }
                cookies.push(ScriptCookie {
                    name,
                    deletion: is_deletion(&attrs),
                    attrs,
                    evidence,
                });
            }
            Target::Cookie { attrs, .. } => cookies.push(ScriptCookie {
                name,
                deletion: is_deletion(&attrs),
                attrs,
                evidence,
            }),
        }
    }
    for (what, n) in [("cookie", cookies.len()), ("storage", storage.len())] {
        if n > MAX_FINDINGS {
            warnings.push(format!(
                "{n} {what} writes found; only the first {MAX_FINDINGS} are reported"
            ));
        }
    }
    cookies.truncate(MAX_FINDINGS);
    storage.truncate(MAX_FINDINGS);
    (cookies, storage)
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
