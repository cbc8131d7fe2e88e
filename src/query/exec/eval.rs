//! Expression evaluation: values, operators and three-valued logic, one row at a time.

use super::*;
use crate::query::ast::*;
use crate::query::value::Val;
use crate::query::QueryError;

impl Exec<'_> {
    pub fn eval(&self, e: &Expr, env: &Env) -> Result<Val, QueryError> {
        Ok(match &e.kind {
            ExprKind::Lit(v) => v.clone(),
            ExprKind::Param(p) => self.params.get(p).cloned().ok_or_else(|| {
                QueryError::new(e.span.clone(), format!("no value for parameter `${p}`"))
                    .help(format!("pass it with --param {p}=VALUE"))
            })?,
            ExprKind::Var(v) => env
                .get(v)
                .cloned()
                .ok_or_else(|| QueryError::new(e.span.clone(), format!("unknown variable `{v}`")))?,
            ExprKind::Prop(target, key) => match self.eval(target, env)? {
                Val::Node(n) => node_prop(self.g, n, key),
                Val::Rel(r) => rel_prop(self.g, r, key),
                Val::Map(m) => m.get(key).cloned().unwrap_or(Val::Null),
                Val::Null => Val::Null,
                other => {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("`.{key}` needs a node or relationship, not a {}", other.type_name()),
                    ))
                }
            },
            ExprKind::Index(list, idx) => match (self.eval(list, env)?, self.eval(idx, env)?) {
                (Val::List(items), Val::Int(i)) => {
                    let len = items.len() as i64;
                    let at = if i < 0 { len.saturating_add(i) } else { i };
                    if (0..len).contains(&at) {
                        items[at as usize].clone()
                    } else {
                        Val::Null
                    }
                }
                (Val::Map(m), Val::Str(k)) => m.get(&k).cloned().unwrap_or(Val::Null),
                (Val::Null, _) | (_, Val::Null) => Val::Null,
                (a, b) => {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("cannot index a {} with a {}", a.type_name(), b.type_name()),
                    ))
                }
            },
            ExprKind::List(items) => {
                Val::List(items.iter().map(|i| self.eval(i, env)).collect::<Result<_, _>>()?)
            }
            ExprKind::Not(a) => match truth(&self.eval(a, env)?, &a.span)? {
                Some(b) => Val::Bool(!b),
                None => Val::Null,
            },
            ExprKind::Neg(a) => match self.eval(a, env)? {
                Val::Int(i) => Val::Int(
                    i.checked_neg().ok_or_else(|| QueryError::new(e.span.clone(), "integer overflow"))?,
                ),
                Val::Float(f) => Val::Float(-f),
                Val::Null => Val::Null,
                other => {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("cannot negate a {}", other.type_name()),
                    ))
                }
            },
            ExprKind::IsNull(a, negated) => Val::Bool((self.eval(a, env)? == Val::Null) != *negated),
            ExprKind::Case { subject, whens, default } => {
                let subject = subject.as_ref().map(|s| self.eval(s, env)).transpose()?;
                for (when, then) in whens {
                    let w = self.eval(when, env)?;
                    let hit = match &subject {
                        Some(s) => s.equals(&w) == Some(true),
                        None => w == Val::Bool(true),
                    };
                    if hit {
                        return self.eval(then, env);
                    }
                }
                match default {
                    Some(d) => self.eval(d, env)?,
                    None => Val::Null,
                }
            }
            ExprKind::ListComp { var, list, filter, map } => match self.eval(list, env)? {
                Val::Null => Val::Null,
                Val::List(items) => {
                    let mut inner = env.clone();
                    let mut out = Vec::new();
                    for item in items {
                        inner.insert(var.clone(), item.clone());
                        if let Some(f) = filter {
                            if self.eval(f, &inner)? != Val::Bool(true) {
                                continue;
                            }
                        }
                        out.push(match map {
                            Some(m) => self.eval(m, &inner)?,
                            None => item,
                        });
                    }
                    Val::List(out)
                }
                other => {
                    return Err(QueryError::new(
                        list.span.clone(),
                        format!("a list comprehension needs a list, not a {}", other.type_name()),
                    ))
                }
            },
            ExprKind::Exists { patterns, filter } => self.exists(patterns, filter.as_deref(), env)?,
            ExprKind::Bin(op, a, b) => self.binary(*op, a, b, env, &e.span)?,
            ExprKind::Call { name, args, .. } => {
                if AGGREGATES.contains(&name.as_str()) {
                    return Err(QueryError::new(
                        e.span.clone(),
                        format!("{name}() is only allowed in WITH and RETURN"),
                    ));
                }
                let vals = args.iter().map(|a| self.eval(a, env)).collect::<Result<Vec<_>, _>>()?;
                self.function(name, vals, &e.span)?
            }
        })
    }

    pub(super) fn binary(
        &self,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        env: &Env,
        span: &Span,
    ) -> Result<Val, QueryError> {
        // AND, OR and XOR follow three-valued logic.
        if matches!(op, BinOp::And | BinOp::Or | BinOp::Xor) {
            let x = truth(&self.eval(a, env)?, &a.span)?;
            let y = truth(&self.eval(b, env)?, &b.span)?;
            let r = match op {
                BinOp::And => match (x, y) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                BinOp::Or => match (x, y) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                _ => match (x, y) {
                    (Some(p), Some(q)) => Some(p != q),
                    _ => None,
                },
            };
            return Ok(r.map_or(Val::Null, Val::Bool));
        }
        let x = self.eval(a, env)?;
        let y = self.eval(b, env)?;
        let cmp = |f: fn(std::cmp::Ordering) -> bool| x.compare(&y).map_or(Val::Null, |o| Val::Bool(f(o)));
        Ok(match op {
            BinOp::Eq => x.equals(&y).map_or(Val::Null, Val::Bool),
            BinOp::Ne => x.equals(&y).map_or(Val::Null, |b| Val::Bool(!b)),
            BinOp::Lt => cmp(|o| o.is_lt()),
            BinOp::Le => cmp(|o| o.is_le()),
            BinOp::Gt => cmp(|o| o.is_gt()),
            BinOp::Ge => cmp(|o| o.is_ge()),
            BinOp::In => match y {
                Val::Null => Val::Null,
                Val::List(items) => {
                    let mut unknown = false;
                    for i in &items {
                        match x.equals(i) {
                            Some(true) => return Ok(Val::Bool(true)),
                            None => unknown = true,
                            Some(false) => {}
                        }
                    }
                    if unknown {
                        Val::Null
                    } else {
                        Val::Bool(false)
                    }
                }
                other => {
                    return Err(QueryError::new(
                        b.span.clone(),
                        format!("IN needs a list, not a {}", other.type_name()),
                    ))
                }
            },
            BinOp::StartsWith | BinOp::EndsWith | BinOp::Contains | BinOp::Regex => match (&x, &y) {
                (Val::Str(s), Val::Str(t)) => Val::Bool(match op {
                    BinOp::StartsWith => s.starts_with(t.as_str()),
                    BinOp::EndsWith => s.ends_with(t.as_str()),
                    BinOp::Contains => s.contains(t.as_str()),
                    _ => self.regex(t, &b.span)?.is_match(s),
                }),
                _ => Val::Null,
            },
            _ => arithmetic(op, x, y, span)?,
        })
    }

    pub(super) fn regex(&self, pattern: &str, span: &Span) -> Result<regex::Regex, QueryError> {
        if let Some(r) = self.regexes.borrow().get(pattern) {
            return Ok(r.clone());
        }
        let r = regex::Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|e| QueryError::new(span.clone(), format!("bad regular expression: {e}")))?;
        self.regexes.borrow_mut().insert(pattern.to_string(), r.clone());
        Ok(r)
    }
}

