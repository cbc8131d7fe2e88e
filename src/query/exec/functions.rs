//! Functions and aggregates, and the properties of nodes and relationships as values.

use std::collections::BTreeMap;

use super::*;
use crate::fields::{self, FieldValue};
use crate::graph::KnowledgeGraph;
use crate::model::{EdgeIx, NodeIx, Value};
use crate::query::ast::*;
use crate::query::value::Val;
use crate::query::QueryError;

impl Exec<'_> {
    pub(super) fn function(&self, name: &str, args: Vec<Val>, span: &Span) -> Result<Val, QueryError> {
        let arity = |n: usize| -> Result<(), QueryError> {
            if args.len() == n {
                Ok(())
            } else {
                Err(QueryError::new(
                    span.clone(),
                    format!("{name}() takes {n} argument{}", if n == 1 { "" } else { "s" }),
                ))
            }
        };
        let bad =
            |v: &Val| QueryError::new(span.clone(), format!("{name}() does not take a {}", v.type_name()));
        Ok(match name {
            "coalesce" => args.into_iter().find(|v| *v != Val::Null).unwrap_or(Val::Null),
            "size" | "length" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::List(l) => Val::Int(l.len() as i64),
                    Val::Str(s) => Val::Int(s.chars().count() as i64),
                    Val::Path(_, es) if name == "length" => Val::Int(es.len() as i64),
                    other => return Err(bad(other)),
                }
            }
            "nodes" | "relationships" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Path(ns, es) if name == "nodes" => {
                        Val::List(ns.iter().map(|n| Val::Node(*n)).collect())
                    }
                    Val::Path(_, es) => Val::List(es.iter().map(|e| Val::Rel(*e)).collect()),
                    other => return Err(bad(other)),
                }
            }
            "labels" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Node(n) => Val::List(vec![Val::Str(self.g.node(*n).kind.to_string())]),
                    other => return Err(bad(other)),
                }
            }
            "type" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Rel(e) => Val::Str(self.g.edge(*e).rel.to_string()),
                    other => return Err(bad(other)),
                }
            }
            "id" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Node(n) => Val::Str(self.g.node(*n).id.0.clone()),
                    Val::Rel(e) => Val::Int(*e as i64),
                    other => return Err(bad(other)),
                }
            }
            "keys" | "properties" => {
                arity(1)?;
                let m = match &args[0] {
                    Val::Null => return Ok(Val::Null),
                    Val::Node(n) => node_props(self.g, *n),
                    Val::Rel(e) => rel_props(self.g, *e),
                    Val::Map(m) => m.clone(),
                    other => return Err(bad(other)),
                };
                if name == "keys" {
                    Val::List(m.into_keys().map(Val::Str).collect())
                } else {
                    Val::Map(m)
                }
            }
            "tolower" | "toupper" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Str(s) => {
                        Val::Str(if name == "tolower" { s.to_lowercase() } else { s.to_uppercase() })
                    }
                    other => return Err(bad(other)),
                }
            }
            "tostring" => {
                arity(1)?;
                match &args[0] {
                    Val::Null => Val::Null,
                    Val::Str(s) => Val::Str(s.clone()),
                    Val::Int(i) => Val::Str(i.to_string()),
                    Val::Float(f) => Val::Str(crate::table::format_float(*f)),
                    Val::Bool(b) => Val::Str(b.to_string()),
                    other => return Err(bad(other)),
                }
            }
            "tointeger" => {
                arity(1)?;
                match &args[0] {
                    Val::Int(i) => Val::Int(*i),
                    Val::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Val::Int(f.trunc() as i64),
                    Val::Str(s) => s
                        .trim()
                        .parse::<i64>()
                        .ok()
                        .or_else(|| {
                            s.trim()
                                .parse::<f64>()
                                .ok()
                                .filter(|f| f.is_finite() && f.abs() < 9.2e18)
                                .map(|f| f as i64)
                        })
                        .map_or(Val::Null, Val::Int),
                    _ => Val::Null,
                }
            }
            "tofloat" => {
                arity(1)?;
                match &args[0] {
                    Val::Int(i) => Val::Float(*i as f64),
                    Val::Float(f) => Val::Float(*f),
                    Val::Str(s) => s.trim().parse::<f64>().map_or(Val::Null, Val::Float),
                    _ => Val::Null,
                }
            }
            // The checks before execution reject unknown functions.
            other => return Err(QueryError::new(span.clone(), format!("unknown function `{other}`"))),
        })
    }
}

