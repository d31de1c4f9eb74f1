//! Abstract values for the bounded constant evaluation of cookie strings.
//!
//! A string is a sequence of known text and holes; a hole is either unknown
//! or "parameter i of function f", so a helper's body can be re-evaluated
//! at each call site with the call's arguments.

/// Stands for an unknown run of text when a symbolic string is flattened.
/// A Unicode noncharacter: real cookie strings never contain it.
pub(crate) const HOLE: char = '\u{FDD0}';

/// Longest known text kept per string; longer strings are cut to a hole so
/// that concatenation loops in a bundle cannot grow memory.
const MAX_TEXT: usize = 2048;
/// Most parts kept per string.
const MAX_PARTS: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Lit(String),
    Unknown,
    Param { func: u32, idx: u32 },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Sym(pub Vec<Part>);

impl Sym {
    pub fn lit(s: &str) -> Sym {
        let mut out = Sym::default();
        out.push(Part::Lit(s.to_string()));
        out
    }

    pub fn unknown() -> Sym {
        Sym(vec![Part::Unknown])
    }

    pub fn push(&mut self, part: Part) {
        let text_len: usize = self
            .0
            .iter()
            .map(|p| if let Part::Lit(s) = p { s.len() } else { 0 })
            .sum();
        let full = self.0.len() >= MAX_PARTS;
        match (self.0.last_mut(), part) {
            (_, Part::Lit(s)) if s.is_empty() => {}
            (_, Part::Lit(s)) if text_len + s.len() > MAX_TEXT => self.push(Part::Unknown),
            (Some(Part::Lit(prev)), Part::Lit(s)) => prev.push_str(&s),
            (Some(Part::Unknown), Part::Unknown) => {}
            (_, _) if full => {
                if self.0.last() != Some(&Part::Unknown) {
                    self.0.push(Part::Unknown);
                }
            }
            (_, part) => self.0.push(part),
        }
    }

    pub fn append(&mut self, other: Sym) {
        for p in other.0 {
            self.push(p);
        }
    }

    /// The text, when there are no holes.
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Part::Lit(s) => out.push_str(s),
                _ => return None,
            }
        }
        Some(out)
    }

    pub fn flatten(&self) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Part::Lit(s) => out.push_str(s),
                _ => out.push(HOLE),
            }
        }
        out
    }

    pub fn has_known_text(&self) -> bool {
        self.0.iter().any(|p| matches!(p, Part::Lit(_)))
    }

    /// Functions whose parameters appear in this string.
    pub fn param_funcs(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().filter_map(|p| {
            if let Part::Param { func, .. } = p {
                Some(*func)
            } else {
                None
            }
        })
    }

    /// Parameters of `func` replaced by the call's arguments; any other
    /// function's parameters stay as they are (they belong to an outer call).
    pub fn substitute(&self, func: u32, args: &[Value]) -> Sym {
        let mut out = Sym::default();
        for p in &self.0 {
            match p {
                Part::Param { func: f, idx } if *f == func => {
                    out.append(
                        args.get(*idx as usize)
                            .map_or_else(|| Sym::lit("undefined"), Value::to_sym),
                    );
                }
                other => out.push(other.clone()),
            }
        }
        out
    }

    /// Holes of every kind become plain unknowns (no more call sites to come).
    pub fn forget_params(&self) -> Sym {
        let mut out = Sym::default();
        for p in &self.0 {
            out.push(if let Part::Param { .. } = p {
                Part::Unknown
            } else {
                p.clone()
            });
        }
        out
    }

    pub fn map_text(&self, f: impl Fn(&str) -> String) -> Sym {
        let mut out = Sym::default();
        for p in &self.0 {
            out.push(if let Part::Lit(s) = p {
                Part::Lit(f(s))
            } else {
                p.clone()
            });
        }
        out
    }
}

/// Browser objects the analysis recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Global {
    Window,
    Document,
    LocalStorage,
    SessionStorage,
    CookieStore,
    Date,
}

impl Global {
    /// A free identifier naming a browser global.
    pub fn from_name(name: &str) -> Option<Global> {
        Some(match name {
            "window" | "self" | "globalThis" | "top" | "parent" | "frames" => Global::Window,
            "document" => Global::Document,
            "localStorage" => Global::LocalStorage,
            "sessionStorage" => Global::SessionStorage,
            "cookieStore" => Global::CookieStore,
            "Date" => Global::Date,
            _ => return None,
        })
    }

    pub fn member(self, prop: &str) -> Option<Global> {
        match self {
            Global::Window => Global::from_name(prop),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Str(Sym),
    Num(f64),
    Bool(bool),
    Null,
    Undefined,
    /// `Date.now()` plus this many milliseconds.
    Now(f64),
    Obj(Vec<(String, Value)>),
    Global(Global),
    /// A function, identified by the byte offset where it starts.
    Func(u32),
    Param {
        func: u32,
        idx: u32,
    },
    Unknown,
    /// Declared without an initializer and not assigned yet.
    Unset,
}

impl Value {
    pub fn to_sym(&self) -> Sym {
        match self {
            Value::Str(s) => s.clone(),
            Value::Num(n) => Sym::lit(&js_number(*n)),
            Value::Bool(b) => Sym::lit(if *b { "true" } else { "false" }),
            Value::Null => Sym::lit("null"),
            Value::Undefined | Value::Unset => Sym::lit("undefined"),
            Value::Param { func, idx } => Sym(vec![Part::Param {
                func: *func,
                idx: *idx,
            }]),
            _ => Sym::unknown(),
        }
    }

    pub fn is_stringish(&self) -> bool {
        matches!(self, Value::Str(_))
    }

    pub fn num(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Str(s) => s.literal().and_then(|t| t.trim().parse().ok()),
            _ => None,
        }
    }

    /// JavaScript truthiness, when it is known.
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Value::Str(s) => match s.literal() {
                Some(t) => Some(!t.is_empty()),
                None => {
                    s.0.iter()
                        .any(|p| matches!(p, Part::Lit(_)))
                        .then_some(true)
                }
            },
            Value::Num(n) => Some(*n != 0.0 && !n.is_nan()),
            Value::Bool(b) => Some(*b),
            Value::Null | Value::Undefined | Value::Unset => Some(false),
            Value::Now(_) | Value::Obj(_) | Value::Global(_) | Value::Func(_) => Some(true),
            Value::Param { .. } | Value::Unknown => None,
        }
    }

    pub fn get(&self, key: &str) -> Value {
        match self {
            Value::Obj(props) => props
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map_or(Value::Unknown, |(_, v)| v.clone()),
            Value::Global(g) => g.member(key).map_or(Value::Unknown, Value::Global),
            _ => Value::Unknown,
        }
    }

    pub fn str_lit(&self) -> Option<String> {
        match self {
            Value::Str(s) => s.literal(),
            _ => None,
        }
    }
}

/// Number to string as JavaScript prints common values.
pub(crate) fn js_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `encodeURIComponent` (`escape` and `encodeURI` are close enough for names).
pub(crate) fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() || "-_.!~*'()".contains(ch) {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}
