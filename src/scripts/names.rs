//! What names mean: js-cookie objects, cookie helper functions, storage
//! methods.

use super::model::StorageKind;
use super::value::{Global, Value};

pub(crate) const JS_COOKIE_NAMES: &[&str] =
    &["Cookies", "cookies", "Cookie", "jsCookie", "JsCookie"];

pub(crate) const STORAGE_METHODS: &[&str] =
    &["setItem", "getItem", "removeItem", "clear", "key", "length"];

/// `setCookie`, `set_cookie`, `createCookie`, `writeCookie`... as helpers are named.
pub(crate) fn is_helper_name(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        n.as_str(),
        "setcookie"
            | "createcookie"
            | "writecookie"
            | "addcookie"
            | "savecookie"
            | "storecookie"
            | "putcookie"
            | "bakecookie"
    )
}

pub(crate) fn storage_kind(v: &Value) -> Option<StorageKind> {
    match v {
        Value::Global(Global::LocalStorage) => Some(StorageKind::Local),
        Value::Global(Global::SessionStorage) => Some(StorageKind::Session),
        _ => None,
    }
}

/// Whether a function or method name says it deals with cookies or storage
/// (case-insensitive), which is when calls are matched to it by name alone.
pub(crate) fn mentions_cookie_or_storage(name: &str) -> bool {
    let b = name.as_bytes();
    [b"cookie".as_slice(), b"storage".as_slice()]
        .iter()
        .any(|w| b.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w)))
}