pub(super) fn aggregate(name: &str, vals: Vec<Val>, span: &Span) -> Result<Val, QueryError> {
    Ok(match name {
        "count" => Val::Int(vals.len() as i64),
        "collect" => Val::List(vals),
        "min" => vals.into_iter().min_by(|a, b| a.order(b)).unwrap_or(Val::Null),
        "max" => vals.into_iter().max_by(|a, b| a.order(b)).unwrap_or(Val::Null),
        "sum" | "avg" => {
            if vals.is_empty() {
                return Ok(if name == "sum" { Val::Int(0) } else { Val::Null });
            }
            let mut int_sum: Option<i64> = Some(0);
            let mut float_sum = 0.0;
            for v in &vals {
                match v {
                    Val::Int(i) => {
                        int_sum = int_sum.and_then(|s| s.checked_add(*i));
                        float_sum += *i as f64;
                    }
                    Val::Float(f) => {
                        int_sum = None;
                        float_sum += f;
                    }
                    other => {
                        return Err(QueryError::new(
                            span.clone(),
                            format!("{name}() needs numbers, found a {}", other.type_name()),
                        ))
                    }
                }
            }
            let all_int = vals.iter().all(|v| matches!(v, Val::Int(_)));
            match (name, all_int, int_sum) {
                ("sum", true, Some(s)) => Val::Int(s),
                ("sum", true, None) => {
                    return Err(QueryError::new(span.clone(), "integer overflow in sum()"))
                }
                ("sum", false, _) => Val::Float(float_sum),
                _ => Val::Float(float_sum / vals.len() as f64),
            }
        }
        _ => Val::Null,
    })
}

pub(super) fn from_value(v: &Value) -> Val {
    match v {
        Value::Bool(b) => Val::Bool(*b),
        Value::Int(i) => Val::Int(*i),
        Value::Float(f) => Val::Float(*f),
        Value::Str(s) => Val::Str(s.clone()),
        Value::List(items) => Val::List(items.iter().map(from_value).collect()),
    }
}

/// A built-in field's value as a query value.
fn field_val(v: FieldValue<'_>) -> Val {
    match v {
        FieldValue::Null => Val::Null,
        FieldValue::Text(s) => Val::Str(s.to_string()),
        FieldValue::Number(x) => Val::Float(x),
        FieldValue::Strings(l) => Val::List(l.iter().map(|s| Val::Str(s.to_string())).collect()),
    }
}

/// A node's property: its fields first, then its `props`; null when absent.
pub fn node_prop(g: &KnowledgeGraph, n: NodeIx, key: &str) -> Val {
    let node = g.node(n);
    match fields::find(&fields::NODE, key) {
        Some(f) => field_val((f.get)(node)),
        None => node.props.get(key).map_or(Val::Null, from_value),
    }
}

/// Whether a node's property equals `want` (`=` gives true): what an inline property
/// `{key: want}` tests. Text is compared where it lies, not copied first.
pub(super) fn node_prop_is(g: &KnowledgeGraph, n: NodeIx, key: &str, want: &Val) -> bool {
    if let Val::Str(w) = want {
        let node = g.node(n);
        let text = match fields::find(&fields::NODE, key) {
            Some(f) => match (f.get)(node) {
                FieldValue::Text(s) => Some(s),
                _ => None,
            },
            None => match node.props.get(key) {
                Some(Value::Str(s)) => Some(s.as_str()),
                _ => None,
            },
        };
        if let Some(s) = text {
            return s == w;
        }
    }
    node_prop(g, n, key).equals(want) == Some(true)
}

/// A relationship's property: its fields first, then its `props`; null when absent.
pub fn rel_prop(g: &KnowledgeGraph, e: EdgeIx, key: &str) -> Val {
    let edge = g.edge(e);
    match fields::find(&fields::EDGE, key) {
        Some(f) => field_val((f.get)(edge)),
        None => edge.more().props.get(key).map_or(Val::Null, from_value),
    }
}

/// A node's non-null properties, the fields with its `props` (what `properties(n)` returns, and
/// what the Cypher export writes on the node).
pub(in crate::query) fn node_props(g: &KnowledgeGraph, n: NodeIx) -> BTreeMap<String, Val> {
    let keys = fields::NODE.iter().map(|f| f.name.to_string()).chain(g.node(n).props.keys().cloned());
    keys.filter_map(|k| Some(node_prop(g, n, &k)).filter(|v| *v != Val::Null).map(|v| (k, v))).collect()
}

/// A relationship's non-null properties.
pub(in crate::query) fn rel_props(g: &KnowledgeGraph, e: EdgeIx) -> BTreeMap<String, Val> {
    let keys = fields::EDGE.iter().map(|f| f.name.to_string()).chain(g.edge(e).more().props.keys().cloned());
    keys.filter_map(|k| Some(rel_prop(g, e, &k)).filter(|v| *v != Val::Null).map(|v| (k, v))).collect()
}
