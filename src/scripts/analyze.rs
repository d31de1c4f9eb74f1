//! The syntax-tree walk: scopes, function names and parameters, and the
//! hooks where writes are detected (see `detect.rs`).

use std::collections::HashSet;

use rustc_hash::FxHashMap;

use oxc_ast::ast::{
    ArrowFunctionBody, ArrowFunctionExpression, AssignmentExpression, AssignmentOperator,
    AssignmentTarget, BindingPattern, CallExpression, Expression, FormalParameters, Function,
    MethodDefinition, ObjectProperty, Program, Statement, VariableDeclarator,
};
use oxc_ast_visit::{walk, Visit};
use oxc_syntax::scope::ScopeFlags;

use super::names::mentions_cookie_or_storage;
use super::raw::{Collected, PendingCall};
use super::resolve::{eval, eval_arg};
use super::scope::{pattern_names, Scopes};
use super::value::Value;

/// Deeper than this the walk stops and the script gets the lexical scan
/// instead. The thread running the walk has stack for the nesting the
/// pre-scan measured; this is the backstop should that estimate fall short.
pub(crate) const MAX_WALK_DEPTH: u32 = 20_000;
/// Calls kept for helper resolution; a bundle has far fewer that matter.
const MAX_CALLS: usize = 50_000;

pub(crate) struct Walker<'a> {
    pub scopes: Scopes<'a>,
    pub out: Collected,
    /// Names given to anonymous functions by the code around them.
    names: FxHashMap<u32, &'a str>,
    /// Every named function's name.
    fn_names: FxHashMap<u32, &'a str>,
    iife: Option<(u32, Vec<Value>)>,
    depth: u32,
    truncated: bool,
}

/// `None` when the tree is nested deeper than [`MAX_WALK_DEPTH`].
pub(crate) fn walk_program<'a>(program: &Program<'a>) -> Option<Collected> {
    let mut w = Walker {
        scopes: Scopes::new(),
        out: Collected::default(),
        names: FxHashMap::default(),
        fn_names: FxHashMap::default(),
        iife: None,
        depth: 0,
        truncated: false,
    };
    w.hoist(&program.body);
    w.visit_program(program);
    if w.truncated {
        return None;
    }
    let mut out = w.out;
    // Names are only needed for the notes on writes made through helpers.
    let helpers: HashSet<u32> = out
        .raws
        .iter()
        .flat_map(|r| r.target.name_sym().param_funcs().collect::<Vec<_>>())
        .chain(out.calls.iter().filter_map(|c| c.func))
        .collect();
    out.fn_names = helpers
        .into_iter()
        .filter_map(|f| w.fn_names.get(&f).map(|n| (f, n.to_string())))
        .collect();
    Some(out)
}

fn fn_start(e: &Expression) -> Option<u32> {
    match e.get_inner_expression() {
        Expression::FunctionExpression(f) => Some(f.span.start),
        Expression::ArrowFunctionExpression(f) => Some(f.span.start),
        _ => None,
    }
}

impl<'a> Walker<'a> {
    pub(crate) fn push_call(&mut self, call: PendingCall) {
        if self.out.calls.len() < MAX_CALLS {
            self.out.calls.push(call);
        } else if self.out.calls.len() == MAX_CALLS {
            self.out.calls.push(call);
            self.out.warnings.push(format!(
                "more than {MAX_CALLS} candidate helper calls; later ones were not resolved"
            ));
        }
    }

    /// Function declarations are callable before the line that declares them.
    fn hoist(&mut self, stmts: &[Statement<'a>]) {
        for s in stmts {
            if let Statement::FunctionDeclaration(f) = s {
                if let Some(id) = &f.id {
                    self.scopes
                        .declare(id.name.as_str(), Value::Func(f.span.start));
                }
            }
        }
    }

    fn enter_fn(
        &mut self,
        id: u32,
        own_name: Option<&'a str>,
        params: &FormalParameters<'a>,
    ) -> Option<&'a str> {
        let name = own_name.or_else(|| self.names.get(&id).copied());
        if let Some(n) = name {
            if mentions_cookie_or_storage(n) {
                self.out
                    .named_fns
                    .entry(n.to_string())
                    .or_default()
                    .push(id);
            }
            self.fn_names.insert(id, n);
        }
        let iife = match self.iife.take() {
            Some((start, args)) if start == id => Some(args),
            other => {
                self.iife = other;
                None
            }
        };
        self.scopes.push();
        for (i, p) in params.items.iter().enumerate() {
            if let BindingPattern::BindingIdentifier(b) = &p.pattern {
                let v = match &iife {
                    Some(args) => args.get(i).cloned().unwrap_or(Value::Undefined),
                    None => Value::Param {
                        func: id,
                        idx: i as u32,
                    },
                };
                self.scopes.declare(b.name.as_str(), v);
            } else {
                self.declare_unknown(&p.pattern);
            }
        }
        if let Some(rest) = &params.rest {
            self.declare_unknown(&rest.rest.argument);
        }
        name
    }

    fn leave_fn(&mut self, name: Option<&'a str>) {
        if let Some(scope) = self.scopes.pop() {
            if let (true, Some(n)) = (scope.writes_cookie, name) {
                self.out.cookie_fns.insert(n.to_string());
            }
        }
    }

