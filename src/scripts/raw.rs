//! What the walk and the token scan hand to `post.rs`: writes whose name may
//! still depend on a helper's parameters, and calls that may resolve them.

use std::collections::{HashMap, HashSet};

use super::cookie_string::name_part;
use super::evidence::{Api, Method};
use super::model::{ScriptCookieAttrs, StorageKind};
use super::value::{Sym, Value};

#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// `document.cookie = <string>`.
    CookieString(Sym),
    /// An API taking name and options separately (js-cookie, cookieStore...).
    Cookie {
        name: Sym,
        attrs: ScriptCookieAttrs,
    },
    Storage {
        kind: StorageKind,
        key: Sym,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct RawWrite {
    pub start: u32,
    pub end: u32,
    pub api: Api,
    pub confidence: f32,
    pub target: Target,
    /// For writes seen through a call of a local function: that function.
    pub via: Option<u32>,
    pub method: Method,
}

/// A call that may turn out to write a cookie once all functions are known.
#[derive(Debug, Clone)]
pub(crate) struct PendingCall {
    /// Local function the callee identifier is bound to.
    pub func: Option<u32>,
    /// Callee identifier or method name.
    pub name: String,
    pub helper_like: bool,
    pub args: Vec<Value>,
    pub start: u32,
    pub end: u32,
    pub method: Method,
}

#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub raws: Vec<RawWrite>,
    pub calls: Vec<PendingCall>,
    /// Function start → the name it was declared or assigned under, for
    /// functions whose parameters name a cookie or storage key.
    pub fn_names: HashMap<u32, String>,
    /// Name → functions with that name, for names that mention cookies or
    /// storage (the only ones calls are matched to by name).
    pub named_fns: HashMap<String, Vec<u32>>,
    /// Names of functions whose own body writes `document.cookie`.
    pub cookie_fns: HashSet<String>,
    pub warnings: Vec<String>,
}

impl Target {
    /// The part of the target that names the cookie or storage key.
    pub(crate) fn name_sym(&self) -> Sym {
        match self {
            Target::CookieString(s) => name_part(s),
            Target::Cookie { name, .. } => name.clone(),
            Target::Storage { key, .. } => key.clone(),
        }
    }
}
