//! Bindings per function, in source order. A name bound twice to different
//! values becomes unknown: the analysis does not know which one a later read
//! sees.

use rustc_hash::FxHashMap;

use oxc_ast::ast::BindingPattern;

use super::value::Value;

pub(crate) struct Scope<'a> {
    pub writes_cookie: bool,
    vars: FxHashMap<&'a str, Value>,
}

pub(crate) struct Scopes<'a> {
    stack: Vec<Scope<'a>>,
}

impl<'a> Scopes<'a> {
    pub fn new() -> Self {
        Scopes {
            stack: vec![Scope {
                writes_cookie: false,
                vars: FxHashMap::default(),
            }],
        }
    }

    pub fn push(&mut self) {
        self.stack.push(Scope {
            writes_cookie: false,
            vars: FxHashMap::default(),
        });
    }

    pub fn pop(&mut self) -> Option<Scope<'a>> {
        if self.stack.len() > 1 {
            self.stack.pop()
        } else {
            None
        }
    }

    pub fn mark_cookie_write(&mut self) {
        if let Some(s) = self.stack.last_mut() {
            s.writes_cookie = true;
        }
    }

    pub fn declare(&mut self, name: &'a str, value: Value) {
        if let Some(scope) = self.stack.last_mut() {
            merge_into(scope.vars.entry(name).or_insert(Value::Unset), value);
        }
    }

    pub fn assign(&mut self, name: &'a str, value: Value) {
        let slot = match self.stack.iter().rposition(|s| s.vars.contains_key(name)) {
            Some(i) => self.stack[i].vars.get_mut(name),
            None => Some(self.stack[0].vars.entry(name).or_insert(Value::Unset)),
        };
        if let Some(slot) = slot {
            merge_into(slot, value);
        }
    }

    /// Overwrite without merging, for updates that build on the old value.
    pub fn replace(&mut self, name: &'a str, value: Value) {
        match self.stack.iter().rposition(|s| s.vars.contains_key(name)) {
            Some(i) => {
                self.stack[i].vars.insert(name, value);
            }
            None => {
                self.stack[0].vars.insert(name, value);
            }
        }
    }

    pub fn lookup(&self, name: &str) -> Option<&Value> {
        self.stack.iter().rev().find_map(|s| s.vars.get(name))
    }
}

/// A second, different value for a name makes it unknown: the analysis does
/// not know which assignment a later read sees.
fn merge_into(slot: &mut Value, value: Value) {
    if *slot == Value::Unset {
        *slot = value;
    } else if *slot != value && value != Value::Unset {
        *slot = Value::Unknown;
    }
}

/// Every name a destructuring pattern binds (iteratively: patterns nest).
pub(crate) fn pattern_names<'a>(p: &BindingPattern<'a>, out: &mut Vec<&'a str>) {
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        match p {
            BindingPattern::BindingIdentifier(b) => out.push(b.name.as_str()),
            BindingPattern::ObjectPattern(o) => {
                stack.extend(o.properties.iter().map(|p| &p.value));
                stack.extend(o.rest.iter().map(|r| &r.argument));
            }
            BindingPattern::ArrayPattern(a) => {
                stack.extend(a.elements.iter().flatten());
                stack.extend(a.rest.iter().map(|r| &r.argument));
            }
            BindingPattern::AssignmentPattern(a) => stack.push(&a.left),
        }
    }
}
