//! The bounded evaluation of expressions to abstract values.
//!
//! Deliberately simple: values come from the bindings seen so far in source
//! order (`scope.rs`), and every evaluation has a depth and node budget.
//! No fixpoint over the program.

use oxc_ast::ast::{
    Argument, ArrayExpressionElement, BinaryOperator, ConditionalExpression, Expression,
    LogicalExpression, LogicalOperator, MemberExpression, ObjectExpression, ObjectPropertyKind,
    TemplateLiteral, UnaryExpression, UnaryOperator,
};

use super::scope::Scopes;
use super::value::{encode_uri_component, Global, Part, Sym, Value};

const MAX_DEPTH: u32 = 24;
const MAX_NODES: u32 = 256;
const MAX_PROPS: usize = 48;

pub(crate) fn eval<'a>(scopes: &Scopes<'a>, e: &Expression<'a>) -> Value {
    Evaluator { scopes, nodes: 0 }.ev(e, 0)
}

pub(crate) fn eval_arg<'a>(scopes: &Scopes<'a>, a: &Argument<'a>) -> Value {
    a.as_expression()
        .map_or(Value::Unknown, |e| eval(scopes, e))
}

struct Evaluator<'s, 'a> {
    scopes: &'s Scopes<'a>,
    nodes: u32,
}

