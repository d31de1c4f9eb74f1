//! Recognising cookie and storage writes at assignments and calls.

use oxc_ast::ast::{
    AssignmentExpression, AssignmentOperator, CallExpression, Expression, MemberExpression,
};

use super::analyze::Walker;
use super::cookie_string::{looks_like_cookie_string, option_attrs};
use super::evidence::{Api, Method};
use super::model::ScriptCookieAttrs;
use super::names::{
    is_helper_name, mentions_cookie_or_storage, storage_kind, JS_COOKIE_NAMES, STORAGE_METHODS,
};
use super::raw::{PendingCall, RawWrite, Target};
use super::resolve::{eval, eval_arg};
use super::value::{Global, Sym, Value};

/// Confidence of a write to a property named `cookie` of an object the
/// analysis cannot identify, when the text written reads like a cookie.
const UNKNOWN_DOC_CONFIDENCE: f32 = 0.5;

fn member_prop<'a>(w: &Walker<'a>, m: &MemberExpression<'a>) -> Option<Sym> {
    if let Some(name) = m.static_property_name() {
        return Some(Sym::lit(name));
    }
    match m {
        MemberExpression::ComputedMemberExpression(c) => {
            Some(eval(&w.scopes, &c.expression).to_sym())
        }
        _ => None,
    }
}

/// An options object with a cookie attribute in it.
fn has_cookie_options(v: &Value) -> bool {
    let Value::Obj(props) = v else { return false };
    props.iter().any(|(k, _)| {
        matches!(
            k.as_str(),
            "expires" | "path" | "domain" | "sameSite" | "secure"
        )
    })
}

/// `(0, o.setCookie)(...)`, as bundlers call imported functions, is a call
/// of its last expression.
fn unwrap_callee<'c, 'a>(c: &'c CallExpression<'a>) -> &'c Expression<'a> {
    match c.callee.get_inner_expression() {
        Expression::SequenceExpression(s) => s
            .expressions
            .last()
            .map_or(&c.callee, |e| e)
            .get_inner_expression(),
        e => e,
    }
}

fn is_ident(e: &Expression, names: &[&str]) -> bool {
    matches!(e.get_inner_expression(), Expression::Identifier(id) if names.contains(&id.name.as_str()))
}

impl<'a> Walker<'a> {
    fn raw(&mut self, start: u32, end: u32, api: Api, confidence: f32, target: Target) {
        self.out.raws.push(RawWrite {
            start,
            end,
            api,
            confidence,
            target,
            via: None,
            method: Method::ParsedWrite,
        });
    }

    pub(crate) fn detect_assignment(&mut self, a: &AssignmentExpression<'a>) {
        let Some(m) = a.left.as_member_expression() else {
            return;
        };
        let (start, end) = (a.span.start, a.span.end);
        let static_name = m.static_property_name();
        // Only identifiers and member chains can denote document or storage.
        let obj_expr = m.object().get_inner_expression();
        if static_name != Some("cookie")
            && !matches!(obj_expr, Expression::Identifier(_))
            && obj_expr.as_member_expression().is_none()
        {
            return;
        }
        let obj = eval(&self.scopes, obj_expr);
        if static_name != Some("cookie")
            && storage_kind(&obj).is_none()
            && !matches!(m, MemberExpression::ComputedMemberExpression(_))
        {
            return;
        }
        let Some(prop) = member_prop(self, m) else {
            return;
        };
        let prop_text = prop.literal();
        if prop_text.as_deref() == Some("cookie")
            && matches!(
                a.operator,
                AssignmentOperator::Assign | AssignmentOperator::Addition
            )
        {
            let text = eval(&self.scopes, &a.right).to_sym();
            let confidence = match obj {
                Value::Global(Global::Document) => 0.95,
                Value::Unknown | Value::Param { .. } if looks_like_cookie_string(&text) => {
                    UNKNOWN_DOC_CONFIDENCE
                }
                _ => return,
            };
            self.scopes.mark_cookie_write();
            self.raw(
                start,
                end,
                Api::DocumentCookie,
                confidence,
                Target::CookieString(text),
            );
        } else if let Some(kind) = storage_kind(&obj) {
            if prop_text
                .as_deref()
                .is_some_and(|p| STORAGE_METHODS.contains(&p))
            {
                return;
            }
            self.raw(
                start,
                end,
                kind.api(),
                0.9,
                Target::Storage { kind, key: prop },
            );
        }
    }