    fn declare_unknown(&mut self, p: &BindingPattern<'a>) {
        let mut names = Vec::new();
        pattern_names(p, &mut names);
        for n in names {
            self.scopes.declare(n, Value::Unknown);
        }
    }

    /// Arguments of an immediately invoked function become its parameters'
    /// values, so `!function(e,t){t.cookie=...}(window,document)` resolves.
    fn prepare_iife(&mut self, c: &CallExpression<'a>) {
        let callee = c.callee.get_inner_expression();
        let (start, skip) = match (fn_start(callee), callee.as_member_expression()) {
            (Some(s), _) => (s, 0),
            (None, Some(m)) if m.static_property_name() == Some("call") => {
                match fn_start(m.object()) {
                    Some(s) => (s, 1),
                    None => return,
                }
            }
            _ => return,
        };
        let args = c
            .arguments
            .iter()
            .skip(skip)
            .map(|a| eval_arg(&self.scopes, a))
            .collect();
        self.iife = Some((start, args));
    }
}

impl<'a> Visit<'a> for Walker<'a> {
    fn visit_expression(&mut self, e: &Expression<'a>) {
        if self.depth >= MAX_WALK_DEPTH {
            self.truncated = true;
            return;
        }
        self.depth += 1;
        walk::walk_expression(self, e);
        self.depth -= 1;
    }

    fn visit_statement(&mut self, s: &Statement<'a>) {
        if self.depth >= MAX_WALK_DEPTH {
            self.truncated = true;
            return;
        }
        self.depth += 1;
        walk::walk_statement(self, s);
        self.depth -= 1;
    }

    fn visit_function(&mut self, f: &Function<'a>, flags: ScopeFlags) {
        let own = f.id.as_ref().map(|i| i.name.as_str());
        let name = self.enter_fn(f.span.start, own, &f.params);
        if let Some(body) = &f.body {
            self.hoist(&body.statements);
        }
        walk::walk_function(self, f, flags);
        self.leave_fn(name);
    }

    fn visit_arrow_function_expression(&mut self, f: &ArrowFunctionExpression<'a>) {
        let name = self.enter_fn(f.span.start, None, &f.params);
        if let ArrowFunctionBody::FunctionBody(body) = &f.body {
            self.hoist(&body.statements);
        }
        walk::walk_arrow_function_expression(self, f);
        self.leave_fn(name);
    }

    fn visit_variable_declarator(&mut self, d: &VariableDeclarator<'a>) {
        let BindingPattern::BindingIdentifier(b) = &d.id else {
            walk::walk_variable_declarator(self, d);
            self.declare_unknown(&d.id);
            return;
        };
        if let Some(start) = d.init.as_ref().and_then(fn_start) {
            self.names.insert(start, b.name.as_str());
        }
        walk::walk_variable_declarator(self, d);
        let v = d
            .init
            .as_ref()
            .map_or(Value::Unset, |e| eval(&self.scopes, e));
        self.scopes.declare(b.name.as_str(), v);
    }

    fn visit_assignment_expression(&mut self, a: &AssignmentExpression<'a>) {
        self.detect_assignment(a);
        if let Some(start) = fn_start(&a.right) {
            let name = match &a.left {
                AssignmentTarget::AssignmentTargetIdentifier(id) => Some(id.name.as_str()),
                t => t
                    .as_member_expression()
                    .and_then(|m| m.static_property_name()),
            };
            if let Some(n) = name {
                self.names.insert(start, n);
            }
        }
        walk::walk_assignment_expression(self, a);
        if let AssignmentTarget::AssignmentTargetIdentifier(id) = &a.left {
            let name = id.name.as_str();
            let rhs = eval(&self.scopes, &a.right);
            match a.operator {
                AssignmentOperator::Assign => self.scopes.assign(name, rhs),
                // `c += "; path=/"` builds a cookie string step by step.
                AssignmentOperator::Addition => {
                    let v = match self.scopes.lookup(name) {
                        Some(Value::Str(s)) => {
                            let mut s = s.clone();
                            s.append(rhs.to_sym());
                            Value::Str(s)
                        }
                        _ => Value::Unknown,
                    };
                    self.scopes.replace(name, v);
                }
                _ => self.scopes.replace(name, Value::Unknown),
            }
        }
    }

    fn visit_call_expression(&mut self, c: &CallExpression<'a>) {
        self.detect_call(c);
        self.prepare_iife(c);
        walk::walk_call_expression(self, c);
    }

    fn visit_object_property(&mut self, p: &ObjectProperty<'a>) {
        if let Some(start) = fn_start(&p.value) {
            if let Some(std::borrow::Cow::Borrowed(name)) = p.key.static_name() {
                self.names.insert(start, name);
            }
        }
        walk::walk_object_property(self, p);
    }

    fn visit_method_definition(&mut self, m: &MethodDefinition<'a>) {
        if let Some(std::borrow::Cow::Borrowed(name)) = m.key.static_name() {
            self.names.insert(m.value.span.start, name);
        }
        walk::walk_method_definition(self, m);
    }
}
