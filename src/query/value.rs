//! Runtime values of the query language, with Cypher's equality, comparison and ordering.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::model::{EdgeIx, NodeIx};

/// A query value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Null.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Val>),
    /// A map from `properties()`; keys sorted.
    Map(BTreeMap<String, Val>),
    /// A node.
    Node(NodeIx),
    /// A relationship.
    Rel(EdgeIx),
    /// Nodes and the relationships between them, in walking order.
    Path(Vec<NodeIx>, Vec<EdgeIx>),
}

impl Val {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "boolean",
            Val::Int(_) => "integer",
            Val::Float(_) => "float",
            Val::Str(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) => "map",
            Val::Node(_) => "node",
            Val::Rel(_) => "relationship",
            Val::Path(..) => "path",
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Val::Int(i) => Some(*i as f64),
            Val::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Cypher `=`: `None` (null) when either side is null or a list holds a null that decides it.
    pub fn equals(&self, other: &Val) -> Option<bool> {
        match (self, other) {
            (Val::Null, _) | (_, Val::Null) => None,
            (Val::Int(a), Val::Int(b)) => Some(a == b),
            (a, b) if a.number().is_some() && b.number().is_some() => Some(a.number() == b.number()),
            (Val::List(a), Val::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut unknown = false;
                for (x, y) in a.iter().zip(b) {
                    match x.equals(y) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown {
                    None
                } else {
                    Some(true)
                }
            }
            (Val::Map(a), Val::Map(b)) => {
                if a.len() != b.len() || a.keys().ne(b.keys()) {
                    return Some(false);
                }
                Val::List(a.values().cloned().collect()).equals(&Val::List(b.values().cloned().collect()))
            }
            (a, b) if std::mem::discriminant(a) == std::mem::discriminant(b) => Some(a == b),
            _ => Some(false),
        }
    }

    /// Cypher `<` and friends: `None` when the values are not comparable (null, or different
    /// types).
    pub fn compare(&self, other: &Val) -> Option<Ordering> {
        match (self, other) {
            (Val::Int(a), Val::Int(b)) => Some(a.cmp(b)),
            (a, b) if a.number().is_some() && b.number().is_some() => a.number()?.partial_cmp(&b.number()?),
            (Val::Str(a), Val::Str(b)) => Some(a.cmp(b)),
            (Val::Bool(a), Val::Bool(b)) => Some(a.cmp(b)),
            (Val::List(a), Val::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.compare(y)? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        }
    }

    /// The total order of ORDER BY (openCypher orderability): maps, nodes, relationships, lists,
    /// paths, strings, booleans, numbers, then null last. NaN sorts above every other number.
    pub fn order(&self, other: &Val) -> Ordering {
        fn rank(v: &Val) -> u8 {
            match v {
                Val::Map(_) => 0,
                Val::Node(_) => 1,
                Val::Rel(_) => 2,
                Val::List(_) => 3,
                Val::Path(..) => 4,
                Val::Str(_) => 5,
                Val::Bool(_) => 6,
                Val::Int(_) | Val::Float(_) => 7,
                Val::Null => 8,
            }
        }
        match rank(self).cmp(&rank(other)) {
            Ordering::Equal => {}
            o => return o,
        }
        match (self, other) {
            (Val::Int(a), Val::Int(b)) => a.cmp(b),
            (a, b) if a.number().is_some() => {
                let (x, y) = (a.number().unwrap_or(f64::NAN), b.number().unwrap_or(f64::NAN));
                x.total_cmp(&y)
            }
            (Val::Str(a), Val::Str(b)) => a.cmp(b),
            (Val::Bool(a), Val::Bool(b)) => a.cmp(b),
            (Val::Node(a), Val::Node(b)) | (Val::Rel(a), Val::Rel(b)) => a.cmp(b),
            (Val::List(a), Val::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.order(y) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                a.len().cmp(&b.len())
            }
            (Val::Path(na, ea), Val::Path(nb, eb)) => (na, ea).cmp(&(nb, eb)),
            (Val::Map(a), Val::Map(b)) => {
                let flat = |m: &BTreeMap<String, Val>| {
                    Val::List(m.iter().flat_map(|(k, v)| [Val::Str(k.clone()), v.clone()]).collect())
                };
                flat(a).order(&flat(b))
            }
            _ => Ordering::Equal,
        }
    }

    /// A key under which equal values group together (DISTINCT, aggregation): `1` and `1.0`
    /// group together, as Cypher's equivalence says.
    pub fn group_key(&self) -> String {
        match self {
            Val::Int(i) => format!("n{}", *i as f64),
            Val::Float(f) => format!("n{f}"),
            Val::List(items) => {
                format!("[{}]", items.iter().map(Val::group_key).collect::<Vec<_>>().join(","))
            }
            Val::Map(m) => format!(
                "{{{}}}",
                m.iter().map(|(k, v)| format!("{k:?}:{}", v.group_key())).collect::<Vec<_>>().join(",")
            ),
            other => format!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_equality_is_unknown() {
        assert_eq!(Val::Null.equals(&Val::Null), None);
        assert_eq!(Val::Int(1).equals(&Val::Float(1.0)), Some(true));
        assert_eq!(Val::Int(1).equals(&Val::Str("1".into())), Some(false));
        assert_eq!(
            Val::List(vec![Val::Int(1), Val::Null]).equals(&Val::List(vec![Val::Int(2), Val::Null])),
            Some(false)
        );
        assert_eq!(
            Val::List(vec![Val::Int(1), Val::Null]).equals(&Val::List(vec![Val::Int(1), Val::Null])),
            None
        );
    }

    #[test]
    fn ordering_puts_null_last_and_mixes_numbers() {
        let mut v = vec![Val::Null, Val::Int(2), Val::Float(1.5), Val::Str("b".into()), Val::Bool(true)];
        v.sort_by(Val::order);
        assert_eq!(v, vec![Val::Str("b".into()), Val::Bool(true), Val::Float(1.5), Val::Int(2), Val::Null]);
        assert_eq!(Val::Int(1).compare(&Val::Str("a".into())), None);
        assert_eq!(Val::Int(1).group_key(), Val::Float(1.0).group_key());
    }
}
