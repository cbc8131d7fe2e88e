//! The field registry: every built-in field of a node and an edge, with its name, type and accessor.
//!
//! One table each ([`NODE`], [`EDGE`]), in the order of the data files' JSON, the query language
//! and the exports. The query checker and evaluator, `show`, `schema`, the claims table, every
//! exporter and the importers' lists of known keys read their field names, types and values from
//! here, so adding a field is one entry (and the struct member it reads). Part of the build-time
//! core (see src/lib.rs): it imports only [`crate::model`].

use crate::model::{Edge, Node, SourceId};

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free text, or a name from the schema.
    Text,
    /// A date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// A number (a float).
    Number,
    /// A list of strings.
    Strings,
}

/// A field's value, borrowed from the node or edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    /// Absent (a list is never absent, only empty).
    Null,
    /// Text or a date.
    Text(&'a str),
    /// A number.
    Number(f64),
    /// A list of strings.
    Strings(Strings<'a>),
}

/// A borrowed list of strings: plain strings or source ids.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Strings<'a> {
    /// Aliases, tags.
    Plain(&'a [String]),
    /// Cited sources.
    Sources(&'a [SourceId]),
}

impl<'a> Strings<'a> {
    /// The items, in order.
    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        let (plain, sources): (&[String], &[SourceId]) = match self {
            Strings::Plain(p) => (p, &[]),
            Strings::Sources(s) => (&[], s),
        };
        plain.iter().map(String::as_str).chain(sources.iter().map(|s| s.0.as_str()))
    }

    /// The items joined with `sep`.
    pub fn join(self, sep: &str) -> String {
        self.iter().collect::<Vec<_>>().join(sep)
    }
}

impl<'a> FieldValue<'a> {
    /// Whether the value is absent.
    pub fn is_null(self) -> bool {
        self == FieldValue::Null
    }

    /// The value as flat text: empty when absent, a list joined with `sep`.
    pub fn text(self, sep: &str) -> String {
        match self {
            FieldValue::Null => String::new(),
            FieldValue::Text(s) => s.to_string(),
            FieldValue::Number(x) => x.to_string(),
            FieldValue::Strings(l) => l.join(sep),
        }
    }
}

/// As the JSON export writes it: absent as null, a list as an array.
impl serde::Serialize for FieldValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            FieldValue::Null => s.serialize_none(),
            FieldValue::Text(t) => s.serialize_str(t),
            FieldValue::Number(x) => s.serialize_f64(x),
            FieldValue::Strings(l) => s.collect_seq(l.iter()),
        }
    }
}

/// A built-in field of `T` (a [`Node`] or an [`Edge`]).
pub struct Field<T: 'static> {
    /// Its name in the data files, the query language and the exports.
    pub name: &'static str,
    /// What it holds.
    pub ty: FieldType,
    /// Whether every node or edge states it: text that is never [`FieldValue::Null`], or a list
    /// that the dataset writer writes even when empty (the sources, which `check` asks of all).
    pub required: bool,
    /// Its value on one node or edge.
    pub get: for<'a> fn(&'a T) -> FieldValue<'a>,
}

const fn field<T>(
    name: &'static str,
    ty: FieldType,
    required: bool,
    get: for<'a> fn(&'a T) -> FieldValue<'a>,
) -> Field<T> {
    Field { name, ty, required, get }
}

fn opt<S: std::ops::Deref<Target = str>>(s: &Option<S>) -> FieldValue<'_> {
    s.as_deref().map_or(FieldValue::Null, FieldValue::Text)
}

use FieldType::{Date, Number, Strings as List, Text};

/// The fields every node has or may have, before its kind's `props`.
pub static NODE: [Field<Node>; 12] = [
    field("id", Text, true, |n| FieldValue::Text(&n.id.0)),
    field("name", Text, true, |n| FieldValue::Text(&n.name)),
    field("name_zh", Text, false, |n| opt(&n.name_zh)),
    field("layer", Text, true, |n| FieldValue::Text(&n.layer)),
    field("segment", Text, false, |n| n.segment.as_deref().map_or(FieldValue::Null, FieldValue::Text)),
    field("summary", Text, false, |n| opt(&n.summary)),
    field("start", Date, false, |n| opt(&n.start)),
    field("end", Date, false, |n| opt(&n.end)),
    field("lifecycle", Text, false, |n| n.lifecycle.map_or(FieldValue::Null, |l| FieldValue::Text(l.name()))),
    field("aliases", List, false, |n| FieldValue::Strings(Strings::Plain(&n.aliases))),
    field("tags", List, false, |n| FieldValue::Strings(Strings::Plain(&n.tags))),
    field("sources", List, true, |n| FieldValue::Strings(Strings::Sources(&n.sources))),
];

