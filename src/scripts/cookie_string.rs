//! Reading a (partly known) `document.cookie` string: name and attributes.

use super::model::{CookieName, ScriptCookieAttrs};
use super::value::{js_number, Part, Sym, Value, HOLE};

/// Seconds per day, for APIs that take `expires` in days.
pub(crate) const DAY: f64 = 86_400.0;

/// The name of `name=value; attr...` when the string is known up to a hole.
pub(crate) fn parse_cookie_string(sym: &Sym) -> (CookieName, ScriptCookieAttrs) {
    let flat = sym.flatten();
    let mut segments = flat.split(';');
    let first = segments.next().unwrap_or_default();
    let name = match first.split_once('=') {
        Some((n, _)) => text_name(n),
        // `document.cookie = "foo"` sets a cookie with an empty name; a hole
        // means the `=` may still come from run-time text.
        None if first.contains(HOLE) => text_name(first),
        None => CookieName::Exact(String::new()),
    };
    let mut attrs = ScriptCookieAttrs::default();
    for seg in segments {
        let (key, val) = match seg.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (seg.trim(), None),
        };
        if key.contains(HOLE) || val.is_some_and(|v| v.contains(HOLE)) {
            continue;
        }
        let val = val.map(str::to_string);
        match key.to_ascii_lowercase().as_str() {
            "max-age" => {
                attrs.max_age_secs = val.and_then(|v| v.parse::<f64>().ok()).map(|v| v as i64)
            }
            "expires" => attrs.expires = val,
            "path" => attrs.path = val,
            "domain" => attrs.domain = val,
            "samesite" => attrs.same_site = val,
            "secure" => attrs.secure = Some(true),
            _ => {}
        }
    }
    (name, attrs)
}

/// Name from text that may contain holes: everything before the first hole.
pub(crate) fn text_name(text: &str) -> CookieName {
    match text.split_once(HOLE) {
        None => CookieName::Exact(text.trim().to_string()),
        Some((known, _)) => {
            let known = known.trim_start();
            if known.is_empty() {
                CookieName::Unresolved
            } else {
                CookieName::Prefix(known.to_string())
            }
        }
    }
}

/// A storage key or a js-cookie name: the whole string is the name.
pub(crate) fn key_name(sym: &Sym) -> CookieName {
    let flat = sym.flatten();
    match flat.split_once(HOLE) {
        None => CookieName::Exact(flat),
        Some(("", _)) => CookieName::Unresolved,
        Some((known, _)) => CookieName::Prefix(known.to_string()),
    }
}

/// The part of a cookie string that makes up the name (up to `=` or `;`),
/// to tell whether the name depends on a helper's parameters.
pub(crate) fn name_part(sym: &Sym) -> Sym {
    let mut out = Sym::default();
    for p in &sym.0 {
        match p {
            Part::Lit(s) => {
                if let Some(i) = s.find(['=', ';']) {
                    out.push(Part::Lit(s[..i].to_string()));
                    return out;
                }
                out.push(p.clone());
            }
            other => out.push(other.clone()),
        }
    }
    out
}

/// Whether text assigned to some unknown object's `.cookie` reads like a
/// cookie string (so `e.cookie = n + "=" + v + "; path=/"` counts when `e`
/// is probably `document` in minified code).
pub(crate) fn looks_like_cookie_string(sym: &Sym) -> bool {
    let flat = sym.flatten().to_ascii_lowercase();
    flat.contains('=')
        && [
            "path=",
            "expires=",
            "max-age=",
            "domain=",
            "samesite=",
            "secure",
        ]
        .iter()
        .any(|a| flat.contains(a))
}

pub(crate) fn is_deletion(attrs: &ScriptCookieAttrs) -> bool {
    attrs.max_age_secs.is_some_and(|s| s <= 0)
        || attrs.expires.as_deref().is_some_and(|e| e.contains("1970"))
}

/// Attributes from an options object. `days`: a number `expires` counts days
/// (js-cookie, jQuery, helpers); otherwise it is a timestamp (cookieStore).
pub(crate) fn option_attrs(v: &Value, days: bool) -> ScriptCookieAttrs {
    let mut a = ScriptCookieAttrs::default();
    if !matches!(v, Value::Obj(_)) {
        return a;
    }
    match v.get("expires") {
        Value::Num(n) if days => a.max_age_secs = Some((n * DAY) as i64),
        Value::Num(n) => a.expires = Some(js_number(n)),
        Value::Now(ms) => a.max_age_secs = Some((ms / 1000.0) as i64),
        Value::Str(s) => a.expires = s.literal(),
        _ => {}
    }
    for key in ["maxAge", "max-age", "max_age"] {
        if let Some(n) = v.get(key).num() {
            a.max_age_secs = Some(n as i64);
        }
    }
    a.path = v.get("path").str_lit();
    a.domain = v.get("domain").str_lit();
    a.same_site = v
        .get("sameSite")
        .str_lit()
        .or_else(|| v.get("samesite").str_lit());
    if let Value::Bool(b) = v.get("secure") {
        a.secure = Some(b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(parts: &[Option<&str>]) -> Sym {
        let mut s = Sym::default();
        for p in parts {
            s.push(p.map_or(Part::Unknown, |t| Part::Lit(t.to_string())));
        }
        s
    }

    #[test]
    fn names_and_attributes() {
        let (n, a) = parse_cookie_string(&sym(&[Some(
            "a=1; Path=/; max-age=60; SameSite=Lax; secure",
        )]));
        assert_eq!(n, CookieName::Exact("a".into()));
        assert_eq!(
            (
                a.path.as_deref(),
                a.max_age_secs,
                a.same_site.as_deref(),
                a.secure
            ),
            (Some("/"), Some(60), Some("Lax"), Some(true))
        );
        let (n, a) = parse_cookie_string(&sym(&[
            Some("_pk_id."),
            None,
            Some("="),
            None,
            Some("; expires="),
            None,
            Some("; path=/"),
        ]));
        assert_eq!(n, CookieName::Prefix("_pk_id.".into()));
        assert_eq!((a.expires, a.path.as_deref()), (None, Some("/")));
        assert_eq!(
            parse_cookie_string(&sym(&[None, Some("=1")])).0,
            CookieName::Unresolved
        );
    }
}