    pub(crate) fn detect_call(&mut self, c: &CallExpression<'a>) {
        let callee = unwrap_callee(c);
        if let Expression::Identifier(id) = callee {
            self.detect_function_call(c, id.name.as_str());
            return;
        }
        let Some(m) = callee.as_member_expression() else {
            return;
        };
        let Some(method) = m.static_property_name() else {
            return;
        };
        let obj_expr = m.object().get_inner_expression();
        let (start, end) = (c.span.start, c.span.end);
        // The guards stay in this match, not in the steps, so that a call
        // failing one pattern's guard still reaches the later patterns.
        match method {
            "set"
                if eval(&self.scopes, obj_expr) == Value::Global(Global::CookieStore)
                    && !c.arguments.is_empty() =>
            {
                self.cookie_store_set(c)
            }
            "set" if !c.arguments.is_empty() => self.js_cookie_set(c, obj_expr),
            "cookie" if c.arguments.len() >= 2 => self.jquery_cookie(c, obj_expr),
            "setItem" if !c.arguments.is_empty() => self.storage_set_item(c, obj_expr),
            _ if is_helper_name(method) => {
                self.pending(None, method, true, self.call_args(c), start, end)
            }
            // Methods are matched to local functions by name afterwards, but
            // only names that say what they do: `e.t(...)` in minified code
            // would match anything.
            _ if mentions_cookie_or_storage(method) && !c.arguments.is_empty() => {
                let a = self.call_args(c);
                if a.iter().any(|v| v.to_sym().has_known_text()) {
                    self.pending(None, method, false, a, start, end);
                }
            }
            _ => {}
        }
    }

    /// The first six arguments are enough for every write pattern we know.
    fn call_args(&self, c: &CallExpression<'a>) -> Vec<Value> {
        c.arguments
            .iter()
            .take(6)
            .map(|a| eval_arg(&self.scopes, a))
            .collect()
    }

    /// `name(...)`: kept when it calls a local function or its name says
    /// cookie or storage, to be matched to the function's writes afterwards.
    fn detect_function_call(&mut self, c: &CallExpression<'a>, name: &str) {
        let func = match self.scopes.lookup(name) {
            Some(Value::Func(f)) => Some(*f),
            _ => None,
        };
        let helper_like = is_helper_name(name);
        if func.is_some() || helper_like || mentions_cookie_or_storage(name) {
            let (start, end) = (c.span.start, c.span.end);
            self.pending(func, name, helper_like, self.call_args(c), start, end);
        }
    }

    /// `cookieStore.set(name, value, options)` or `cookieStore.set({ name, ... })`.
    fn cookie_store_set(&mut self, c: &CallExpression<'a>) {
        let a = self.call_args(c);
        let (name, attrs) = match &a[0] {
            o @ Value::Obj(_) => (o.get("name").to_sym(), option_attrs(o, false)),
            n => (
                n.to_sym(),
                a.get(2)
                    .map_or_else(ScriptCookieAttrs::default, |o| option_attrs(o, false)),
            ),
        };
        self.raw(
            c.span.start,
            c.span.end,
            Api::CookieStore,
            0.9,
            Target::Cookie { name, attrs },
        );
    }

    /// js-cookie by its usual names, or any `x.set(name, value,
    /// {expires|path|...})` (a bundled js-cookie is `o.a.set(...)`).
    fn js_cookie_set(&mut self, c: &CallExpression<'a>, obj_expr: &Expression<'a>) {
        let named = is_ident(obj_expr, JS_COOKIE_NAMES);
        if !named && c.arguments.len() < 3 {
            return;
        }
        let a = self.call_args(c);
        let confidence = if named {
            0.9
        } else if has_cookie_options(&a[2]) && a[0].to_sym().has_known_text() {
            0.6
        } else {
            return;
        };
        let attrs = option_attrs(a.get(2).unwrap_or(&Value::Unknown), true);
        let name = a[0].to_sym();
        self.raw(
            c.span.start,
            c.span.end,
            Api::JsCookie,
            confidence,
            Target::Cookie { name, attrs },
        );
    }

    fn jquery_cookie(&mut self, c: &CallExpression<'a>, obj_expr: &Expression<'a>) {
        let a = self.call_args(c);
        // `$.cookie(name, null)` deletes; one argument reads.
        if matches!(a[1], Value::Null | Value::Undefined) {
            return;
        }
        let confidence = if is_ident(obj_expr, &["$", "jQuery"]) {
            0.9
        } else if a[0].to_sym().has_known_text() {
            0.5
        } else {
            return;
        };
        let attrs = a
            .get(2)
            .map_or_else(ScriptCookieAttrs::default, |o| option_attrs(o, true));
        self.raw(
            c.span.start,
            c.span.end,
            Api::JqueryCookie,
            confidence,
            Target::Cookie {
                name: a[0].to_sym(),
                attrs,
            },
        );
    }

    fn storage_set_item(&mut self, c: &CallExpression<'a>, obj_expr: &Expression<'a>) {
        if let Some(kind) = storage_kind(&eval(&self.scopes, obj_expr)) {
            let key = eval_arg(&self.scopes, &c.arguments[0]).to_sym();
            self.raw(
                c.span.start,
                c.span.end,
                kind.api(),
                0.9,
                Target::Storage { kind, key },
            );
        }
    }

    fn pending(
        &mut self,
        func: Option<u32>,
        name: &str,
        helper_like: bool,
        args: Vec<Value>,
        start: u32,
        end: u32,
    ) {
        // A call only matters later if some argument could become a name.
        if !helper_like
            && !args
                .iter()
                .any(|v| matches!(v, Value::Str(_) | Value::Param { .. }))
        {
            return;
        }
        self.push_call(PendingCall {
            func,
            name: name.to_string(),
            helper_like,
            args,
            start,
            end,
            method: Method::ParsedWrite,
        });
    }
}