/// The fields of every edge, before its `props`.
pub static EDGE: [Field<Edge>; 9] = [
    field("share_pct", Number, false, |e| e.share_pct.map_or(FieldValue::Null, FieldValue::Number)),
    field("share_of", Text, false, |e| opt(&e.more().share_of)),
    field("as_of", Date, false, |e| opt(&e.more().as_of)),
    field("since", Date, false, |e| opt(&e.more().since)),
    field("until", Date, false, |e| opt(&e.more().until)),
    field("status", Text, false, |e| opt(&e.more().status)),
    field("confidence", Text, false, |e| opt(&e.more().confidence)),
    field("note", Text, false, |e| opt(&e.more().note)),
    field("sources", List, true, |e| FieldValue::Strings(Strings::Sources(&e.sources))),
];

/// A node's keys in the data files' order (`data/FORMAT.md`): every [`NODE`] field, with `kind`
/// (the node's label, not a field) after the id. The dataset writer and the JSON importer use it;
/// a test holds it to [`NODE`].
pub const NODE_KEYS: [&str; 13] = [
    "id",
    "kind",
    "layer",
    "segment",
    "name",
    "name_zh",
    "aliases",
    "summary",
    "start",
    "end",
    "lifecycle",
    "tags",
    "sources",
];

/// An edge's fields in the data files' order: the required ones (its sources) first, then the
/// rest in registry order.
pub fn edge_keys() -> impl Iterator<Item = &'static Field<Edge>> {
    EDGE.iter().filter(|f| f.required).chain(EDGE.iter().filter(|f| !f.required))
}

/// The field of `fields` named `name`.
pub fn find<T>(fields: &'static [Field<T>], name: &str) -> Option<&'static Field<T>> {
    fields.iter().find(|f| f.name == name)
}

/// Whether `name` is a built-in field of a node or an edge.
pub fn is_field(name: &str) -> bool {
    NODE.iter().any(|f| f.name == name) || EDGE.iter().any(|f| f.name == name)
}

/// The fields in the column order of the flat exports (CSV, GraphML, Parquet): text, dates and
/// lists first, then numbers, each in registry order.
pub fn columns<T>(fields: &'static [Field<T>]) -> impl Iterator<Item = &'static Field<T>> {
    let numbers = fields.iter().filter(|f| f.ty == Number);
    fields.iter().filter(|f| f.ty != Number).chain(numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_within_a_table() {
        let mut nodes: Vec<_> = NODE.iter().map(|f| f.name).collect();
        nodes.sort();
        nodes.dedup();
        assert_eq!(nodes.len(), NODE.len());
        let mut edges: Vec<_> = EDGE.iter().map(|f| f.name).collect();
        edges.sort();
        edges.dedup();
        assert_eq!(edges.len(), EDGE.len());
    }

    #[test]
    fn the_node_keys_name_every_node_field_once() {
        for f in &NODE {
            assert_eq!(NODE_KEYS.iter().filter(|n| **n == f.name).count(), 1, "{}", f.name);
        }
        assert_eq!(NODE_KEYS.len(), NODE.len() + 1, "the fields and the kind");
    }

    #[test]
    fn required_fields_are_never_null_and_lists_are_lists() {
        let d = crate::testing::builtin();
        for n in &d.nodes {
            for f in &NODE {
                let v = (f.get)(n);
                assert!(!(f.required && v.is_null()), "{} on {}", f.name, n.id);
                assert_eq!(f.ty == List, matches!(v, FieldValue::Strings(_)), "{}", f.name);
            }
        }
        for e in &d.edges {
            for f in &EDGE {
                let v = (f.get)(e);
                assert!(!(f.required && v.is_null()), "{}", f.name);
            }
        }
    }
}