/// The boolean meaning of a value: `None` for null; an error for anything else.
pub(super) fn truth(v: &Val, span: &Span) -> Result<Option<bool>, QueryError> {
    match v {
        Val::Bool(b) => Ok(Some(*b)),
        Val::Null => Ok(None),
        other => {
            Err(QueryError::new(span.clone(), format!("expected a boolean, found a {}", other.type_name())))
        }
    }
}

pub(super) fn arithmetic(op: BinOp, x: Val, y: Val, span: &Span) -> Result<Val, QueryError> {
    let overflow = || QueryError::new(span.clone(), "integer overflow");
    Ok(match (op, x, y) {
        (_, Val::Null, _) | (_, _, Val::Null) => Val::Null,
        (BinOp::Add, Val::Str(a), Val::Str(b)) => Val::Str(a + &b),
        (BinOp::Add, Val::List(mut a), Val::List(b)) => {
            a.extend(b);
            Val::List(a)
        }
        (BinOp::Add, Val::List(mut a), b) => {
            a.push(b);
            Val::List(a)
        }
        (op, Val::Int(a), Val::Int(b)) => Val::Int(match op {
            BinOp::Add => a.checked_add(b).ok_or_else(overflow)?,
            BinOp::Sub => a.checked_sub(b).ok_or_else(overflow)?,
            BinOp::Mul => a.checked_mul(b).ok_or_else(overflow)?,
            BinOp::Div | BinOp::Mod if b == 0 => {
                return Err(QueryError::new(span.clone(), "division by zero"))
            }
            BinOp::Div => a.checked_div(b).ok_or_else(overflow)?,
            _ => a.checked_rem(b).ok_or_else(overflow)?,
        }),
        (op, a @ (Val::Int(_) | Val::Float(_)), b @ (Val::Int(_) | Val::Float(_))) => {
            let (a, b) = (as_f64(&a), as_f64(&b));
            Val::Float(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                _ => a % b,
            })
        }
        (_, a, b) => {
            return Err(QueryError::new(
                span.clone(),
                format!("cannot combine a {} and a {} with this operator", a.type_name(), b.type_name()),
            ))
        }
    })
}

pub(super) fn as_f64(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        _ => f64::NAN,
    }
}