impl<'a> Evaluator<'_, 'a> {
    fn ev(&mut self, e: &Expression<'a>, depth: u32) -> Value {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            return Value::Unknown;
        }
        let d = depth + 1;
        match e {
            Expression::StringLiteral(s) => Value::Str(Sym::lit(s.value.as_str())),
            Expression::NumericLiteral(n) => Value::Num(n.value),
            Expression::BooleanLiteral(b) => Value::Bool(b.value),
            Expression::NullLiteral(_) => Value::Null,
            Expression::TemplateLiteral(t) => self.template(t, d),
            Expression::Identifier(id) => self.ident(id.name.as_str()),
            Expression::ParenthesizedExpression(p) => self.ev(&p.expression, d),
            Expression::SequenceExpression(s) => s
                .expressions
                .last()
                .map_or(Value::Unknown, |x| self.ev(x, d)),
            Expression::AssignmentExpression(a) => self.ev(&a.right, d),
            Expression::FunctionExpression(f) => Value::Func(f.span.start),
            Expression::ArrowFunctionExpression(f) => Value::Func(f.span.start),
            Expression::BinaryExpression(b) => self.binary(b.operator, &b.left, &b.right, d),
            Expression::LogicalExpression(l) => self.logical(l, d),
            Expression::ConditionalExpression(c) => self.conditional(c, d),
            Expression::UnaryExpression(u) => self.unary(u, d),
            Expression::ObjectExpression(o) => self.object(o, d),
            Expression::NewExpression(n)
                if n.arguments.is_empty() && n.callee.is_specific_id("Date") =>
            {
                Value::Now(0.0)
            }
            Expression::CallExpression(c) => self.call(c, d),
            _ => match e.as_member_expression() {
                Some(m) => self.member(m, d),
                None => Value::Unknown,
            },
        }
    }

    fn template(&mut self, t: &TemplateLiteral<'a>, d: u32) -> Value {
        let mut out = Sym::default();
        for (i, q) in t.quasis.iter().enumerate() {
            out.push(
                q.value
                    .cooked
                    .map_or(Part::Unknown, |c| Part::Lit(c.as_str().to_string())),
            );
            if let Some(x) = t.expressions.get(i) {
                out.append(self.ev(x, d).to_sym());
            }
        }
        Value::Str(out)
    }

    /// `||`, `&&` and `??` pick a side only when the left side's value is
    /// known well enough to decide.
    fn logical(&mut self, l: &LogicalExpression<'a>, d: u32) -> Value {
        let left = self.ev(&l.left, d);
        let pick_right = match l.operator {
            LogicalOperator::Or => left.truthy().map(|t| !t),
            LogicalOperator::And => left.truthy(),
            LogicalOperator::Coalesce => match left {
                Value::Null | Value::Undefined | Value::Unset => Some(true),
                Value::Unknown | Value::Param { .. } => None,
                _ => Some(false),
            },
        };
        match pick_right {
            Some(true) => self.ev(&l.right, d),
            Some(false) => left,
            None => Value::Unknown,
        }
    }

    /// An undecided test still has a value when both branches agree.
    fn conditional(&mut self, c: &ConditionalExpression<'a>, d: u32) -> Value {
        match self.ev(&c.test, d).truthy() {
            Some(true) => self.ev(&c.consequent, d),
            Some(false) => self.ev(&c.alternate, d),
            None => {
                let (a, b) = (self.ev(&c.consequent, d), self.ev(&c.alternate, d));
                if a == b {
                    a
                } else {
                    Value::Unknown
                }
            }
        }
    }

    fn unary(&mut self, u: &UnaryExpression<'a>, d: u32) -> Value {
        let v = self.ev(&u.argument, d);
        match u.operator {
            UnaryOperator::LogicalNot => v.truthy().map_or(Value::Unknown, |t| Value::Bool(!t)),
            UnaryOperator::UnaryNegation => v.num().map_or(Value::Unknown, |n| Value::Num(-n)),
            // `+new Date()` stays "now", so an expiry computed from it still reads.
            UnaryOperator::UnaryPlus => match v {
                Value::Now(k) => Value::Now(k),
                v => v.num().map_or(Value::Unknown, Value::Num),
            },
            UnaryOperator::Void => Value::Undefined,
            _ => Value::Unknown,
        }
    }

    fn object(&mut self, o: &ObjectExpression<'a>, d: u32) -> Value {
        let mut props = Vec::new();
        for p in o.properties.iter().take(MAX_PROPS) {
            if let ObjectPropertyKind::ObjectProperty(p) = p {
                if let Some(key) = p.key.static_name() {
                    props.push((key.into_owned(), self.ev(&p.value, d)));
                }
            }
        }
        Value::Obj(props)
    }

    fn member(&mut self, m: &MemberExpression<'a>, d: u32) -> Value {
        let obj = self.ev(m.object(), d);
        match self.prop_name(m, d) {
            Some(key) => obj.get(&key),
            None => Value::Unknown,
        }
    }

    fn prop_name(&mut self, m: &MemberExpression<'a>, d: u32) -> Option<String> {
        if let Some(name) = m.static_property_name() {
            return Some(name.to_string());
        }
        match m {
            MemberExpression::ComputedMemberExpression(c) => {
                self.ev(&c.expression, d).to_sym().literal()
            }
            _ => None,
        }
    }

    fn ident(&self, name: &str) -> Value {
        match self.scopes.lookup(name) {
            // `(function(window, document){...})(window, document)`: a parameter
            // named like a browser global almost always is that global.
            Some(Value::Param { .. }) | None if Global::from_name(name).is_some() => {
                Global::from_name(name).map_or(Value::Unknown, Value::Global)
            }
            Some(v) => v.clone(),
            None if name == "undefined" => Value::Undefined,
            None => Value::Unknown,
        }
    }

    fn binary(
        &mut self,
        op: BinaryOperator,
        l: &Expression<'a>,
        r: &Expression<'a>,
        d: u32,
    ) -> Value {
        let (a, b) = (self.ev(l, d), self.ev(r, d));
        let nums = a
            .num()
            .zip(b.num())
            .filter(|_| !a.is_stringish() && !b.is_stringish());
        match op {
            BinaryOperator::Addition => match (&a, &b) {
                (Value::Now(k), Value::Num(n)) | (Value::Num(n), Value::Now(k)) => {
                    Value::Now(k + n)
                }
                _ if a.is_stringish() || b.is_stringish() => {
                    let mut s = a.to_sym();
                    s.append(b.to_sym());
                    Value::Str(s)
                }
                _ => nums.map_or(Value::Unknown, |(x, y)| Value::Num(x + y)),
            },
            BinaryOperator::Subtraction => match (&a, &b) {
                (Value::Now(k), Value::Num(n)) => Value::Now(k - n),
                _ => nums.map_or(Value::Unknown, |(x, y)| Value::Num(x - y)),
            },
            BinaryOperator::Multiplication => {
                nums.map_or(Value::Unknown, |(x, y)| Value::Num(x * y))
            }
            BinaryOperator::Division => nums.map_or(Value::Unknown, |(x, y)| Value::Num(x / y)),
            BinaryOperator::Exponential => {
                nums.map_or(Value::Unknown, |(x, y)| Value::Num(x.powf(y)))
            }
            _ => Value::Unknown,
        }
    }

    fn call(&mut self, c: &oxc_ast::ast::CallExpression<'a>, d: u32) -> Value {
        let args: Vec<&Expression<'a>> = c
            .arguments
            .iter()
            .filter_map(Argument::as_expression)
            .collect();
        if let Expression::Identifier(id) = c.callee.get_inner_expression() {
            let arg0 = args.first().map_or(Value::Undefined, |a| self.ev(a, d));
            return match id.name.as_str() {
                "encodeURIComponent" | "encodeURI" | "escape" => match arg0 {
                    Value::Str(s) => Value::Str(s.map_text(encode_uri_component)),
                    v => Value::Str(v.to_sym()),
                },
                "String" => Value::Str(arg0.to_sym()),
                "Number" | "parseInt" | "parseFloat" => {
                    arg0.num().map_or(Value::Unknown, Value::Num)
                }
                _ => Value::Unknown,
            };
        }
        let Some(m) = c.callee.get_inner_expression().as_member_expression() else {
            return Value::Unknown;
        };
        let Some(method) = m.static_property_name() else {
            return Value::Unknown;
        };
        let obj = m.object().get_inner_expression();
        match method {
            "concat" => match self.ev(obj, d) {
                Value::Str(mut s) => {
                    for a in &args {
                        s.append(self.ev(a, d).to_sym());
                    }
                    Value::Str(s)
                }
                _ => Value::Unknown,
            },
            "toString" | "trim" => match self.ev(obj, d) {
                v @ (Value::Str(_) | Value::Num(_)) => Value::Str(v.to_sym()),
                _ => Value::Unknown,
            },
            "now" if obj.is_specific_id("Date") => Value::Now(0.0),
            "getTime" | "valueOf" => match self.ev(obj, d) {
                Value::Now(k) => Value::Now(k),
                _ => Value::Unknown,
            },
            "join" => {
                let Expression::ArrayExpression(arr) = obj else {
                    return Value::Unknown;
                };
                let sep = args
                    .first()
                    .map_or(Some(",".to_string()), |a| self.ev(a, d).str_lit());
                let Some(sep) = sep else {
                    return Value::Unknown;
                };
                let mut s = Sym::default();
                for (i, el) in arr.elements.iter().enumerate() {
                    if i > 0 {
                        s.push(Part::Lit(sep.clone()));
                    }
                    match el {
                        ArrayExpressionElement::Elision(_) => {}
                        el => s.append(
                            el.as_expression()
                                .map_or(Sym::unknown(), |x| self.ev(x, d).to_sym()),
                        ),
                    }
                }
                Value::Str(s)
            }
            _ => Value::Unknown,
        }
    }
}
